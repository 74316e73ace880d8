/// How a role looks on the terminal, independent of ncurses: colour pair number and attributes.
public struct TextAttributes: Sendable, Hashable {
    /// 0 is the terminal's default colours; see `Theme.colorPairs`.
    public var colorPair: Int
    public var bold = false
    public var reverse = false
    public var dim = false
    public var underline = false

    public init(
        colorPair: Int = 0, bold: Bool = false, reverse: Bool = false, dim: Bool = false, underline: Bool = false
    ) {
        self.colorPair = colorPair
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }
}
