import Core
import GoText

/// A window drawn over the panels; while one is open it receives the keys.
package enum Overlay: Sendable, Hashable {
    /// The key list (`?`); `scroll` is the first visible line.
    case help(scroll: Int)
    /// The add form (`a`).
    case addForm(AddForm)
    /// Remove `key`? The focused button starts on Cancel.
    case confirmRemove(key: GoString, confirmFocused: Bool)
    /// The diff a change would produce (`v`).
    case preview(PreviewPane)
    /// The check/reload output of one apply record (enter in Reloads).
    case output(recordID: Int, scroll: Int)
    /// The engine's event log (`e`).
    case events(EventLogPane)
}

/// The preview overlay's content.
package struct PreviewPane: Sendable, Hashable {
    package var change: BackendChange
    /// Diff lines once the engine answered; `nil` while waiting.
    package var lines: [String]?
    package var scroll: Int = 0
    /// The add form to return to when the preview was opened from it.
    package var returnForm: AddForm?

    package init(change: BackendChange, lines: [String]? = nil, scroll: Int = 0, returnForm: AddForm? = nil) {
        self.change = change
        self.lines = lines
        self.scroll = scroll
        self.returnForm = returnForm
    }

    /// A one-line description of the change, for the overlay title.
    package var title: String {
        switch change {
        case .add(let key, let address): return "Preview: add \(key) = \(address)"
        case .remove(let key): return "Preview: remove \(key.description)"
        }
    }
}
