import Testing

@testable import Core

/// A test clock's instant: whole milliseconds.
private struct Tick: InstantProtocol {
    var ms: Int64
    func advanced(by duration: Duration) -> Tick {
        Tick(ms: ms + duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
    func duration(to other: Tick) -> Duration { .milliseconds(other.ms - ms) }
    static func < (a: Tick, b: Tick) -> Bool { a.ms < b.ms }
}

private func at(_ ms: Int64) -> Tick { Tick(ms: ms) }

@Suite struct CoalescerTests {
    private func make() -> Coalescer<Tick> {
        Coalescer(minimumQuiet: .milliseconds(50), maximumDelay: .milliseconds(400))
    }

    @Test func aLoneChangeIsAppliedAtOnce() {
        var coalescer = make()
        #expect(coalescer.changeArrived(at: at(0)) == .applyNow)
    }

    @Test func aLoneChangeAfterAQuietPeriodIsAppliedAtOnce() {
        var coalescer = make()
        _ = coalescer.changeArrived(at: at(0))
        coalescer.applyStarted(at: at(0))
        #expect(coalescer.applyFinished(at: at(2)) == .idle)
        #expect(coalescer.changeArrived(at: at(500)) == .applyNow)
    }

    @Test func aChangeDuringAnApplyWaitsForItAndIsThenConsidered() {
        var coalescer = make()
        _ = coalescer.changeArrived(at: at(0))
        coalescer.applyStarted(at: at(0))
        #expect(coalescer.changeArrived(at: at(1)) == .idle)
        #expect(coalescer.applyFinished(at: at(3)) == .waitUntil(at(51)))
        #expect(coalescer.timerFired(at: at(51)) == .applyNow)
    }

    @Test func aBurstIsCappedByTheMaximumDelay() {
        var coalescer = make()
        _ = coalescer.changeArrived(at: at(0))
        coalescer.applyStarted(at: at(0))
        _ = coalescer.applyFinished(at: at(1))
        var decision = coalescer.changeArrived(at: at(2))
        #expect(decision == .waitUntil(at(52)))
        for t in stride(from: Int64(3), through: 402, by: 1) {
            decision = coalescer.changeArrived(at: at(t))
        }
        #expect(decision == .applyNow)
    }

    @Test func thousandChangesInASecondGiveAHandfulOfApplies() {
        var coalescer = make()
        var applies = 0
        var wakeAt: Tick?
        func run(_ decision: Coalescer<Tick>.Decision, now: Tick) {
            switch decision {
            case .applyNow:
                applies += 1
                coalescer.applyStarted(at: now)
                run(
                    coalescer.applyFinished(at: now.advanced(by: .milliseconds(2))),
                    now: now.advanced(by: .milliseconds(2)))
            case .waitUntil(let t): wakeAt = t
            case .idle: wakeAt = nil
            }
        }
        for t in 0..<1000 {
            let now = at(Int64(t))
            if let w = wakeAt, w <= now { run(coalescer.timerFired(at: now), now: now) }
            run(coalescer.changeArrived(at: now), now: now)
        }
        while let w = wakeAt { run(coalescer.timerFired(at: w), now: w) }
        #expect(applies <= 5)
        #expect(applies >= 2)
        #expect(!coalescer.hasPendingChanges)
    }

    @Test func theLastChangeOfABurstIsNeverLost() {
        var coalescer = make()
        _ = coalescer.changeArrived(at: at(0))
        coalescer.applyStarted(at: at(0))
        _ = coalescer.applyFinished(at: at(1))
        _ = coalescer.changeArrived(at: at(10))
        #expect(coalescer.hasPendingChanges)
        #expect(coalescer.timerFired(at: at(59)) == .waitUntil(at(60)))
        #expect(coalescer.timerFired(at: at(60)) == .applyNow)
    }

    @Test(arguments: [
        ("50ms:2s", 0.05, 2.0), ("0s:1s", 0.0, 1.0), ("1.5s", 1.5, 6.0), ("100ms:100ms", 0.1, 0.1), ("2", 2.0, 8.0),
    ])
    func waitPolicyParses(text: String, minimum: Double, maximum: Double) throws {
        let policy = try WaitPolicy(parsing: text)
        #expect(abs(policy.minimumQuiet.seconds - minimum) < 1e-9)
        #expect(abs(policy.maximumDelay.seconds - maximum) < 1e-9)
    }

    @Test(arguments: ["", "fast", "2s:1s", "1x", "1s:2s:3s", "-1s"])
    func waitPolicyRefuses(text: String) {
        #expect(throws: DurationParseError.self) { try WaitPolicy(parsing: text) }
    }
}
