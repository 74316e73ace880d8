import Foundation
import GoTemplate
import GoText
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Everything the faces see, kept in one place: the other services write their facts here (the mirror's keys and
/// connection, the scheduler's records and renders, the control plane's lease TTLs and probe) and the hub builds
/// `EngineSnapshot` values from them and publishes them, newest wins, through the engine's one debounce.
///
/// Writes are synchronous and cheap (a lock and a value copy), so no service waits on a face.
final class SnapshotHub: Service, Sendable {
    /// The facts a snapshot is made of.
    struct Facts: Sendable {
        var connection: StoreConnectionState = .connecting
        var revision: Int64 = 0
        var mirror = SortedKeyMap()
        /// Each resource's last two renders, as bytes (shared with the apply that wrote them; decoded for a
        /// snapshot).
        var renders: [String: (last: [UInt8]?, previous: [UInt8]?)] = [:]
        var history: [ApplyRecord] = []
        var events: [EngineEventRecord] = []
        var probe: ProbeReport?
        var lastError: String?
        /// Seconds left per backend key, counted down by the control plane.
        var leaseTTLs: [GoString: Int] = [:]
        var reportedRejections: Set<String> = []
        var nextRecordID = 1
    }

    private struct Subscribers {
        var continuations: [Int: AsyncStream<EngineSnapshot>.Continuation] = [:]
        var nextID = 0
    }

    private let configuration: EngineConfiguration
    private let storeName: String
    private let facts = NIOLockedValueBox(Facts())
    private let subscribers = NIOLockedValueBox(Subscribers())
    private let publishing: CoalescingLoop
    private let clock: AnyClock
    /// Told when a face subscribes, so lease TTLs are read for it at once.
    private let leaseNews: ChangeInbox

    /// Snapshots are published at most about every 30 ms: a burst of changes costs one, not one per key.
    static let publishPolicy = WaitPolicy(minimumQuiet: .milliseconds(30), maximumDelay: .milliseconds(30))

    init(configuration: EngineConfiguration, storeName: String, leaseNews: ChangeInbox, clock: AnyClock) {
        self.configuration = configuration
        self.leaseNews = leaseNews
        self.storeName = storeName
        self.clock = clock
        self.publishing = CoalescingLoop(inbox: ChangeInbox(), clock: clock, policy: Self.publishPolicy)
    }

    /// Publishes until the service group shuts down, then ends every subscriber's stream.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.publishing.run { self.publishNow() }
        }
        finish()
    }

    // MARK: Writing facts

    /// Changes facts and schedules a publish.
    func update(_ body: (inout Facts) -> Void) {
        facts.withLockedValue { body(&$0) }
        publishSoon()
    }

    /// Reads facts.
    func read<T>(_ body: (Facts) -> T) -> T {
        facts.withLockedValue { body($0) }
    }

    /// Records `event` in the event log and hands it to the configured observer.
    func emit(_ event: EngineEvent) {
        let record = EngineEventRecord(time: Date(), event: event)
        let limit = configuration.eventLimit
        facts.withLockedValue { facts in
            facts.events.append(record)
            if facts.events.count > limit { facts.events.removeFirst(facts.events.count - limit) }
        }
        configuration.onEvent?(record)
        publishSoon()
    }

    /// A number for the next apply record.
    func nextRecordID() -> Int {
        facts.withLockedValue { facts in
            defer { facts.nextRecordID += 1 }
            return facts.nextRecordID
        }
    }

    /// Appends an apply's outcome to the history and keeps its render.
    func record(_ outcome: ApplyPipeline.Outcome, resource: String, error: String?) {
        let limit = configuration.historyLimit
        update { facts in
            let record = outcome.record
            facts.history.append(record)
            if facts.history.count > limit { facts.history.removeFirst(facts.history.count - limit) }
            if let rendered = outcome.renderedBytes, record.result.isSuccess {
                let current = facts.renders[resource]
                if current?.last != rendered { facts.renders[resource] = (rendered, current?.last) }
            }
            if let error { facts.lastError = error }
        }
    }

    /// Whether a rejected key is news (reported once per resource, key and value).
    func isNewRejection(resource: String, key: String, value: String) -> Bool {
        facts.withLockedValue { $0.reportedRejections.insert("\(resource)\u{0}\(key)\u{0}\(value)").inserted }
    }

    // MARK: Publishing

    /// Whether any face is listening (lease TTLs are only read for one).
    var hasSubscribers: Bool { subscribers.withLockedValue { !$0.continuations.isEmpty } }

    /// Snapshots, newest wins; the current one is delivered at once.
    func snapshots() -> AsyncStream<EngineSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        let id = subscribers.withLockedValue { subscribers in
            defer { subscribers.nextID += 1 }
            subscribers.continuations[subscribers.nextID] = continuation
            return subscribers.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLockedValue { _ = $0.continuations.removeValue(forKey: id) }
        }
        continuation.yield(currentSnapshot())
        leaseNews.post(at: clock.now)
        return stream
    }

    /// The state as a value.
    func currentSnapshot() -> EngineSnapshot {
        let facts = facts.withLockedValue { $0 }
        var backends: [BackendEntry] = []
        if let prefix = configuration.backendPrefix {
            let mirror = facts.mirror
            backends = mirror.range(withPrefix: prefix).map { index in
                let (key, value) = (mirror.keys[index], mirror.values[index])
                return BackendEntry(
                    key: key, address: value, ttlRemaining: facts.leaseTTLs[key],
                    isValidAddress: value.utf8Text.map(BackendAddress.isValid) ?? false)
            }
            .sorted { $0.key < $1.key }
        }
        let resources = configuration.resources.map { plan in
            ResourceStatus(
                name: plan.name, dest: plan.target.dest, lastRender: Self.text(facts.renders[plan.name]?.last),
                previousRender: Self.text(facts.renders[plan.name]?.previous))
        }
        var snapshot = EngineSnapshot(
            store: storeName, connection: facts.connection, revision: facts.revision, backends: backends,
            resources: resources, history: facts.history, events: facts.events, probe: facts.probe,
            lastError: facts.lastError)
        snapshot.mirroredKeys = facts.mirror.count
        return snapshot
    }

    private static func text(_ bytes: [UInt8]??) -> String? {
        guard case .some(.some(let bytes)) = bytes else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func publishSoon() {
        guard hasSubscribers else { return }
        publishing.inbox.post(at: clock.now)
    }

    private func publishNow() {
        let continuations = subscribers.withLockedValue { Array($0.continuations.values) }
        guard !continuations.isEmpty else { return }
        let snapshot = currentSnapshot()
        for continuation in continuations { continuation.yield(snapshot) }
    }

    private func finish() {
        let continuations = subscribers.withLockedValue { subscribers in
            defer { subscribers.continuations.removeAll() }
            return Array(subscribers.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
