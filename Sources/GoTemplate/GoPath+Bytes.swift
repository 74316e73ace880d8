import GoText

/// Go's `path.Clean`, `Base`, `Dir` and `Join` over bytes, as Go runs them on strings: store keys are any bytes,
/// and nothing here may decode, normalise or replace them.
extension GoPath {
    static func clean(_ path: GoString) -> GoString {
        path.withGoBytes { bytes in
            if bytes.isEmpty { return "." }
            if isClean(bytes) { return path }
            return GoString(cleaned(bytes))
        }
    }

    private static func cleaned(_ path: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let rooted = path.first == slash
        let n = path.count
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var r = 0
        // Where `..` may no longer remove an element: past the root, or past leading `..`s of a relative path.
        var floor = 0
        if rooted {
            out.append(slash)
            r = 1
            floor = 1
        }
        while r < n {
            if path[r] == slash {
                r += 1
            } else if path[r] == dot, r + 1 == n || path[r + 1] == slash {
                r += 1
            } else if path[r] == dot, path[r + 1] == dot, r + 2 == n || path[r + 2] == slash {
                r += 2
                if out.count > floor {
                    // Back to the slash before the last element, that slash included.
                    var end = out.count - 1
                    while end > floor, out[end] != slash { end -= 1 }
                    out.removeSubrange(end...)
                } else if !rooted {
                    if !out.isEmpty { out.append(slash) }
                    out += [dot, dot]
                    floor = out.count
                }
            } else {
                if (rooted && out.count != 1) || (!rooted && !out.isEmpty) { out.append(slash) }
                while r < n, path[r] != slash {
                    out.append(path[r])
                    r += 1
                }
            }
        }
        return out.isEmpty ? [dot] : out
    }

    static func base(_ path: GoString) -> GoString {
        var bytes = path.bytes[...]
        if bytes.isEmpty { return "." }
        while bytes.last == UInt8(ascii: "/") { bytes = bytes.dropLast() }
        if bytes.isEmpty { return "/" }
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { return GoString(bytes[(slash + 1)...]) }
        return GoString(bytes)
    }

    static func dir(_ path: GoString) -> GoString {
        guard let slash = path.bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return clean(GoString(path.bytes[...slash]))
    }

    /// `path.Join("/", element)`: how confd names a key under a resource's prefix.
    package static func rooted(_ element: GoString) -> GoString {
        if element.isEmpty { return "/" }
        if element.bytes.first == UInt8(ascii: "/") { return clean(element) }
        return clean("/" + element)
    }

    /// The elements of a path split at every `/` (Go's `strings.Split(path, "/")`).
    static func elements(_ path: GoString) -> [GoString] {
        path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { GoString($0) }
    }
}
