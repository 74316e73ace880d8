import Core

/// Everything the console shows besides the engine's data: focus, selections, filters, overlays. Pure: keys and
/// snapshots go in (`handle`, `receive`), intents come out; the layout draws it.
package struct ConsoleState: Sendable {
    package private(set) var snapshot: EngineSnapshot
    /// Under `--readonly` every mutation is refused (see `ConsoleAction.isMutation`).
    package var readOnly: Bool
    /// Where backends live in the store (the demo: `/test/`); new keys must be under it.
    package var backendPrefix: String
    package var size: TerminalSize
    package var focus: Panel = .backends
    package private(set) var sort: BackendSort = .key
    /// Per-panel filter text (`/`).
    package private(set) var filters: [Panel: String] = [:]
    /// True while `/` is taking typed text.
    package var editingFilter = false
    /// Per panel: the selected row (Backends, Reloads) or the first visible line (Upstream, Probe).
    package var cursor: [Panel: Int] = [:]
    package var overlay: Overlay?
    package var message: StatusMessage?

    /// Indices into `snapshot.backends`, filtered and sorted: cached, recomputed only when an input changes.
    package private(set) var visibleBackends: [Int] = []
    /// Indices into `snapshot.history`, newest first, filtered.
    package private(set) var visibleReloads: [Int] = []
    /// Which of `snapshot.resources` the Upstream panel shows (`[` and `]` switch).
    package private(set) var resourceIndex = 0
    /// The Upstream panel's lines, with marks.
    package private(set) var upstream: UpstreamView = .empty
    /// Indices into `upstream.lines`, filtered.
    package private(set) var visibleUpstream: [Int] = []
    /// Health per backend, parallel to `snapshot.backends`.
    package private(set) var health: [BackendHealth] = []

    package init(
        snapshot: EngineSnapshot, size: TerminalSize = TerminalSize(width: 80, height: 24), readOnly: Bool = false,
        backendPrefix: String = "/test/"
    ) {
        self.snapshot = snapshot
        self.size = size
        self.readOnly = readOnly
        self.backendPrefix = backendPrefix
        refreshAll()
    }

    // MARK: Inputs besides keys

    /// A new snapshot from the engine.
    package mutating func receive(_ snapshot: EngineSnapshot) {
        let old = self.snapshot
        self.snapshot = snapshot
        if old.backends != snapshot.backends || old.probe != snapshot.probe {
            refreshBackends()
        }
        let oldIndex = resourceIndex
        resourceIndex = min(resourceIndex, max(0, snapshot.resources.count - 1))
        if oldIndex != resourceIndex || shownResource(in: old) != shownResource(in: snapshot) {
            refreshUpstream()
        }
        if old.history != snapshot.history { refreshReloads() }
        clampCursors()
    }

    /// The engine's answer to a `.preview` intent.
    package mutating func receive(preview results: [PreviewResult], for change: BackendChange) {
        guard case .preview(var pane) = overlay, pane.change == change else { return }
        var lines: [String] = []
        for result in results {
            if let error = result.error {
                lines.append("! \(result.resource): \(error)")
            } else if result.diff.isEmpty {
                lines.append("  \(result.resource): no change")
            } else {
                lines.append(contentsOf: UpstreamView.splitLines(result.diff))
            }
        }
        if results.isEmpty { lines = ["  no template resource would change"] }
        pane.lines = lines
        overlay = .preview(pane)
    }

    /// The engine's answer to a `.perform` intent: `nil` when it worked.
    package mutating func receive(effect: EngineEffect, error: String?) {
        if let error {
            message = StatusMessage("failed: \(error)", isError: true)
            return
        }
        switch effect {
        case .change(.add(let key, let address)): message = StatusMessage("added \(key) = \(address)")
        case .change(.remove(let key)): message = StatusMessage("removed \(key)")
        case .drain(let key): message = StatusMessage("drained \(key): no engine routes to it; the backend can stop")
        case .renderNow: message = StatusMessage("rendered")
        case .probeNow: message = StatusMessage("probed")
        }
    }

    // MARK: Derived data

    /// The selected backend, if the Backends panel has rows.
    package var selectedBackend: BackendEntry? {
        let row = cursor[.backends, default: 0]
        guard visibleBackends.indices.contains(row) else { return nil }
        return snapshot.backends[visibleBackends[row]]
    }

    /// The selected apply record, if the Reloads panel has rows.
    package var selectedRecord: ApplyRecord? {
        let row = cursor[.reloads, default: 0]
        guard visibleReloads.indices.contains(row) else { return nil }
        return snapshot.history[visibleReloads[row]]
    }

    /// The filter text of `panel` (empty when none).
    package func filter(of panel: Panel) -> String { filters[panel, default: ""] }

    /// Rows the focused list panel has, for clamping its cursor.
    func rowCount(_ panel: Panel) -> Int {
        switch panel {
        case .backends: return visibleBackends.count
        case .reloads: return visibleReloads.count
        case .upstream: return visibleUpstream.count
        case .probe: return probeLineCount
        }
    }

    var probeLineCount: Int {
        guard let probe = snapshot.probe else { return 0 }
        return probe.handlers.count + probe.missing.count + probe.unexpected.count + probe.errorsByKind.count + 8
    }

    mutating func setFilter(_ text: String, for panel: Panel) {
        filters[panel] = text.isEmpty ? nil : text
        switch panel {
        case .backends: refreshBackends()
        case .reloads: refreshReloads()
        case .upstream: refreshUpstreamFilter()
        case .probe: break
        }
        cursor[panel] = 0
    }

    /// The resource the Upstream panel shows.
    package var shownResource: ResourceStatus? { shownResource(in: snapshot) }

    private func shownResource(in snapshot: EngineSnapshot) -> ResourceStatus? {
        snapshot.resources.indices.contains(resourceIndex) ? snapshot.resources[resourceIndex] : nil
    }

    /// Shows the next (`by: 1`) or previous (`by: -1`) resource in the Upstream panel, wrapping around.
    mutating func switchResource(by step: Int) {
        let count = snapshot.resources.count
        guard count > 1 else { return }
        resourceIndex = ((resourceIndex + step) % count + count) % count
        refreshUpstream()
        cursor[.upstream] = 0
    }

    private mutating func refreshUpstream() {
        upstream = UpstreamView(status: shownResource)
        refreshUpstreamFilter()
    }

    mutating func cycleSort() {
        sort = sort.next
        refreshBackends()
    }

    private mutating func refreshAll() {
        refreshBackends()
        refreshUpstream()
        refreshReloads()
        clampCursors()
    }

    private mutating func refreshBackends() {
        let backends = snapshot.backends
        let probe = snapshot.probe
        health = backends.map { BackendHealth(entry: $0, probe: probe) }
        let needle = filter(of: .backends).lowercased()
        var rows = Array(backends.indices)
        if !needle.isEmpty {
            rows = rows.filter {
                backends[$0].key.description.lowercased().contains(needle)
                    || backends[$0].address.description.lowercased().contains(needle)
            }
        }
        switch sort {
        case .key:
            break  // the engine delivers backends sorted by key
        case .address:
            rows.sort { (backends[$0].address, backends[$0].key) < (backends[$1].address, backends[$1].key) }
        case .ttl:
            rows.sort {
                let left = backends[$0].ttlRemaining ?? Int.max
                let right = backends[$1].ttlRemaining ?? Int.max
                return left != right ? left < right : backends[$0].key < backends[$1].key
            }
        case .health:
            let health = self.health
            rows.sort { health[$0] != health[$1] ? health[$0] < health[$1] : backends[$0].key < backends[$1].key }
        }
        visibleBackends = rows
    }

    private mutating func refreshReloads() {
        let needle = filter(of: .reloads).lowercased()
        let history = snapshot.history
        visibleReloads = history.indices.reversed().filter { index in
            guard !needle.isEmpty else { return true }
            let record = history[index]
            return "\(record.resource) \(record.trigger) \(record.result)".lowercased().contains(needle)
        }
    }

    private mutating func refreshUpstreamFilter() {
        let needle = filter(of: .upstream).lowercased()
        let lines = upstream.lines
        visibleUpstream = lines.indices.filter { needle.isEmpty || lines[$0].text.lowercased().contains(needle) }
    }

    mutating func clampCursors() {
        for panel in Panel.allCases {
            let count = rowCount(panel)
            cursor[panel] = max(0, min(cursor[panel, default: 0], count - 1))
        }
    }
}
