#if canImport(Glibc)
    import Glibc
#endif

/// Paths of the file system as text, and the walk of a directory tree, without Foundation's `NSString` path methods
/// and `FileManager.enumerator`.
///
/// Those bridge every path through CoreFoundation's string code and its Unicode tables, about 0.7 MB of the binary
/// that a `-onetime` run otherwise maps only to join "conf.d" to the confdir (scripts/bench-etcd measures the peak
/// RSS). The rules are NSString's for the paths Switchboard builds: components are joined with one `/`, and a
/// trailing `/` is not a component.
package enum FilePaths {
    /// `name` under `directory`: `join("/etc/confd/", "conf.d")` is `/etc/confd/conf.d`; an empty directory gives
    /// `name` itself.
    package static func join(_ directory: String, _ name: String) -> String {
        let base = trimmingTrailingSlashes(directory)
        let child = name.drop { $0 == "/" }
        if base.isEmpty { return directory.hasPrefix("/") ? "/" + child : String(child) }
        return base + "/" + child
    }

    /// The last component: `lastComponent("/a/b/")` is `b`; `/` stays `/`.
    package static func lastComponent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed.isEmpty { return path.hasPrefix("/") ? "/" : "" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The directory holding `path`: `parent("/a/b")` is `/a`, `parent("/b")` is `/`, and a bare name's parent is
    /// the empty string (the current directory; see `directory(of:)`).
    package static func parent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return path.hasPrefix("/") ? "/" : "" }
        let head = trimmingTrailingSlashes(String(trimmed[..<slash]))
        return head.isEmpty ? "/" : head
    }

    /// The directory holding `path`, as a path that can be opened: `.` for a bare name.
    package static func directory(of path: String) -> String {
        let directory = parent(path)
        return directory.isEmpty ? "." : directory
    }

    /// What is at `path` (following symbolic links): `nil` when nothing is.
    package static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    package enum Kind: Sendable, Equatable {
        case directory
        /// A regular file, or anything else that is not a directory.
        case other
    }

    /// Everything below `directory`, at any depth, as paths relative to it, in no particular order. A symbolic
    /// link to a directory is listed as a directory but not entered (as `FileManager.enumerator` does); an entry
    /// that cannot be read (a dangling link) is listed as `.other`. Unreadable subdirectories are skipped.
    package static func entries(under directory: String) -> [(relative: String, kind: Kind)] {
        var found: [(relative: String, kind: Kind)] = []
        var pending = [""]
        while let relative = pending.popLast() {
            guard let stream = opendir(relative.isEmpty ? directory : join(directory, relative)) else { continue }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                let full = join(directory, child)
                let kind = Self.kind(of: full) ?? .other
                found.append((child, kind))
                var link = stat()
                if kind == .directory, lstat(full, &link) == 0, (link.st_mode & S_IFMT) == S_IFDIR {
                    pending.append(child)
                }
            }
        }
        return found
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var end = path.endIndex
        while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
        return String(path[..<end])
    }
}
