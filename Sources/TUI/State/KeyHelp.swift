/// One line of the `?` overlay and of the footer hints.
package struct KeyHelp: Sendable, Hashable {
    package var keys: String
    package var text: String
    /// Shown as disabled under `--readonly`.
    package var isMutation: Bool

    package init(_ keys: String, _ text: String, mutation: Bool = false) {
        self.keys = keys
        self.text = text
        self.isMutation = mutation
    }

    /// Every key the console knows, in the order the help overlay lists them.
    package static let all: [KeyHelp] = [
        KeyHelp("tab / 1-4", "focus next panel / panel by number"),
        KeyHelp("j k / arrows", "move the selection or scroll"),
        KeyHelp("PgUp PgDn", "page up / down"),
        KeyHelp("/", "filter the focused panel (Esc clears)"),
        KeyHelp("s", "cycle the Backends sort order"),
        KeyHelp("[ ]", "show the previous / next template resource in Upstream"),
        KeyHelp("enter", "show the output of the selected reload"),
        KeyHelp("a", "add a backend (form: Tab, Enter, ^P preview, Esc)", mutation: true),
        KeyHelp("d", "drain the selected backend (asks; y confirms)", mutation: true),
        KeyHelp("v", "preview the diff removing the selected backend makes"),
        KeyHelp("r", "render and apply now", mutation: true),
        KeyHelp("p", "probe nginx now"),
        KeyHelp("e", "event log, newest first (/ filters it, Esc closes)"),
        KeyHelp("?", "this help"),
        KeyHelp("q", "quit"),
    ]
}
