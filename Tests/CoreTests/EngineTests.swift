import Foundation
import Logging
import Testing

@testable import Core

/// An engine over a `MemoryStore`, rendering `{{range getvs "/test/*"}}server {{.}};` into a temp dir.
private struct EngineFixture {
    let dir = TempDirectory()
    let store: MemoryStore

    init(_ pairs: [String: String] = ["/test/a": "127.0.0.1:8001", "/test/b": "127.0.0.1:8002"]) {
        store = MemoryStore(pairs)
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
        return Engine(
            configuration: EngineConfiguration(
                resources: [plan ?? self.plan()], mode: mode, backendPrefix: "/test/"),
            store: store, logger: logger)
    }
}

/// Polls `condition` until it holds or 10 s pass; returns whether it held.
private func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<1000 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

@Suite struct EngineTests {
    @Test func onetimeRendersEveryResourceOnce() async throws {
        let fixture = EngineFixture()
        let records = try await fixture.engine(.onetime).runOnce()
        #expect(records.map(\.result) == [.applied])
        #expect(fixture.live == "upstream backend {\n    server 127.0.0.1:8001;\n    server 127.0.0.1:8002;\n}\n")
    }

    @Test func watchModeFollowsTheStore() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        #expect(await eventually { fixture.live?.contains("8002") == true })
        try await fixture.store.put("/test/c", "127.0.0.1:8003", lease: nil)
        #expect(await eventually { fixture.live?.contains("server 127.0.0.1:8003;") == true })
        try await fixture.store.delete("/test/a")
        #expect(await eventually { fixture.live?.contains("8001") == false })
    }

    @Test func eventsTellWhatTheEngineSawAndDidInOrder() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        #expect(await eventually { fixture.live?.contains("8002") == true })
        try await fixture.store.put("/test/c", "127.0.0.1:8003", lease: nil)
        #expect(await eventually { fixture.live?.contains("8003") == true })
        try await fixture.store.delete("/test/a")
        #expect(await eventually { fixture.live?.contains("8001") == false })
        let events = await engine.currentSnapshot().events.map(\.event)
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
    }

    @Test func watchingRightAfterRunOnceDoesNotApplyTheSameStateTwice() async throws {
        let fixture = EngineFixture()
        let engine = fixture.engine(.watch)
        #expect(try await engine.runOnce().map(\.result) == [.applied])
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        try await fixture.store.put("/test/c", "127.0.0.1:8003", lease: nil)
        #expect(await eventually { fixture.live?.contains("8003") == true })
        // Re-applying the state runOnce just applied would add an `unchanged` startup record.
        let history = await engine.currentSnapshot().history.map { "\($0.trigger): \($0.result)" }
        #expect(!history.contains { $0.hasSuffix("unchanged") }, "history: \(history)")
        #expect(history.count == 2, "history: \(history)")
    }

    @Test func aBurstIsCoalescedAndTheFileEndsExact() async throws {
        let fixture = EngineFixture([:])
        let engine = fixture.engine(.watch)
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        #expect(await eventually { fixture.live != nil })
        for port in 9000..<9300 {
            try await fixture.store.put("/test/n\(port)", "127.0.0.1:\(port)", lease: nil)
        }
        let expected =
            "upstream backend {\n" + (9000..<9300).map { "    server 127.0.0.1:\($0);\n" }.joined() + "}\n"
        #expect(await eventually { fixture.live == expected })
        try await Task.sleep(for: .milliseconds(600))
        let applied = await engine.currentSnapshot().history.filter { $0.result == .applied }.count
        #expect(applied < 30, "300 puts gave \(applied) applies")
        #expect(fixture.live == expected)
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
        #expect(await engine.currentSnapshot().lastError?.contains("templates/upstream.tmpl") == true)
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
