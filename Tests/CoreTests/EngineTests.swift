import Foundation
import Logging
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// An engine over a `MemoryStore`, rendering `{{range getvs "/test/*"}}server {{.}};` into a temp dir, on a clock the
/// test moves by hand. Every event the engine emits is kept with the virtual time it happened at.
private final class EngineFixture: Sendable {
    let dir = TempDirectory()
    let store: TestStore
    let clock: ManualClock
    let events = EventTape()

    init(_ pairs: [GoString: GoString] = ["/test/a": "127.0.0.1:8001", "/test/b": "127.0.0.1:8002"]) {
        // The store's leases run on the test's clock too, so a TTL read is what virtual time says it is.
        let clock = ManualClock()
        self.clock = clock
        store = TestStore(MemoryStore(pairs, now: { Date(timeIntervalSince1970: 1_000_000 + clock.elapsed.seconds) }))
        try! FileManager.default.createDirectory(atPath: dir.file("templates"), withIntermediateDirectories: true)
        dir.write(
            "templates/upstream.tmpl", "upstream backend {\n{{range getvs \"/test/*\"}}    server {{.}};\n{{end}}}\n")
    }

    init(store: TestStore, clock: ManualClock = ManualClock()) {
        self.store = store
        self.clock = clock
        try! FileManager.default.createDirectory(atPath: dir.file("templates"), withIntermediateDirectories: true)
        dir.write(
            "templates/upstream.tmpl", "upstream backend {\n{{range getvs \"/test/*\"}}    server {{.}};\n{{end}}}\n")
    }

    var dest: String { dir.file("upstream.conf") }
    var live: String? { dir.read("upstream.conf") }

    func plan(guarded: Bool = false, reload: String? = nil, check: String? = nil) -> ResourcePlan {
        ResourcePlan(
            name: "upstream.toml", templatePath: dir.file("templates/upstream.tmpl"),
            templateDisplayName: "templates/upstream.tmpl",
            target: ApplyTarget(name: "upstream.toml", dest: dest, reloadCommand: reload),
            checkCommandSource: check, watchedPrefixes: ["/test"],
            view: { mirror in SortedKeyMap(mirror.dictionary.filter { $0.key.hasPrefix("/test") }) },
            valuesMustBeAddresses: guarded)
    }

    func engine(_ mode: EngineMode, plan: ResourcePlan? = nil) -> Engine {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let clock = clock
        let events = events
        return Engine(
            configuration: EngineConfiguration(
                resources: [plan ?? self.plan()], mode: mode, backendPrefix: "/test/",
                onEvent: { record in events.record(record.event, at: clock.elapsed) }),
            store: store, logger: logger, clock: clock.erased)
    }

    /// Starts `engine` in watch mode and returns once its startup apply is done.
    func watch(_ engine: Engine) async -> Task<Void, Error> {
        let running = Task { try await engine.run() }
        _ = await nextApply()
        return running
    }

    /// Puts `key` and returns once the engine has taken the change in.
    func put(_ key: GoString, _ value: GoString) async throws {
        try await store.put(key, value, lease: nil)
        _ = await events.next("storeChanges")
    }

    /// Deletes `key` and returns once the engine has taken the change in.
    func delete(_ key: GoString) async throws {
        try await store.delete(key)
        _ = await events.next("storeChanges")
    }

    /// Returns the next apply's start time (virtual) once that apply has finished, with its record.
    func nextApply() async -> (started: Duration, record: ApplyRecord) {
        let started = await events.next("applyStarted")
        let finished = await events.next("applied")
        guard case .applied(let record, _) = finished.event else { fatalError("not an apply") }
        return (started.at, record)
    }
}

/// The engine's events as they happen, with the virtual time of each. A test reads each kind of event in order,
/// each kind from its own cursor, so waiting for one kind never skips another.
private final class EventTape: @unchecked Sendable {
    typealias Item = (event: EngineEvent, at: Duration)
    private struct Waiter {
        var kind: String
        var index: Int
        var continuation: CheckedContinuation<Item, Never>
    }

    // `@unchecked Sendable`: every variable is guarded by `lock`.
    private let lock = NSLock()
    private var all: [Item] = []
    private var cursors: [String: Int] = [:]
    private var waiters: [Waiter] = []

    private static func kind(of event: EngineEvent) -> String {
        switch event {
        case .storeChanges: return "storeChanges"
        case .applyStarted: return "applyStarted"
        case .applied: return "applied"
        default: return "other"
        }
    }

    func record(_ event: EngineEvent, at time: Duration) {
        let ready = lock.withLock { () -> [(CheckedContinuation<Item, Never>, Item)] in
            all.append((event, time))
            var ready: [(CheckedContinuation<Item, Never>, Item)] = []
            waiters.removeAll { waiter in
                guard let item = match(waiter.kind, waiter.index) else { return false }
                ready.append((waiter.continuation, item))
                return true
            }
            return ready
        }
        for (continuation, item) in ready { continuation.resume(returning: item) }
    }

    /// The `index`-th event of `kind`, if it happened. Called under `lock`.
    private func match(_ kind: String, _ index: Int) -> Item? {
        var seen = 0
        for item in all where Self.kind(of: item.event) == kind {
            if seen == index { return item }
            seen += 1
        }
        return nil
    }

    /// Every event so far.
    var recorded: [Item] { lock.withLock { all } }

    /// How many applies have started so far.
    var appliesStarted: Int { recorded.filter { Self.kind(of: $0.event) == "applyStarted" }.count }

    /// Waits for the next event of `kind` (`storeChanges`, `applyStarted`, `applied`) after the last one read.
    func next(_ kind: String) async -> Item {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item, Never>) in
            let item = lock.withLock { () -> Item? in
                let index = cursors[kind, default: 0]
                cursors[kind] = index + 1
                if let item = match(kind, index) { return item }
                waiters.append(Waiter(kind: kind, index: index, continuation: continuation))
                return nil
            }
            if let item { continuation.resume(returning: item) }
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineTests {
    @Test func onetimeRendersEveryResourceOnce() async throws {
        let fixture = EngineFixture()
        let records = try await fixture.engine(.onetime).runOnce()
        #expect(records.map(\.result) == [.applied])
        #expect(fixture.live == "upstream backend {\n    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n}\n")
    }

    @Test func watchModeFollowsTheStore() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        let running = await fixture.watch(engine)
        defer { running.cancel() }
        #expect(fixture.live?.contains("8002") == true)
        fixture.clock.advance(by: .seconds(1))
        try await fixture.put("/test/c", "127.0.0.1:8003")
        _ = await fixture.nextApply()
        #expect(fixture.live?.contains("server 127.0.0.1:8003;") == true)
        fixture.clock.advance(by: .seconds(1))
        try await fixture.delete("/test/a")
        _ = await fixture.nextApply()
        #expect(fixture.live?.contains("8001") == false)
    }

    @Test func eventsTellWhatTheEngineSawAndDidInOrder() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        let running = await fixture.watch(engine)
        defer { running.cancel() }
        fixture.clock.advance(by: .seconds(1))
        try await fixture.put("/test/c", "127.0.0.1:8003")
        _ = await fixture.nextApply()
        fixture.clock.advance(by: .seconds(1))
        try await fixture.delete("/test/a")
        _ = await fixture.nextApply()
        let events = engine.currentSnapshot().events.map(\.event)
        #expect(events.first == .storeConnection(.connected))
        #expect(events.contains(.backendAdded(key: "/test/c", address: "127.0.0.1:8003")))
        #expect(events.contains(.backendRemoved(key: "/test/a")))
        let applied = events.compactMap { event -> ApplyResult? in
            if case .applied(let record, let bytes) = event, bytes > 0 { return record.result }
            return nil
        }
        #expect(applied == [.applied, .applied, .applied])
        let started = events.filter { if case .applyStarted = $0 { return true } else { return false } }
        #expect(started.count == 3)
        #expect(fixture.events.recorded.map(\.event) == events)
    }

    @Test func watchingRightAfterRunOnceDoesNotApplyTheSameStateTwice() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        #expect(try await engine.runOnce().map(\.result) == [.applied])
        #expect(await fixture.nextApply().record.trigger == .startup)
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        await fixture.store.watching()
        try await fixture.put("/test/c", "127.0.0.1:8003")
        #expect(await fixture.nextApply().record.trigger == .change(revision: 2))
        #expect(fixture.live?.contains("8003") == true)
        // Re-applying the state runOnce just applied would add an `unchanged` startup record.
        let history = engine.currentSnapshot().history.map { "\($0.trigger): \($0.result)" }
        #expect(!history.contains { $0.hasSuffix("unchanged") }, "history: \(history)")
        #expect(history.count == 2, "history: \(history)")
    }

    @Test func aLoneChangeIsAppliedAtOnce() async throws {
        let fixture = EngineFixture()
        let running = await fixture.watch(fixture.engine(.watch))
        defer { running.cancel() }
        fixture.clock.advance(to: .seconds(5))
        try await fixture.put("/test/c", "127.0.0.1:8003")
        let apply = await fixture.nextApply()
        #expect(apply.started == .seconds(5))
        #expect(apply.record.result == .applied)
        #expect(fixture.live?.contains("8003") == true)
    }

    @Test func changesSoonAfterAnApplyWaitUntilTheStoreIsQuiet() async throws {
        let fixture = EngineFixture()
        let running = await fixture.watch(fixture.engine(.watch))
        defer { running.cancel() }
        fixture.clock.advance(to: .seconds(5))
        try await fixture.put("/test/c", "127.0.0.1:8003")
        #expect(await fixture.nextApply().started == .seconds(5))
        // Within the 50 ms of quiet the standard policy asks for after an apply: it waits for them.
        try await fixture.put("/test/d", "127.0.0.1:8004")
        await fixture.clock.sleepers(1)
        #expect(fixture.clock.deadlines == [.milliseconds(5050)])
        fixture.clock.advance(to: .milliseconds(5020))
        try await fixture.put("/test/e", "127.0.0.1:8005")
        // Another change moves the wait to 50 ms after it.
        fixture.clock.advance(to: .milliseconds(5050))
        await fixture.clock.sleepers(1)
        #expect(fixture.clock.deadlines == [.milliseconds(5070)])
        fixture.clock.advance(to: .milliseconds(5069))
        #expect(fixture.events.appliesStarted == 2)
        fixture.clock.advance(to: .milliseconds(5070))
        let apply = await fixture.nextApply()
        #expect(apply.started == .milliseconds(5070))
        #expect(fixture.live?.contains("8004") == true)
        #expect(fixture.live?.contains("8005") == true)
        #expect(fixture.events.appliesStarted == 3)
    }

    @Test func aContinuousBurstIsAppliedAtTheMaximumDelay() async throws {
        let fixture = EngineFixture()
        let running = await fixture.watch(fixture.engine(.watch))
        defer { running.cancel() }
        fixture.clock.advance(to: .seconds(5))
        try await fixture.put("/test/c", "127.0.0.1:8003")
        #expect(await fixture.nextApply().started == .seconds(5))
        // A change every 40 ms from 5.010 s on never leaves the 50 ms of quiet: the 400 ms cap decides.
        for step in 0..<10 {
            fixture.clock.advance(to: .milliseconds(5010 + 40 * step))
            try await fixture.put("/test/n\(step)", "127.0.0.1:\(9000 + step)")
        }
        #expect(fixture.events.appliesStarted == 2)
        fixture.clock.advance(to: .milliseconds(5410))
        let apply = await fixture.nextApply()
        #expect(apply.started == .milliseconds(5410))
        #expect(fixture.events.appliesStarted == 3)
        #expect((0..<10).allSatisfy { fixture.live?.contains("127.0.0.1:\(9000 + $0);") == true })
    }

    @Test func leaseTTLsCountDownLiveForABackendRegisteredAfterAFaceSubscribed() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        let running = await fixture.watch(engine)
        defer { running.cancel() }
        let snapshots = engine.snapshots()
        func ttl() -> Int? { engine.currentSnapshot().backends.first { $0.key == "/test/new" }?.ttlRemaining }
        // The first read, for the face that subscribed, counts down each second from then on.
        await fixture.clock.sleeping(until: .seconds(1))
        fixture.clock.advance(to: .milliseconds(5500))
        await fixture.clock.sleeping(until: .seconds(6))
        let lease = try await fixture.store.grantLease(ttl: 10)
        try await fixture.store.put("/test/new", "127.0.0.1:9000", lease: lease)
        // A new backend is read at once (5.5 s) and counted down from there, one second at a time.
        await fixture.clock.sleeping(until: .milliseconds(6500))
        #expect(ttl() == 10)
        fixture.clock.advance(to: .milliseconds(6500))
        await fixture.clock.sleeping(until: .milliseconds(7500))
        #expect(ttl() == 9)
        fixture.clock.advance(to: .milliseconds(9500))
        await fixture.clock.sleeping(until: .milliseconds(10500))
        #expect(ttl() == 6)
        withExtendedLifetime(snapshots) {}
    }

    @Test func aBurstIsCoalescedAndTheFileEndsExact() async throws {
        let fixture = EngineFixture([:])
        let running = await fixture.watch(fixture.engine(.watch))
        defer { running.cancel() }
        for port in 9000..<9300 {
            try await fixture.put("/test/n\(port)", "127.0.0.1:\(port)")
        }
        fixture.clock.advance(by: .seconds(1))
        let expected =
            "upstream backend {\n" + (9000..<9300).map { "    server 127.0.0.1:\($0);\n" }.joined() + "}\n"
        while fixture.live != expected { _ = await fixture.nextApply() }
        // The startup apply, one for the first put (the store was quiet), and one for all the others.
        let applies = fixture.events.appliesStarted
        #expect(applies <= 3, "300 puts gave \(applies) applies")
        #expect(fixture.live == expected)
    }

    @Test func anUnreachableStoreIsRetriedWithTheSharedBackoff() async throws {
        let store = TestStore(failures: 8, MemoryStore(["/test/a": "127.0.0.1:8001"]))
        let fixture = EngineFixture(store: store)
        let running = Task { try await fixture.engine(.watch).run() }
        defer { running.cancel() }
        var waits: [Duration] = []
        for _ in 0..<8 {
            await fixture.clock.sleepers(1)
            let deadline = try #require(fixture.clock.deadlines.first)
            waits.append(deadline - fixture.clock.elapsed)
            fixture.clock.advance(to: deadline)
        }
        #expect(
            waits == [
                .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .milliseconds(3200), .seconds(5), .seconds(5), .seconds(5),
            ])
        _ = await fixture.nextApply()
        #expect(fixture.live?.contains("8001") == true)
        let connections = fixture.events.recorded.compactMap { item -> String? in
            if case .storeConnection(let state) = item.event { return "\(state)" } else { return nil }
        }
        #expect(connections.count == 2)
        #expect(connections.last == "\(StoreConnectionState.connected)")
    }

    @Test func valuesThatAreNotHostPortNeverReachTheFile() async throws {
        let fixture = EngineFixture([
            "/test/good": "127.0.0.1:8001", "/test/evil": "10.0.0.1:80; } server { listen 81; }",
        ])
        let records = try await fixture.engine(.onetime, plan: fixture.plan(guarded: true)).runOnce()
        #expect(fixture.live == "upstream backend {\n    server 127.0.0.1:8001;\n}\n")
        #expect(records.first?.rejectedKeys == ["/test/evil"])
    }

    @Test func unguardedResourcesBehaveExactlyAsConfd() async throws {
        let fixture = EngineFixture(["/test/x": "anything goes"])
        _ = try await fixture.engine(.onetime).runOnce()
        #expect(fixture.live?.contains("server anything goes;") == true)
    }

    @Test func previewShowsTheDiffAndWritesNothing() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.onetime)
        _ = try await engine.runOnce()
        let before = fixture.live
        let previews = await engine.preview(.add(key: "/test/c", address: "127.0.0.1:8003"))
        #expect(previews.count == 1)
        #expect(previews.first?.diff.contains("+    server 127.0.0.1:8003;") == true)
        #expect(fixture.live == before)
        let removal = await engine.preview(.remove(key: "/test/a"))
        #expect(removal.first?.diff.contains("-    server 127.0.0.1:8001;") == true)
        let bad = await engine.preview(.add(key: "/test/c", address: "nope"))
        #expect(bad.first?.error?.contains("invalid address") == true)
        #expect(try await fixture.store.list(prefix: "/test/").count == 2)
    }

    @Test func addAndRemoveGoThroughTheStore() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.onetime)
        #expect(await engine.perform(.change(.add(key: "/test/c", address: "127.0.0.1:8003"))) == nil)
        #expect(try await fixture.store.snapshot(prefixes: ["/test/c"]).pairs == ["/test/c": "127.0.0.1:8003"])
        #expect(await engine.perform(.change(.add(key: "/test/d", address: "x; y")))?.contains("invalid") == true)
        #expect(await engine.perform(.change(.add(key: "no-slash", address: "127.0.0.1:1")))?.contains("key") == true)
        #expect(await engine.perform(.change(.remove(key: "/test/c"))) == nil)
        #expect(try await fixture.store.snapshot(prefixes: ["/test/"]).pairs.count == 2)
    }

    @Test func aBrokenTemplateKeepsTheLiveFileAndIsReported() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.onetime)
        _ = try await engine.runOnce()
        let before = fixture.live
        fixture.dir.write("templates/upstream.tmpl", "{{range getvs \"/test/*\"}\n")
        let records = try await engine.runOnce()
        #expect(records.first?.result == .renderFailed)
        #expect(records.first?.error?.hasPrefix("templates/upstream.tmpl:1:") == true)
        #expect(fixture.live == before)
        #expect(engine.currentSnapshot().lastError?.contains("templates/upstream.tmpl") == true)
    }

    @Test func theTemplateIsReparsedWhenItChangesOnDisk() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.onetime)
        _ = try await engine.runOnce()
        fixture.dir.write("templates/upstream.tmpl", "{{len (getvs \"/test/*\")}} backends\n")
        _ = try await engine.runOnce()
        #expect(fixture.live == "2 backends\n")
    }

    @Test func leftoverStageFilesAreRemovedAtStart() async throws {
        let fixture = EngineFixture()
        fixture.dir.write(".upstream.conf4242", "torn")
        let engine = fixture.engine(.onetime)
        try await engine.run()
        #expect(!fixture.dir.exists(".upstream.conf4242"))
        #expect(fixture.live != nil)
    }

    @Test func snapshotsShowBackendsAndHistory() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.onetime)
        _ = try await engine.runOnce()
        var iterator = engine.snapshots().makeAsyncIterator()
        let snapshot = try #require(await iterator.next())
        #expect(snapshot.backends.map(\.key) == ["/test/a", "/test/b"])
        #expect(snapshot.history.count == 1)
        #expect(snapshot.resources.first?.lastRender?.contains("8001") == true)
        #expect(snapshot.connection == .connected)
    }

    @Test func theCheckCommandSeesTheStageFile() async throws {
        let fixture = EngineFixture()
        let plan = fixture.plan(check: "grep -q 8002 {{.src}} && cp {{.src}} \(fixture.dir.file("checked"))")
        let records = try await fixture.engine(.onetime, plan: plan).runOnce()
        #expect(records.first?.result == .applied)
        #expect(fixture.dir.read("checked") == fixture.live)
    }
}

/// A `MemoryStore` that cannot be reached for its first `failures` snapshots, and tells when a watch begins.
private final class TestStore: WritableKeyValueStore, @unchecked Sendable {
    // `@unchecked Sendable`: the variables are guarded by `lock`; `memory` is an actor.
    private let lock = NSLock()
    private var remaining: Int
    private var watches = 0
    private var watchWaiters: [CheckedContinuation<Void, Never>] = []
    let memory: MemoryStore

    init(failures: Int = 0, _ memory: MemoryStore) {
        remaining = failures
        self.memory = memory
    }

    var displayName: String { "test" }

    /// Returns once a watch has begun.
    func watching() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if watches > 0 { return true }
                watchWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        let fails = lock.withLock {
            defer { remaining -= 1 }
            return remaining > 0
        }
        if fails { throw URLError(.cannotConnectToHost) }
        return try await memory.snapshot(prefixes: prefixes)
    }

    func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error> {
        let stream = memory.updates(prefixes: prefixes, after: revision)
        let waiters = lock.withLock {
            watches += 1
            defer { watchWaiters.removeAll() }
            return watchWaiters
        }
        for waiter in waiters { waiter.resume() }
        return stream
    }

    func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws {
        try await memory.put(key, value, lease: lease)
    }
    func delete(_ key: GoString) async throws { try await memory.delete(key) }
    func list(prefix: String) async throws -> [KeyValue] { try await memory.list(prefix: prefix) }
    func grantLease(ttl: Int) async throws -> LeaseID { try await memory.grantLease(ttl: ttl) }
    func keepAlive(_ lease: LeaseID) async throws -> Int { try await memory.keepAlive(lease) }
    func revoke(_ lease: LeaseID) async throws { try await memory.revoke(lease) }
}
