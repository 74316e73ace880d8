@preconcurrency import CNcurses
import Core
import Foundation

/// The only code that talks to ncurses. It runs on one dedicated thread: waits in `poll()` on stdin and the
/// mailbox's wake-up pipe (no CPU while idle), feeds keys to the reducer, and redraws only when the frame changed.
final class Terminal: @unchecked Sendable {
    private let options: ConsoleOptions
    private let mailbox: ConsoleMailbox
    private let intents: AsyncStream<ConsoleIntent>.Continuation
    private var state: ConsoleState
    private var lastFrame: Frame?

    init(
        options: ConsoleOptions, initial: EngineSnapshot, mailbox: ConsoleMailbox,
        intents: AsyncStream<ConsoleIntent>.Continuation
    ) {
        self.options = options
        self.mailbox = mailbox
        self.intents = intents
        state = ConsoleState(snapshot: initial, readOnly: options.readOnly, backendPrefix: options.backendPrefix)
    }

    /// Takes over the terminal until the user quits or a quit is requested; always restores it.
    func run() {
        setlocale(LC_ALL, "")
        if getenv("ESCDELAY") == nil { set_escdelay(25) }
        initscr()
        defer {
            endwin()
            intents.yield(.quit)
            intents.finish()
        }
        cbreak()
        noecho()
        nonl()
        keypad(sb_stdscr(), true)
        nodelay(sb_stdscr(), true)
        curs_set(0)
        if options.theme.color && has_colors() {
            start_color()
            use_default_colors()
            for (index, pair) in Theme.colorPairs.enumerated() {
                init_pair(Int16(index + 1), pair.foreground, pair.background)
            }
        }
        state.size = currentSize()
        var quit = false
        while !quit {
            let inbox = mailbox.take()
            if let snapshot = inbox.snapshot { state.receive(snapshot) }
            for reply in inbox.replies {
                switch reply {
                case .effect(let effect, let error): state.receive(effect: effect, error: error)
                case .preview(let change, let results): state.receive(preview: results, for: change)
                }
            }
            if inbox.quit { break }
            draw()
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: mailbox.wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 { continue }  // EINTR (e.g. SIGWINCH): ncurses queues KEY_RESIZE, read below
            if fds[1].revents != 0 { mailbox.drainWake() }
            if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 { break }
            quit = readKeys()
        }
    }

    /// Reads every pending key; returns true when the reducer asked to quit.
    private func readKeys() -> Bool {
        var raw: wint_t = 0
        while true {
            let kind = sb_get_key(&raw)
            if kind == ERR { return false }
            guard let key = Self.key(kind: kind, code: Int32(raw)) else { continue }
            if key == .resize { state.size = currentSize() }
            for intent in state.handle(key) {
                if intent == .quit { return true }
                intents.yield(intent)
            }
        }
    }

    private func currentSize() -> TerminalSize {
        TerminalSize(width: Int(getmaxx(sb_stdscr())), height: Int(getmaxy(sb_stdscr())))
    }

    private func draw() {
        let frame = Layout.frame(state: state, size: state.size, theme: options.theme)
        guard frame != lastFrame else { return }
        lastFrame = frame
        werase(sb_stdscr())
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(frame.width)
        for (y, row) in frame.rows.enumerated() {
            var start = 0
            while start < row.count {
                let role = row[start].role
                var end = start
                buffer.removeAll(keepingCapacity: true)
                while end < row.count, row[end].role == role {
                    for scalar in row[end].character.unicodeScalars.prefix(1) { buffer.append(wchar_t(scalar.value)) }
                    end += 1
                }
                let attributes = options.theme.attributes(for: role)
                buffer.withUnsafeBufferPointer { pointer in
                    _ = sb_put(
                        Int32(y), Int32(start), pointer.baseAddress, Int32(pointer.count), Self.curses(attributes),
                        Int16(attributes.colorPair))
                }
                start = end
            }
        }
        wnoutrefresh(sb_stdscr())
        doupdate()
    }

    private static func curses(_ attributes: TextAttributes) -> attr_t {
        var value = sb_a_normal()
        if attributes.bold { value |= sb_a_bold() }
        if attributes.reverse { value |= sb_a_reverse() }
        if attributes.dim { value |= sb_a_dim() }
        if attributes.underline { value |= sb_a_underline() }
        return value
    }

    /// Maps what `wget_wch` returned to a `Key`.
    static func key(kind: Int32, code: Int32) -> Key? {
        if kind == KEY_CODE_YES {
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_NPAGE: return .pageDown
            case KEY_PPAGE: return .pageUp
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE, KEY_DC: return .backspace
            case KEY_ENTER: return .enter
            case KEY_RESIZE: return .resize
            default: return nil
            }
        }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(code + 96))))
        default:
            guard let scalar = UnicodeScalar(UInt32(code)), code >= 32 else { return nil }
            return .char(Character(scalar))
        }
    }
}
