/// A terminal's size in cells.
package struct TerminalSize: Sendable, Hashable, CustomStringConvertible {
    package var width: Int
    package var height: Int

    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The smallest terminal the console draws its panels in.
    package static let minimum = TerminalSize(width: 60, height: 15)

    /// True when the panels do not fit.
    package var isTooSmall: Bool { width < Self.minimum.width || height < Self.minimum.height }

    package var description: String { "\(width)x\(height)" }
}
