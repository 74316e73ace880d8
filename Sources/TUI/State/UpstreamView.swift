import Core

/// The Upstream panel's content, computed once per snapshot: lines of the last render with change marks.
package struct UpstreamView: Sendable, Hashable {
    /// How a line differs from the previous render.
    package enum Mark: Sendable, Hashable { case same, added, changed }

    /// One shown line.
    package struct Line: Sendable, Hashable {
        package var mark: Mark
        package var text: String
    }

    /// The resource shown, and its destination.
    package var resource: String
    package var dest: String
    /// True when only the `upstream { ... }` block is shown, false for the whole file.
    package var isBlockOnly: Bool
    package var lines: [Line]
    /// Lines of the previous render that are gone.
    package var removedCount: Int

    /// No resource has rendered yet.
    package static let empty = UpstreamView(resource: "", dest: "", isBlockOnly: false, lines: [], removedCount: 0)

    package init(resource: String, dest: String, isBlockOnly: Bool, lines: [Line], removedCount: Int) {
        self.resource = resource
        self.dest = dest
        self.isBlockOnly = isBlockOnly
        self.lines = lines
        self.removedCount = removedCount
    }

    /// The first resource's last render; its upstream block when it has one.
    package init(status: ResourceStatus?) {
        guard let status, let render = status.lastRender else {
            self = .empty
            self.resource = status?.name ?? ""
            self.dest = status?.dest ?? ""
            return
        }
        let new = Self.splitLines(render)
        let old = status.previousRender.map(Self.splitLines) ?? new
        let marks = Self.marks(old: old, new: new)
        let block = Self.upstreamBlock(new)
        let range = block ?? 0..<new.count
        // Spaces and tabs are single bytes, so these scans read UTF-8 rather than Characters: at 10,000 backends
        // grapheme breaking was most of the time a snapshot took to absorb.
        // In the block view, lines a template left blank carry nothing; the whole-file view keeps them.
        let shown = range.filter { block == nil || !new[$0].utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
        let newSet = Set(new)
        let indent =
            range.filter { !new[$0].utf8.allSatisfy { $0 == 0x20 } }
            .map { new[$0].utf8.prefix(while: { $0 == 0x20 }).count }.min() ?? 0
        self.init(
            resource: status.name, dest: status.dest, isBlockOnly: block != nil,
            lines: shown.map { Line(mark: marks[$0], text: String(Substring(new[$0].utf8.dropFirst(indent)))) },
            removedCount: old.filter { !newSet.contains($0) }.count)
    }

    static func splitLines(_ text: String) -> [String] {
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(Substring($0))
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The first `upstream NAME {` line through its closing brace.
    static func upstreamBlock(_ lines: [String]) -> Range<Int>? {
        guard
            let start = lines.firstIndex(where: {
                let trimmed = $0.utf8.drop(while: { $0 == 0x20 || $0 == 0x09 })
                return trimmed.starts(with: "upstream ".utf8) && trimmed.contains(UInt8(ascii: "{"))
            })
        else { return nil }
        var depth = 0
        for index in start..<lines.count {
            for byte in lines[index].utf8 {
                if byte == UInt8(ascii: "{") { depth += 1 }
                if byte == UInt8(ascii: "}") { depth -= 1 }
            }
            if depth <= 0 { return start..<(index + 1) }
        }
        return start..<lines.count
    }

    /// Linear-time marks: common head and tail are unchanged; in the middle a line the old middle also had is
    /// unchanged, one standing where an old line disappeared is changed (`~`), any other is added (`+`).
    static func marks(old: [String], new: [String]) -> [Mark] {
        var head = 0
        while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] {
            tail += 1
        }
        var marks = [Mark](repeating: .same, count: new.count)
        let oldMiddle = Array(old[head..<(old.count - tail)])
        let newMiddle = new[head..<(new.count - tail)]
        let oldSet = Set(oldMiddle)
        let newSet = Set(newMiddle)
        for (offset, line) in newMiddle.enumerated() where !oldSet.contains(line) {
            let replaced = offset < oldMiddle.count && !newSet.contains(oldMiddle[offset])
            marks[head + offset] = replaced ? .changed : .added
        }
        return marks
    }
}
