import Foundation
import Logging
import Testing

@testable import Core
@testable import GoText

/// The drain's barrier decides from the acknowledgements alone (a pure function), and its loop waits on the injected
/// clock until they say the removal is live everywhere that renders the key.
@Suite struct AppliedBarrierTests {
    static func ack(
        _ engine: String, _ revision: Int64, _ result: String = "applied", prefixes: [String] = ["/test/"],
        resource: String = "nginx.toml"
    ) -> AppliedAcknowledgement {
        AppliedAcknowledgement(
            engine: engine, resource: resource, revision: revision, result: result, prefixes: prefixes, time: 0)
    }

    @Test func withoutAcknowledgementsThereIsNothingToWaitFor() {
        #expect(AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: []) == .noAcknowledgements)
    }

    @Test func anEngineThatDoesNotRenderTheKeyIsNotWaitedFor() {
        let other = Self.ack("e1", 3, prefixes: ["/other/"])
        #expect(
            AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: [other]) == .routedAway(engines: 0))
    }

    @Test func anEngineBehindTheRemovalIsWaitedFor() {
        let behind = Self.ack("e1", 8)
        #expect(AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: [behind]) == .waiting([behind]))
        let pending = Self.ack("e2", 0, AppliedAcknowledgement.pending)
        #expect(AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: [pending]) == .waiting([pending]))
    }

    @Test func anApplyThatFailedAtTheRevisionLeavesTheOldConfigLive() {
        for result in ["check failed", "rolled back", "render failed", "would change"] {
            let failed = Self.ack("e1", 12, result)
            #expect(
                AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: [failed]) == .waiting([failed]))
        }
    }

    @Test func appliedOrUnchangedAtOrAfterTheRemovalIsRoutedAway() {
        let acks = [Self.ack("e1", 9), Self.ack("e2", 15, "unchanged"), Self.ack("e3", 2, prefixes: ["/x/"])]
        #expect(AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: acks) == .routedAway(engines: 2))
    }

    @Test func onlyTheEnginesBehindAreListed() {
        let late = Self.ack("e2", 4)
        let acks = [Self.ack("e1", 10), late, Self.ack("e1", 1, prefixes: ["/db/"], resource: "other.toml")]
        #expect(AppliedBarrier.decide(key: "/test/a", removedAt: 9, acknowledgements: acks) == .waiting([late]))
    }

    @Test func prefixesCoverKeysByTheirBytesAsConfdDoes() {
        // `/test` also covers `/testing/x`, as confd's prefix match does.
        let ack = Self.ack("e1", 1, prefixes: ["/test"])
        #expect(ack.covers("/testing/x") && ack.covers("/test/a") && !ack.covers("/tes"))
        #expect(Self.ack("e1", 1, prefixes: ["/"]).covers("/test/a"))
    }

    @Test func routingCountsEnginesWhoseConfigHoldsTheKeyAsWritten() {
        let acks = [
            Self.ack("e1", 10), Self.ack("e1", 3, resource: "b.toml"), Self.ack("e2", 6),
            Self.ack("e3", 20, "check failed"),
            Self.ack("e4", 20, prefixes: ["/db/"]),
        ]
        let routing = BackendRouting.of(key: "/test/a", modifiedAt: 7, acknowledgements: acks)
        #expect(routing == BackendRouting(routing: 1, rendering: 3))
        #expect(routing.words == "1/3")
        #expect(BackendRouting.of(key: "/test/a", modifiedAt: nil, acknowledgements: acks).words == "?/3")
        #expect(BackendRouting.of(key: "/test/a", modifiedAt: 1, acknowledgements: []).words == "-")
    }

    @Test func anAcknowledgementRoundTripsThroughItsStoredValue() throws {
        let ack = Self.ack("host-42", 17, resource: "sub/app.toml")
        #expect(ack.key == "/_switchboard/applied/host-42/sub/app.toml")
        #expect(AppliedAcknowledgement(decoding: ack.encoded) == ack)
        #expect(!ack.encoded.contains("\n"))
        #expect(AppliedAcknowledgement(decoding: "127.0.0.1:80") == nil)
        #expect(AppliedAcknowledgement.isReserved(ack.key) && !AppliedAcknowledgement.isReserved("/test/a"))
    }

    /// The loop: it reads the acknowledgements, sleeps on the clock while an engine is behind, and returns as soon as
    /// a read finds the removal live.
    @Test func theBarrierWaitsUntilTheEngineAcknowledgesTheRemoval() async throws {
        let store = MemoryStore()
        let behind = Self.ack("e1", 4)
        try await store.put(GoString(behind.key), GoString(behind.encoded), lease: nil)
        let clock = ManualClock()
        let barrier = AppliedBarrier(
            store: store, fallback: FixedGrace(.seconds(3600)), pollInterval: .milliseconds(100), clock: clock.erased,
            logger: Logger(label: "test"))
        let waiting = Task { try await barrier.waitUntilRoutedAway(from: "/test/a", removedAt: 5) }
        await clock.sleepers(1)
        clock.advance(by: .milliseconds(100))
        await clock.sleepers(1)
        let caughtUp = Self.ack("e1", 5)
        try await store.put(GoString(caughtUp.key), GoString(caughtUp.encoded), lease: nil)
        clock.advance(by: .milliseconds(100))
        try await waiting.value
        #expect(clock.elapsed == .milliseconds(200))
    }

    @Test func anEngineWhoseAcknowledgementExpiresStopsBlocking() async throws {
        let store = MemoryStore()
        let lease = try await store.grantLease(ttl: 60)
        let dead = Self.ack("dead", 1)
        try await store.put(GoString(dead.key), GoString(dead.encoded), lease: lease)
        let clock = ManualClock()
        let barrier = AppliedBarrier(
            store: store, fallback: FixedGrace(.seconds(3600)), clock: clock.erased, logger: Logger(label: "test"))
        let waiting = Task { try await barrier.waitUntilRoutedAway(from: "/test/a", removedAt: 5) }
        await clock.sleepers(1)
        try await store.revoke(lease)  // what the store does when the lease runs out
        clock.advance(by: .milliseconds(100))
        try await waiting.value
    }

    @Test func withoutAcknowledgementsOrARevisionItWaitsTheFixedGrace() async throws {
        let store = MemoryStore()
        let barrier = AppliedBarrier(store: store, fallback: FixedGrace(.zero), logger: Logger(label: "test"))
        try await barrier.waitUntilRoutedAway(from: "/test/a", removedAt: 5)
        let behind = Self.ack("e1", 1)
        try await store.put(GoString(behind.key), GoString(behind.encoded), lease: nil)
        // Acknowledgements exist, but the store did not say when the key went: only the grace can be waited.
        try await barrier.waitUntilRoutedAway(from: "/test/a", removedAt: nil)
    }
}
