import Foundation
import GoText

/// What a template sees of the store: one resource's keys, already prefix-stripped and filtered by the engine.
///
/// The keys are held in byte order, so a prefix is a binary-searched slice: functions neither scan every key nor
/// sort what matched.
public struct StoreView: Sendable {
    private let map: SortedKeyMap
    private let orderCache: ValueOrderCache?

    /// - Parameter pairs: key to value; keys are taken as they are (confd does not normalise them).
    public init(_ pairs: [GoString: GoString]) {
        self.map = SortedKeyMap(pairs)
        orderCache = nil
    }

    /// A view over keys the engine already holds in byte order.
    /// - Parameter orderCache: where `getvs` remembers its last sort, when the same resource renders again and
    ///   again (the engine keeps one per resource).
    public init(_ map: SortedKeyMap, orderCache: ValueOrderCache? = nil) {
        self.map = map
        self.orderCache = orderCache
    }

    /// Every key in byte order, each with its value.
    public var pairs: [(key: GoString, value: GoString)] {
        Array(zip(map.keys, map.values).map { (key: $0, value: $1) })
    }

    /// The value at exactly `key`, or `nil`.
    public func value(for key: GoString) -> GoString? { map[key] }

    public var count: Int { map.count }

    /// The pairs whose key starts with `prefix`, in key order.
    func withPrefix(_ prefix: GoString) -> [(key: GoString, value: GoString)] {
        let range = map.range(withPrefix: prefix)
        var result: [(key: GoString, value: GoString)] = []
        result.reserveCapacity(range.count)
        for index in range { result.append((map.keys[index], map.values[index])) }
        return result
    }

    /// Pairs whose key matches the Go `path.Match` pattern, in key order.
    /// - Throws: `EvalError("syntax error in pattern")` for a malformed pattern when there is any key to test.
    func matching(_ pattern: GoString) throws -> [(key: GoString, value: GoString)] {
        try matchingPositions(pattern).map { (map.keys[$0], map.values[$0]) }
    }

    /// The values of `matching(pattern)` in byte order, as the list `getvs` returns (ordered once, not as a sorted
    /// array of strings first: a 10,000-value list per render).
    func sortedMatchingValues(_ pattern: GoString) throws -> [GoString] {
        let positions = try matchingPositions(pattern)
        let values = positions.map { map.values[$0] }
        guard let orderCache else { return GoFormat.byteOrder(of: values).map { values[$0] } }
        let order = orderCache.order(of: pattern, keys: positions.map { map.keys[$0] }, values: values)
        return order.map { values[$0] }
    }

    private func matchingPositions(_ pattern: GoString) throws -> [Int] {
        guard !map.isEmpty else { return [] }
        let text = pattern.lossyText
        do {
            _ = try GoPath.match(text, "")
        } catch {
            throw EvalError("syntax error in pattern")
        }
        // Only keys starting with the pattern's literal prefix can match, and they are one slice.
        let special: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "\\")]
        let literal = GoString(pattern.bytes.prefix { !special.contains($0) })
        let range = map.range(withPrefix: literal)
        var result: [Int] = []
        result.reserveCapacity(range.count)
        if pattern.count == literal.count + 1, pattern.bytes.last == UInt8(ascii: "*") {
            // `literal*`, the common case (`/test/*`): the rest of the key must not cross a `/`.
            let start = literal.count
            for index in range where !Self.hasSlash(map.keys[index], after: start) { result.append(index) }
            return result
        }
        for index in range where (try? GoPath.match(text, map.keys[index].lossyText)) == true {
            result.append(index)
        }
        return result
    }

    /// True when `key` has a `/` past its first `offset` bytes.
    private static func hasSlash(_ key: GoString, after offset: Int) -> Bool {
        key.withGoBytes { bytes in
            bytes.count > offset
                && memchr(bytes.baseAddress! + offset, Int32(UInt8(ascii: "/")), bytes.count - offset) != nil
        }
    }

    /// confd's `ls`: sorted unique names of the direct children of `path` (and its own name when `path` is also
    /// a key). Unlike confd, `ls "/"` lists every child of the root, not only top-level leaves.
    func list(_ path: GoString) -> [GoString] {
        let prefixTerms = Self.terms(path)
        var names = Set<GoString>()
        for pair in candidates(path) {
            if pair.key == path {
                names.insert(GoPath.base(pair.key))
                continue
            }
            let target = Self.terms(GoPath.dir(pair.key))
            guard Self.samePrefix(prefixTerms, target) else { continue }
            var stripped = pair.key.bytes[...]
            if pair.key.hasPrefix(path) { stripped = stripped.dropFirst(path.count) }
            if stripped.first == UInt8(ascii: "/") { stripped = stripped.dropFirst() }
            names.insert(GoString(stripped.prefix { $0 != UInt8(ascii: "/") }))
        }
        return names.sorted()
    }

    /// confd's `lsdir`: sorted names of the children of `path` that have deeper keys. Unlike confd, `lsdir "/"`
    /// lists the root's real subdirectories.
    func listDirectories(_ path: GoString) -> [GoString] {
        let prefixTerms = Self.terms(path)
        var names = Set<GoString>()
        for pair in candidates(path) where pair.key.hasPrefix(path) {
            let items = Self.terms(GoPath.dir(pair.key))
            if Self.samePrefix(prefixTerms, items) && items.count - prefixTerms.count >= 1 {
                names.insert(items[prefixTerms.count])
            }
        }
        return names.sorted()
    }

    /// Keys that can be under `path`: those starting with its cleaned form.
    private func candidates(_ path: GoString) -> [(key: GoString, value: GoString)] {
        let cleaned = GoPath.clean(path)
        return withPrefix(path.hasPrefix(cleaned) ? cleaned : "")
    }

    /// confd's path terms, with the root as a single empty term so that its children are found.
    private static func terms(_ path: GoString) -> [GoString] {
        let cleaned = GoPath.clean(path)
        if cleaned == "/" { return [""] }
        return GoPath.elements(cleaned)
    }

    private static func samePrefix(_ prefix: [GoString], _ test: [GoString]) -> Bool {
        guard test.count >= prefix.count else { return false }
        for i in 0..<prefix.count where prefix[i] != test[i] { return false }
        return true
    }
}
