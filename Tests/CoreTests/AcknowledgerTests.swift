import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import Core
@testable import GoText

/// The acknowledger publishes each resource's newest apply under its own lease, without the apply waiting for it; the
/// engine's mirror hides those keys, so they never cause an apply, even for a resource that watches `/`.
@Suite struct AcknowledgerTests {
    static let resource = Acknowledger.Resource(name: "nginx.toml", prefixes: ["/test/"])

    /// Reads the acknowledgements until `condition` holds (the publishing loop runs on its own task).
    static func eventually(
        _ store: MemoryStore, _ condition: ([AppliedAcknowledgement]) -> Bool
    ) async throws -> [AppliedAcknowledgement] {
        for _ in 0..<500 {
            let acks = AppliedAcknowledgement.decodeAll(try await store.list(prefix: AppliedAcknowledgement.prefix))
            if condition(acks) { return acks }
            try await Task.sleep(for: .milliseconds(10))
        }
        return AppliedAcknowledgement.decodeAll(try await store.list(prefix: AppliedAcknowledgement.prefix))
    }

    static func applied(_ resource: String, revision: Int64, _ result: ApplyResult) -> EngineEventRecord {
        var record = ApplyRecord(
            id: 1, time: Date(timeIntervalSince1970: 1_800_000_000), resource: resource, dest: "/tmp/x",
            trigger: .change(revision: revision), result: result)
        record.revision = revision
        return EngineEventRecord(time: record.time, event: .applied(record, renderedBytes: 10))
    }

    @Test func publishesPendingThenEachApplyAndRevokesItsLeaseWhenItStops() async throws {
        let store = MemoryStore()
        let clock = ManualClock()
        let acknowledger = Acknowledger(
            store: store, resources: [Self.resource, .init(name: "db.toml", prefixes: ["/db/"])], engineID: "e/1",
            ttl: 30, clock: clock.erased, logger: Logger(label: "test"))
        let running = Task { try await acknowledger.run() }
        let pending = try await Self.eventually(store) { $0.count == 2 }
        #expect(pending.map(\.result) == ["pending", "pending"])
        #expect(pending.map(\.engine) == ["e_1", "e_1"])
        #expect(Set(try await store.list(prefix: "/").compactMap(\.lease)).count == 1)

        acknowledger.observe(Self.applied("nginx.toml", revision: 7, .applied))
        let published = try await Self.eventually(store) { $0.contains { $0.revision == 7 } }
        let nginx = try #require(published.first { $0.resource == "nginx.toml" })
        #expect(nginx.result == "applied" && nginx.prefixes == ["/test/"] && nginx.isLive)
        #expect(nginx.key == "/_switchboard/applied/e_1/nginx.toml")

        // Events of other kinds and unknown resources are ignored.
        acknowledger.observe(EngineEventRecord(time: Date(), event: .backendRemoved(key: "/test/a")))
        acknowledger.observe(Self.applied("unknown.toml", revision: 9, .applied))
        #expect(acknowledger.current.map(\.resource) == ["db.toml", "nginx.toml"])

        running.cancel()
        try await running.value
        #expect(try await store.list(prefix: AppliedAcknowledgement.prefix).isEmpty)
    }

    @Test func aLostLeaseIsGrantedAgainAndEveryResourceRepublished() async throws {
        let store = MemoryStore()
        let clock = ManualClock()
        let acknowledger = Acknowledger(
            store: store, resources: [Self.resource, .init(name: "db.toml", prefixes: ["/db/"])], engineID: "e1",
            ttl: 30, clock: clock.erased, logger: Logger(label: "test"))
        let running = Task { try await acknowledger.run() }
        defer { running.cancel() }
        _ = try await Self.eventually(store) { $0.count == 2 }
        let lease = try #require(try await store.list(prefix: AppliedAcknowledgement.prefix).first?.lease)
        try await store.revoke(lease)  // as if it expired while the store was out of reach
        acknowledger.observe(Self.applied("nginx.toml", revision: 12, .checkFailed))
        // The write under the lost lease fails; the retry (on the clock) takes a new lease and writes both again.
        var acks: [AppliedAcknowledgement] = []
        for _ in 0..<50 where acks.count < 2 {
            clock.advance(by: .seconds(1))
            acks = try await Self.eventually(store) { $0.count == 2 }
        }
        #expect(acks.first { $0.resource == "nginx.toml" }?.result == "check failed")
        #expect(acks.first { $0.resource == "nginx.toml" }?.isLive == false)
        #expect(acks.first { $0.resource == "db.toml" }?.result == "pending")
        let leases = Set(try await store.list(prefix: AppliedAcknowledgement.prefix).compactMap(\.lease))
        #expect(leases.count == 1 && !leases.contains(lease))
    }

    /// A resource that watches `/` renders every key; an acknowledgement written to the store must neither show in
    /// its render nor cause an apply.
    @Test func theMirrorHidesAcknowledgementsFromAResourceThatWatchesTheRoot() async throws {
        let dir = TempDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("templates"), withIntermediateDirectories: true)
        // `ls "/"` lists the root's children: `_switchboard` would show there if it were not hidden.
        dir.write(
            "templates/all.tmpl", "{{range ls \"/\"}}{{.}}\n{{end}}{{range gets \"/*/*\"}}{{.Key}}={{.Value}}\n{{end}}")
        let ack = AppliedBarrierTests.ack("other", 1)
        let store = MemoryStore(["/app/a": "1", GoString(ack.key): GoString(ack.encoded)])
        let plan = ResourcePlan(
            name: "all.toml", templatePath: dir.file("templates/all.tmpl"), templateDisplayName: "templates/all.tmpl",
            target: ApplyTarget(name: "all.toml", dest: dir.file("all.conf")), checkCommandSource: nil,
            watchedPrefixes: ["/"], view: { $0 })
        let records = NIOLockedValueBox<[ApplyRecord]>([])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let engine = Engine(
            configuration: EngineConfiguration(
                resources: [plan], mode: .watch,
                onEvent: { event in
                    if case .applied(let record, _) = event.event { records.withLockedValue { $0.append(record) } }
                }),
            store: store, logger: logger, clock: ManualClock().erased)
        let running = Task { try await engine.run() }
        defer { running.cancel() }
        func applies(_ count: Int) async throws {
            for _ in 0..<500 where records.withLockedValue({ $0.count }) < count {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await applies(1)
        #expect(dir.read("all.conf") == "app\n/app/a=1\n")
        // An acknowledgement is written (as this engine's acknowledger would), then a real change.
        try await store.put(
            GoString(AppliedBarrierTests.ack("self", 2).key), GoString(AppliedBarrierTests.ack("self", 2).encoded),
            lease: nil)
        try await store.put("/app/b", "2", lease: nil)
        try await applies(2)
        #expect(dir.read("all.conf") == "app\n/app/a=1\n/app/b=2\n")
        // Exactly one apply for the two writes: the real change's, at its revision.
        let all = records.withLockedValue { $0 }
        #expect(all.count == 2, "\(all.map(\.trigger))")
        #expect(all.last?.revision == 3)
        #expect(engine.currentSnapshot().mirroredKeys == 2)
    }
}
