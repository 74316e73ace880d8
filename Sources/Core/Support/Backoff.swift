/// How long to wait before the next attempt after consecutive failures: doubling from `initial`, at most `maximum`.
///
/// One policy for everything that retries a store (the engine's mirror, the etcd watch), so a lost store is asked
/// again at the same pace whichever part noticed.
package struct Backoff: Sendable, Hashable {
    /// The wait after the first failure.
    package var initial: Duration
    /// The longest wait, reached after a few failures and kept while they continue.
    package var maximum: Duration

    /// 0.2 s, 0.4 s, 0.8 s … at most 5 s.
    package static let standard = Backoff(initial: .milliseconds(200), maximum: .seconds(5))

    package init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(maximum, initial)
    }

    /// The wait after `failures` consecutive failures (1 for the first); zero before any.
    package func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 64) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
