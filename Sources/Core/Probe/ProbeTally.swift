import Foundation

/// Pure arithmetic of a probe: percentiles, tallies, and the comparison with the registry.
package enum ProbeTally {
    /// The nearest-rank percentile `q` (0...1) of `values`; 0 for none.
    package static func percentile(_ q: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// p50/p90/p99/max of the latencies.
    package static func latency(_ milliseconds: [Double]) -> LatencySummary {
        let sorted = milliseconds.sorted()
        return LatencySummary(
            p50: percentile(0.5, of: sorted), p90: percentile(0.9, of: sorted), p99: percentile(0.99, of: sorted),
            max: sorted.last ?? 0)
    }

    /// The addresses in one `X-Handler` value (`$upstream_addr` lists every upstream tried, in order: `a, b` or
    /// `a : b`; the last one gave the answer).
    package static func addresses(in handler: String) -> [String] {
        handler.replacingOccurrences(of: " : ", with: ",").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Builds the report. A 2xx/3xx answer with an `X-Handler` counts for that handler; an answer with another
    /// status is an error `status N`; an answer without the header is an error `no X-Handler`.
    /// - Parameters:
    ///   - registered: the addresses registered in the store at the end of the run, or `nil` when no store was
    ///     given.
    ///   - registeredBySecond: what was registered during each second of the run (read while it ran); an address
    ///     registered at any moment of the run is not `unexpected`, and one no longer registered at the end is
    ///     `gone`.
    ///   - retried: requests the probe sent again after their reused connection closed before any answer byte.
    package static func report(
        url: String, samples: [ProbeSample], registered: [String]?, registeredBySecond: [Int: [String]] = [:],
        retried: Int = 0, time: Date = Date()
    ) -> ProbeReport {
        var handlers: [String: Int] = [:]
        var errorsByKind: [String: Int] = [:]
        var seconds: [Int: ProbeSecond] = [:]
        // The answering address of each distinct `X-Handler` value, split once rather than once per sample.
        var lastAddress: [String: String] = [:]
        for sample in samples {
            var kind: String?
            var answered: String?
            switch sample.outcome {
            case .answered(let status, let handler):
                if !(200..<400).contains(status) {
                    kind = "status \(status)"
                } else if let handler, !handler.isEmpty {
                    handlers[handler, default: 0] += 1
                    if let known = lastAddress[handler] {
                        answered = known
                    } else {
                        answered = addresses(in: handler).last
                        lastAddress[handler] = answered
                    }
                } else {
                    kind = "no X-Handler"
                }
            case .failed(let failure):
                kind = failure
            }
            if let kind { errorsByKind[kind, default: 0] += 1 }
            seconds[sample.second, default: ProbeSecond(second: sample.second)].add(address: answered, error: kind)
        }
        for (second, addresses) in registeredBySecond {
            seconds[second, default: ProbeSecond(second: second)].registered = addresses.sorted()
        }
        var report = ProbeReport(
            url: url, time: time, requests: samples.count, errors: errorsByKind.values.reduce(0, +),
            handlers: handlers, latency: latency(samples.map(\.milliseconds)), errorsByKind: errorsByKind,
            missing: [], unexpected: [])
        report.retried = retried
        report.timeline = seconds.values.sorted { $0.second < $1.second }
        if let registered {
            // `a, b`: nginx tried `a`, it failed, and `b` answered. Only the last address answered, but every one of
            // them was sent traffic, so an address never registered anywhere in the list is unexpected.
            let tried = Set(handlers.keys.flatMap(addresses(in:)))
            let known = Set(registered)
            let everRegistered = registeredBySecond.values.reduce(into: known) { $0.formUnion($1) }
            report.missing = known.filter { report.answers(from: $0) == 0 }.sorted()
            report.unexpected = tried.subtracting(everRegistered).sorted()
            report.gone = tried.intersection(everRegistered).subtracting(known).sorted()
        }
        return report
    }
}

extension ProbeSecond {
    /// Counts one request of this second: an answer from `address`, or an error of `kind`.
    mutating func add(address: String?, error kind: String?) {
        if let kind { errors[kind, default: 0] += 1 }
        if let address { answers[address, default: 0] += 1 }
    }
}
