import GoText

extension GoFormat {
    /// The positions of `strings` in Go's byte order (`goLess`), equal strings in their original order.
    ///
    /// Each string's first 16 bytes after the head all of them share are packed into two big-endian integers, so
    /// most comparisons are two integer compares instead of a call into the strings' storage: sorting 10,000
    /// addresses such as `10.3.39.15:8015` with `goLess` alone was the largest part of a 10,000-key render, and
    /// keys such as `/test/apache-10000` differ only after their first 14 bytes.
    static func byteOrder<S: GoBytes>(of strings: [S]) -> [Int] {
        let shared = sharedHeadLength(strings)
        var entries: [ByteOrderEntry] = []
        entries.reserveCapacity(strings.count)
        func pack(_ bytes: some Sequence<UInt8>) -> (UInt64, UInt64) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            var position = 0
            for byte in bytes {
                if position < 8 {
                    high |= UInt64(byte) << (56 - 8 * position)
                } else if position < 16 {
                    low |= UInt64(byte) << (56 - 8 * (position - 8))
                } else {
                    break
                }
                position += 1
            }
            return (high, low)
        }
        for (index, string) in strings.enumerated() {
            let (high, low) = string.withGoBytes { pack($0.dropFirst(shared).prefix(16)) }
            entries.append(ByteOrderEntry(high: high, low: low, index: index))
        }
        // Zero padding keeps the packed order consistent with byte order: where a shorter string has run out, the
        // longer one either has a byte above zero there (and is greater) or the two pack equal and the full
        // comparison below decides.
        strings.withUnsafeBufferPointer { strings in
            entries.sort { a, b in
                if a.high != b.high { return a.high < b.high }
                if a.low != b.low { return a.low < b.low }
                let (x, y) = (strings[a.index], strings[b.index])
                let order = x.withGoBytes { x in
                    y.withGoBytes { y in GoString.less(x, y) ? -1 : GoString.less(y, x) ? 1 : 0 }
                }
                if order != 0 { return order < 0 }
                return a.index < b.index
            }
        }
        return entries.map(\.index)
    }

    /// How many leading bytes every one of `strings` has in common.
    static func sharedHeadLength<S: GoBytes>(_ strings: [S]) -> Int {
        guard let first = strings.first else { return 0 }
        return first.withGoBytes { head in
            var length = head.count
            for string in strings.dropFirst() where length > 0 {
                length = string.withGoBytes { bytes in
                    var same = 0
                    while same < min(length, bytes.count), bytes[same] == head[same] { same += 1 }
                    return same
                }
            }
            return length
        }
    }

    /// `strings` in Go's byte order (`sort.Strings`).
    static func sortedInByteOrder<S: GoBytes>(_ strings: [S]) -> [S] {
        byteOrder(of: strings).map { strings[$0] }
    }
}

/// A string's position and its first 16 bytes past the shared head, packed for `byteOrder(of:)`.
private struct ByteOrderEntry {
    var high: UInt64
    var low: UInt64
    var index: Int
}
