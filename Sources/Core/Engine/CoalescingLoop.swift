/// The engine's one debounce: changes arrive in a `ChangeInbox`, a `Coalescer` decides when, and `work` runs,
/// never twice at once, on the injected clock.
///
/// Each resource's applies run in one (the resource's `wait` windows), and so does publishing snapshots to the
/// faces (30 ms), so a lone change is acted on at once and a burst costs a few runs, never losing the last change.
struct CoalescingLoop: Sendable {
    let inbox: ChangeInbox
    let clock: AnyClock
    let policy: WaitPolicy

    /// Runs until the task is cancelled; a `work` that started runs to its end.
    func run(_ work: @Sendable () async -> Void) async {
        var coalescer = Coalescer<AnyClock.Instant>(
            minimumQuiet: policy.minimumQuiet, maximumDelay: policy.maximumDelay)
        while let arrivals = await inbox.next() {
            var decision = Self.receive(arrivals, into: &coalescer)
            while true {
                switch decision {
                case .idle:
                    break
                case .applyNow:
                    coalescer.applyStarted(at: clock.now)
                    await work()
                    decision = coalescer.applyFinished(at: clock.now)
                case .waitUntil(let deadline):
                    do { try await clock.sleep(until: deadline) } catch { return }
                    if let more = inbox.drain() { _ = Self.receive(more, into: &coalescer) }
                    decision = coalescer.timerFired(at: clock.now)
                    continue
                }
                if let more = inbox.drain() { decision = Self.receive(more, into: &coalescer) }
                if decision == .idle { break }
            }
            inbox.markIdle()
            // Changes that came between the last look and being marked idle are taken on the next turn.
        }
    }

    private static func receive(
        _ arrivals: ChangeInbox.Arrivals, into coalescer: inout Coalescer<AnyClock.Instant>
    ) -> Coalescer<AnyClock.Instant>.Decision {
        let decision = coalescer.changeArrived(at: arrivals.first)
        return arrivals.last == arrivals.first ? decision : coalescer.changeArrived(at: arrivals.last)
    }
}
