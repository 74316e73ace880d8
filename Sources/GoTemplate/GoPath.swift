import GoText

/// Go's `path` package: `Clean`, `Base`, `Dir` and `Match`, as confd's functions use them.
package enum GoPath {
    package static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        if isClean(path) { return path }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// True when `clean` would return `path` unchanged: no empty, `.` or `..` element and no trailing `/`.
    /// Every store key passes through here, so it reads the bytes in place rather than through `String.UTF8View`.
    package static func isClean(_ path: String) -> Bool {
        path.withUTF8Bytes { isClean($0) }
    }

    /// `isClean` of a path's bytes.
    package static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count == 1, bytes[0] == UInt8(ascii: "/") { return true }
        var length = 0
        var dots = 0
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "/") {
                if offset == 0 { continue }
                if length == 0 || (length == dots && length <= 2) { return false }
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length > 0 && !(length == dots && length <= 2)
    }

    static func base(_ path: String) -> String {
        if path.isEmpty { return "." }
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty { return "/" }
        if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
        return String(trimmed)
    }

    static func dir(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return clean(String(path[...slash]))
    }

    struct BadPattern: Error {}

    /// `path.Match`: `*` and `?` never cross `/`; `[...]` classes with `^` negation and ranges; `\` escapes.
    /// - Throws: `BadPattern` for a malformed pattern (checked even when the name does not match).
    package static func match(_ pattern: String, _ name: String) throws -> Bool {
        var pattern = Array(pattern.unicodeScalars)[...]
        var name = Array(name.unicodeScalars)[...]
        outer: while !pattern.isEmpty {
            let (star, chunk, rest) = scanChunk(pattern)
            pattern = rest
            if star && chunk.isEmpty {
                return !name.contains("/")
            }
            let (t, ok) = try matchChunk(chunk, name)
            if ok && (t.isEmpty || !pattern.isEmpty) {
                name = t
                continue
            }
            if star {
                var i = name.startIndex
                while i < name.endIndex && name[i] != "/" {
                    let (t, ok) = try matchChunk(chunk, name[(i + 1)...])
                    if ok {
                        if pattern.isEmpty && !t.isEmpty {
                            i += 1
                            continue
                        }
                        name = t
                        continue outer
                    }
                    i += 1
                }
            }
            // Before answering false, make sure the rest of the pattern is well formed.
            while !pattern.isEmpty {
                let (_, chunk, rest) = scanChunk(pattern)
                pattern = rest
                _ = try matchChunk(chunk, [][...])
            }
            return false
        }
        return name.isEmpty
    }

    private static func scanChunk(_ pattern: ArraySlice<Unicode.Scalar>) -> (
        Bool, ArraySlice<Unicode.Scalar>, ArraySlice<Unicode.Scalar>
    ) {
        var pattern = pattern
        var star = false
        while pattern.first == "*" {
            pattern = pattern.dropFirst()
            star = true
        }
        var inRange = false
        var i = pattern.startIndex
        scan: while i < pattern.endIndex {
            switch pattern[i] {
            case "\\":
                if i + 1 < pattern.endIndex { i += 1 }
            case "[": inRange = true
            case "]": inRange = false
            case "*": if !inRange { break scan }
            default: break
            }
            i += 1
        }
        return (star, pattern[pattern.startIndex..<i], pattern[i...])
    }

    private static func matchChunk(_ chunk: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) throws -> (
        ArraySlice<Unicode.Scalar>, Bool
    ) {
        var chunk = chunk
        var s = s
        var failed = false
        while !chunk.isEmpty {
            if !failed && s.isEmpty { failed = true }
            switch chunk.first! {
            case "[":
                var r: Unicode.Scalar = "\u{0}"
                if !failed {
                    r = s.first!
                    s = s.dropFirst()
                }
                chunk = chunk.dropFirst()
                var negated = false
                if chunk.first == "^" {
                    negated = true
                    chunk = chunk.dropFirst()
                }
                var matched = false
                var ranges = 0
                while true {
                    if !chunk.isEmpty && chunk.first == "]" && ranges > 0 {
                        chunk = chunk.dropFirst()
                        break
                    }
                    let lo: Unicode.Scalar
                    (lo, chunk) = try getEscape(chunk)
                    var hi = lo
                    if chunk.first == "-" {
                        (hi, chunk) = try getEscape(chunk.dropFirst())
                    }
                    if lo.value <= r.value && r.value <= hi.value { matched = true }
                    ranges += 1
                }
                if matched == negated { failed = true }
            case "?":
                if !failed {
                    if s.first == "/" { failed = true }
                    s = s.dropFirst()
                }
                chunk = chunk.dropFirst()
            case "\\":
                chunk = chunk.dropFirst()
                if chunk.isEmpty { throw BadPattern() }
                fallthrough
            default:
                if !failed {
                    if chunk.first != s.first { failed = true }
                    s = s.dropFirst()
                }
                chunk = chunk.dropFirst()
            }
        }
        return failed ? ([][...], false) : (s, true)
    }

    private static func getEscape(_ chunk: ArraySlice<Unicode.Scalar>) throws -> (
        Unicode.Scalar, ArraySlice<Unicode.Scalar>
    ) {
        var chunk = chunk
        guard let first = chunk.first, first != "-", first != "]" else { throw BadPattern() }
        if first == "\\" {
            chunk = chunk.dropFirst()
            guard !chunk.isEmpty else { throw BadPattern() }
        }
        let r = chunk.first!
        chunk = chunk.dropFirst()
        if chunk.isEmpty { throw BadPattern() }
        return (r, chunk)
    }
}
