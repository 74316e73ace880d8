/// Durations written as Go writes them (`300ms`, `1.5s`, `2m`, `1h30m`), as confd and consul-template users
/// expect, plus a bare number meaning seconds.
package enum GoDuration {
    /// - Throws: `DurationParseError` naming the text.
    package static func parse(_ text: String) throws -> Duration {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw DurationParseError(text: text, reason: "empty duration") }
        if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite {
            return .nanoseconds(Int64(seconds * 1e9))
        }
        var total = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else {
                throw DurationParseError(text: text, reason: "expected a number before a unit (ns, us, ms, s, m, h)")
            }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default:
                throw DurationParseError(text: text, reason: "unknown unit '\(unit)' (use ns, us, ms, s, m or h)")
            }
            total += value * scale
        }
        guard total.isFinite, total < 9.2e18 else { throw DurationParseError(text: text, reason: "too long") }
        return .nanoseconds(Int64(total))
    }

    /// `1.5s`, `50ms`, `0s`.
    package static func format(_ duration: Duration) -> String {
        let nanos = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
        if nanos == 0 { return "0s" }
        if nanos >= 1e9 { return trim(nanos / 1e9) + "s" }
        if nanos >= 1e6 { return trim(nanos / 1e6) + "ms" }
        if nanos >= 1e3 { return trim(nanos / 1e3) + "µs" }
        return trim(nanos) + "ns"
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

/// A duration that could not be read.
package struct DurationParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package var text: String
    package var reason: String
    package var description: String { "invalid duration \"\(text)\": \(reason)" }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension Duration {
    /// The duration in seconds as a `Double`, for records and logs.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
