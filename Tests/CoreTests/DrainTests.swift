import Core
import Foundation
import Logging
import Testing

/// The drain's order of steps and its bound, with closures standing in for the store and the server.
@Suite struct DrainTests {
    /// Records what happened, in order.
    actor Journal {
        var events: [String] = []
        func add(_ event: String) { events.append(event) }
    }

    /// A barrier that records when it starts waiting and never returns by itself.
    struct Forever: DrainBarrier {
        let journal: Journal
        func waitUntilRoutedAway(from key: String, removedAt revision: Int64?) async throws {
            await journal.add("barrier \(key) \(revision.map(String.init) ?? "-")")
            try await Task.sleep(for: .seconds(3600))
        }
        var words: String { "forever" }
    }

    struct Immediate: DrainBarrier {
        let journal: Journal
        func waitUntilRoutedAway(from key: String, removedAt revision: Int64?) async throws {
            await journal.add("barrier \(key) \(revision.map(String.init) ?? "-")")
        }
        var words: String { "nothing" }
    }

    @Test func removesTheKeyThenWaitsForTheBarrierThenFinishesInFlight() async {
        let journal = Journal()
        let drain = Drain(
            key: "/test/a", barrier: Immediate(journal: journal), timeout: .seconds(30), logger: Logger(label: "test"))
        let steps = await drain.run(
            deregister: {
                await journal.add("deregister")
                return 42
            }, finishInFlight: { await journal.add("in-flight") })
        #expect(await journal.events == ["deregister", "barrier /test/a 42", "in-flight"])
        #expect(steps.map(\.name) == ["deregister", "grace", "in-flight"])
        #expect(steps.map(\.completed) == [true, true, true])
    }

    @Test func theTimeoutCutsTheWaitAndTheInFlightStepShort() async {
        let journal = Journal()
        let clock = ManualClock()
        let drain = Drain(
            key: "/test/b", barrier: Forever(journal: journal), timeout: .milliseconds(200), logger: Logger(label: "t"),
            clock: clock.erased)
        async let steps = drain.run(
            deregister: { nil },
            finishInFlight: {
                await journal.add("in-flight")
                try? await Task.sleep(for: .seconds(3600))
            })
        await clock.sleeping(until: .milliseconds(200))
        clock.advance(by: .milliseconds(200))
        #expect(await steps.map(\.name) == ["deregister", "grace", "in-flight"])
        #expect(await steps.map(\.completed) == [true, false, false])
        #expect(await journal.events.first == "barrier /test/b -")
    }

    @Test func aFailedRemovalIsReportedAndTheDrainGoesOn() async {
        struct Unreachable: Error {}
        let clock = ManualClock()
        let drain = Drain(
            key: "/test/c", barrier: FixedGrace(.milliseconds(1), clock: clock.erased), timeout: .seconds(5),
            logger: Logger(label: "t"), clock: clock.erased)
        async let steps = drain.run(deregister: { throw Unreachable() })
        // The grace and the drain's deadline both sleep; only the grace is due when time moves by 1 ms.
        await clock.sleepers(2)
        clock.advance(by: .milliseconds(1))
        #expect(await steps.map(\.name) == ["deregister", "grace"])
        #expect(await steps.map(\.completed) == [false, true])
        #expect(FixedGrace(.seconds(2)).words.contains("no engine publishes acknowledgements"))
    }

    @Test func theGraceLastsExactlyItsDurationInVirtualTime() async {
        let clock = ManualClock()
        let drain = Drain(
            key: "/test/d", barrier: FixedGrace(.seconds(2), clock: clock.erased), timeout: .seconds(30),
            logger: Logger(label: "t"), clock: clock.erased)
        async let steps = drain.run(deregister: { 7 })
        await clock.sleeping(until: .seconds(2))
        clock.advance(by: .milliseconds(1999))
        #expect(clock.deadlines.contains(.seconds(2)))
        clock.advance(by: .milliseconds(1))
        let grace = await steps[1]
        #expect(grace.completed)
        #expect(grace.seconds == 2)
    }
}
