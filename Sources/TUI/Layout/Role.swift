/// What a cell means; the theme turns it into colour and attributes.
package enum Role: Sendable, Hashable {
    case normal, dim, border, title, focusedTitle, header, selected
    case ok, bad, warn
    case added, changed, removed
    case statusBar, statusError, footerKey, footer, message, errorMessage
    case overlay, input, button, focusedButton
}
