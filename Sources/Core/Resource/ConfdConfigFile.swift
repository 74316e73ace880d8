import Foundation
import TOMLKit

/// confd's `confd.toml`: the settings it may hold, each `nil` when absent, so the command line can win over it.
package struct ConfdConfigFile: Sendable, Equatable {
    package var backend: String?
    package var confdir: String?
    package var interval: Int?
    package var nodes: [String]?
    package var files: [String]?
    package var filter: String?
    package var prefix: String?
    package var watch: Bool?
    package var noop: Bool?
    package var syncOnly: Bool?
    package var logLevel: String?
    package var clientCert: String?
    package var clientKey: String?
    package var clientCAKeys: String?
    package var username: String?
    package var password: String?
    /// Keys this file sets that Switchboard does not use (other backends' settings), for a warning.
    package var ignored: [String] = []

    package init() {}

    /// Reads the file at `path`.
    /// - Throws: `ResourceError` naming the file, line and key.
    package static func load(_ path: String) throws -> ConfdConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResourceError("\(path): cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> ConfdConfigFile {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ResourceError("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        }
        var config = ConfdConfigFile()
        func string(_ key: String) throws -> String {
            guard let value = table[key]?.string else { throw ResourceError("\(file): \(key) must be a string") }
            return value
        }
        func bool(_ key: String) throws -> Bool {
            guard let value = table[key]?.bool else { throw ResourceError("\(file): \(key) must be true or false") }
            return value
        }
        func strings(_ key: String) throws -> [String] {
            if let single = table[key]?.string { return [single] }
            guard let array = table[key]?.array else {
                throw ResourceError("\(file): \(key) must be an array of strings")
            }
            return try array.map {
                guard let text = $0.string else { throw ResourceError("\(file): \(key) must be an array of strings") }
                return text
            }
        }
        for key in table.keys {
            switch key {
            case "backend": config.backend = try string(key)
            case "confdir": config.confdir = try string(key)
            case "interval":
                guard let value = table[key]?.int, value > 0 else {
                    throw ResourceError("\(file): interval must be a whole number of seconds above 0")
                }
                config.interval = value
            case "nodes": config.nodes = try strings(key)
            case "file": config.files = try strings(key)
            case "filter": config.filter = try string(key)
            case "prefix": config.prefix = try string(key)
            case "watch": config.watch = try bool(key)
            case "noop": config.noop = try bool(key)
            case "sync-only", "sync_only": config.syncOnly = try bool(key)
            case "log-level", "log_level": config.logLevel = try string(key)
            case "client_cert": config.clientCert = try string(key)
            case "client_key": config.clientKey = try string(key)
            case "client_cakeys": config.clientCAKeys = try string(key)
            case "username": config.username = try string(key)
            case "password": config.password = try string(key)
            default: config.ignored.append(key)
            }
        }
        return config
    }
}
