extension GoCaseTable {
    /// `rune` mapped by `table` (`upper` or `lower`): the run holding it, found by binary search, adds its delta.
    static func map(_ rune: UInt32, _ table: [Int32]) -> UInt32 {
        let value = Int32(bitPattern: rune)
        var low = 0
        var high = table.count / 4
        while low < high {
            let middle = (low + high) / 2
            if table[middle * 4] <= value { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return rune }
        let run = (low - 1) * 4
        let (first, last, stride, delta) = (table[run], table[run + 1], table[run + 2], table[run + 3])
        guard value <= last, (value - first) % stride == 0 else { return rune }
        return UInt32(bitPattern: value + delta)
    }
}
