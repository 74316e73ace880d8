import GoText
import Logging

/// A drain's wait that knows instead of guessing: after the key was removed at revision R, it waits until every
/// engine that renders the key (an acknowledgement whose prefixes cover it) says its live config was rendered from
/// revision R or later. Engines publish under their own leases, so a dead engine stops counting once its lease
/// expires. When no engine publishes acknowledgements at all, or the store cannot say at which revision the key
/// went, it waits the fixed grace instead and says so.
package struct AppliedBarrier: DrainBarrier {
    /// What the acknowledgements say about a removal, decided without I/O.
    package enum Decision: Sendable, Hashable {
        /// No engine publishes acknowledgements: nothing to wait for but a fixed grace.
        case noAcknowledgements
        /// Every engine that renders the key has a config live from the removal's revision or later; `engines` is
        /// how many such acknowledgements there are (0 when no engine renders the key).
        case routedAway(engines: Int)
        /// These acknowledgements still predate the removal, or their apply failed (the old config is live).
        case waiting([AppliedAcknowledgement])
    }

    /// The decision for `key`, removed at revision `removedAt`, given the acknowledgements in the store now.
    package static func decide(
        key: String, removedAt: Int64, acknowledgements: [AppliedAcknowledgement]
    ) -> Decision {
        guard !acknowledgements.isEmpty else { return .noAcknowledgements }
        let relevant = acknowledgements.filter { $0.covers(key) }
        let behind = relevant.filter { !($0.isLive && $0.revision >= removedAt) }
        guard behind.isEmpty else {
            return .waiting(behind.sorted { ($0.engine, $0.resource) < ($1.engine, $1.resource) })
        }
        return .routedAway(engines: relevant.count)
    }

    /// Removes `key` from `store`, the way a drain does (with `expected`, only while it holds that value): returns
    /// the revision from which on it is absent when the store can say (etcd, the file store), so the barrier can
    /// compare it with what engines applied.
    package static func remove(
        _ key: GoString, from store: any WritableKeyValueStore, ifValue expected: GoString? = nil
    ) async throws -> Int64? {
        if let revisioned = store as? any RevisionedStore {
            return try await revisioned.removeReportingRevision(key, ifValue: expected)
        }
        // A store without revisions or transactions: read, then remove.
        if let expected {
            let current = try await store.list(prefix: key.lossyText).first { $0.key == key }
            guard current?.value == expected else { return nil }
        }
        try await store.delete(key)
        return nil
    }

    package var store: any WritableKeyValueStore
    /// What is waited for when no engine publishes acknowledgements.
    package var fallback: FixedGrace
    /// How often the acknowledgements are read again.
    package var pollInterval: Duration
    package var clock: AnyClock
    package var logger: Logger

    package init(
        store: any WritableKeyValueStore, fallback: FixedGrace, pollInterval: Duration = .milliseconds(50),
        clock: AnyClock = .continuous, logger: Logger = Logger(label: "switchboard.drain")
    ) {
        self.store = store
        self.fallback = fallback
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    package var words: String {
        "until every engine that renders the key acknowledges a live config without it (read from "
            + "\(AppliedAcknowledgement.prefix) in \(store.displayName); a fixed \(Drain.words(fallback.grace)) "
            + "grace if no engine publishes acknowledgements)"
    }

    package func waitUntilRoutedAway(from key: String, removedAt revision: Int64?) async throws {
        guard let revision else {
            let why = "\(store.displayName) did not say at which revision \(key) was removed"
            logger.warning("\(why): waiting a fixed \(Drain.words(fallback.grace)) grace instead")
            try await fallback.waitUntilRoutedAway(from: key, removedAt: nil)
            return
        }
        var first = true
        var reported: [AppliedAcknowledgement]? = nil
        var unreadable = false
        while true {
            let acknowledgements: [AppliedAcknowledgement]
            do {
                acknowledgements = AppliedAcknowledgement.decodeAll(
                    try await store.list(prefix: AppliedAcknowledgement.prefix))
                unreadable = false
            } catch {
                if error is CancellationError { throw error }
                if !unreadable { logger.warning("cannot read acknowledgements from \(store.displayName): \(error)") }
                unreadable = true
                try await clock.sleep(for: pollInterval)
                continue
            }
            switch Self.decide(key: key, removedAt: revision, acknowledgements: acknowledgements) {
            case .noAcknowledgements where first:
                let why =
                    "no engine publishes acknowledgements under \(AppliedAcknowledgement.prefix) in \(store.displayName)"
                logger.info("\(why): waiting a fixed \(Drain.words(fallback.grace)) grace instead")
                try await fallback.waitUntilRoutedAway(from: key, removedAt: revision)
                return
            case .noAcknowledgements:
                logger.info("every acknowledgement expired (their engines are gone): \(key) is routed to by none")
                return
            case .routedAway(0):
                logger.info("no engine renders \(key): nothing routes to it")
                return
            case .routedAway(let engines):
                logger.info("\(engines) engine resource(s) acknowledged revision \(revision) or later without \(key)")
                return
            case .waiting(let behind):
                if behind != reported {
                    let list = behind.map { "\($0.engine) \($0.resource) (\($0.result) at \($0.revision))" }
                    let engines = list.joined(separator: ", ")
                    logger.info("waiting for revision \(revision) (the removal of \(key)) to be live on: \(engines)")
                    reported = behind
                }
            }
            first = false
            try await clock.sleep(for: pollInterval)
        }
    }
}
