import Foundation
import Testing

@testable import Core

@Suite struct FileStoreTests {
    let dir = TempDirectory()

    @Test func readsFilesAndDirectoriesWithTheFilter() async throws {
        try FileManager.default.createDirectory(atPath: dir.file("keys/nested"), withIntermediateDirectories: true)
        dir.write("keys/a.yaml", "test:\n  a: 1\n")
        dir.write("keys/nested/b.yml", "test:\n  b: 2\n")
        dir.write("keys/notes.txt", "test:\n  c: 3\n")
        let store = FileStore(paths: [dir.file("keys")], filter: "*.y*ml")
        let snapshot = try await store.snapshot(prefixes: ["/test"])
        #expect(snapshot.pairs == ["/test/a": "1", "/test/b": "2"])
    }

    @Test func aMissingDirectoryIsAnError() async {
        let store = FileStore(paths: [dir.file("a.yaml"), dir.file("nope/")])
        await #expect(throws: FileStoreError.self) { try await store.snapshot(prefixes: ["/"]) }
    }

    @Test func writesAreAtomicFlatAndReadableAgain() async throws {
        let path = dir.file("store.yaml")
        let store = FileStore(paths: [path])
        try await store.put("/test/apache-8001", "127.0.0.1:8001", lease: nil)
        try await store.put("/test/odd key", "a \"quoted\" value: yes", lease: nil)
        #expect(
            try await store.snapshot(prefixes: ["/test"]).pairs == [
                "/test/apache-8001": "127.0.0.1:8001", "/test/odd key": "a \"quoted\" value: yes",
            ])
        try await store.delete("/test/odd key")
        #expect(try await store.list(prefix: "/test/").map(\.key) == ["/test/apache-8001"])
        #expect(dir.read("store.yaml")?.contains("\"/test/apache-8001\": \"127.0.0.1:8001\"") == true)
        #expect(!dir.names.contains { $0.contains(".tmp") })
    }

    @Test func concurrentWritersFromManyTasksLoseNothing() async throws {
        let path = dir.file("store.yaml")
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try? await FileStore(paths: [path]).put("/test/k\(i)", "127.0.0.1:\(9000 + i)", lease: nil)
                }
            }
        }
        #expect(try await FileStore(paths: [path]).snapshot(prefixes: ["/test/"]).pairs.count == 40)
    }

    /// Time is the store's injected clock, so a busy CI machine cannot expire the lease between two steps.
    @Test func leasedKeysVanishWhenTheLeaseExpiresAndStayWhileKeptAlive() async throws {
        let time = ManualWallClock()
        let store = FileStore(paths: [dir.file("store.yaml")], clock: { time.now })
        let lease = try await store.grantLease(ttl: 2)
        try await store.put("/test/leased", "127.0.0.1:1", lease: lease)
        try await store.put("/test/plain", "127.0.0.1:2", lease: nil)
        let listed = try await store.list(prefix: "/test/")
        #expect(listed.first { $0.key == "/test/leased" }?.ttlRemaining == 2)
        #expect(listed.first { $0.key == "/test/plain" }?.ttlRemaining == nil)
        time.advance(1.5)
        #expect(try await store.keepAlive(lease) == 2)
        time.advance(1.5)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs.count == 2)
        time.advance(0.6)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs == ["/test/plain": "127.0.0.1:2"])
        await #expect(throws: LeaseExpiredError.self) { try await store.keepAlive(lease) }
        // A writer collects the expired key from the file itself, so plain confd stops seeing it too.
        try await store.put("/test/other", "127.0.0.1:3", lease: nil)
        #expect(dir.read("store.yaml")?.contains("/test/leased") == false)
    }

    @Test func revokeRemovesTheKeysAtOnce() async throws {
        let store = FileStore(paths: [dir.file("store.yaml")])
        let lease = try await store.grantLease(ttl: 60)
        try await store.put("/test/a", "127.0.0.1:1", lease: lease)
        try await store.revoke(lease)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs.isEmpty)
    }

    @Test func theWatchSeesEditsRenamesAndExpiries() async throws {
        let path = dir.file("store.yaml")
        dir.write("store.yaml", "test:\n  a: 127.0.0.1:1\n")
        let store = FileStore(paths: [path])
        var updates = store.updates(prefixes: ["/test/"], after: 0).makeAsyncIterator()
        guard case .resync(let first)? = try await updates.next() else {
            Issue.record("expected a resync first")
            return
        }
        #expect(first.pairs == ["/test/a": "127.0.0.1:1"])
        dir.write("store.yaml", "test:\n  a: 127.0.0.1:1\n  b: 127.0.0.1:2\n")
        guard case .events(let events, _)? = try await updates.next() else {
            Issue.record("expected events")
            return
        }
        #expect(events == [.put(key: "/test/b", value: "127.0.0.1:2")])
        let lease = try await store.grantLease(ttl: 3)
        try await store.put("/test/c", "127.0.0.1:3", lease: lease)
        guard case .events(let added, _)? = try await updates.next() else { return }
        #expect(added == [.put(key: "/test/c", value: "127.0.0.1:3")])
        guard case .events(let expired, _)? = try await updates.next() else { return }
        #expect(expired == [.delete(key: "/test/c")])
        #expect(dir.read("store.yaml")?.contains("/test/c") == false)
    }

    @Test func aBrokenFileIsReportedAndTheLastGoodStateKept() async throws {
        let path = dir.file("store.yaml")
        dir.write("store.yaml", "test:\n  a: 1\n")
        var updates = FileStore(paths: [path]).updates(prefixes: ["/test"], after: 0).makeAsyncIterator()
        _ = try await updates.next()
        dir.write("store.yaml", "test: [\n")
        guard case .connection(.unreachable(let reason))? = try await updates.next() else {
            Issue.record("expected the store to be reported unreachable")
            return
        }
        #expect(reason.contains("store.yaml:"))
        dir.write("store.yaml", "test:\n  a: 2\n")
        guard case .connection(.connected)? = try await updates.next() else { return }
        guard case .events(let events, _)? = try await updates.next() else { return }
        #expect(events == [.put(key: "/test/a", value: "2")])
    }

    @Test func envStoreReadsConfdsNames() async throws {
        let store = EnvStore(environment: ["APP_DB_HOST": "db", "APP_PORT": "80", "OTHER": "x"])
        #expect(try await store.snapshot(prefixes: ["/app"]).pairs == ["/app/db/host": "db", "/app/port": "80"])
        #expect(EnvStore.variableName(for: "/app/db_host") == "APP_DB_HOST")
    }
}

/// A wall clock that moves only when the test says so.
final class ManualWallClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: Double) { lock.withLock { current += seconds } }
}
