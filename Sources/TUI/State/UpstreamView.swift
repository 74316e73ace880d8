import Core

/// The Upstream panel's content, computed once per snapshot: lines of the last render with change marks.
public struct UpstreamView: Sendable, Hashable {
    /// How a line differs from the previous render.
    public enum Mark: Sendable, Hashable { case same, added, changed }

    /// One shown line.
    public struct Line: Sendable, Hashable {
        public var mark: Mark
        public var text: String
    }

    /// The resource shown, and its destination.
    public var resource: String
    public var dest: String
    /// True when only the `upstream { ... }` block is shown, false for the whole file.
    public var isBlockOnly: Bool
    public var lines: [Line]
    /// Lines of the previous render that are gone.
    public var removedCount: Int

    /// No resource has rendered yet.
    public static let empty = UpstreamView(resource: "", dest: "", isBlockOnly: false, lines: [], removedCount: 0)

    public init(resource: String, dest: String, isBlockOnly: Bool, lines: [Line], removedCount: Int) {
        self.resource = resource
        self.dest = dest
        self.isBlockOnly = isBlockOnly
        self.lines = lines
        self.removedCount = removedCount
    }

    /// The first resource's last render; its upstream block when it has one.
    public init(status: ResourceStatus?) {
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
        // In the block view, lines a template left blank carry nothing; the whole-file view keeps them.
        let shown = range.filter { block == nil || !new[$0].allSatisfy { $0 == " " || $0 == "\t" } }
        let newSet = Set(new)
        let indent =
            range.filter { !new[$0].allSatisfy { $0 == " " } }
            .map { new[$0].prefix(while: { $0 == " " }).count }.min() ?? 0
        self.init(
            resource: status.name, dest: status.dest, isBlockOnly: block != nil,
            lines: shown.map { Line(mark: marks[$0], text: String(new[$0].dropFirst(min(indent, new[$0].count)))) },
            removedCount: old.filter { !newSet.contains($0) }.count)
    }

    static func splitLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The first `upstream NAME {` line through its closing brace.
    static func upstreamBlock(_ lines: [String]) -> Range<Int>? {
        guard
            let start = lines.firstIndex(where: {
                let trimmed = $0.trimmingPrefixWhitespace()
                return trimmed.hasPrefix("upstream ") && trimmed.contains("{")
            })
        else { return nil }
        var depth = 0
        for index in start..<lines.count {
            for character in lines[index] {
                if character == "{" { depth += 1 }
                if character == "}" { depth -= 1 }
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

extension String {
    func trimmingPrefixWhitespace() -> Substring {
        self.drop(while: { $0 == " " || $0 == "\t" })
    }
}
