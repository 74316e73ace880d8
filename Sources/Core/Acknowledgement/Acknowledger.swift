import Foundation
import GoText
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Publishes, for every resource of one engine, the store revision its live config was rendered from and how the
/// last apply ended (`AppliedAcknowledgement`), under a lease of its own that it keeps alive: when the engine dies,
/// its acknowledgements expire with the lease.
///
/// Fed by the engine's events (`observe`, from `EngineConfiguration.onEvent`), which only note the newest outcome per
/// resource and wake the publishing loop: an apply never waits for the store write.
package final class Acknowledger: Service, Sendable {
    /// One resource this engine applies and the prefixes it renders.
    package struct Resource: Sendable, Hashable {
        package var name: String
        package var prefixes: [String]
        package init(name: String, prefixes: [String]) {
            self.name = name
            self.prefixes = prefixes
        }
    }

    private struct State {
        var latest: [String: AppliedAcknowledgement] = [:]
        var unpublished: Set<String> = []
    }

    package let engineID: String
    private let store: any WritableKeyValueStore
    private let resources: [Resource]
    private let ttl: Int
    private let clock: AnyClock
    private let logger: Logger
    private let state: NIOLockedValueBox<State>
    private let news = ChangeInbox()

    /// - Parameters:
    ///   - engineID: the name in the keys; `HOST-PID` by default.
    ///   - ttl: the lease's time to live in seconds: how long a dead engine's acknowledgements still count.
    package init(
        store: any WritableKeyValueStore, resources: [Resource],
        engineID: String = AppliedAcknowledgement.defaultEngineID(), ttl: Int = 10, clock: AnyClock = .continuous,
        logger: Logger = Logger(label: "switchboard.acknowledger")
    ) {
        self.store = store
        self.resources = resources
        self.engineID = engineID.replacingOccurrences(of: "/", with: "_")
        self.ttl = max(1, ttl)
        self.clock = clock
        self.logger = logger
        let now = Date().timeIntervalSince1970
        var initial = State()
        for resource in resources {
            initial.latest[resource.name] = AppliedAcknowledgement(
                engine: self.engineID, resource: resource.name, revision: 0, result: AppliedAcknowledgement.pending,
                prefixes: resource.prefixes, time: now)
            initial.unpublished.insert(resource.name)
        }
        state = NIOLockedValueBox(initial)
    }

    /// The resources of `plans` with the prefixes each renders.
    package static func resources(of plans: [ResourcePlan]) -> [Resource] {
        plans.map { Resource(name: $0.name, prefixes: $0.watchedPrefixes) }
    }

    /// `observe` as an `EngineConfiguration.onEvent`.
    package var eventHandler: @Sendable (EngineEventRecord) -> Void {
        { [self] record in observe(record) }
    }

    /// Takes one engine event; an apply's outcome becomes the resource's acknowledgement, published soon.
    package func observe(_ record: EngineEventRecord) {
        guard case .applied(let apply, _) = record.event else { return }
        let known = state.withLockedValue { state -> Bool in
            guard let previous = state.latest[apply.resource] else { return false }
            state.latest[apply.resource] = AppliedAcknowledgement(
                engine: engineID, resource: apply.resource, revision: apply.revision,
                result: apply.result.description, prefixes: previous.prefixes,
                time: apply.time.timeIntervalSince1970)
            state.unpublished.insert(apply.resource)
            return true
        }
        if known { news.post(at: clock.now) }
    }

    /// The acknowledgements as they will be (or were last) published.
    package var current: [AppliedAcknowledgement] {
        state.withLockedValue { $0.latest.values.sorted { $0.resource < $1.resource } }
    }

    /// Publishes until the service group shuts down, then revokes the lease (the acknowledgements go with it).
    package func run() async throws {
        let lease = await cancelWhenGracefulShutdown { await self.publishUntilCancelled() }
        guard let lease else { return }
        // A fresh task: the cancelled one would cancel the revoke too.
        let store = store
        await Task { try? await store.revoke(lease) }.value
    }

    /// Grants a lease, publishes every new outcome under it and keeps it alive, granting a new one when it is lost,
    /// until cancelled. Returns the lease held then.
    private func publishUntilCancelled() async -> LeaseID? {
        var lease: LeaseID?
        let renewEvery = Duration.milliseconds(max(200, ttl * 1000 / 3))
        let retryEvery = Duration.milliseconds(max(200, min(1000, ttl * 1000 / 3)))
        var nextRenew = clock.now.advanced(by: renewEvery)
        var failing = false
        while !Task.isCancelled {
            do {
                if lease == nil {
                    let granted = try await store.grantLease(ttl: ttl)
                    lease = granted
                    nextRenew = clock.now.advanced(by: renewEvery)
                    // A new lease carries none of the old keys: every resource is published again.
                    state.withLockedValue { $0.unpublished = Set($0.latest.keys) }
                    let under = AppliedAcknowledgement.prefix + engineID + "/ in " + store.displayName
                    logger.info("publishing applied revisions under \(under) (lease \(granted), ttl \(ttl)s)")
                }
                try await publish(lease: lease!)
                if clock.now >= nextRenew {
                    nextRenew = clock.now.advanced(by: renewEvery)
                    _ = try await store.keepAlive(lease!)
                }
                if failing { logger.info("publishing acknowledgements again") }
                failing = false
            } catch {
                if Task.isCancelled { break }
                if !failing { logger.warning("cannot publish acknowledgements: \(error); retrying") }
                failing = true
                // The lease expired while the store was out of reach: grant a new one.
                if error.switchboardCode == .leaseExpired { lease = nil }
                _ = await news.next(orUntil: clock.now.advanced(by: retryEvery), clock: clock)
                news.markIdle()
                continue
            }
            _ = await news.next(orUntil: nextRenew, clock: clock)
            news.markIdle()
        }
        return lease
    }

    /// Writes every acknowledgement not yet published under `lease`.
    private func publish(lease: LeaseID) async throws {
        let pending = state.withLockedValue { state -> [AppliedAcknowledgement] in
            defer { state.unpublished.removeAll() }
            return state.unpublished.compactMap { state.latest[$0] }
        }
        do {
            for acknowledgement in pending.sorted(by: { $0.resource < $1.resource }) {
                try await store.put(GoString(acknowledgement.key), GoString(acknowledgement.encoded), lease: lease)
            }
        } catch {
            // Not written: try them again next time (a newer outcome replaces them meanwhile).
            state.withLockedValue { state in
                for acknowledgement in pending { state.unpublished.insert(acknowledgement.resource) }
            }
            throw error
        }
    }
}
