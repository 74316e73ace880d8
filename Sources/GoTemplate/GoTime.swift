import Foundation
import GoText

#if canImport(Glibc)
    import Glibc
#endif

/// A Go `time.Time` as `datetime` returns it: printable as Go prints it and with the methods templates call
/// (`{{datetime.Format "2006-01-02"}}`, `.Unix`, `.Year` …).
struct GoTime: Sendable, Equatable {
    var seconds: Int64
    var nanoseconds: Int64
    /// Seconds since this process started, as Go's monotonic reading prints (`m=+0.001`); nil once stripped.
    var monotonic: Double?
    var utc = false

    private static let processStart = ContinuousClock.now

    static func now() -> GoTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let elapsed = (ContinuousClock.now - processStart)
        let monotonic = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return GoTime(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec), monotonic: monotonic)
    }

    /// Broken-down time in the local zone (or UTC).
    private var parts: (tm: tm, zone: String, offset: Int) {
        var t = time_t(seconds)
        var result = tm()
        if utc { gmtime_r(&t, &result) } else { localtime_r(&t, &result) }
        let zone = utc ? "UTC" : (result.tm_zone.map { String(cString: $0) } ?? "UTC")
        return (result, zone, utc ? 0 : Int(result.tm_gmtoff))
    }

    /// `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST m=+0.000000001`.
    var description: String {
        var text = format("2006-01-02 15:04:05.999999999 -0700 MST")
        if let monotonic { text += " m=+" + String(format: "%.9f", monotonic) }
        return text
    }

    func call(_ method: String, _ args: [Value]) throws -> Value {
        func noArgs() throws {
            guard args.isEmpty else { throw EvalError("wrong number of args for \(method): want 0 got \(args.count)") }
        }
        let (t, _, _) = parts
        switch method {
        case "Format":
            guard args.count == 1, case .string(let layout) = args[0] else {
                throw EvalError("wrong number of args for Format: want 1 got \(args.count)")
            }
            return .string(GoString(format(layout.lossyText)))
        case "String":
            try noArgs()
            return .string(GoString(description))
        case "Unix":
            try noArgs()
            return .int(seconds)
        case "UnixNano":
            try noArgs()
            return .int(seconds &* 1_000_000_000 &+ nanoseconds)
        case "UnixMilli":
            try noArgs()
            return .int(seconds &* 1000 &+ nanoseconds / 1_000_000)
        case "UTC":
            try noArgs()
            var copy = self
            copy.utc = true
            copy.monotonic = nil
            return .time(copy)
        case "Local":
            try noArgs()
            var copy = self
            copy.utc = false
            copy.monotonic = nil
            return .time(copy)
        case "Year":
            try noArgs()
            return .int(Int64(t.tm_year) + 1900)
        case "Month":
            try noArgs()
            return .string(GoString(Self.months[Int(t.tm_mon)]))
        case "Day":
            try noArgs()
            return .int(Int64(t.tm_mday))
        case "Hour":
            try noArgs()
            return .int(Int64(t.tm_hour))
        case "Minute":
            try noArgs()
            return .int(Int64(t.tm_min))
        case "Second":
            try noArgs()
            return .int(Int64(t.tm_sec))
        case "Nanosecond":
            try noArgs()
            return .int(nanoseconds)
        case "YearDay":
            try noArgs()
            return .int(Int64(t.tm_yday) + 1)
        case "Weekday":
            try noArgs()
            return .string(GoString(Self.days[Int(t.tm_wday)]))
        default:
            throw EvalError("can't evaluate field \(method) in type time.Time")
        }
    }

    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    private static let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// `time.Time.Format` with Go's reference layout (`Mon Jan 2 15:04:05 MST 2006`).
    func format(_ layout: String) -> String {
        let (t, zone, offset) = parts
        let year = Int(t.tm_year) + 1900
        let month = Int(t.tm_mon) + 1
        let day = Int(t.tm_mday)
        let hour = Int(t.tm_hour)
        let minute = Int(t.tm_min)
        let second = Int(t.tm_sec)
        func pad(_ value: Int, _ width: Int, _ fill: Character = "0") -> String {
            let text = String(value)
            return String(repeating: fill, count: max(0, width - text.count)) + text
        }
        func zoneOffset(colon: Bool, seconds: Bool, hoursOnly: Bool, z: Bool) -> String {
            if z && offset == 0 { return "Z" }
            let sign = offset < 0 ? "-" : "+"
            let value = abs(offset)
            var text = sign + pad(value / 3600, 2)
            if hoursOnly { return text }
            text += (colon ? ":" : "") + pad(value / 60 % 60, 2)
            if seconds { text += (colon ? ":" : "") + pad(value % 60, 2) }
            return text
        }
        let tokens: [(String, () -> String)] = [
            ("January", { Self.months[month - 1] }),
            ("Jan", { String(Self.months[month - 1].prefix(3)) }),
            ("Monday", { Self.days[Int(t.tm_wday)] }),
            ("Mon", { String(Self.days[Int(t.tm_wday)].prefix(3)) }),
            ("MST", { zone }),
            ("2006", { pad(year, 4) }),
            ("-07:00:00", { zoneOffset(colon: true, seconds: true, hoursOnly: false, z: false) }),
            ("-070000", { zoneOffset(colon: false, seconds: true, hoursOnly: false, z: false) }),
            ("-07:00", { zoneOffset(colon: true, seconds: false, hoursOnly: false, z: false) }),
            ("-0700", { zoneOffset(colon: false, seconds: false, hoursOnly: false, z: false) }),
            ("-07", { zoneOffset(colon: false, seconds: false, hoursOnly: true, z: false) }),
            ("Z07:00:00", { zoneOffset(colon: true, seconds: true, hoursOnly: false, z: true) }),
            ("Z070000", { zoneOffset(colon: false, seconds: true, hoursOnly: false, z: true) }),
            ("Z07:00", { zoneOffset(colon: true, seconds: false, hoursOnly: false, z: true) }),
            ("Z0700", { zoneOffset(colon: false, seconds: false, hoursOnly: false, z: true) }),
            ("Z07", { zoneOffset(colon: false, seconds: false, hoursOnly: true, z: true) }),
            ("__2", { pad(Int(t.tm_yday) + 1, 3, " ") }),
            ("002", { pad(Int(t.tm_yday) + 1, 3) }),
            ("01", { pad(month, 2) }),
            ("02", { pad(day, 2) }),
            ("_2", { pad(day, 2, " ") }),
            ("03", { pad(hour % 12 == 0 ? 12 : hour % 12, 2) }),
            ("04", { pad(minute, 2) }),
            ("05", { pad(second, 2) }),
            ("06", { pad(year % 100, 2) }),
            ("15", { pad(hour, 2) }),
            ("PM", { hour >= 12 ? "PM" : "AM" }),
            ("pm", { hour >= 12 ? "pm" : "am" }),
            ("1", { String(month) }),
            ("2", { String(day) }),
            ("3", { String(hour % 12 == 0 ? 12 : hour % 12) }),
            ("4", { String(minute) }),
            ("5", { String(second) }),
        ]
        var out = ""
        var rest = Substring(layout)
        outer: while !rest.isEmpty {
            // Fractional seconds: .000 (fixed) or .999 (trailing zeros trimmed), also with a comma.
            if let first = rest.first, first == "." || first == ",", let next = rest.dropFirst().first,
                next == "0" || next == "9"
            {
                let run = rest.dropFirst().prefix { $0 == next }
                let after = rest.dropFirst(1 + run.count).first
                if after == nil || !(after!.isNumber) {
                    let digits = String(pad(Int(nanoseconds), 9).prefix(run.count))
                    if next == "0" {
                        out += String(first) + digits
                    } else {
                        let trimmed = digits.replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
                        if !trimmed.isEmpty { out += String(first) + trimmed }
                    }
                    rest = rest.dropFirst(1 + run.count)
                    continue
                }
            }
            for (token, render) in tokens where rest.hasPrefix(token) {
                // Go: "Jan" must not be followed by a lower-case letter to count ("January" is its own token).
                if token == "Mon" || token == "Jan" || token == "MST",
                    let after = rest.dropFirst(token.count).first, after.isLowercase
                {
                    continue
                }
                out += render()
                rest = rest.dropFirst(token.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }
}
