import Core
import Foundation

extension Layout {
    static func drawPanel(_ panel: Panel, in rect: Rect, _ frame: inout Frame, _ context: Context) {
        let state = context.state
        let focused = state.focus == panel
        var title = "\(panel.rawValue) \(panel.title)"
        switch panel {
        case .backends:
            title += " (\(state.visibleBackends.count)/\(state.snapshot.backends.count), by \(state.sort.label))"
        case .upstream:
            let view = state.upstream
            if !view.resource.isEmpty {
                title += " \(view.resource)"
                if state.snapshot.resources.count > 1 {
                    title += " (\(state.resourceIndex + 1)/\(state.snapshot.resources.count))"
                }
                title += view.isBlockOnly ? "" : " (whole file)"
                let added = view.lines.filter { $0.mark == .added }.count
                let changed = view.lines.filter { $0.mark == .changed }.count
                if added > 0 { title += " +\(added)" }
                if changed > 0 { title += " ~\(changed)" }
                if view.removedCount > 0 { title += " \(context.theme.removedMark)\(view.removedCount)" }
            }
        case .reloads:
            title += " (\(state.snapshot.history.count))"
        case .probe:
            break
        }
        let filter = state.filter(of: panel)
        if !filter.isEmpty { title += " /\(filter)" }
        let inner = drawBox(rect, title: title, focused: focused, &frame, theme: context.theme)
        guard inner.width > 0, inner.height > 0 else { return }
        switch panel {
        case .backends: drawBackends(inner, &frame, context, focused: focused)
        case .upstream: drawUpstream(inner, &frame, context)
        case .reloads: drawReloads(inner, &frame, context, focused: focused)
        case .probe: drawProbe(inner, &frame, context)
        }
    }

    static func drawEmpty(_ text: String, _ rect: Rect, _ frame: inout Frame) {
        frame.put(text, x: rect.x + 1, y: rect.y, role: .dim, maxWidth: rect.width - 1)
    }

    // MARK: Backends

    static func drawBackends(_ rect: Rect, _ frame: inout Frame, _ context: Context, focused: Bool) {
        let state = context.state
        let theme = context.theme
        let backends = state.snapshot.backends
        let showShare = rect.width >= 56
        let shareWidth = showShare ? 5 : 0
        let healthWidth = 10
        let ttlWidth = 4
        let addressWidth = min(21, max(10, (rect.width - 4) / 3))
        let keyWidth = max(4, rect.width - 2 - addressWidth - ttlWidth - healthWidth - shareWidth - (showShare ? 4 : 3))
        var header =
            "  " + fit("KEY (\(state.backendPrefix))", keyWidth, theme: theme) + " "
            + fit("ADDRESS", addressWidth, theme: theme) + " " + fit("TTL", ttlWidth, theme: theme, alignRight: true)
            + " " + fit("HEALTH", healthWidth, theme: theme)
        if showShare { header += " " + fit("SHARE", shareWidth, theme: theme, alignRight: true) }
        frame.put(fit(header, rect.width, theme: theme), x: rect.x, y: rect.y, role: .header)
        let rows = rect.height - 1
        guard !state.visibleBackends.isEmpty else {
            let why =
                backends.isEmpty
                ? "no backends under \(state.backendPrefix) — a adds one" : "nothing matches the filter"
            drawEmpty(why, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), &frame)
            return
        }
        let cursor = state.cursor[.backends, default: 0]
        let offset = scrollOffset(cursor: cursor, rows: rows, count: state.visibleBackends.count)
        let probe = state.snapshot.probe
        for line in 0..<min(rows, state.visibleBackends.count - offset) {
            let row = offset + line
            let index = state.visibleBackends[row]
            let entry = backends[index]
            let health = state.health[index]
            let y = rect.y + 1 + line
            let selected = row == cursor
            let ttl = entry.ttlRemaining.map { "\($0)s" } ?? "-"
            let share = probe.map { "\(Int(($0.share(of: entry.address.description) * 100).rounded()))%" } ?? "-"
            let symbol: String
            let healthRole: Role
            switch health {
            case .answering: (symbol, healthRole) = (theme.okMark, .ok)
            case .invalidAddress: (symbol, healthRole) = (theme.badMark, .bad)
            case .missing: (symbol, healthRole) = (theme.missingMark, .warn)
            case .unprobed: (symbol, healthRole) = (theme.unknownMark, .dim)
            }
            let marker = selected ? theme.focusMark + " " : "  "
            var x = rect.x
            let role: Role = selected && focused ? .selected : .normal
            x += frame.put(marker, x: x, y: y, role: role)
            let shownKey =
                entry.key.hasPrefix(state.backendPrefix)
                ? entry.key.dropFirst(state.backendPrefix.utf8.count).description : entry.key.description
            x += frame.put(fit(shownKey, keyWidth, theme: theme) + " ", x: x, y: y, role: role)
            x += frame.put(fit(entry.address.description, addressWidth, theme: theme) + " ", x: x, y: y, role: role)
            x += frame.put(fit(ttl, ttlWidth, theme: theme, alignRight: true) + " ", x: x, y: y, role: role)
            x += frame.put(
                fit("\(symbol) \(health.word)", healthWidth, theme: theme), x: x, y: y,
                role: selected && focused ? .selected : healthRole)
            if showShare {
                frame.put(" " + fit(share, shareWidth, theme: theme, alignRight: true), x: x, y: y, role: role)
            }
        }
    }

    // MARK: Upstream

    static func drawUpstream(_ rect: Rect, _ frame: inout Frame, _ context: Context) {
        let state = context.state
        let view = state.upstream
        guard !view.lines.isEmpty else {
            drawEmpty(view.resource.isEmpty ? "no template resource" : "not rendered yet", rect, &frame)
            return
        }
        guard !state.visibleUpstream.isEmpty else {
            drawEmpty("nothing matches the filter", rect, &frame)
            return
        }
        let count = state.visibleUpstream.count
        let offset = min(state.cursor[.upstream, default: 0], max(0, count - rect.height))
        for line in 0..<min(rect.height, count - offset) {
            let entry = view.lines[state.visibleUpstream[offset + line]]
            let (gutter, role): (String, Role)
            switch entry.mark {
            case .same: (gutter, role) = ("  ", .normal)
            case .added: (gutter, role) = ("+ ", .added)
            case .changed: (gutter, role) = ("~ ", .changed)
            }
            frame.put(
                fit(gutter + entry.text, rect.width, theme: context.theme), x: rect.x, y: rect.y + line, role: role)
        }
    }

    // MARK: Reloads

    static func drawReloads(_ rect: Rect, _ frame: inout Frame, _ context: Context, focused: Bool) {
        let state = context.state
        let theme = context.theme
        let triggerWidth = 12
        let timeWidth = 8
        let durationWidth = 7
        // With several resources a record must say which one it is for, however narrow the panel.
        let showResource = rect.width >= 70 || state.snapshot.resources.count > 1
        let resourceWidth = showResource ? max(8, rect.width - 2 - timeWidth - triggerWidth - durationWidth - 18) : 0
        var header = "  " + fit("TIME", timeWidth, theme: theme) + " "
        if showResource { header += fit("RESOURCE", resourceWidth, theme: theme) + " " }
        header +=
            fit("TRIGGER", triggerWidth, theme: theme) + " " + fit("TOOK", durationWidth, theme: theme) + " RESULT"
        frame.put(fit(header, rect.width, theme: theme), x: rect.x, y: rect.y, role: .header)
        guard !state.visibleReloads.isEmpty else {
            let why = state.snapshot.history.isEmpty ? "no applies yet — r renders now" : "nothing matches the filter"
            drawEmpty(why, Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), &frame)
            return
        }
        let rows = rect.height - 1
        let cursor = state.cursor[.reloads, default: 0]
        let offset = scrollOffset(cursor: cursor, rows: rows, count: state.visibleReloads.count)
        for line in 0..<min(rows, state.visibleReloads.count - offset) {
            let row = offset + line
            let record = state.snapshot.history[state.visibleReloads[row]]
            let selected = row == cursor
            let role: Role = selected && focused ? .selected : .normal
            let y = rect.y + 1 + line
            let milliseconds = Int((record.totalSeconds * 1000).rounded())
            var x = rect.x
            x += frame.put(selected ? theme.focusMark + " " : "  ", x: x, y: y, role: role)
            x += frame.put(fit(clock(record.time, context), timeWidth, theme: theme) + " ", x: x, y: y, role: role)
            if showResource {
                x += frame.put(fit(record.resource, resourceWidth, theme: theme) + " ", x: x, y: y, role: role)
            }
            x += frame.put(fit(record.trigger.description, triggerWidth, theme: theme) + " ", x: x, y: y, role: role)
            x += frame.put(fit("\(milliseconds) ms", durationWidth, theme: theme) + " ", x: x, y: y, role: role)
            let symbol = record.result.isSuccess ? theme.okMark : theme.badMark
            let resultRole: Role = selected && focused ? .selected : (record.result.isSuccess ? .ok : .bad)
            frame.put(
                fit("\(symbol) \(record.result)", rect.x + rect.width - x, theme: theme), x: x, y: y, role: resultRole)
        }
    }

    // MARK: Probe

    static func drawProbe(_ rect: Rect, _ frame: inout Frame, _ context: Context) {
        let state = context.state
        let theme = context.theme
        guard let probe = state.snapshot.probe else {
            drawEmpty("no probe yet — p probes nginx now", rect, &frame)
            return
        }
        var lines: [(String, Role, Double?)] = []
        lines.append(
            (
                "\(clock(probe.time, context)) \(probe.url)  \(probe.requests) req, \(probe.errors) errors",
                .normal, nil
            ))
        let answered = max(1, probe.handlers.values.reduce(0, +))
        let handlers = probe.handlers.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (handler, count) in handlers {
            lines.append((handler, .normal, Double(count) / Double(answered)))
        }
        let latency = probe.latency
        lines.append(
            (
                "latency p50 \(ms(latency.p50))  p90 \(ms(latency.p90))  p99 \(ms(latency.p99))  max \(ms(latency.max))",
                .normal, nil
            ))
        if !probe.missing.isEmpty {
            lines.append(("\(theme.missingMark) " + listed("missing", probe.missing, theme: theme), .warn, nil))
        }
        if !probe.unexpected.isEmpty {
            lines.append(("\(theme.badMark) " + listed("unexpected", probe.unexpected, theme: theme), .bad, nil))
        }
        if probe.missing.isEmpty && probe.unexpected.isEmpty {
            lines.append(("\(theme.okMark) every registered backend answered", .ok, nil))
        }
        for (kind, count) in probe.errorsByKind.sorted(by: { $0.key < $1.key }) {
            lines.append(("\(theme.badMark) \(count) × \(kind)", .bad, nil))
        }
        lines += probeChart(probe.timeline, width: rect.width, theme: theme).map { ($0.text, $0.role, nil) }
        let filter = state.filter(of: .probe).lowercased()
        if !filter.isEmpty { lines = lines.filter { $0.0.lowercased().contains(filter) } }
        let offset = min(state.cursor[.probe, default: 0], max(0, lines.count - rect.height))
        let longest = probe.handlers.keys.map(\.utf8.count).max() ?? 8
        let labelWidth = min(longest, max(8, rect.width - 16))
        for line in 0..<min(rect.height, max(0, lines.count - offset)) {
            let (text, role, share) = lines[offset + line]
            let y = rect.y + line
            guard let share else {
                frame.put(fit(text, rect.width, theme: theme), x: rect.x, y: y, role: role)
                continue
            }
            let percent = fit("\(Int((share * 100).rounded()))%", 5, theme: theme, alignRight: true)
            let barWidth = max(1, rect.width - labelWidth - 6)
            let filled = Int((share * Double(barWidth)).rounded())
            var x = rect.x
            x += frame.put(fit(text, labelWidth, theme: theme) + " ", x: x, y: y)
            x += frame.put(String(repeating: theme.barFull, count: filled), x: x, y: y, role: .ok)
            x += frame.put(String(repeating: theme.barEmpty, count: barWidth - filled), x: x, y: y, role: .dim)
            frame.put(percent, x: x, y: y)
        }
    }

    /// `label: a, b` for a few addresses; past `limit`, the count and the first few (the line is cut to the panel
    /// anyway, and joining 10,000 addresses for every frame cost milliseconds).
    static func listed(_ label: String, _ addresses: [String], theme: Theme, limit: Int = 8) -> String {
        guard addresses.count > limit else { return "\(label): " + addresses.joined(separator: ", ") }
        let first = addresses.prefix(limit).joined(separator: ", ")
        return "\(label) (\(addresses.count)): \(first), \(theme.ellipsis)"
    }

    static func ms(_ value: Double) -> String {
        value < 10 ? String(format: "%.1fms", value) : "\(Int(value.rounded()))ms"
    }
}
