import Foundation
import TOMLKit

/// Loads every template resource of a confd tree (`<confdir>/conf.d/**/*toml`, in lexical order) or fails before
/// anything is applied, naming the file and the problem.
package enum ResourceLoader {
    /// What loading produced.
    package struct Result: Sendable {
        package var resources: [TemplateResource]
        package var warnings: [ResourceWarning]
    }

    /// - Parameters:
    ///   - confdir: the confd directory holding `conf.d` and `templates`.
    ///   - prefix: the run's `-prefix`; when set it replaces every resource's prefix (as in confd).
    /// - Throws: `ResourceError` for a missing `conf.d`, a toml syntax error (with line and column), a missing
    ///   `src` or `dest`, a value of the wrong type, or a bad `mode`/`wait`/timeout.
    package static func load(confdir: String, prefix: String? = nil) throws -> Result {
        let confD = FilePaths.join(confdir, "conf.d")
        guard FilePaths.kind(of: confD) == .directory else {
            throw ResourceError("\(confD): no such directory (is --confdir right?)")
        }
        let names = FilePaths.entries(under: confD).filter { entry in
            entry.kind != .directory && FilePaths.lastComponent(entry.relative).hasSuffix("toml")
        }.map(\.relative)
        var resources: [TemplateResource] = []
        var warnings: [ResourceWarning] = []
        for name in names.sorted() {
            let path = FilePaths.join(confD, name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ResourceError("\(path): cannot be read")
            }
            let (resource, fileWarnings) = try parse(
                String(decoding: data, as: UTF8.self), file: path, name: name, confdir: confdir, prefix: prefix)
            resources.append(resource)
            warnings += fileWarnings
        }
        return Result(resources: resources, warnings: warnings)
    }

    static let knownFields: Set<String> = [
        "src", "dest", "keys", "prefix", "mode", "uid", "gid", "check_cmd", "reload_cmd",
        "values", "wait", "check_timeout", "reload_timeout",
    ]

    /// Parses one resource toml.
    static func parse(_ text: String, file: String, name: String, confdir: String, prefix globalPrefix: String?)
        throws -> (TemplateResource, [ResourceWarning])
    {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ResourceError("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        }
        var warnings: [ResourceWarning] = []
        for key in table.keys where key.lowercased() != "template" {
            warnings.append(ResourceWarning(file: file, field: key))
        }
        guard let templateKey = table.keys.first(where: { $0.lowercased() == "template" }),
            let template = table[templateKey]?.table
        else {
            throw ResourceError("\(file): no [template] table")
        }
        var fields: [String: TOMLValueConvertible] = [:]
        for key in template.keys {
            // confd's TOML decoder matches field names without regard to case.
            let lower = key.lowercased()
            if knownFields.contains(lower) {
                fields[lower] = template[key]
            } else {
                warnings.append(ResourceWarning(file: file, field: "template.\(key)"))
            }
        }
        func string(_ field: String) throws -> String? {
            guard let value = fields[field] else { return nil }
            guard let text = value.string else {
                throw ResourceError("\(file): \(field) must be a string, found \(value.type)")
            }
            return text
        }
        func integer(_ field: String) throws -> Int? {
            guard let value = fields[field] else { return nil }
            guard let number = value.int else {
                throw ResourceError("\(file): \(field) must be an integer, found \(value.type)")
            }
            return number
        }
        func seconds(_ field: String) throws -> Duration? {
            guard let value = fields[field] else { return nil }
            if let number = value.int, number > 0 { return .seconds(number) }
            if let number = value.double, number > 0 { return .milliseconds(Int64(number * 1000)) }
            if let text = value.string, let duration = try? GoDuration.parse(text), duration > .zero {
                return duration
            }
            throw ResourceError("\(file): \(field) must be a number of seconds above 0 or a duration like \"30s\"")
        }

        guard let src = try string("src"), !src.isEmpty else {
            throw ResourceError("\(file): src is missing (the template file under \(confdir)/templates)")
        }
        guard let dest = try string("dest"), !dest.isEmpty else {
            throw ResourceError("\(file): dest is missing (the file to write)")
        }
        var keys: [String] = []
        if let value = fields["keys"] {
            guard let array = value.array else {
                throw ResourceError("\(file): keys must be an array of strings, found \(value.type)")
            }
            for item in array {
                guard let key = item.string else {
                    throw ResourceError("\(file): keys must be an array of strings, found a \(item.type) in it")
                }
                keys.append(key)
            }
        }
        let resourcePrefix = try string("prefix")
        var prefix = globalPrefix.flatMap { $0.isEmpty ? nil : $0 } ?? resourcePrefix ?? ""
        if !prefix.hasPrefix("/") { prefix = "/" + prefix }

        var mode: UInt32?
        if let text = try string("mode") {
            guard !text.isEmpty, text.allSatisfy({ $0 >= "0" && $0 <= "7" }), let bits = UInt32(text, radix: 8),
                bits <= 0o7777
            else {
                throw ResourceError("\(file): mode \(String(reflecting: text)) is not an octal file mode like \"0644\"")
            }
            mode = bits
        }
        func owner(_ field: String) throws -> UInt32? {
            guard let id = try integer(field) else { return nil }
            if id == -1 { return nil }
            guard id >= 0, id <= Int(UInt32.max) else {
                throw ResourceError("\(file): \(field) \(id) is not a valid id")
            }
            return UInt32(id)
        }
        var wait: WaitPolicy?
        if let text = try string("wait") {
            do {
                wait = try WaitPolicy(parsing: text)
            } catch {
                throw ResourceError("\(file): wait: \(error)")
            }
        }
        var guarded = false
        if let text = try string("values") {
            guard text == "host:port" else {
                throw ResourceError("\(file): values \(String(reflecting: text)) is not known (use \"host:port\")")
            }
            guarded = true
        }
        let resource = TemplateResource(
            name: name, source: FilePaths.join(FilePaths.join(confdir, "templates"), src),
            sourceDisplayName: "templates/" + src, dest: dest, keys: keys, prefix: prefix, mode: mode,
            uid: try owner("uid"), gid: try owner("gid"), checkCommand: try string("check_cmd"),
            reloadCommand: try string("reload_cmd"), checkTimeout: try seconds("check_timeout"),
            reloadTimeout: try seconds("reload_timeout"), wait: wait, valuesMustBeAddresses: guarded)
        return (resource, warnings)
    }
}
