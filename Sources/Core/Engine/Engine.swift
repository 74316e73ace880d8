import Foundation
import Logging
import ServiceLifecycle

/// How the engine runs: confd's three modes.
public enum EngineMode: Sendable, Hashable {
    /// One pass over every resource, then return.
    case onetime
    /// A pass, then another every so many seconds.
    case interval(seconds: Int)
    /// A pass, then one per change of the store, coalesced.
    case watch
}

/// Everything the engine needs besides the store.
public struct EngineConfiguration: Sendable {
    public var resources: [ResourcePlan]
    public var mode: EngineMode
    public var options: ApplyOptions
    /// The run's coalescing windows (`--wait`); a resource's own `wait` wins.
    public var wait: WaitPolicy
    /// Keys under this prefix are shown as backends (the demo's `/test/`).
    public var backendPrefix: String?
    /// Runs a probe for the console's `p`; `nil` when no probe URL was given.
    public var probe: (@Sendable () async throws -> ProbeReport)?
    /// Called with every apply's outcome (the CLI prints `-noop` diffs and headless log lines from it).
    public var onApply: (@Sendable (ApplyPipeline.Outcome) -> Void)?
    /// How many apply records the history keeps.
    public var historyLimit: Int
    /// Called with every event as it happens (metrics, the systemd status, logs). Must return quickly.
    public var onEvent: (@Sendable (EngineEventRecord) -> Void)?
    /// How many events the snapshot's event log keeps.
    public var eventLimit: Int

    public init(
        resources: [ResourcePlan], mode: EngineMode, options: ApplyOptions = .init(), wait: WaitPolicy = .standard,
        backendPrefix: String? = nil, probe: (@Sendable () async throws -> ProbeReport)? = nil,
        onApply: (@Sendable (ApplyPipeline.Outcome) -> Void)? = nil, historyLimit: Int = 200,
        onEvent: (@Sendable (EngineEventRecord) -> Void)? = nil, eventLimit: Int = 500
    ) {
        self.resources = resources
        self.mode = mode
        self.options = options
        self.wait = wait
        self.backendPrefix = backendPrefix
        self.probe = probe
        self.onApply = onApply
        self.historyLimit = historyLimit
        self.onEvent = onEvent
        self.eventLimit = eventLimit
    }
}

/// The watch-render-reload engine: keeps a local mirror of the watched keys, decides when to apply each resource,
/// runs the apply pipeline, keeps the history, and publishes snapshots to the faces.
public actor Engine: Service, EngineControl {
    private let configuration: EngineConfiguration
    private let store: any KeyValueStore
    private let logger: Logger
    private let clock = ContinuousClock()
    private let pipeline: ApplyPipeline
    private let plans: [String: ResourcePlan]
    private let planOrder: [String]

    private var templates = TemplateCache()
    /// The watched keys in byte order, updated in place by each event.
    private var mirror = SortedKeyMap()
    private var revision: Int64 = 0
    /// The store revision every resource was last applied at by `runOnce`, so that `run` in watch mode right after
    /// it (the demo renders once before nginx starts) does not apply the same state again.
    private var revisionAppliedByRunOnce: Int64?
    private var connection: StoreConnectionState = .connecting
    private var lastError: String?
    private var history: [ApplyRecord] = []
    /// The event log, newest last, bounded by `configuration.eventLimit`.
    private var events: [EngineEventRecord] = []
    private var nextRecordID = 1
    private var renders: [String: (last: String?, previous: String?)] = [:]
    /// Per resource: the order `getvs` sorted values in at its last render (see `ValueOrderCache`).
    private let valueOrderCaches: [String: ValueOrderCache]
    private var coalescers: [String: Coalescer<ContinuousClock.Instant>] = [:]
    private var deadlines: [String: ContinuousClock.Instant] = [:]
    private var timerTask: Task<Void, Never>?
    private var runningApplies: [String: Task<Void, Never>] = [:]
    private var subscribers: [Int: AsyncStream<EngineSnapshot>.Continuation] = [:]
    private var nextSubscriberID = 0
    private var publishPending = false
    private var probeReport: ProbeReport?
    private var leaseTTLs: [String: Int] = [:]
    private var reportedRejections: Set<String> = []

    public init(configuration: EngineConfiguration, store: any KeyValueStore, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.pipeline = ApplyPipeline(options: configuration.options)
        self.plans = Dictionary(configuration.resources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.planOrder = configuration.resources.map(\.name)
        self.valueOrderCaches = Dictionary(
            configuration.resources.map { ($0.name, ValueOrderCache()) }, uniquingKeysWith: { first, _ in first })
        for plan in configuration.resources {
            let wait = plan.wait ?? configuration.wait
            coalescers[plan.name] = Coalescer(minimumQuiet: wait.minimumQuiet, maximumDelay: wait.maximumDelay)
        }
    }

    /// Every prefix some resource watches, without duplicates.
    private var watchedPrefixes: [String] {
        var seen = Set<String>()
        var prefixes = configuration.resources.flatMap(\.watchedPrefixes).filter { seen.insert($0).inserted }
        if let backendPrefix = configuration.backendPrefix, !prefixes.contains(where: { backendPrefix.hasPrefix($0) }) {
            prefixes.append(backendPrefix)
        }
        return prefixes
    }

    // MARK: Running

    /// Runs the configured mode until it ends (onetime) or the task is cancelled / the service group shuts down.
    public func run() async throws {
        removeLeftoverStageFiles()
        switch configuration.mode {
        case .onetime:
            _ = try await runOnce()
        case .interval(let seconds):
            try await cancelWhenGracefulShutdown { try await self.runInterval(seconds: seconds) }
        case .watch:
            try await cancelWhenGracefulShutdown { try await self.runWatch() }
        }
        for task in runningApplies.values { await task.value }
        timerTask?.cancel()
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    /// One pass: read the store, apply every resource in order.
    /// - Returns: one record per resource.
    /// - Throws: when the store cannot be read (nothing is applied then).
    public func runOnce() async throws -> [ApplyRecord] {
        let snapshot = try await store.snapshot(prefixes: watchedPrefixes)
        replaceMirror(with: snapshot)
        setConnection(.connected)
        let records = await applyAll(trigger: .startup)
        if records.allSatisfy({ $0.result.isSuccess }) { revisionAppliedByRunOnce = revision }
        return records
    }

    private func runInterval(seconds: Int) async throws {
        var trigger = ApplyTrigger.startup
        while !Task.isCancelled {
            do {
                let snapshot = try await store.snapshot(prefixes: watchedPrefixes)
                replaceMirror(with: snapshot)
                setConnection(.connected)
                _ = await applyAll(trigger: trigger)
            } catch {
                setConnection(.unreachable("\(error)"))
            }
            trigger = .interval
            try await Task.sleep(for: .seconds(seconds))
        }
    }

    private func runWatch() async throws {
        let prefixes = watchedPrefixes
        var backoff = Duration.milliseconds(100)
        // The first snapshot: retried until the store answers, the live config untouched meanwhile.
        while true {
            do {
                let snapshot = try await store.snapshot(prefixes: prefixes)
                replaceMirror(with: snapshot)
                setConnection(.connected)
                break
            } catch {
                setConnection(.unreachable("\(error)"))
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        if revisionAppliedByRunOnce != revision { _ = await applyAll(trigger: .startup) }
        backoff = .milliseconds(100)
        while !Task.isCancelled {
            do {
                for try await update in store.updates(prefixes: prefixes, after: revision) {
                    handle(update)
                    backoff = .milliseconds(100)
                }
                if Task.isCancelled { break }
            } catch is CancellationError {
                break
            } catch {
                setConnection(.unreachable("\(error)"))
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    // MARK: Store updates

    private func handle(_ update: StoreUpdate) {
        switch update {
        case .events(let events, let newRevision):
            var changed: [String] = []
            for event in events {
                switch event {
                case .put(let key, let value):
                    let isNew = mirror[key] == nil
                    if mirror.set(value, for: key) {
                        changed.append(key)
                        if isNew, isBackend(key) { emit(.backendAdded(key: key, address: value)) }
                    }
                case .delete(let key):
                    if mirror.remove(key) != nil {
                        changed.append(key)
                        if isBackend(key) { emit(.backendRemoved(key: key)) }
                    }
                }
            }
            revision = max(revision, newRevision)
            emit(.storeChanges(count: events.count, revision: newRevision))
            if connection != .connected { setConnection(.connected) }
            keysChanged(changed)
        case .resync(let snapshot):
            let old = mirror.dictionary
            replaceMirror(with: snapshot)
            emit(.storeResync(revision: snapshot.revision))
            var changed = snapshot.pairs.compactMap { key, value in old[key] == value ? nil : key }
            changed += old.keys.filter { snapshot.pairs[$0] == nil }
            if connection != .connected { setConnection(.connected) }
            keysChanged(changed)
        case .connection(let state):
            setConnection(state)
        }
    }

    private func replaceMirror(with snapshot: StoreSnapshot) {
        mirror = SortedKeyMap(snapshot.pairs)
        revision = snapshot.revision
        schedulePublish()
    }

    private func keysChanged(_ keys: [String]) {
        guard !keys.isEmpty else { return }
        let now = clock.now
        for name in planOrder {
            guard let plan = plans[name], keys.contains(where: plan.watches) else { continue }
            if coalescers[name]!.hasPendingChanges || runningApplies[name] != nil {
                emit(.changeCoalesced(resource: name))
            }
            consider(name, coalescers[name]!.changeArrived(at: now))
        }
        schedulePublish()
    }

    private func setConnection(_ state: StoreConnectionState) {
        guard state != connection else { return }
        switch state {
        case .unreachable(let reason):
            logger.error("store \(store.displayName) unreachable: \(reason); the live config stays as it is")
            lastError = "store unreachable: \(reason)"
        case .connected:
            if case .unreachable = connection { logger.info("store \(store.displayName) reachable again") }
        case .connecting:
            break
        }
        connection = state
        emit(.storeConnection(state))
        schedulePublish()
    }

    // MARK: Coalescing and applying

    private func consider(_ name: String, _ decision: Coalescer<ContinuousClock.Instant>.Decision) {
        switch decision {
        case .applyNow:
            deadlines[name] = nil
            startApply(name, trigger: .change(revision: revision))
        case .waitUntil(let instant):
            deadlines[name] = instant
        case .idle:
            deadlines[name] = nil
        }
        rescheduleTimer()
    }

    private func startApply(_ name: String, trigger: ApplyTrigger) {
        guard let plan = plans[name] else { return }
        coalescers[name]!.applyStarted(at: clock.now)
        runningApplies[name] = Task {
            _ = await self.apply(plan, trigger: trigger)
            self.applyFinished(name)
        }
    }

    private func applyFinished(_ name: String) {
        runningApplies[name] = nil
        consider(name, coalescers[name]!.applyFinished(at: clock.now))
    }

    private func rescheduleTimer() {
        timerTask?.cancel()
        timerTask = nil
        guard let earliest = deadlines.values.min() else { return }
        timerTask = Task {
            try? await Task.sleep(until: earliest, clock: .continuous)
            guard !Task.isCancelled else { return }
            self.timerFired()
        }
    }

    private func timerFired() {
        let now = clock.now
        for (name, deadline) in deadlines where deadline <= now {
            consider(name, coalescers[name]!.timerFired(at: now))
        }
        rescheduleTimer()
    }

    /// Applies every resource in order, waiting for any apply already running on it.
    private func applyAll(trigger: ApplyTrigger) async -> [ApplyRecord] {
        var records: [ApplyRecord] = []
        for name in planOrder {
            guard let plan = plans[name] else { continue }
            if let running = runningApplies[name] { await running.value }
            coalescers[name]!.applyStarted(at: clock.now)
            records.append(await apply(plan, trigger: trigger))
            _ = coalescers[name]!.applyFinished(at: clock.now)
        }
        return records
    }

    /// One pass of the pipeline over `plan` against the mirror as it is now.
    private func apply(_ plan: ResourcePlan, trigger: ApplyTrigger) async -> ApplyRecord {
        emit(.applyStarted(resource: plan.name, trigger: trigger))
        let (view, rejected) = plan.guardedView(of: mirror)
        reportRejections(rejected, plan: plan)
        let template = Result { try templates.template(at: plan.templatePath, displayName: plan.templateDisplayName) }
        var target = plan.target
        if let source = plan.checkCommandSource {
            let command = Result { try templates.command(source, resource: plan.name) }
            target.checkCommand = { stage in
                String(decoding: try command.get().render(StoreView([:]), dot: ["src": stage]), as: UTF8.self)
            }
        }
        let id = nextRecordID
        nextRecordID += 1
        let storeView = StoreView(view, orderCache: valueOrderCaches[plan.name])
        let renderedRevision = revision
        var outcome = await pipeline.apply(id: id, trigger: trigger, target: target, rejectedKeys: rejected) {
            try template.get().render(storeView)
        }
        outcome.record.revision = renderedRevision
        record(outcome, plan: plan)
        return outcome.record
    }

    private func record(_ outcome: ApplyPipeline.Outcome, plan: ResourcePlan) {
        let record = outcome.record
        history.append(record)
        if history.count > configuration.historyLimit {
            history.removeFirst(history.count - configuration.historyLimit)
        }
        if let rendered = outcome.rendered, record.result.isSuccess {
            let current = renders[plan.name]
            if current?.last != rendered { renders[plan.name] = (rendered, current?.last) }
        }
        // JSON logs carry the resource and revision as fields; confd's text lines keep their words.
        let fields: Logger.Metadata = ["resource": "\(plan.name)", "revision": "\(record.revision)"]
        switch record.result {
        case .applied:
            logger.info(
                "Target config \(record.dest) has been updated (\(record.trigger), +\(record.linesAdded) -\(record.linesRemoved))",
                metadata: fields)
        case .unchanged:
            logger.debug("Target config \(record.dest) in sync", metadata: fields)
        case .wouldChange:
            logger.warning("Noop mode enabled. \(record.dest) will not be modified", metadata: fields)
        default:
            let message = record.error ?? record.result.description
            logger.error("\(plan.name): \(message)", metadata: fields)
            // What the failing check or reload printed says why ("exit status 1" does not); confd logs it too.
            if !record.output.isEmpty {
                logger.error(
                    "\(plan.name): command output:\n\(record.output.trimmingCharacters(in: .newlines))",
                    metadata: fields)
            }
            lastError = "\(plan.name): \(message)"
        }
        emit(.applied(record, renderedBytes: outcome.rendered?.utf8.count ?? 0))
        configuration.onApply?(outcome)
        schedulePublish()
    }

    private func reportRejections(_ rejected: [String], plan: ResourcePlan) {
        for key in rejected {
            let value = mirror[key] ?? ""
            let marker = "\(plan.name)\u{0}\(key)\u{0}\(value)"
            guard reportedRejections.insert(marker).inserted else { continue }
            emit(.rejected(resource: plan.name, key: key, value: value))
            let message = "\(plan.name): left out \(key): value \(String(reflecting: value)) is not host:port"
            logger.warning("\(message)", metadata: ["resource": "\(plan.name)", "key": "\(key)"])
            lastError = message
        }
    }

    private func removeLeftoverStageFiles() {
        for plan in configuration.resources {
            for path in LiveFile.leftoverStageFiles(for: plan.target.dest) {
                logger.warning("removing stage file \(path) left by an interrupted apply")
                LiveFile.remove(path)
            }
        }
    }

    // MARK: Events

    private func isBackend(_ key: String) -> Bool {
        guard let prefix = configuration.backendPrefix else { return false }
        return key.utf8.starts(with: prefix.utf8)
    }

    /// Records `event` in the event log and hands it to the configured observer.
    private func emit(_ event: EngineEvent) {
        let record = EngineEventRecord(time: Date(), event: event)
        events.append(record)
        if events.count > configuration.eventLimit {
            events.removeFirst(events.count - configuration.eventLimit)
        }
        configuration.onEvent?(record)
    }

    // MARK: Snapshots

    /// Snapshots, newest wins; the current one is delivered at once.
    public nonisolated func snapshots() -> AsyncStream<EngineSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        Task { await self.subscribe(continuation) }
        return stream
    }

    private func subscribe(_ continuation: AsyncStream<EngineSnapshot>.Continuation) {
        let id = nextSubscriberID
        nextSubscriberID += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        continuation.yield(currentSnapshot())
        Task { await self.refreshLeases() }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    /// The state as a value.
    public func currentSnapshot() -> EngineSnapshot {
        var backends: [BackendEntry] = []
        if let prefix = configuration.backendPrefix {
            backends = mirror.range(withPrefix: prefix)
                .map { index in
                    let (key, value) = (mirror.keys[index], mirror.values[index])
                    return BackendEntry(
                        key: key, address: value, ttlRemaining: leaseTTLs[key],
                        isValidAddress: BackendAddress.isValid(value))
                }
                .sorted { $0.key < $1.key }
        }
        let resources = planOrder.compactMap { name -> ResourceStatus? in
            guard let plan = plans[name] else { return nil }
            return ResourceStatus(
                name: name, dest: plan.target.dest, lastRender: renders[name]?.last,
                previousRender: renders[name]?.previous)
        }
        var snapshot = EngineSnapshot(
            store: store.displayName, connection: connection, revision: revision, backends: backends,
            resources: resources, history: history, events: events, probe: probeReport, lastError: lastError)
        snapshot.mirroredKeys = mirror.keys.count
        return snapshot
    }

    /// Publishes at most every 30 ms, so a burst of changes costs one snapshot, not one per key.
    private func schedulePublish() {
        guard !subscribers.isEmpty, !publishPending else { return }
        publishPending = true
        Task {
            try? await Task.sleep(for: .milliseconds(30))
            self.publishNow()
        }
    }

    private func publishNow() {
        publishPending = false
        guard !subscribers.isEmpty else { return }
        let snapshot = currentSnapshot()
        for continuation in subscribers.values { continuation.yield(snapshot) }
    }

    /// Reads the TTL left on each backend's lease (writable stores only).
    private func refreshLeases() async {
        guard let prefix = configuration.backendPrefix, let writable = store as? any WritableKeyValueStore else {
            return
        }
        guard let keys = try? await writable.list(prefix: prefix) else { return }
        leaseTTLs = Dictionary(
            keys.compactMap { kv in kv.ttlRemaining.map { (kv.key, $0) } }, uniquingKeysWith: { a, _ in a })
        schedulePublish()
    }

    // MARK: Effects

    /// Carries out a console effect; returns an error in words when it failed.
    public func perform(_ effect: EngineEffect) async -> String? {
        switch effect {
        case .change(let change):
            guard let writable = store as? any WritableKeyValueStore else {
                return "the store \(store.displayName) cannot be written"
            }
            do {
                switch change {
                case .add(let key, let address):
                    try Self.validate(key: key)
                    let parsed = try BackendAddress(parsing: address)
                    try await writable.put(key, parsed.description, lease: nil)
                    logger.info("added backend \(key) = \(parsed)")
                case .remove(let key):
                    try await writable.delete(key)
                    logger.info("removed backend \(key)")
                }
                await refreshLeases()
                return nil
            } catch {
                lastError = "\(error)"
                schedulePublish()
                return "\(error)"
            }
        case .renderNow:
            let records = await applyAll(trigger: .manual)
            return records.first { !$0.result.isSuccess }.map { $0.error ?? $0.result.description }
        case .probeNow:
            guard let probe = configuration.probe else { return "no probe URL configured (--probe URL)" }
            do {
                probeReport = try await probe()
                schedulePublish()
                return nil
            } catch {
                lastError = "probe: \(error)"
                schedulePublish()
                return "probe: \(error)"
            }
        }
    }

    /// Renders every resource the change concerns against the store as it would be after it, and diffs with the
    /// live file. Never writes.
    public func preview(_ change: BackendChange) async -> [PreviewResult] {
        var hypothetical = mirror
        let key: String
        switch change {
        case .add(let newKey, let address):
            key = newKey
            do {
                try Self.validate(key: newKey)
                hypothetical.set(try BackendAddress(parsing: address).description, for: newKey)
            } catch {
                return [PreviewResult(resource: "", diff: "", error: "\(error)")]
            }
        case .remove(let oldKey):
            key = oldKey
            hypothetical.remove(oldKey)
        }
        var results: [PreviewResult] = []
        for name in planOrder {
            guard let plan = plans[name], plan.watches(key) else { continue }
            do {
                let template = try templates.template(at: plan.templatePath, displayName: plan.templateDisplayName)
                let rendered = String(
                    decoding: try template.render(StoreView(plan.guardedView(of: hypothetical).view)), as: UTF8.self)
                let live =
                    (try? LiveFile.read(plan.target.dest)).flatMap { $0 }.map {
                        String(decoding: $0.bytes, as: UTF8.self)
                    } ?? ""
                let diff = UnifiedDiff(old: live, new: rendered)
                    .formatted(oldName: plan.target.dest, newName: plan.target.dest + " (preview)")
                results.append(PreviewResult(resource: name, diff: diff))
            } catch {
                results.append(PreviewResult(resource: name, diff: "", error: "\(error)"))
            }
        }
        if results.isEmpty {
            results.append(PreviewResult(resource: "", diff: "", error: "no resource watches \(key)"))
        }
        return results
    }

    private static func validate(key: String) throws {
        guard key.hasPrefix("/"), key.count > 1, !key.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw KeyError(key: key)
        }
    }
}

/// A store key that cannot be used.
public struct KeyError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var description: String {
        "invalid key \(String(reflecting: key)): a key starts with / and has no spaces"
    }
}
