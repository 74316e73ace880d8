import GoTemplate
import GoText
import Logging
import ServiceLifecycle

/// The engine's copy of the watched keys: connects to the store, takes a snapshot, follows its changes from the
/// next revision on, resynchronises when the store says so, and retries with the shared `Backoff` when the store
/// is unreachable (the live config stays as it is meanwhile).
///
/// It tells the `ApplyScheduler` which keys changed (stamped with the time they arrived) and writes its keys,
/// revision and connection to the `SnapshotHub`.
///
/// Switchboard's own keys (`AppliedAcknowledgement.reservedPrefix`, where engines publish what they applied) are
/// hidden: no resource sees them, even one that watches `/`, and a change to them alone changes nothing here, so an
/// engine's acknowledgement can never cause an apply.
actor StoreMirror: Service {
    private let store: any KeyValueStore
    private let prefixes: [String]
    private let backendPrefix: String?
    private let backoff: Backoff
    private let clock: AnyClock
    private let hub: SnapshotHub
    /// Told when a backend comes or goes, so its lease TTL is read.
    private let leaseNews: ChangeInbox
    private let logger: Logger
    /// Told which keys changed; set once by the engine before anything runs.
    private var onChange: (@Sendable ([GoString], AnyClock.Instant) -> [String])?
    /// Called once the first snapshot is in, before any change is followed.
    private var onLoaded: (@Sendable (Int64) async -> Void)?

    private var mirror = SortedKeyMap()
    private(set) var revision: Int64 = 0
    private var connection: StoreConnectionState = .connecting

    init(
        store: any KeyValueStore, prefixes: [String], backendPrefix: String?, backoff: Backoff, clock: AnyClock,
        hub: SnapshotHub, leaseNews: ChangeInbox, logger: Logger
    ) {
        self.leaseNews = leaseNews
        self.store = store
        self.prefixes = prefixes
        self.backendPrefix = backendPrefix
        self.backoff = backoff
        self.clock = clock
        self.hub = hub
        self.logger = logger
    }

    /// Connects the mirror to its consumer: `changed` gets the changed keys and when they arrived, and returns the
    /// resources that already had an apply waiting or running; `loaded` runs once the first snapshot is in.
    func connect(
        changed: @escaping @Sendable ([GoString], AnyClock.Instant) -> [String],
        loaded: @escaping @Sendable (Int64) async -> Void
    ) {
        onChange = changed
        onLoaded = loaded
    }

    /// The keys as they are now.
    var contents: SortedKeyMap { mirror }

    /// Follows the store until the service group shuts down.
    func run() async throws {
        await cancelWhenGracefulShutdown { await self.follow() }
    }

    /// Reads a fresh snapshot into the mirror (a `runOnce` or an interval pass).
    /// - Throws: when the store cannot be read; the mirror is unchanged then.
    func reload() async throws {
        do {
            replace(with: try await store.snapshot(prefixes: prefixes))
            setConnection(.connected)
        } catch {
            if !(error is CancellationError) { setConnection(.unreachable("\(error)")) }
            throw error
        }
    }

    private func follow() async {
        // The first snapshot: retried until the store answers, the live config untouched meanwhile.
        var failures = 0
        while true {
            do {
                try await reload()
                break
            } catch {
                if Task.isCancelled { return }
                failures += 1
                do { try await clock.sleep(for: backoff.delay(afterFailures: failures)) } catch { return }
            }
        }
        await onLoaded?(revision)
        failures = 0
        while !Task.isCancelled {
            do {
                for try await update in store.updates(prefixes: prefixes, after: revision) {
                    handle(update)
                    failures = 0
                }
                if Task.isCancelled { break }
            } catch is CancellationError {
                break
            } catch {
                setConnection(.unreachable("\(error)"))
            }
            failures += 1
            do { try await clock.sleep(for: backoff.delay(afterFailures: failures)) } catch { return }
        }
    }

    private func handle(_ update: StoreUpdate) {
        switch update {
        case .events(let all, let newRevision):
            let events =
                all.contains { AppliedAcknowledgement.isReserved($0.key) }
                ? all.filter { !AppliedAcknowledgement.isReserved($0.key) } : all
            guard !events.isEmpty else {
                if connection != .connected { setConnection(.connected) }
                return
            }
            var changed: [GoString] = []
            var backendsChanged = false
            for event in events {
                switch event {
                case .put(let key, let value):
                    let isNew = mirror[key] == nil
                    if mirror.set(value, for: key) {
                        changed.append(key)
                        if isNew, isBackend(key) {
                            hub.emit(.backendAdded(key: key.description, address: value.description))
                            backendsChanged = true
                        }
                    }
                case .delete(let key):
                    if mirror.remove(key) != nil {
                        changed.append(key)
                        if isBackend(key) {
                            hub.emit(.backendRemoved(key: key.description))
                            backendsChanged = true
                        }
                    }
                }
            }
            revision = max(revision, newRevision)
            publish()
            if connection != .connected { setConnection(.connected) }
            let joined = changed.isEmpty ? [] : onChange?(changed, clock.now) ?? []
            hub.emit(.storeChanges(count: events.count, revision: newRevision))
            for resource in joined { hub.emit(.changeCoalesced(resource: resource)) }
            if backendsChanged { leaseNews.post(at: clock.now) }
        case .resync(let whole):
            let snapshot = Self.visible(whole)
            let old = mirror.dictionary
            replace(with: snapshot)
            var changed = snapshot.pairs.compactMap { key, value in old[key] == value ? nil : key }
            changed += old.keys.filter { snapshot.pairs[$0] == nil }
            if connection != .connected { setConnection(.connected) }
            let joined = changed.isEmpty ? [] : onChange?(changed, clock.now) ?? []
            hub.emit(.storeResync(revision: snapshot.revision))
            for resource in joined { hub.emit(.changeCoalesced(resource: resource)) }
            leaseNews.post(at: clock.now)
        case .connection(let state):
            setConnection(state)
        }
    }

    /// `snapshot` without Switchboard's own keys.
    private static func visible(_ snapshot: StoreSnapshot) -> StoreSnapshot {
        guard snapshot.pairs.keys.contains(where: { AppliedAcknowledgement.isReserved($0) }) else { return snapshot }
        return StoreSnapshot(
            pairs: snapshot.pairs.filter { !AppliedAcknowledgement.isReserved($0.key) }, revision: snapshot.revision)
    }

    private func replace(with whole: StoreSnapshot) {
        let snapshot = Self.visible(whole)
        mirror = SortedKeyMap(snapshot.pairs)
        revision = snapshot.revision
        publish()
    }

    private func publish() {
        let (mirror, revision) = (mirror, revision)
        hub.update { facts in
            facts.mirror = mirror
            facts.revision = revision
        }
    }

    private func setConnection(_ state: StoreConnectionState) {
        guard state != connection else { return }
        let previous = connection
        connection = state
        switch state {
        case .unreachable(let reason):
            logger.error("store \(store.displayName) unreachable: \(reason); the live config stays as it is")
            hub.update { $0.lastError = "store unreachable: \(reason)" }
        case .connected:
            if case .unreachable = previous { logger.info("store \(store.displayName) reachable again") }
        case .connecting:
            break
        }
        hub.update { $0.connection = state }
        hub.emit(.storeConnection(state))
    }

    private func isBackend(_ key: GoString) -> Bool {
        guard let backendPrefix else { return false }
        return key.hasPrefix(backendPrefix)
    }
}
