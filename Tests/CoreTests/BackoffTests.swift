import Testing

@testable import Core

@Suite struct BackoffTests {
    @Test func theStandardPolicyDoublesFromTwoHundredMillisecondsToItsCap() {
        let delays = (0...8).map { Backoff.standard.delay(afterFailures: $0) }
        #expect(
            delays == [
                .zero, .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .milliseconds(3200), .seconds(5), .seconds(5), .seconds(5),
            ])
        #expect(Backoff.standard.delay(afterFailures: 10_000) == .seconds(5))
    }

    @Test func aCapBelowTheFirstDelayIsRaisedToIt() {
        let policy = Backoff(initial: .seconds(2), maximum: .seconds(1))
        #expect(policy.delay(afterFailures: 1) == .seconds(2))
        #expect(policy.delay(afterFailures: 5) == .seconds(2))
    }
}
