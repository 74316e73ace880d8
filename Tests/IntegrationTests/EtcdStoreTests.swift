import Foundation
import Testing

@testable import Core

/// Next update from a stream that is not a `.connection` change (shared by the etcd suites).
func nextData(
    _ iterator: inout AsyncThrowingStream<StoreUpdate, Error>.AsyncIterator
) async throws -> StoreUpdate? {
    while let update = try await iterator.next() {
        if case .connection = update { continue }
        return update
    }
    return nil
}

@Suite(.serialized) struct EtcdStoreTests {
    @Test func putRangePagingAtOneRevisionAndList() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint], pageSize: 2)
        for index in 0..<5 { try await store.put("/test/k\(index)", "v\(index)", lease: nil) }
        try await store.put("/other/x", "y", lease: nil)
        let snapshot = try await store.snapshot(prefixes: ["/test/", "/other/"])
        #expect(snapshot.pairs.count == 6)
        #expect(snapshot.pairs["/test/k4"] == "v4")
        let lease = try await store.grantLease(ttl: 30)
        try await store.put("/test/leased", "127.0.0.1:8001", lease: lease)
        let listed = try await store.list(prefix: "/test/leased")
        #expect(listed.count == 1)
        #expect(listed.first?.lease == lease)
        #expect((listed.first?.ttlRemaining ?? 0) > 0)
        try await store.delete("/test/k0")
        #expect(try await store.snapshot(prefixes: ["/test/k0"]).pairs.isEmpty)
    }

    @Test func watchFromRevisionSurvivesRestartAndResyncsAfterCompaction() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        try await store.put("/test/a", "1", lease: nil)
        let start = try await store.snapshot(prefixes: ["/test/"])
        try await store.put("/test/b", "2", lease: nil)
        try await store.put("/elsewhere", "no", lease: nil)
        var iterator = store.updates(prefixes: ["/test/"], after: start.revision).makeAsyncIterator()
        guard case .events(let events, _) = try await nextData(&iterator) else {
            Issue.record("expected events")
            return
        }
        #expect(events == [.put(key: "/test/b", value: "2")])

        etcd.kill()
        try await etcd.start()
        try await store.put("/test/c", "3", lease: nil)
        guard case .events(let after, _) = try await nextData(&iterator) else {
            Issue.record("expected events after restart")
            return
        }
        #expect(after == [.put(key: "/test/c", value: "3")])

        // A new watch from a compacted revision resyncs.
        let current = try await store.snapshot(prefixes: ["/test/"]).revision
        try await store.put("/test/d", "4", lease: nil)
        try await store.compact(revision: current + 1)
        var second = store.updates(prefixes: ["/test/"], after: 1).makeAsyncIterator()
        guard case .resync(let snapshot) = try await nextData(&second) else {
            Issue.record("expected a resync")
            return
        }
        #expect(snapshot.pairs == ["/test/a": "1", "/test/b": "2", "/test/c": "3", "/test/d": "4"])
    }

    @Test func oneStreamWatchesEveryPrefixAndNestedPrefixesDeliverOnce() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        let start = try await store.snapshot(prefixes: ["/a/", "/b/"])
        var updates = store.updates(prefixes: ["/b/", "/a/", "/a/inner/"], after: start.revision).makeAsyncIterator()
        try await store.put("/a/inner/x", "1", lease: nil)
        try await store.put("/between", "no", lease: nil)
        try await store.put("/b/y", "2", lease: nil)
        try await store.delete("/a/inner/x")
        var seen: [StoreEvent] = []
        while seen.count < 3, case .events(let events, _) = try await nextData(&updates) { seen += events }
        // Each watch keeps its own order; the two watches may interleave.
        #expect(
            seen.filter { $0.key.hasPrefix("/a/") } == [
                .put(key: "/a/inner/x", value: "1"), .delete(key: "/a/inner/x"),
            ])
        #expect(seen.filter { $0.key.hasPrefix("/b/") } == [.put(key: "/b/y", value: "2")])
        // Keys and values beyond ASCII come through byte for byte.
        try await store.put("/a/é", "ü", lease: nil)
        guard case .events(let events, _) = try await nextData(&updates) else {
            Issue.record("expected events")
            return
        }
        #expect(events == [.put(key: "/a/é", value: "ü")])
    }

    @Test func leaseExpiresAndKeepAliveOfExpiredLeaseThrows() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        // 4 s, not 2: a CI run with every test at once once took over 2 s from the grant to the first renewal's
        // answer, and the lease had expired before it could be renewed.
        let lease = try await store.grantLease(ttl: 4)
        try await store.put("/test/gone", "127.0.0.1:1", lease: lease)
        #expect(try await store.keepAlive(lease) > 0)
        var gone = false
        for _ in 0..<100 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            gone = try await store.snapshot(prefixes: ["/test/gone"]).pairs.isEmpty
        }
        #expect(gone)
        await #expect(throws: EtcdLeaseExpired.self) { _ = try await store.keepAlive(lease) }
    }

    /// Every renewal, of every lease, concurrent or not, goes on one keep-alive stream: etcd's own count of the
    /// LeaseKeepAlive streams it started (its /metrics) grows by one.
    @Test func renewalsShareOneKeepAliveStream() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = try etcd.store()
        let before = try await Self.keepAliveStreamsStarted(etcd)
        let leases = [try await store.grantLease(ttl: 30), try await store.grantLease(ttl: 30)]
        for _ in 0..<3 {
            let ttls = try await withThrowingTaskGroup(of: Int.self) { group in
                for lease in leases + leases { group.addTask { try await store.keepAlive(lease) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(ttls.count == 4 && ttls.allSatisfy { $0 > 0 })
        }
        #expect(try await Self.keepAliveStreamsStarted(etcd) - before == 1)
        try await store.revoke(leases[0])
        await #expect(throws: EtcdLeaseExpired.self) { _ = try await store.keepAlive(leases[0]) }
        #expect(try await store.keepAlive(leases[1]) > 0)
        #expect(try await Self.keepAliveStreamsStarted(etcd) - before == 1)
    }

    /// A removal with an expected value is one transaction: a key holding another value, or none, stays as it is.
    @Test func removesAKeyOnlyWhileItHoldsTheExpectedValue() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = try etcd.store()
        try await store.put("/test/a", "127.0.0.1:2", lease: nil)
        #expect(try await store.removeReportingRevision("/test/a", ifValue: "127.0.0.1:1") == nil)
        #expect(try await store.removeReportingRevision("/test/none", ifValue: "127.0.0.1:1") == nil)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs == ["/test/a": "127.0.0.1:2"])
        let removed = try #require(try await store.removeReportingRevision("/test/a", ifValue: "127.0.0.1:2"))
        let after = try await store.snapshot(prefixes: ["/test/"])
        #expect(after.pairs.isEmpty && after.revision == removed)
    }

    /// etcd's `grpc_server_started_total` for LeaseKeepAlive.
    static func keepAliveStreamsStarted(_ etcd: EtcdProcess) async throws -> Int {
        let metrics = try #require(await ObservabilitySupport.get(etcd.endpoint + "/metrics"))
        let line = metrics.body.split(separator: "\n").first {
            $0.hasPrefix("grpc_server_started_total{") && $0.contains("grpc_method=\"LeaseKeepAlive\"")
        }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func failsOverToAnotherClusterMember() async throws {
        guard EtcdProcess.available() else { return }
        let names = ["a", "b", "c"]
        let peers = names.map { _ in EtcdProcess.freePort() }
        let cluster = zip(names, peers).map { "\($0)=http://127.0.0.1:\($1)" }.joined(separator: ",")
        let members = zip(names, peers).map { EtcdProcess(name: $0, peerPort: $1, cluster: cluster) }
        for member in members { try await member.start(wait: false) }
        defer { members.forEach { $0.stop() } }
        for member in members { try await member.waitReady() }
        let store = EtcdStore(endpoints: members.map(\.endpoint))
        try await store.put("/test/x", "1", lease: nil)
        let start = try await store.snapshot(prefixes: ["/test/"])
        var updates = store.updates(prefixes: ["/test/"], after: start.revision).makeAsyncIterator()
        try await store.put("/test/w", "0", lease: nil)
        guard case .events(let before, _) = try await nextData(&updates) else {
            Issue.record("expected events")
            return
        }
        #expect(before == [.put(key: "/test/w", value: "0")])
        members[0].kill()
        try await store.put("/test/y", "2", lease: nil)
        #expect(
            try await store.snapshot(prefixes: ["/test/"]).pairs == ["/test/w": "0", "/test/x": "1", "/test/y": "2"])
        // The watch moved to a live member and resumed where it was.
        guard case .events(let after, _) = try await nextData(&updates) else {
            Issue.record("expected events after the member died")
            return
        }
        #expect(after == [.put(key: "/test/y", value: "2")])
    }
}
