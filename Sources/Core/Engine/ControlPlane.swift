import GoText
import Logging
import ServiceLifecycle

/// The console's effects on the world (add or remove a backend, render now, probe now, preview a change) and the
/// lease TTLs it shows, as a live stream: read from a writable store when a face subscribes, when a backend comes
/// or goes, and every `leaseRereadInterval`; counted down each second in between, on the injected clock.
final class ControlPlane: Service, Sendable {
    /// How often lease TTLs are read again while a face is watching (keep-alives push them back up).
    static let leaseRereadInterval = Duration.seconds(10)

    private let configuration: EngineConfiguration
    private let store: any KeyValueStore
    private let scheduler: ApplyScheduler
    private let renderer: Renderer
    private let mirror: StoreMirror
    private let hub: SnapshotHub
    /// Told when leases may have changed: a face subscribed, a backend came or went, an edit was made.
    private let leaseNews: ChangeInbox
    private let clock: AnyClock
    private let logger: Logger

    init(
        configuration: EngineConfiguration, store: any KeyValueStore, scheduler: ApplyScheduler, renderer: Renderer,
        mirror: StoreMirror, hub: SnapshotHub, leaseNews: ChangeInbox, clock: AnyClock, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.scheduler = scheduler
        self.renderer = renderer
        self.mirror = mirror
        self.hub = hub
        self.leaseNews = leaseNews
        self.clock = clock
        self.logger = logger
    }

    /// Keeps the lease TTLs in the snapshots current until the service group shuts down.
    func run() async throws {
        guard configuration.backendPrefix != nil, store is any WritableKeyValueStore else { return }
        await cancelWhenGracefulShutdown { await self.followLeases() }
    }

    private func followLeases() async {
        var lastRead: (at: AnyClock.Instant, ttls: [GoString: Int])?
        var nextRead = clock.now
        while !Task.isCancelled {
            let now = clock.now
            if now >= nextRead, hub.hasSubscribers {
                if let ttls = await readLeases() { lastRead = (now, ttls) }
                nextRead = now.advanced(by: Self.leaseRereadInterval)
            }
            guard let read = lastRead, hub.hasSubscribers else {
                // Nobody is watching: nothing to count down until a face subscribes or a backend changes.
                if await leaseNews.next() == nil { return }
                nextRead = clock.now
                continue
            }
            let elapsed = read.at.duration(to: clock.now)
            let seconds = Int(elapsed.components.seconds)
            let ttls = read.ttls.mapValues { max(0, $0 - seconds) }
            if hub.read({ $0.leaseTTLs }) != ttls { hub.update { $0.leaseTTLs = ttls } }
            let nextTick = read.at.advanced(by: .seconds(seconds + 1))
            if await leaseNews.next(orUntil: min(nextTick, nextRead), clock: clock) != nil {
                nextRead = clock.now
            }
        }
    }

    /// The TTL left on each backend's lease; `nil` when the store cannot say now.
    private func readLeases() async -> [GoString: Int]? {
        guard let prefix = configuration.backendPrefix, let writable = store as? any WritableKeyValueStore,
            let keys = try? await writable.list(prefix: prefix)
        else { return nil }
        return Dictionary(
            keys.compactMap { kv in kv.ttlRemaining.map { (kv.key, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Effects

    /// Carries out a console effect; returns an error in words when it failed.
    func perform(_ effect: EngineEffect) async -> String? {
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
                    try await writable.put(GoString(key), GoString(parsed.description), lease: nil)
                    logger.info("added backend \(key) = \(parsed)")
                case .remove(let key):
                    try await writable.delete(key)
                    logger.info("removed backend \(key.description)")
                }
                leaseNews.post(at: clock.now)
                return nil
            } catch {
                hub.update { $0.lastError = "\(error)" }
                return "\(error)"
            }
        case .drain(let key):
            return await drain(key)
        case .renderNow:
            let records = await scheduler.applyAll(trigger: .manual)
            return records.first { !$0.result.isSuccess }.map { $0.error ?? $0.result.description }
        case .probeNow:
            guard let probe = configuration.probe else { return "no probe URL configured (--probe URL)" }
            do {
                let report = try await probe()
                hub.update { $0.probe = report }
                return nil
            } catch {
                hub.update { $0.lastError = "probe: \(error)" }
                return "probe: \(error)"
            }
        }
    }

    /// The console's drain: removes `key`, then waits until every engine that renders it acknowledges a config
    /// without it (a fixed 2 s when none publishes), within 30 s; `nil` when it is done.
    private func drain(_ key: GoString) async -> String? {
        guard let writable = store as? any WritableKeyValueStore else {
            return "the store \(store.displayName) cannot be written"
        }
        let barrier = AppliedBarrier(store: writable, fallback: FixedGrace(.seconds(2)), clock: clock, logger: logger)
        // The drain logs and matches acknowledgements by text; the key itself is removed by its bytes.
        let drain = Drain(key: key.lossyText, barrier: barrier, timeout: .seconds(30), logger: logger)
        let steps = await drain.run(deregister: {
            try await AppliedBarrier.remove(key, from: writable)
        })
        leaseNews.post(at: clock.now)
        if steps.first?.completed == false { return "cannot remove \(key)" }
        if steps.last?.completed == false { return "\(key) removed, but engines still route to it after 30 s" }
        return nil
    }

    /// Renders every resource the change concerns against the store as it would be after it, and diffs with the
    /// live file. Never writes.
    func preview(_ change: BackendChange) async -> [PreviewResult] {
        var hypothetical = await mirror.contents
        let key: GoString
        switch change {
        case .add(let newKey, let address):
            key = GoString(newKey)
            do {
                try Self.validate(key: newKey)
                hypothetical.set(GoString(try BackendAddress(parsing: address).description), for: key)
            } catch {
                return [PreviewResult(resource: "", diff: "", error: "\(error)")]
            }
        case .remove(let oldKey):
            key = oldKey
            hypothetical.remove(oldKey)
        }
        var results: [PreviewResult] = []
        for plan in configuration.resources where plan.watches(key) {
            do {
                let rendered = try await renderer.text(of: plan, mirror: hypothetical)
                let live =
                    (try? LiveFile.read(plan.target.dest)).flatMap { $0 }.map {
                        String(decoding: $0.bytes, as: UTF8.self)
                    } ?? ""
                let diff = UnifiedDiff(old: live, new: rendered)
                    .formatted(oldName: plan.target.dest, newName: plan.target.dest + " (preview)")
                results.append(PreviewResult(resource: plan.name, diff: diff))
            } catch {
                results.append(PreviewResult(resource: plan.name, diff: "", error: "\(error)"))
            }
        }
        if results.isEmpty {
            results.append(PreviewResult(resource: "", diff: "", error: "no resource watches \(key.description)"))
        }
        return results
    }

    static func validate(key: String) throws {
        _ = try StoreKey(validating: key)
    }
}

/// A store key that cannot be used.
package struct KeyError: Error, Sendable, CustomStringConvertible {
    package var key: String
    package var description: String {
        "invalid key \(String(reflecting: key)): a key starts with / and has no spaces or control characters"
    }
}
