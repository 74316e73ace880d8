/// What a template sees of the store: one resource's keys, already prefix-stripped and filtered by the engine.
///
/// Functions scan the keys and sort only what matched, so building a view costs no sort of the whole store.
public struct StoreView: Sendable {
    private let index: [String: String]

    /// - Parameter pairs: key to value; keys are taken as they are (confd does not normalise them).
    public init(_ pairs: [String: String]) {
        self.index = pairs
    }

    /// Every key in byte order, each with its value.
    public var pairs: [(key: String, value: String)] {
        Self.sortedByKey(index.map { ($0.key, $0.value) })
    }

    /// `pairs` in Go's byte order of their keys (unique, so no order among equals to keep). The sort moves
    /// integers and reads keys in place: sorting the pairs themselves retained and released two strings per move,
    /// which was most of a 10,000-key render.
    static func sortedByKey(_ pairs: [(key: String, value: String)]) -> [(key: String, value: String)] {
        var order = Array(pairs.indices)
        pairs.withUnsafeBufferPointer { buffer in
            order.sort { GoFormat.goLess(buffer[$0].key, buffer[$1].key) }
        }
        return order.map { pairs[$0] }
    }

    /// The value at exactly `key`, or `nil`.
    public func value(for key: String) -> String? { index[key] }

    public var count: Int { index.count }

    /// The pairs whose key starts with `prefix`, in no particular order.
    func withPrefix(_ prefix: String) -> [(key: String, value: String)] {
        guard !prefix.isEmpty else { return index.map { ($0.key, $0.value) } }
        var result: [(key: String, value: String)] = []
        for (key, value) in index where key.hasPrefix(prefix) { result.append((key, value)) }
        return result
    }

    /// Pairs whose key matches the Go `path.Match` pattern, in key order.
    /// - Throws: `EvalError("syntax error in pattern")` for a malformed pattern when there is any key to test.
    func matching(_ pattern: String) throws -> [(key: String, value: String)] {
        guard !index.isEmpty else { return [] }
        do {
            _ = try GoPath.match(pattern, "")
        } catch {
            throw EvalError("syntax error in pattern")
        }
        // Only keys starting with the pattern's literal prefix can match.
        let literal = String(pattern.prefix { $0 != "*" && $0 != "?" && $0 != "[" && $0 != "\\" })
        var result: [(key: String, value: String)] = []
        if pattern.utf8.count == literal.utf8.count + 1, pattern.hasSuffix("*") {
            // `literal*`, the common case (`/test/*`): the rest of the key must not cross a `/`.
            let start = literal.utf8.count
            for pair in withPrefix(literal) where !pair.key.utf8.dropFirst(start).contains(UInt8(ascii: "/")) {
                result.append(pair)
            }
            return Self.sortedByKey(result)
        }
        for pair in withPrefix(literal) where (try? GoPath.match(pattern, pair.key)) == true {
            result.append(pair)
        }
        return Self.sortedByKey(result)
    }

    /// confd's `ls`: sorted unique names of the direct children of `path` (and its own name when `path` is also
    /// a key). Unlike confd, `ls "/"` lists every child of the root, not only top-level leaves.
    func list(_ path: String) -> [String] {
        let prefixTerms = Self.terms(path)
        var names = Set<String>()
        for pair in candidates(path) {
            if pair.key == path {
                names.insert(GoPath.base(pair.key))
                continue
            }
            let target = Self.terms(GoPath.dir(pair.key))
            guard Self.samePrefix(prefixTerms, target) else { continue }
            var stripped = Substring(pair.key)
            if stripped.hasPrefix(path) { stripped = stripped.dropFirst(path.count) }
            if stripped.hasPrefix("/") { stripped = stripped.dropFirst() }
            names.insert(String(stripped.split(separator: "/", omittingEmptySubsequences: false).first ?? ""))
        }
        return names.sorted(by: GoFormat.goLess)
    }

    /// confd's `lsdir`: sorted names of the children of `path` that have deeper keys. Unlike confd, `lsdir "/"`
    /// lists the root's real subdirectories.
    func listDirectories(_ path: String) -> [String] {
        let prefixTerms = Self.terms(path)
        var names = Set<String>()
        for pair in candidates(path) where pair.key.hasPrefix(path) {
            let items = Self.terms(GoPath.dir(pair.key))
            if Self.samePrefix(prefixTerms, items) && items.count - prefixTerms.count >= 1 {
                names.insert(items[prefixTerms.count])
            }
        }
        return names.sorted(by: GoFormat.goLess)
    }

    /// Keys that can be under `path`: those starting with its cleaned form.
    private func candidates(_ path: String) -> [(key: String, value: String)] {
        let cleaned = GoPath.clean(path)
        let literal = path.hasPrefix(cleaned) ? cleaned : ""
        return withPrefix(literal == "/" ? "/" : literal)
    }

    /// confd's path terms, with the root as a single empty term so that its children are found.
    private static func terms(_ path: String) -> [String] {
        let cleaned = GoPath.clean(path)
        if cleaned == "/" { return [""] }
        return cleaned.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    private static func samePrefix(_ prefix: [String], _ test: [String]) -> Bool {
        guard test.count >= prefix.count else { return false }
        for i in 0..<prefix.count where prefix[i] != test[i] { return false }
        return true
    }
}
