import Foundation

/// Pure arithmetic of a probe: percentiles, tallies, and the comparison with the registry.
public enum ProbeTally {
    /// The nearest-rank percentile `q` (0...1) of `values`; 0 for none.
    public static func percentile(_ q: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// p50/p90/p99/max of the latencies.
    public static func latency(_ milliseconds: [Double]) -> LatencySummary {
        let sorted = milliseconds.sorted()
        return LatencySummary(
            p50: percentile(0.5, of: sorted), p90: percentile(0.9, of: sorted), p99: percentile(0.99, of: sorted),
            max: sorted.last ?? 0)
    }

    /// The addresses in one `X-Handler` value (`$upstream_addr` lists every upstream tried, in order: `a, b` or
    /// `a : b`; the last one gave the answer).
    public static func addresses(in handler: String) -> [String] {
        handler.replacingOccurrences(of: " : ", with: ",").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Builds the report. A 2xx/3xx answer with an `X-Handler` counts for that handler; an answer with another
    /// status is an error `status N`; an answer without the header is an error `no X-Handler`.
    /// - Parameter registered: the addresses registered in the store, or `nil` when no store was given.
    public static func report(url: String, samples: [ProbeSample], registered: [String]?, time: Date = Date())
        -> ProbeReport
    {
        var handlers: [String: Int] = [:]
        var errorsByKind: [String: Int] = [:]
        for sample in samples {
            switch sample.outcome {
            case .answered(let status, let handler):
                if !(200..<400).contains(status) {
                    errorsByKind["status \(status)", default: 0] += 1
                } else if let handler, !handler.isEmpty {
                    handlers[handler, default: 0] += 1
                } else {
                    errorsByKind["no X-Handler", default: 0] += 1
                }
            case .failed(let kind):
                errorsByKind[kind, default: 0] += 1
            }
        }
        var report = ProbeReport(
            url: url, time: time, requests: samples.count, errors: errorsByKind.values.reduce(0, +),
            handlers: handlers, latency: latency(samples.map(\.milliseconds)), errorsByKind: errorsByKind,
            missing: [], unexpected: [])
        if let registered {
            // `a, b`: nginx tried `a`, it failed, and `b` answered. Only the last address answered, but every one of
            // them was sent traffic, so an unregistered address anywhere in the list is unexpected.
            let tried = Set(handlers.keys.flatMap(addresses(in:)))
            let known = Set(registered)
            report.missing = known.filter { report.answers(from: $0) == 0 }.sorted()
            report.unexpected = tried.subtracting(known).sorted()
        }
        return report
    }
}
