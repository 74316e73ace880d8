import Core
import Foundation
import Logging

/// Log lines in confd's shape, on standard error, so scripts and eyes used to confd read them unchanged:
/// `2026-11-25T04:52:43Z myhost switchboard[1234]: INFO Target config /etc/nginx/nginx.conf has been updated`.
package struct ConfdLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    private let label: String

    package init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The host name as confd's (Go's `os.Hostname`, the kernel's node name), up to its first dot. Not
    /// `ProcessInfo.hostName`, which also asks the resolver for a canonical name.
    private static let prefix: String = {
        var name = [CChar](repeating: 0, count: 256)
        let node = gethostname(&name, name.count - 1) == 0 ? String(cString: name) : ""
        let host = node.split(separator: ".").first.map(String.init) ?? "localhost"
        return "\(host) switchboard[\(getpid())]:"
    }()

    /// `seconds` since 1970 in UTC as `2026-11-25T04:52:43Z` (what `Date.formatted(.iso8601)` prints), from the C
    /// library: Foundation's formatting touched a megabyte of code and tables, a twentieth of a `-onetime` run's
    /// resident memory, to print three log lines.
    static func timestamp(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "" }
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.tm_year + 1900, 4) + "-" + padded(parts.tm_mon + 1, 2) + "-" + padded(parts.tm_mday, 2)
            + "T" + padded(parts.tm_hour, 2) + ":" + padded(parts.tm_min, 2) + ":" + padded(parts.tm_sec, 2) + "Z"
    }

    package func log(event: LogEvent) {
        let time = Self.timestamp(Int(Date().timeIntervalSince1970.rounded(.down)))
        var text = "\(time) \(Self.prefix) \(Self.word(for: event.level)) \(event.message)"
        // A record's resource and revision are in its words already; JSON lines carry them as fields.
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }.filter {
            $0.key != "resource" && $0.key != "revision"
        }
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        text += "\n"
        StandardStream.error.write(text)
    }

    /// confd's level words.
    static func word(for level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "DEBUG"
        case .info, .notice: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "FATAL"
        }
    }

    /// confd's `-log-level` words (`debug`, `info`, `warn`, `error`, and logrus's others).
    /// - Throws: `ConfdFlagError` naming the word.
    package static func level(parsing text: String) throws -> Logger.Level {
        switch text.lowercased() {
        case "trace": return .trace
        case "debug": return .debug
        case "", "info": return .info
        case "warn", "warning": return .warning
        case "error": return .error
        case "fatal", "panic": return .critical
        default:
            throw ConfdFlagError("invalid value \"\(text)\" for -log-level: use debug, info, warn or error")
        }
    }
}
