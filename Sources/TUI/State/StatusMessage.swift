/// A one-line message in the footer: what just happened, or why a key did nothing.
package struct StatusMessage: Sendable, Hashable {
    package var text: String
    package var isError: Bool

    package init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}
