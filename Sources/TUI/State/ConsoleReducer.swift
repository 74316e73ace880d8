import Core

extension ConsoleState {
    /// Applies one key press and returns what the outside world must do. The only place keys are interpreted.
    package mutating func handle(_ key: Key) -> [ConsoleIntent] {
        if key == .resize { return [] }
        if size.isTooSmall {
            return key == .char("q") ? run(.quit) : []
        }
        if let overlay {
            return handle(key, in: overlay)
        }
        if editingFilter {
            handleFilterTyping(key)
            return []
        }
        message = nil
        return handleMain(key)
    }

    /// Every action passes here: the single gate that `--readonly` closes for mutations.
    mutating func run(_ action: ConsoleAction) -> [ConsoleIntent] {
        if readOnly && action.isMutation {
            overlay = nil
            message = StatusMessage("READ-ONLY: \(action.name) is disabled (started with --readonly)", isError: true)
            return []
        }
        switch action {
        case .quit:
            return [.quit]
        case .openAddForm:
            overlay = .addForm(AddForm(key: backendPrefix, field: .key))
            return []
        case .submitAdd(let key, let address):
            overlay = nil
            message = StatusMessage("adding \(key) = \(address)…")
            return [.perform(.change(.add(key: key, address: address)))]
        case .askRemove(let key):
            overlay = .confirmRemove(key: key, confirmFocused: false)
            return []
        case .confirmRemove(let key):
            overlay = nil
            message = StatusMessage("draining \(key.description): removed, waiting until no engine routes to it…")
            return [.perform(.drain(key: key))]
        case .renderNow:
            message = StatusMessage("rendering…")
            return [.perform(.renderNow)]
        case .probeNow:
            message = StatusMessage("probing…")
            return [.perform(.probeNow)]
        case .preview(let change, let returnForm):
            overlay = .preview(PreviewPane(change: change, returnForm: returnForm))
            return [.preview(change)]
        }
    }

    private mutating func handleMain(_ key: Key) -> [ConsoleIntent] {
        switch key {
        case .char("q"): return run(.quit)
        case .tab: focus = focus.next
        case .backTab: focus = focus.previous
        case .char(let digit) where ("1"..."4").contains(digit):
            focus = Panel(rawValue: Int(String(digit))!)!
        case .char("j"), .down: moveCursor(by: 1)
        case .char("k"), .up: moveCursor(by: -1)
        case .pageDown: moveCursor(by: pageSize)
        case .pageUp: moveCursor(by: -pageSize)
        case .home, .char("g"): moveCursor(by: -Int.max / 2)
        case .end, .char("G"): moveCursor(by: Int.max / 2)
        case .char("/"):
            editingFilter = true
        case .escape:
            if !filter(of: focus).isEmpty { setFilter("", for: focus) }
        case .char("?"):
            overlay = .help(scroll: 0)
        case .char("s"):
            cycleSort()
            focus = .backends
            message = StatusMessage("Backends sorted by \(sort.label)")
        case .char("a"):
            return run(.openAddForm)
        case .char("d"):
            guard let backend = selectedBackendForAction() else { return [] }
            return run(.askRemove(key: backend.key))
        case .char("v"):
            guard let backend = selectedBackendForAction() else { return [] }
            return run(.preview(.remove(key: backend.key), returnForm: nil))
        case .char("["), .char("]"):
            switchResource(by: key == .char("]") ? 1 : -1)
            if let resource = shownResource, snapshot.resources.count > 1 {
                focus = .upstream
                message = StatusMessage(
                    "Upstream shows \(resource.name) (\(resourceIndex + 1)/\(snapshot.resources.count))")
            }
        case .char("r"):
            return run(.renderNow)
        case .char("p"):
            return run(.probeNow)
        case .char("e"):
            overlay = .events(EventLogPane())
        case .enter:
            if focus == .reloads, let record = selectedRecord {
                overlay = .output(recordID: record.id, scroll: 0)
            }
        default:
            break
        }
        return []
    }

    /// The selected backend for `d`/`v`, or nil with a footer message saying why nothing happened.
    private mutating func selectedBackendForAction() -> BackendEntry? {
        guard let backend = selectedBackend else {
            message = StatusMessage("no backend selected", isError: true)
            return nil
        }
        return backend
    }

    private var pageSize: Int { max(1, size.height / 2 - 4) }

    private mutating func moveCursor(by delta: Int) {
        let count = rowCount(focus)
        let current = cursor[focus, default: 0]
        let target = delta > 0 ? min(current + delta, count - 1) : current + delta
        cursor[focus] = max(0, target)
    }

    private mutating func handleFilterTyping(_ key: Key) {
        var text = filter(of: focus)
        switch key {
        case .enter:
            editingFilter = false
            return
        case .escape:
            editingFilter = false
            text = ""
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .char(let character):
            text.append(character)
        default:
            return
        }
        setFilter(text, for: focus)
    }

    private mutating func handle(_ key: Key, in overlay: Overlay) -> [ConsoleIntent] {
        switch overlay {
        case .help(let scroll):
            switch key {
            case .char("j"), .down: self.overlay = .help(scroll: min(scroll + 1, max(0, KeyHelp.all.count - 1)))
            case .char("k"), .up: self.overlay = .help(scroll: max(0, scroll - 1))
            case .char("q"), .char("?"), .escape, .enter: self.overlay = nil
            default: break
            }
            return []
        case .addForm(let form):
            return handle(key, inForm: form)
        case .confirmRemove(let removeKey, let confirmFocused):
            switch key {
            case .char("y"), .char("Y"):
                return run(.confirmRemove(key: removeKey))
            case .tab, .backTab, .left, .right, .char("h"), .char("l"):
                self.overlay = .confirmRemove(key: removeKey, confirmFocused: !confirmFocused)
                return []
            case .enter where confirmFocused:
                return run(.confirmRemove(key: removeKey))
            default:
                self.overlay = nil
                message = StatusMessage("kept \(removeKey)")
                return []
            }
        case .preview(var pane):
            let count = pane.lines?.count ?? 0
            switch key {
            case .char("j"), .down: pane.scroll = min(pane.scroll + 1, max(0, count - 1))
            case .char("k"), .up: pane.scroll = max(0, pane.scroll - 1)
            case .pageDown, .char(" "): pane.scroll = min(pane.scroll + pageSize, max(0, count - 1))
            case .pageUp: pane.scroll = max(0, pane.scroll - pageSize)
            case .char("q"), .char("v"), .escape, .enter:
                self.overlay = pane.returnForm.map { .addForm($0) }
                return []
            default: break
            }
            self.overlay = .preview(pane)
            return []
        case .output(let recordID, let scroll):
            switch key {
            case .char("j"), .down: self.overlay = .output(recordID: recordID, scroll: scroll + 1)
            case .char("k"), .up: self.overlay = .output(recordID: recordID, scroll: max(0, scroll - 1))
            case .pageDown: self.overlay = .output(recordID: recordID, scroll: scroll + pageSize)
            case .pageUp: self.overlay = .output(recordID: recordID, scroll: max(0, scroll - pageSize))
            case .char("q"), .escape, .enter: self.overlay = nil
            default: break
            }
            return []
        case .events(let pane):
            self.overlay = handle(key, inEvents: pane)
            return []
        }
    }

    /// Keys in the event log: j/k and pages scroll, `/` edits the filter (Enter keeps it, Esc clears it), Esc/q/e
    /// close.
    private func handle(_ key: Key, inEvents pane: EventLogPane) -> Overlay? {
        var pane = pane
        if pane.editingFilter {
            switch key {
            case .enter: pane.editingFilter = false
            case .escape:
                pane.editingFilter = false
                pane.filter = ""
            case .backspace: if !pane.filter.isEmpty { pane.filter.removeLast() }
            case .char(let character): pane.filter.append(character)
            default: break
            }
            pane.scroll = 0
            return .events(pane)
        }
        switch key {
        case .char("j"), .down: pane.scroll += 1
        case .char("k"), .up: pane.scroll = max(0, pane.scroll - 1)
        case .pageDown, .char(" "): pane.scroll += pageSize
        case .pageUp: pane.scroll = max(0, pane.scroll - pageSize)
        case .home, .char("g"): pane.scroll = 0
        case .char("/"): pane.editingFilter = true
        case .escape where !pane.filter.isEmpty:
            pane.filter = ""
            pane.scroll = 0
        case .char("q"), .char("e"), .escape: return nil
        default: break
        }
        return .events(pane)
    }

    private mutating func handle(_ key: Key, inForm form: AddForm) -> [ConsoleIntent] {
        var form = form
        switch key {
        case .escape:
            overlay = nil
            message = StatusMessage("add cancelled")
            return []
        case .tab, .backTab, .down, .up:
            form.field = form.field == .key ? .address : .key
        case .backspace:
            if form.field == .key, !form.key.isEmpty { form.key.removeLast() }
            if form.field == .address, !form.address.isEmpty { form.address.removeLast() }
            form.error = nil
        case .char(let character):
            if form.field == .key { form.key.append(character) } else { form.address.append(character) }
            form.error = nil
        case .enter, .control("p"):
            switch form.validated(prefix: backendPrefix) {
            case .failure(let error):
                form.error = error.message
            case .success(let change):
                if key == .enter, case .add(let key, let address) = change {
                    return run(.submitAdd(key: key, address: address))
                }
                return run(.preview(change, returnForm: form))
            }
        default:
            return []
        }
        overlay = .addForm(form)
        return []
    }
}
