import Core
import Foundation

extension Layout {
    static func drawOverlay(_ overlay: Overlay, _ frame: inout Frame, _ context: Context) {
        let state = context.state
        let theme = context.theme
        switch overlay {
        case .help(let scroll):
            var lines: [(String, Role)] = KeyHelp.all.map { help in
                let disabled = help.isMutation && state.readOnly
                let text = fit(help.keys, 14, theme: theme) + help.text + (disabled ? "  (disabled: read-only)" : "")
                return (text, disabled ? .dim : .overlay)
            }
            lines.append(("", .overlay))
            lines.append(("Esc, q or ? closes this help.", .dim))
            drawWindow(title: "Help — keys", lines: lines, scroll: scroll, width: 92, &frame, theme: theme)
        case .addForm(let form):
            drawAddForm(form, &frame, context)
        case .confirmRemove(let key, let confirmFocused):
            let address = state.snapshot.backends.first { $0.key == key }?.address.description ?? "?"
            let rect = drawWindow(
                title: "Remove backend?",
                lines: [
                    ("Remove \(key.description) (\(address)) from the store?", .overlay),
                    ("A drain: the status line says when no engine routes to it.", .dim), ("", .overlay),
                    ("", .overlay),
                    ("y removes · Enter presses the focused button · other keys keep it", .dim),
                ], scroll: 0, width: 70, &frame, theme: theme)
            let y = rect.y + 3
            let cancel = confirmFocused ? "  [ Cancel ]  " : "\(theme.focusMark) [ Cancel ]  "
            let remove = confirmFocused ? "\(theme.focusMark) [ Remove ]  " : "  [ Remove ]  "
            var x = rect.x + 1
            x += frame.put(cancel, x: x, y: y, role: confirmFocused ? .button : .focusedButton)
            x += 2
            frame.put(remove, x: x, y: y, role: confirmFocused ? .focusedButton : .button)
        case .preview(let pane):
            var lines: [(String, Role)]
            if let diff = pane.lines {
                lines = diff.map { line in
                    if line.hasPrefix("+++") || line.hasPrefix("---") { return (line, .header) }
                    if line.hasPrefix("@@") { return (line, .title) }
                    if line.hasPrefix("+") { return (line, .added) }
                    if line.hasPrefix("-") { return (line, .removed) }
                    if line.hasPrefix("!") { return (line, .bad) }
                    return (line, .overlay)
                }
            } else {
                lines = [("Rendering the change against the store… (nothing is applied)", .dim)]
            }
            let back = pane.returnForm == nil ? "" : " and returns to the form"
            lines.insert(("Nothing has been applied. j/k scroll, Esc closes\(back).", .dim), at: 0)
            lines.insert(("", .overlay), at: 1)
            drawWindow(
                title: pane.title, lines: lines, scroll: pane.scroll, width: frame.width - 8, &frame, theme: theme,
                fixedScrollLines: 2, tall: true)
        case .output(let recordID, let scroll):
            guard let record = state.snapshot.history.first(where: { $0.id == recordID }) else { return }
            var lines: [(String, Role)] = [
                ("\(record.resource) → \(record.dest), \(record.trigger), \(record.result)", .header),
                (
                    String(
                        format: "render %.0f ms, check %.0f ms, reload %.0f ms; +%d −%d lines",
                        record.renderSeconds * 1000, record.checkSeconds * 1000, record.reloadSeconds * 1000,
                        record.linesAdded, record.linesRemoved), .dim
                ),
            ]
            if let error = record.error { lines.append(("\(theme.badMark) \(error)", .bad)) }
            if !record.rejectedKeys.isEmpty {
                lines.append(("rejected keys: " + record.rejectedKeys.joined(separator: ", "), .warn))
            }
            lines.append(("", .overlay))
            let output = UpstreamView.splitLines(record.output)
            lines += output.isEmpty ? [("(no command output)", .dim)] : output.map { ($0, .overlay) }
            drawWindow(
                title: "Apply #\(record.id) output", lines: lines, scroll: scroll, width: frame.width - 8, &frame,
                theme: theme, fixedScrollLines: 2, tall: true)
        case .events(let pane):
            drawEventLog(pane, &frame, context)
        }
    }

    static func drawAddForm(_ form: AddForm, _ frame: inout Frame, _ context: Context) {
        let theme = context.theme
        let lines: [(String, Role)] = [
            ("", .overlay), ("", .overlay), ("", .overlay),
            (form.error.map { "\(theme.badMark) \($0)" } ?? "", .bad), ("", .overlay),
            ("Tab next field · Enter adds · ^P previews the diff · Esc cancels", .dim),
        ]
        let rect = drawWindow(title: "Add backend", lines: lines, scroll: 0, width: 90, &frame, theme: theme)
        let fieldWidth = rect.width - 13
        for (row, label, value, field) in [
            (0, "Key", form.key, AddForm.Field.key), (2, "Address", form.address, AddForm.Field.address),
        ] {
            let active = form.field == field
            let y = rect.y + row
            frame.put(
                (active ? theme.focusMark : " ") + " " + fit(label + ":", 9, theme: theme), x: rect.x + 1, y: y,
                role: active ? .title : .overlay)
            let shown = active ? value + theme.cursor : value
            let visible = shown.count > fieldWidth ? String(shown.suffix(fieldWidth)) : shown
            frame.put(fit(visible, fieldWidth, theme: theme), x: rect.x + 12, y: y, role: .input)
        }
        if form.field == .address && form.address.isEmpty {
            frame.put("e.g. 127.0.0.1:8001", x: rect.x + 14, y: rect.y + 2, role: .dim)
        }
    }

    /// A centred bordered window with `lines`; returns its inner rectangle.
    @discardableResult
    static func drawWindow(
        title: String, lines: [(String, Role)], scroll: Int, width: Int, _ frame: inout Frame, theme: Theme,
        fixedScrollLines: Int = 0, tall: Bool = false
    ) -> Rect {
        let width = min(max(20, width), frame.width - 2)
        let maxInner = frame.height - 4
        let innerHeight = tall ? maxInner : min(maxInner, lines.count)
        let rect = Rect(
            x: (frame.width - width) / 2, y: max(1, (frame.height - innerHeight - 2) / 2), width: width,
            height: innerHeight + 2)
        frame.fill(rect, role: .overlay)
        let inner = drawBox(rect, title: title, focused: true, &frame, theme: theme)
        let fixed = Array(lines.prefix(fixedScrollLines))
        let scrolling = Array(lines.dropFirst(fixedScrollLines))
        let scrollRows = inner.height - fixed.count
        let offset = min(scroll, max(0, scrolling.count - scrollRows))
        let shown = fixed + scrolling.dropFirst(offset).prefix(max(0, scrollRows))
        for (index, (text, role)) in shown.enumerated() {
            frame.put(fit(" " + text, inner.width, theme: theme), x: inner.x, y: inner.y + index, role: role)
        }
        if scrolling.count > scrollRows {
            let more = " \(offset + 1)-\(min(scrolling.count, offset + scrollRows)) of \(scrolling.count) "
            frame.put(more, x: rect.x + rect.width - more.count - 2, y: rect.y + rect.height - 1, role: .border)
        }
        return inner
    }
}
