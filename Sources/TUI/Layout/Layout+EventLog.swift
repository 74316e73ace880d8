import Core
import Foundation

extension Layout {
    /// The event log overlay: newest first, each apply followed by its command output, with the filter on top.
    static func drawEventLog(_ pane: EventLogPane, _ frame: inout Frame, _ context: Context) {
        let theme = context.theme
        let entries = pane.entries(context.state.snapshot.events)
        var lines: [(String, Role)] = []
        if pane.editingFilter {
            lines.append(("/ filter: \(pane.filter)\(theme.cursor)   Enter keeps it, Esc clears it", .input))
        } else if !pane.filter.isEmpty {
            lines.append(("filter: \(pane.filter)  (\(entries.count) shown; / edits, Esc clears)", .dim))
        } else {
            lines.append(("Newest first. j/k scroll · / filter · Esc closes", .dim))
        }
        lines.append(("", .overlay))
        if entries.isEmpty {
            lines.append((pane.filter.isEmpty ? "(nothing has happened yet)" : "(no event matches)", .dim))
        }
        for entry in entries {
            lines.append(("\(clock(entry.time, context))  \(entry.text)", entry.role))
            for output in entry.output { lines.append(("          \(output)", .dim)) }
        }
        drawWindow(
            title: "Event log", lines: lines, scroll: pane.scroll, width: frame.width - 8, &frame, theme: theme,
            fixedScrollLines: 2, tall: true)
    }
}
