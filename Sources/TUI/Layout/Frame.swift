/// One cell of a frame.
package struct Cell: Sendable, Hashable {
    package var character: Character
    package var role: Role

    package init(_ character: Character, _ role: Role = .normal) {
        self.character = character
        self.role = role
    }
}

/// A rectangle in cells.
package struct Rect: Sendable, Hashable {
    package var x: Int
    package var y: Int
    package var width: Int
    package var height: Int

    package init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The rectangle inside a one-cell border.
    package var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }
}

/// A whole screen as styled cells: what `Layout` produces and `Terminal` draws.
package struct Frame: Sendable, Hashable {
    package let width: Int
    package let height: Int
    package private(set) var rows: [[Cell]]

    package init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        rows = Array(repeating: Array(repeating: Cell(" "), count: self.width), count: self.height)
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` (and the frame); returns the number of cells written.
    @discardableResult
    package mutating func put(_ text: String, x: Int, y: Int, role: Role = .normal, maxWidth: Int = Int.max) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth, width - x)
        var column = x
        var written = 0
        for character in text where written < limit {
            if column >= 0 { rows[y][column] = Cell(character == "\t" ? " " : character, role) }
            column += 1
            written += 1
        }
        return written
    }

    /// Fills a rectangle with `character`.
    package mutating func fill(_ rect: Rect, _ character: Character = " ", role: Role = .normal) {
        for row in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for column in max(0, rect.x)..<min(width, rect.x + rect.width) {
                rows[row][column] = Cell(character, role)
            }
        }
    }

    /// Changes the role of a row segment without touching its characters.
    package mutating func restyle(y: Int, x: Int, width count: Int, role: Role) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) { rows[y][column].role = role }
    }

    /// The frame as plain text, one line per row, trailing spaces kept: what snapshot tests compare.
    package var text: String {
        rows.map { String($0.map(\.character)) }.joined(separator: "\n")
    }
}
