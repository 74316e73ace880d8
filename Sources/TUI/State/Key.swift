/// A key press, as the reducer sees it: independent of ncurses so that tests can type.
package enum Key: Sendable, Hashable {
    case char(Character)
    /// A control key, e.g. `.control("p")` for Ctrl-P.
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// The terminal changed size; the new size is set on the state separately.
    case resize
}
