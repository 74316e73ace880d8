import Foundation
import GoText

/// A store that lives in this process: revisions, a change stream and leases like etcd's, no persistence.
///
/// For tests and for embedding the engine where another program owns the data. Lease expiry is checked when the
/// store is used and by `expireLeases(now:)`.
package actor MemoryStore: WritableKeyValueStore {
    private var pairs: [GoString: (value: GoString, lease: LeaseID?)] = [:]
    private var revision: Int64 = 1
    private var log: [(revision: Int64, event: StoreEvent)] = []
    private var watchers:
        [Int: (prefixes: [String], continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation)] =
            [:]
    private var nextWatcher = 0
    private var leases: [LeaseID: (ttl: Int, expiry: Date)] = [:]
    private var nextLease: Int64 = 1000

    package nonisolated let displayName: String
    /// The time leases are measured by: the wall clock, or a test's virtual one.
    private let now: @Sendable () -> Date

    package init(
        _ initial: [GoString: GoString] = [:], name: String = "memory", now: @escaping @Sendable () -> Date = { Date() }
    ) {
        displayName = name
        self.now = now
        for (key, value) in initial { pairs[key] = (value, nil) }
    }

    package func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        expireLeases(now: now())
        var result: [GoString: GoString] = [:]
        for (key, entry) in pairs where Self.matches(key, prefixes) { result[key] = entry.value }
        return StoreSnapshot(pairs: result, revision: revision)
    }

    package nonisolated func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<
        StoreUpdate, Error
    > {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: StoreUpdate.self)
        Task { await self.addWatcher(prefixes: prefixes, after: revision, continuation: continuation) }
        return stream
    }

    private func addWatcher(
        prefixes: [String], after: Int64, continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) {
        let missed = log.filter { $0.revision > after && Self.matches($0.event.key, prefixes) }
        if !missed.isEmpty { continuation.yield(.events(missed.map(\.event), revision: revision)) }
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = (prefixes, continuation)
        continuation.onTermination = { _ in Task { await self.removeWatcher(id) } }
    }

    private func removeWatcher(_ id: Int) { watchers[id] = nil }

    /// Sends `state` to every watcher, as a store does when its connection changes.
    package func announce(_ state: StoreConnectionState) {
        for watcher in watchers.values { watcher.continuation.yield(.connection(state)) }
    }

    package func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws {
        if let lease, leases[lease] == nil { throw LeaseExpiredError(lease: lease) }
        pairs[key] = (value, lease)
        commit([.put(key: key, value: value)])
    }

    package func delete(_ key: GoString) async throws {
        guard pairs.removeValue(forKey: key) != nil else { return }
        commit([.delete(key: key)])
    }

    /// Applies several events as one revision, like an etcd transaction.
    package func apply(_ events: [StoreEvent]) {
        for event in events {
            switch event {
            case .put(let key, let value): pairs[key] = (value, nil)
            case .delete(let key): pairs[key] = nil
            }
        }
        commit(events)
    }

    package func list(prefix: String) async throws -> [KeyValue] {
        expireLeases(now: now())
        let now = now()
        return pairs.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map { key, entry in
            let ttl = entry.lease.flatMap { leases[$0] }.map { max(0, Int($0.expiry.timeIntervalSince(now).rounded())) }
            return KeyValue(key: key, value: entry.value, lease: entry.lease, ttlRemaining: ttl)
        }
    }

    package func grantLease(ttl: Int) async throws -> LeaseID {
        nextLease += 1
        let lease = LeaseID(nextLease)
        leases[lease] = (ttl, now().addingTimeInterval(TimeInterval(ttl)))
        return lease
    }

    package func keepAlive(_ lease: LeaseID) async throws -> Int {
        expireLeases(now: now())
        guard let entry = leases[lease] else { throw LeaseExpiredError(lease: lease) }
        leases[lease] = (entry.ttl, now().addingTimeInterval(TimeInterval(entry.ttl)))
        return entry.ttl
    }

    package func revoke(_ lease: LeaseID) async throws {
        leases[lease] = nil
        dropKeys(of: [lease])
    }

    /// Ends every lease whose time is up at `now`, deleting its keys.
    package func expireLeases(now: Date) {
        let expired = leases.filter { $0.value.expiry <= now }.map(\.key)
        guard !expired.isEmpty else { return }
        for lease in expired { leases[lease] = nil }
        dropKeys(of: Set(expired))
    }

    private func dropKeys(of expired: Set<LeaseID>) {
        let keys = pairs.filter { $0.value.lease.map(expired.contains) ?? false }.map(\.key).sorted()
        guard !keys.isEmpty else { return }
        for key in keys { pairs[key] = nil }
        commit(keys.map { .delete(key: $0) })
    }

    private func commit(_ events: [StoreEvent]) {
        revision += 1
        for event in events { log.append((revision, event)) }
        for watcher in watchers.values {
            let relevant = events.filter { Self.matches($0.key, watcher.prefixes) }
            if !relevant.isEmpty { watcher.continuation.yield(.events(relevant, revision: revision)) }
        }
    }

    private static func matches(_ key: GoString, _ prefixes: [String]) -> Bool {
        prefixes.contains { key.hasPrefix($0) }
    }
}

/// A lease that has expired or was never granted.
package struct LeaseExpiredError: Error, Sendable, CustomStringConvertible {
    package var lease: LeaseID
    package init(lease: LeaseID) { self.lease = lease }
    package var description: String { "lease \(lease) has expired or does not exist" }
}
