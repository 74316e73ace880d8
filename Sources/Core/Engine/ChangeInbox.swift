import NIOConcurrencyHelpers

/// Where changes for one consumer wait until it takes them: the first and last arrival times and how many came.
///
/// Posting never blocks and never waits for the consumer; the consumer takes everything that arrived since it last
/// looked, at once, so a burst costs one wake-up. The consumer marks itself busy while it has changes in hand, so a
/// poster can tell whether its change joins work already under way.
final class ChangeInbox: Sendable {
    /// Changes taken together.
    struct Arrivals: Sendable, Equatable {
        var first: AnyClock.Instant
        var last: AnyClock.Instant
        var count: Int
    }

    private struct State {
        var pending: Arrivals?
        var waiter: CheckedContinuation<Arrivals?, Never>?
        var busy = false
    }

    private let state = NIOLockedValueBox(State())

    /// A change arrived at `instant`.
    /// - Returns: whether the consumer already had changes waiting or in hand (this one joins them).
    @discardableResult
    func post(at instant: AnyClock.Instant) -> Bool {
        let (waiter, arrivals, joined) = state.withLockedValue {
            state -> (CheckedContinuation<Arrivals?, Never>?, Arrivals?, Bool) in
            let joined = state.busy || state.pending != nil
            if var pending = state.pending {
                pending.last = max(pending.last, instant)
                pending.count += 1
                state.pending = pending
            } else {
                state.pending = Arrivals(first: instant, last: instant, count: 1)
            }
            guard let waiter = state.waiter else { return (nil, nil, joined) }
            let taken = state.pending
            state.waiter = nil
            state.pending = nil
            state.busy = true
            return (waiter, taken, joined)
        }
        waiter?.resume(returning: arrivals)
        return joined
    }

    /// Everything that arrived since the last take, without waiting; `nil` when nothing did.
    func drain() -> Arrivals? {
        state.withLockedValue { state in
            defer { state.pending = nil }
            if state.pending != nil { state.busy = true }
            return state.pending
        }
    }

    /// The consumer has nothing in hand any more.
    func markIdle() {
        state.withLockedValue { $0.busy = false }
    }

    /// Waits for changes and takes them all; `nil` when the task is cancelled.
    func next() async -> Arrivals? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Arrivals?, Never>) in
                let ready = state.withLockedValue { state -> Arrivals?? in
                    if let pending = state.pending {
                        state.pending = nil
                        state.busy = true
                        return .some(pending)
                    }
                    if Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for changes or for `deadline` on `clock`, whichever comes first; takes the changes if any came.
    /// - Returns: the changes, or `nil` when the deadline passed (or the task was cancelled) first.
    func next(orUntil deadline: AnyClock.Instant, clock: AnyClock) async -> Arrivals? {
        let woken = await withTaskGroup(of: Arrivals?.self) { group in
            group.addTask { await self.next() }
            group.addTask {
                try? await clock.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        // A change that raced the deadline is not lost: it waits here for the next look.
        return woken ?? drain()
    }
}
