import Core
import Foundation

/// Draws a console state into a frame. Pure: state and size in, frame out; only visible rows are formatted.
package enum Layout {
    /// The whole screen for `state` at `size`.
    package static func frame(
        state: ConsoleState, size: TerminalSize, theme: Theme, timeZone: TimeZone = .current
    ) -> Frame {
        var frame = Frame(width: size.width, height: size.height)
        if size.isTooSmall {
            drawTooSmall(&frame, size: size)
            return frame
        }
        let context = Context(state: state, theme: theme, timeZone: timeZone)
        drawStatus(&frame, context)
        let body = Rect(x: 0, y: 1, width: size.width, height: size.height - 2)
        let leftWidth = body.width < 100 ? body.width * 3 / 5 : body.width * 11 / 20
        let topHeight = body.height * 3 / 5
        let rects: [Panel: Rect] = [
            .backends: Rect(x: 0, y: body.y, width: leftWidth, height: topHeight),
            .reloads: Rect(x: 0, y: body.y + topHeight, width: leftWidth, height: body.height - topHeight),
            .upstream: Rect(x: leftWidth, y: body.y, width: body.width - leftWidth, height: topHeight),
            .probe: Rect(
                x: leftWidth, y: body.y + topHeight, width: body.width - leftWidth, height: body.height - topHeight),
        ]
        for panel in Panel.allCases {
            drawPanel(panel, in: rects[panel]!, &frame, context)
        }
        drawFooter(&frame, context)
        if let overlay = state.overlay {
            drawOverlay(overlay, &frame, context)
        }
        return frame
    }

    /// What every drawing function needs.
    struct Context {
        var state: ConsoleState
        var theme: Theme
        var timeZone: TimeZone
        var calendar: Calendar {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar
        }
    }

    static func drawTooSmall(_ frame: inout Frame, size: TerminalSize) {
        let minimum = TerminalSize.minimum
        let lines = [
            "Terminal too small: \(size).",
            "The console needs at least \(minimum.width)x\(minimum.height).",
            "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let x = max(0, (size.width - line.count) / 2)
            frame.put(line, x: x, y: top + index, role: index == 2 ? .normal : .warn)
        }
    }

    static func drawStatus(_ frame: inout Frame, _ context: Context) {
        let state = context.state
        let snapshot = state.snapshot
        let theme = context.theme
        frame.fill(Rect(x: 0, y: 0, width: frame.width, height: 1), role: .statusBar)
        let connection: String
        switch snapshot.connection {
        case .connected: connection = "\(theme.okMark) connected"
        case .connecting: connection = "… connecting"
        default: connection = "\(theme.badMark) \(snapshot.connection)"
        }
        var text = frame.width >= 100 ? " switchboard \(theme.separator) store " : " "
        text += "\(snapshot.store) \(connection) \(theme.separator) rev \(snapshot.revision)"
        if state.readOnly { text += " \(theme.separator) READ-ONLY" }
        var x = frame.put(text, x: 0, y: 0, role: .statusBar)
        if let error = snapshot.lastError {
            x += frame.put(" \(theme.separator) ", x: x, y: 0, role: .statusBar)
            frame.put(
                " \(theme.badMark) error: \(error) ", x: x, y: 0, role: .statusError,
                maxWidth: frame.width - x)
        }
    }

    static func drawFooter(_ frame: inout Frame, _ context: Context) {
        let state = context.state
        let y = frame.height - 1
        if state.editingFilter {
            let text = " / filter \(state.focus.title): \(state.filter(of: state.focus))\(context.theme.cursor)"
            let x = frame.put(text, x: 0, y: y, role: .input)
            frame.put("   Enter keeps it, Esc clears it", x: x, y: y, role: .dim)
            return
        }
        if let message = state.message {
            frame.put(" " + message.text, x: 0, y: y, role: message.isError ? .errorMessage : .message)
            return
        }
        var hints: [(String, String, Bool)] = [
            ("tab", "panel", false), ("j/k", "move", false), ("a", "add", true), ("d", "remove", true),
            ("v", "preview", false), ("r", "render", true), ("p", "probe", false), ("/", "filter", false),
            ("s", "sort", false), ("e", "events", false), ("?", "help", false), ("q", "quit", false),
        ]
        if state.snapshot.resources.count > 1 { hints.insert(("[ ]", "resource", false), at: 2) }
        var x = 1
        for (key, text, mutation) in hints {
            let disabled = mutation && state.readOnly
            guard x + key.count + text.count + 2 < frame.width else { break }
            x += frame.put(key, x: x, y: y, role: disabled ? .dim : .footerKey)
            x += frame.put(" " + (disabled ? "(\(text))" : text) + "  ", x: x, y: y, role: disabled ? .dim : .footer)
        }
    }

    /// A bordered box with a title; returns the inner rectangle.
    @discardableResult
    static func drawBox(
        _ rect: Rect, title: String, focused: Bool, _ frame: inout Frame, theme: Theme, role: Role = .border
    ) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let horizontal = String(repeating: theme.horizontal, count: rect.width - 2)
        frame.put(String(theme.topLeft) + horizontal + String(theme.topRight), x: rect.x, y: rect.y, role: role)
        frame.put(
            String(theme.bottomLeft) + horizontal + String(theme.bottomRight), x: rect.x, y: rect.y + rect.height - 1,
            role: role)
        for row in (rect.y + 1)..<(rect.y + rect.height - 1) {
            frame.put(String(theme.vertical), x: rect.x, y: row, role: role)
            frame.put(String(theme.vertical), x: rect.x + rect.width - 1, y: row, role: role)
        }
        let label = focused ? " \(theme.focusMark) \(title) " : " \(title) "
        frame.put(label, x: rect.x + 2, y: rect.y, role: focused ? .focusedTitle : .title, maxWidth: rect.width - 4)
        return rect.inner
    }

    /// `text` cut or padded to exactly `width` cells.
    static func fit(_ text: String, _ width: Int, theme: Theme, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        let count = text.count
        if count > width {
            return String(text.prefix(width - 1)) + String(theme.ellipsis)
        }
        let padding = String(repeating: " ", count: width - count)
        return alignRight ? padding + text : text + padding
    }

    /// The first visible row so that `cursor` is on screen in `rows` rows.
    static func scrollOffset(cursor: Int, rows: Int, count: Int) -> Int {
        guard rows > 0, count > rows else { return 0 }
        return min(max(0, cursor - rows + 1), count - rows)
    }

    static func clock(_ date: Date, _ context: Context) -> String {
        let parts = context.calendar.dateComponents([.hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }
}
