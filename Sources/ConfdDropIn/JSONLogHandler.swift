import Core
import Foundation
import Logging

/// How log lines are written: `text` (confd's shape, as always) or `json` (one object a line).
package enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// - Throws: `ConfdFlagError` naming the word.
    package init(parsing text: String) throws {
        guard let format = LogFormat(rawValue: text.lowercased()) else {
            throw ConfdFlagError("invalid value \"\(text)\" for -log-format: use json or text")
        }
        self = format
    }

    /// Installs the process's log handler: confd's text lines or JSON objects, on standard error.
    package func bootstrap(level: Logger.Level) {
        switch self {
        case .text: LoggingSystem.bootstrap { label in ConfdLogHandler(label: label, level: level) }
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        }
    }
}

/// One JSON object a line, for log shippers: `time` (RFC 3339, UTC, milliseconds), `level`, `message`, `resource`
/// and `revision` (`null` when the record does not concern one), `logger`, and every metadata field of the record.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where a finished line goes (standard error by default).
    package init(label: String, level: Logger.Level, write: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.logLevel = level
        self.write = write ?? { line in StandardStream.error.write(line) }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        write(
            Self.line(
                time: Date(), level: event.level, message: "\(event.message)", label: label,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }

    /// The JSON line for one record, newline included.
    package static func line(
        time: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata
    ) -> String {
        var object: [String: Any] = [
            "time": time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": level.rawValue, "message": message, "logger": label,
            "resource": NSNull(), "revision": NSNull(),
        ]
        for (key, value) in metadata { object[key] = json(value) }
        if case .string(let text)? = metadata["revision"], let number = Int64(text) { object["revision"] = number }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            return "{\"level\":\"error\",\"message\":\"unencodable log record\"}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(json)
        case .dictionary(let values): return values.mapValues(json)
        }
    }
}
