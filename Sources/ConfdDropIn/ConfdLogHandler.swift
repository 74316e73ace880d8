import Core
import Foundation
import Logging

/// Log lines in confd's shape, on standard error, so scripts and eyes used to confd read them unchanged:
/// `2026-11-25T04:52:43Z myhost switchboard[1234]: INFO Target config /etc/nginx/nginx.conf has been updated`.
public struct ConfdLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    private static let prefix: String = {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        return "\(host) switchboard[\(getpid())]:"
    }()

    public func log(event: LogEvent) {
        let time = Date().formatted(.iso8601)
        var text = "\(time) \(Self.prefix) \(Self.word(for: event.level)) \(event.message)"
        // A record's resource and revision are in its words already; JSON lines carry them as fields.
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }.filter {
            $0.key != "resource" && $0.key != "revision"
        }
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        text += "\n"
        FileHandle.standardError.write(Data(text.utf8))
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
    public static func level(parsing text: String) throws -> Logger.Level {
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
