import GoText
import Synchronization

/// The order `getvs` sorted a pattern's values in at the last render, so that the next render re-sorts only what
/// changed.
///
/// A watched store changes a key or two between renders, yet `getvs "/test/*"` over 10,000 backends sorted all
/// 10,000 values every time: the largest part of such an apply. The keys come in byte order, so one merge walk
/// over the old and new keys finds what was added, removed or changed; the unchanged values keep their relative
/// order, and only the changed ones are placed again by binary search. When much changed, a full sort is cheaper
/// and is done instead. The result is always exactly the full sort's (values in byte order, equal values by key).
public final class ValueOrderCache: Sendable {
    private struct Entry: Sendable {
        var keys: [GoString]
        var values: [GoString]
        var order: [Int]
    }

    /// Patterns remembered at most; a template building patterns on the fly starts over past this.
    static let patternLimit = 64
    private let entries = Mutex<[GoString: Entry]>([:])

    public init() {}

    /// The positions of `values` in byte order (equal values by position), as `GoFormat.byteOrder(of:)` gives.
    /// - Parameters:
    ///   - keys: the matched keys, in byte order and unique; `values[i]` belongs to `keys[i]`.
    func order(of pattern: GoString, keys: [GoString], values: [GoString]) -> [Int] {
        let previous = entries.withLock { $0[pattern] }
        let order =
            previous.flatMap { Self.patched($0, keys: keys, values: values) } ?? GoFormat.byteOrder(of: values)
        entries.withLock { entries in
            if entries[pattern] == nil, entries.count >= Self.patternLimit { entries.removeAll() }
            entries[pattern] = Entry(keys: keys, values: values, order: order)
        }
        return order
    }

    /// The new order from the old one, or `nil` when so much changed that sorting from scratch is cheaper.
    private static func patched(_ old: Entry, keys: [GoString], values: [GoString]) -> [Int]? {
        let limit = max(16, keys.count / 16)
        // Where each old position went, or -1 when its key went or its value changed.
        var moved = [Int](repeating: -1, count: old.keys.count)
        var placeAgain: [Int] = []
        var i = 0
        var j = 0
        while j < keys.count {
            if i < old.keys.count, old.keys[i] == keys[j] {
                if old.values[i] == values[j] { moved[i] = j } else { placeAgain.append(j) }
                i += 1
                j += 1
            } else if i < old.keys.count, old.keys[i] < keys[j] {
                i += 1
            } else {
                placeAgain.append(j)
                j += 1
            }
            if placeAgain.count > limit { return nil }
        }
        var order: [Int] = []
        order.reserveCapacity(keys.count)
        // Positions only ever shift together, so the kept ones stay in order, equal values included.
        for position in old.order where moved[position] >= 0 { order.append(moved[position]) }
        for position in placeAgain {
            let value = values[position]
            var low = 0
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                let other = order[middle]
                let otherValue = values[other]
                let before =
                    otherValue < value || (other < position && !(value < otherValue))
                if before { low = middle + 1 } else { high = middle }
            }
            order.insert(position, at: low)
        }
        return order
    }
}
