import GoText

/// Keys and their values, as bytes, kept in Go's byte order of the keys, unique (by bytes: keys that differ only in
/// Unicode normalization are two keys).
///
/// The engine's mirror of the store and a template's view are this map: a prefix is a contiguous slice found by
/// binary search, so `getvs "/test/*"` needs neither a scan of every key nor a sort of the matches, and one store
/// event costs a binary search and an insert or remove instead of a re-sort.
public struct SortedKeyMap: Sendable, Equatable {
    /// The keys in byte order.
    public private(set) var keys: [GoString]
    /// `values[i]` belongs to `keys[i]`.
    public private(set) var values: [GoString]
    /// How many keys are not clean absolute paths (`path.Join("/", key)` would change them). When none are, a view
    /// under the root prefix is the map itself, shared rather than rebuilt key by key.
    public private(set) var uncleanKeyCount: Int

    /// An empty map.
    public init() {
        keys = []
        values = []
        uncleanKeyCount = 0
    }

    /// The pairs of `dictionary`, sorted once.
    public init(_ dictionary: [GoString: GoString]) {
        var keys: [GoString] = []
        keys.reserveCapacity(dictionary.count)
        for key in dictionary.keys { keys.append(key) }
        self.keys = GoFormat.sortedInByteOrder(keys)
        values = self.keys.map { dictionary[$0]! }
        uncleanKeyCount = Self.uncleanCount(self.keys)
    }

    /// Trusts that `keys` are unique and in byte order (the callers have just produced them that way).
    package init(sortedKeys keys: [GoString], values: [GoString]) {
        assert(keys.count == values.count)
        self.keys = keys
        self.values = values
        uncleanKeyCount = Self.uncleanCount(keys)
    }

    /// Builds a map from pairs in any order; when a key appears more than once, its last pair wins.
    package init(unsortedPairs pairs: [(key: GoString, value: GoString)]) {
        var keys: [GoString] = []
        var values: [GoString] = []
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        // Equal keys keep their order, so the last of them is the one left standing.
        for index in GoFormat.byteOrder(of: pairs.map(\.key)) {
            let pair = pairs[index]
            if let last = keys.last, last == pair.key {
                values[values.count - 1] = pair.value
            } else {
                keys.append(pair.key)
                values.append(pair.value)
            }
        }
        self.keys = keys
        self.values = values
        uncleanKeyCount = Self.uncleanCount(keys)
    }

    /// True when `key` is a clean absolute path, its own view key under the root prefix.
    package static func isCleanAbsolute(_ key: GoString) -> Bool {
        key.bytes.withUnsafeBufferPointer { $0.first == UInt8(ascii: "/") && GoPath.isClean($0) }
    }

    private static func uncleanCount(_ keys: [GoString]) -> Int {
        var count = 0
        for key in keys where !isCleanAbsolute(key) { count += 1 }
        return count
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value at exactly `key`, or `nil`.
    public subscript(key: GoString) -> GoString? {
        let index = lowerBound(key)
        guard index < keys.count, keys[index] == key else { return nil }
        return values[index]
    }

    /// Every pair as a dictionary (for callers that look keys up many times or compare states).
    public var dictionary: [GoString: GoString] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }

    /// Sets `key` to `value`.
    /// - Returns: true when the map changed (the key was missing or held another value).
    @discardableResult
    public mutating func set(_ value: GoString, for key: GoString) -> Bool {
        let index = lowerBound(key)
        if index < keys.count, keys[index] == key {
            guard values[index] != value else { return false }
            values[index] = value
            return true
        }
        keys.insert(key, at: index)
        values.insert(value, at: index)
        if !Self.isCleanAbsolute(key) { uncleanKeyCount += 1 }
        return true
    }

    /// Removes `key`.
    /// - Returns: the value it held, or `nil` when it was missing.
    @discardableResult
    public mutating func remove(_ key: GoString) -> GoString? {
        let index = lowerBound(key)
        guard index < keys.count, keys[index] == key else { return nil }
        let key = keys.remove(at: index)
        if !Self.isCleanAbsolute(key) { uncleanKeyCount -= 1 }
        return values.remove(at: index)
    }

    /// The position of the first key not less than `key`.
    func lowerBound(_ key: GoString) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The positions of the keys that start with `prefix` (as bytes): a contiguous run in byte order.
    public func range(withPrefix prefix: String) -> Range<Int> { range(withPrefix: GoString(prefix)) }

    /// The positions of the keys that start with `prefix`'s bytes: a contiguous run in byte order.
    public func range(withPrefix prefix: GoString) -> Range<Int> {
        guard !prefix.isEmpty else { return 0..<keys.count }
        let start = lowerBound(prefix)
        // From `start` on, keys with the prefix come first, then keys greater than every one of them.
        var low = start
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].hasPrefix(prefix) { low = middle + 1 } else { high = middle }
        }
        return start..<low
    }

    /// The pairs at `ranges` (ascending and disjoint, as `ranges(withPrefixes:)` returns them); when they cover the
    /// whole map, the map itself, sharing its storage.
    public func restricted(to ranges: [Range<Int>]) -> SortedKeyMap {
        if ranges == [0..<keys.count] || (ranges.isEmpty && keys.isEmpty) { return self }
        var keys: [GoString] = []
        var values: [GoString] = []
        let total = ranges.reduce(0) { $0 + $1.count }
        keys.reserveCapacity(total)
        values.reserveCapacity(total)
        for range in ranges {
            keys += self.keys[range]
            values += self.values[range]
        }
        var result = SortedKeyMap(sortedKeys: [], values: [])
        result.keys = keys
        result.values = values
        result.uncleanKeyCount = uncleanKeyCount == 0 ? 0 : Self.uncleanCount(keys)
        return result
    }

    /// The positions of the keys that start with any of `prefixes`, as ascending, non-overlapping ranges.
    public func ranges(withPrefixes prefixes: [String]) -> [Range<Int>] {
        ranges(withPrefixes: prefixes.map { GoString($0) })
    }

    /// The positions of the keys that start with any of `prefixes`' bytes, as ascending, non-overlapping ranges.
    public func ranges(withPrefixes prefixes: [GoString]) -> [Range<Int>] {
        let found = prefixes.map { range(withPrefix: $0) }.filter { !$0.isEmpty }.sorted {
            $0.lowerBound < $1.lowerBound
        }
        var merged: [Range<Int>] = []
        for range in found {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
