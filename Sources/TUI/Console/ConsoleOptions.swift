/// How the console looks and what it may do.
public struct ConsoleOptions: Sendable {
    /// Refuse every mutation (add, remove, render now).
    public var readOnly: Bool
    public var theme: Theme
    /// Where backends live in the store; new keys must be under it.
    public var backendPrefix: String

    public init(readOnly: Bool = false, theme: Theme = Theme(), backendPrefix: String = "/test/") {
        self.readOnly = readOnly
        self.theme = theme
        self.backendPrefix = backendPrefix
    }
}
