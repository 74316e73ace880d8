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
        let drain = Drain(
            key: "/test/b", barrier: Forever(journal: journal), timeout: .milliseconds(200), logger: Logger(label: "t"))
        let steps = await drain.run(
            deregister: { nil },
            finishInFlight: {
                await journal.add("in-flight")
                try? await Task.sleep(for: .seconds(3600))
            })
        #expect(steps.map(\.name) == ["deregister", "grace", "in-flight"])
        #expect(steps.map(\.completed) == [true, false, false])
        #expect(await journal.events == ["barrier /test/b -", "in-flight"])
    }

    @Test func aFailedRemovalIsReportedAndTheDrainGoesOn() async {
        struct Unreachable: Error {}
        let drain = Drain(
            key: "/test/c", barrier: FixedGrace(.milliseconds(1)), timeout: .seconds(5), logger: Logger(label: "t"))
        let steps = await drain.run(deregister: { throw Unreachable() })
        #expect(steps.map(\.name) == ["deregister", "grace"])
        #expect(steps.map(\.completed) == [false, true])
        #expect(FixedGrace(.seconds(2)).words.contains("no engine publishes acknowledgements yet"))
    }
}
