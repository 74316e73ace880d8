/// How a role looks on the terminal, independent of ncurses: colour pair number and attributes.
package struct TextAttributes: Sendable, Hashable {
    /// 0 is the terminal's default colours; see `Theme.colorPairs`.
    package var colorPair: Int
    package var bold = false
    package var reverse = false
    package var dim = false
    package var underline = false

    package init(
        colorPair: Int = 0, bold: Bool = false, reverse: Bool = false, dim: Bool = false, underline: Bool = false
    ) {
        self.colorPair = colorPair
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }
}
