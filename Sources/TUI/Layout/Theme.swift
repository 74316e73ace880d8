/// Colours and symbols. `NO_COLOR` / `--no-color` leave only bold, reverse, dim and underline; `--ascii` (or a
/// locale that is not UTF-8) swaps box drawing and symbols for ASCII. State is always also shown in words or
/// symbols, so nothing depends on colour.
package struct Theme: Sendable, Hashable {
    package var color: Bool
    package var ascii: Bool

    package init(color: Bool = true, ascii: Bool = false) {
        self.color = color
        self.ascii = ascii
    }

    /// The theme the environment asks for: `NO_COLOR` (any value) or `noColor` turn colour off; `ascii`, or a
    /// locale (`LC_ALL`, `LC_CTYPE`, `LANG`, first set wins) that does not name UTF-8, turn ASCII on.
    package static func detect(environment: [String: String], noColor: Bool, ascii: Bool) -> Theme {
        let colorOff = noColor || environment["NO_COLOR"].map { !$0.isEmpty } == true
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let upper = locale.uppercased()
        let utf8 = upper.contains("UTF-8") || upper.contains("UTF8")
        return Theme(color: !colorOff, ascii: ascii || !utf8)
    }

    /// Foreground/background pairs by number (1-based), in curses colour numbers (-1 = default).
    package static let colorPairs: [(foreground: Int16, background: Int16)] = [
        (2, -1),  // 1 green
        (1, -1),  // 2 red
        (3, -1),  // 3 yellow
        (6, -1),  // 4 cyan
        (0, 6),  // 5 black on cyan: status bar
        (7, 1),  // 6 white on red: status bar error
        (4, -1),  // 7 blue
    ]

    /// How `role` is drawn.
    package func attributes(for role: Role) -> TextAttributes {
        if !color { return monochrome(role) }
        switch role {
        case .normal, .overlay: return TextAttributes()
        case .dim: return TextAttributes(dim: true)
        case .border: return TextAttributes(colorPair: 7)
        case .title: return TextAttributes(colorPair: 4, bold: true)
        case .focusedTitle: return TextAttributes(colorPair: 3, bold: true, reverse: true)
        case .header: return TextAttributes(bold: true, underline: true)
        case .selected: return TextAttributes(reverse: true)
        case .ok, .added: return TextAttributes(colorPair: 1)
        case .bad, .removed: return TextAttributes(colorPair: 2, bold: true)
        case .warn, .changed: return TextAttributes(colorPair: 3)
        case .statusBar: return TextAttributes(colorPair: 5)
        case .statusError: return TextAttributes(colorPair: 6, bold: true)
        case .footerKey: return TextAttributes(colorPair: 4, bold: true)
        case .footer: return TextAttributes()
        case .message: return TextAttributes(colorPair: 1, bold: true)
        case .errorMessage: return TextAttributes(colorPair: 2, bold: true)
        case .input: return TextAttributes(underline: true)
        case .button: return TextAttributes()
        case .focusedButton: return TextAttributes(bold: true, reverse: true)
        }
    }

    private func monochrome(_ role: Role) -> TextAttributes {
        switch role {
        case .title, .header, .footerKey, .message: return TextAttributes(bold: true)
        case .focusedTitle, .selected, .focusedButton, .statusBar: return TextAttributes(reverse: true)
        case .statusError, .bad, .removed, .errorMessage:
            return TextAttributes(bold: true, reverse: role == .statusError)
        case .dim, .border: return TextAttributes(dim: true)
        case .input: return TextAttributes(underline: true)
        default: return TextAttributes()
        }
    }

    // MARK: Symbols

    package var horizontal: Character { ascii ? "-" : "─" }
    package var vertical: Character { ascii ? "|" : "│" }
    package var topLeft: Character { ascii ? "+" : "┌" }
    package var topRight: Character { ascii ? "+" : "┐" }
    package var bottomLeft: Character { ascii ? "+" : "└" }
    package var bottomRight: Character { ascii ? "+" : "┘" }
    package var focusMark: String { ascii ? ">" : "▶" }
    package var okMark: String { ascii ? "+" : "✓" }
    package var badMark: String { ascii ? "x" : "✗" }
    package var missingMark: String { "?" }
    package var unknownMark: String { ascii ? "-" : "·" }
    package var barFull: Character { ascii ? "#" : "█" }
    package var barEmpty: Character { ascii ? "." : "░" }
    package var ellipsis: Character { ascii ? "~" : "…" }
    package var separator: String { ascii ? "|" : "│" }
    package var cursor: String { ascii ? "_" : "▏" }
    package var removedMark: String { ascii ? "-" : "−" }
}
