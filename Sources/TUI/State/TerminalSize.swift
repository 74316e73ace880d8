/// A terminal's size in cells.
public struct TerminalSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The smallest terminal the console draws its panels in.
    public static let minimum = TerminalSize(width: 60, height: 15)

    /// True when the panels do not fit.
    public var isTooSmall: Bool { width < Self.minimum.width || height < Self.minimum.height }

    public var description: String { "\(width)x\(height)" }
}
