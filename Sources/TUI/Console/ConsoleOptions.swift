/// How the console looks and what it may do.
package struct ConsoleOptions: Sendable {
    /// Refuse every mutation (add, remove, render now).
    package var readOnly: Bool
    package var theme: Theme
    /// Where backends live in the store; new keys must be under it.
    package var backendPrefix: String

    package init(readOnly: Bool = false, theme: Theme = Theme(), backendPrefix: String = "/test/") {
        self.readOnly = readOnly
        self.theme = theme
        self.backendPrefix = backendPrefix
    }
}
