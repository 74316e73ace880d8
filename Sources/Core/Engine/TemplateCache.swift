import Foundation
import GoTemplate

#if canImport(Glibc)
    import Glibc
#endif

/// Parsed templates, keyed by path and re-parsed only when the file changes on disk (its inode, size or
/// modification time), so a render costs no parse.
struct TemplateCache {
    private struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: Int64
    }

    private var entries: [String: (stamp: Stamp, template: Template)] = [:]
    private var commands: [String: Template] = [:]

    /// The template at `path`, parsed with `displayName` in its errors.
    /// - Throws: `TemplateError` for a bad template, `TemplateFileError` when the file cannot be read.
    mutating func template(at path: String, displayName: String) throws -> Template {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TemplateFileError(path: displayName, reason: String(cString: strerror(errno)))
        }
        let stamp = Stamp(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        if let entry = entries[path], entry.stamp == stamp { return entry.template }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateFileError(path: displayName, reason: "cannot be read")
        }
        let template = try Template(source: [UInt8](data), name: displayName)
        entries[path] = (stamp, template)
        return template
    }

    /// A `check_cmd` template, parsed once.
    mutating func command(_ source: String, resource: String) throws -> Template {
        if let template = commands[source] { return template }
        let template = try Template(source: source, name: "\(resource): check_cmd")
        commands[source] = template
        return template
    }
}

/// A template file that could not be read.
package struct TemplateFileError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "\(path): \(reason)" }
}
