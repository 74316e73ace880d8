import Foundation

/// A line diff between two texts, printed as a unified diff (`diff -u`), for `-noop`, the console's preview and
/// the line counts of an apply record.
package struct UnifiedDiff: Sendable, Hashable {
    /// One line of an edit script.
    package enum Line: Sendable, Hashable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The edit script from old to new.
    package let lines: [Line]

    package var addedCount: Int { lines.reduce(0) { if case .added = $1 { $0 + 1 } else { $0 } } }
    package var removedCount: Int { lines.reduce(0) { if case .removed = $1 { $0 + 1 } else { $0 } } }
    package var isEmpty: Bool { addedCount == 0 && removedCount == 0 }

    /// Beyond this many differing lines the diff stops looking for the shortest script and reports the differing
    /// middle as removed then added: still correct, just not minimal. The search keeps one row of 2d+1 positions per
    /// step d, so this bounds its memory to about limit² integers (8 MB), whatever the files' sizes.
    static let editLimit = 1000

    package init(old: String, new: String) {
        self.init(oldLines: Self.splitLines(old), newLines: Self.splitLines(new))
    }

    package init(oldLines a: [Substring], newLines b: [Substring]) {
        var prefix = 0
        while prefix < a.count, prefix < b.count, Self.same(a[prefix], b[prefix]) { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
            Self.same(a[a.count - 1 - suffix], b[b.count - 1 - suffix])
        {
            suffix += 1
        }
        var script: [Line] = a[0..<prefix].map { .same(String($0)) }
        script += Self.middle(Array(a[prefix..<(a.count - suffix)]), Array(b[prefix..<(b.count - suffix)]))
        script += a[(a.count - suffix)...].map { .same(String($0)) }
        lines = script
    }

    /// Lines are equal when their bytes are, as `diff` compares them (`==` on strings would also equate canonically
    /// equivalent spellings).
    private static func same(_ x: Substring, _ y: Substring) -> Bool {
        x.utf8.elementsEqual(y.utf8)
    }

    /// Lines as `diff` sees them: split on `\n`, a final newline does not start an empty line.
    static func splitLines(_ text: String) -> [Substring] {
        var parts: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                parts.append(Substring(text[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { parts.append(Substring(text[start...])) }
        return parts
    }

    /// Lines in `text`, counted as `diff` counts them.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        if let last = bytes.last, last != UInt8(ascii: "\n") { count += 1 }
        return count
    }

    /// The `addedCount` and `removedCount` of `UnifiedDiff(old:new:)` for these bytes, without building the script
    /// or a string per line: what an apply record needs. Lines are compared as bytes.
    ///
    /// A shortest script of D edits between n and m lines has (D + m - n) / 2 additions, so the forward search's D
    /// is enough; past `editLimit` the middle counts as all removed then all added, as in the full diff. The common
    /// head and tail are skipped as bytes first, so a one-line change in a 10,000-line file splits a few lines.
    static func lineCounts(old: [UInt8], new: [UInt8]) -> (added: Int, removed: Int) {
        old.withUnsafeBufferPointer { oldBytes in
            new.withUnsafeBufferPointer { newBytes in
                let newline = UInt8(ascii: "\n")
                let common = min(oldBytes.count, newBytes.count)
                // The lines before the first differing byte's line are the same lines in both.
                var start = commonPrefixLength(oldBytes, newBytes)
                while start > 0, oldBytes[start - 1] != newline { start -= 1 }
                // Past a newline inside the common tail, both texts end with the same lines.
                let tail = commonSuffixLength(oldBytes, newBytes, limit: common - start)
                var oldEnd = oldBytes.count
                var index = oldBytes.count - tail
                while index < oldBytes.count {
                    if oldBytes[index] == newline {
                        oldEnd = index + 1
                        break
                    }
                    index += 1
                }
                let newEnd = newBytes.count - (oldBytes.count - oldEnd)
                let a = lineRanges(oldBytes, start..<oldEnd)
                let b = lineRanges(newBytes, start..<newEnd)
                func same(_ x: Int, _ y: Int) -> Bool {
                    let left = a[x]
                    let right = b[y]
                    guard left.count == right.count else { return false }
                    guard let l = oldBytes.baseAddress, let r = newBytes.baseAddress, !left.isEmpty else { return true }
                    return memcmp(l + left.lowerBound, r + right.lowerBound, left.count) == 0
                }
                // Equal lines at either end that the byte scan left (a last line with and without its newline).
                var prefix = 0
                while prefix < a.count, prefix < b.count, same(prefix, prefix) { prefix += 1 }
                var suffix = 0
                while suffix < a.count - prefix, suffix < b.count - prefix,
                    same(a.count - 1 - suffix, b.count - 1 - suffix)
                {
                    suffix += 1
                }
                let n = a.count - prefix - suffix
                let m = b.count - prefix - suffix
                if n == 0 || m == 0 { return (m, n) }
                guard let d = editDistance(n: n, m: m, same: { same(prefix + $0, prefix + $1) }) else { return (m, n) }
                return ((d + m - n) / 2, (d - m + n) / 2)
            }
        }
    }

    /// How many leading bytes `a` and `b` share.
    private static func commonPrefixLength(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        guard common > 0, let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        var index = 0
        while index + 8 <= common,
            UnsafeRawPointer(x + index).loadUnaligned(as: UInt64.self)
                == UnsafeRawPointer(y + index).loadUnaligned(as: UInt64.self)
        {
            index += 8
        }
        while index < common, x[index] == y[index] { index += 1 }
        return index
    }

    /// How many trailing bytes `a` and `b` share, at most `limit`.
    private static func commonSuffixLength(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, limit: Int
    ) -> Int {
        guard limit > 0, let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        let xEnd = x + a.count
        let yEnd = y + b.count
        var length = 0
        while length + 8 <= limit,
            UnsafeRawPointer(xEnd - length - 8).loadUnaligned(as: UInt64.self)
                == UnsafeRawPointer(yEnd - length - 8).loadUnaligned(as: UInt64.self)
        {
            length += 8
        }
        while length < limit, xEnd[-length - 1] == yEnd[-length - 1] { length += 1 }
        return length
    }

    /// The byte ranges of the lines of `bytes[range]`, split as `splitLines` splits text; `range` starts a line.
    private static func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where bytes[index] == UInt8(ascii: "\n") {
            ranges.append(start..<index)
            start = index + 1
        }
        if start != range.upperBound { ranges.append(start..<range.upperBound) }
        return ranges
    }

    /// The number of edits in a shortest script between n and m lines (Myers' forward search), or `nil` past
    /// `editLimit`.
    private static func editDistance(n: Int, m: Int, same: (Int, Int) -> Bool) -> Int? {
        forwardSearch(n: n, m: m, same: same)
    }

    /// Myers' forward search over lines `0..<n` and `0..<m`: the number of edits in a shortest script, or `nil` past
    /// `editLimit`. `startingStep` sees the furthest points of diagonals -d...d as they are when step d begins, for
    /// a caller that walks back to recover the script.
    private static func forwardSearch(
        n: Int, m: Int, same: (Int, Int) -> Bool, startingStep: (ArraySlice<Int>) -> Void = { _ in }
    ) -> Int? {
        // Every script has at least |n - m| edits: past the limit already, so there is nothing to search (a
        // 10,000-line file replacing a 1-line one walked a thousand diagonals of it first).
        guard abs(n - m) <= editLimit else { return nil }
        let maxD = min(n + m, editLimit)
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        for d in 0...maxD {
            startingStep(v[(offset - d)...(offset + d)])
            for k in stride(from: -d, through: d, by: 2) {
                let down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
                var x = down ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, same(x, y) {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m { return d }
            }
        }
        return nil
    }

    /// Myers' greedy shortest edit script for the part between the common prefix and suffix.
    private static func middle(_ a: [Substring], _ b: [Substring]) -> [Line] {
        if a.isEmpty { return b.map { .added(String($0)) } }
        if b.isEmpty { return a.map { .removed(String($0)) } }
        let n = a.count
        let m = b.count
        // trace[d] holds v for diagonals -d...d as it was when step d began.
        var trace: [[Int]] = []
        let distance = forwardSearch(
            n: n, m: m, same: { same(a[$0], b[$1]) }, startingStep: { trace.append(Array($0)) })
        guard distance != nil else {
            return a.map { .removed(String($0)) } + b.map { .added(String($0)) }
        }
        // Walk back through the trace to recover the script.
        var script: [Line] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let row = trace[d]
            /// Diagonals outside -d...d were never reached before step d: their position is still 0.
            func v(_ k: Int) -> Int { abs(k) > d ? 0 : row[k + d] }
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v(k - 1) < v(k + 1)) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = v(previousK)
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                script.append(.same(String(a[x - 1])))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX {
                    script.append(.added(String(b[y - 1])))
                } else {
                    script.append(.removed(String(a[x - 1])))
                }
            }
            x = previousX
            y = previousY
        }
        return script.reversed()
    }

    /// The diff in `diff -u` form with `context` lines around each change; empty when nothing differs.
    package func formatted(oldName: String, newName: String, context: Int = 3) -> String {
        guard !isEmpty else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Positions (in old and new numbering) of every script line.
        var oldLine = 0
        var newLine = 0
        var positions: [(old: Int, new: Int)] = []
        positions.reserveCapacity(lines.count)
        for line in lines {
            positions.append((oldLine, newLine))
            switch line {
            case .same:
                oldLine += 1
                newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        var hunkStart = 0
        var index = 0
        while index < changed.count {
            var hunkEnd = changed[index]
            hunkStart = max(0, changed[index] - context)
            while index + 1 < changed.count, changed[index + 1] - hunkEnd <= 2 * context {
                index += 1
                hunkEnd = changed[index]
            }
            hunkEnd = min(lines.count - 1, hunkEnd + context)
            var oldCount = 0
            var newCount = 0
            var body = ""
            for line in lines[hunkStart...hunkEnd] {
                switch line {
                case .same(let text):
                    oldCount += 1
                    newCount += 1
                    body += " \(text)\n"
                case .removed(let text):
                    oldCount += 1
                    body += "-\(text)\n"
                case .added(let text):
                    newCount += 1
                    body += "+\(text)\n"
                }
            }
            let oldStart = oldCount == 0 ? positions[hunkStart].old : positions[hunkStart].old + 1
            let newStart = newCount == 0 ? positions[hunkStart].new : positions[hunkStart].new + 1
            out += "@@ -\(Self.range(oldStart, oldCount)) +\(Self.range(newStart, newCount)) @@\n" + body
            index += 1
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
