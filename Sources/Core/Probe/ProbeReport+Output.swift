import Foundation

extension ProbeReport {
    private struct JSONShape: Encodable {
        var requests: Int
        var errors: Int
        var handlers: [String: Int]
        var latency_ms: LatencySummary
        var missing: [String]
        var unexpected: [String]
        var gone: [String]
        var errors_by_kind: [String: Int]
        var retried: Int
        var timeline: [ProbeSecond]
        var failures: [ProbeIncident]
        var retries: [ProbeIncident]
    }

    /// The one-object JSON of `switchboard probe --json` (keys sorted).
    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let shape = JSONShape(
            requests: requests, errors: errors, handlers: handlers, latency_ms: latency.rounded(), missing: missing,
            unexpected: unexpected, gone: gone, errors_by_kind: errorsByKind, retried: retried, timeline: timeline,
            failures: failures, retries: retries)
        return (try? encoder.encode(shape)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A readable summary for people.
    package func text() -> String {
        var lines = ["\(requests) requests to \(url), \(errors) errors, \(retried) retried"]
        let answered = handlers.values.reduce(0, +)
        for (handler, count) in handlers.sorted(by: { $0.key < $1.key }) {
            let share = answered > 0 ? Double(count) * 100 / Double(answered) : 0
            lines.append("  \(handler)  \(count)  \(String(format: "%.1f", share))%")
        }
        lines.append(
            String(
                format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", latency.p50, latency.p90, latency.p99,
                latency.max))
        for (kind, count) in errorsByKind.sorted(by: { $0.key < $1.key }) {
            lines.append("  error \(kind): \(count)" + (errorDetails[kind].map { " (\($0))" } ?? ""))
        }
        if !missing.isEmpty { lines.append("missing (registered, never answered): \(missing.joined(separator: ", "))") }
        if retried > 0 {
            lines.append(
                "retried: \(retried) (a reused keep-alive connection closed before any byte of the answer; sent again "
                    + "on a fresh connection, as HTTP clients do)")
        }
        if !gone.isEmpty { lines.append("gone (answered, deregistered since): \(gone.joined(separator: ", "))") }
        if !unexpected.isEmpty {
            lines.append(
                "unexpected (answered, never registered during the run): \(unexpected.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}

extension LatencySummary {
    /// The same figures rounded to microseconds, for JSON.
    func rounded() -> LatencySummary {
        func r(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
        return LatencySummary(p50: r(p50), p90: r(p90), p99: r(p99), max: r(max))
    }
}
