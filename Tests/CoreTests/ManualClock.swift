import Foundation

@testable import Core

/// A clock that moves only when a test says so: `advance(by:)` wakes every sleeper whose deadline has come, in
/// deadline order. Sleepers can be counted and awaited, so a test knows the code under test is waiting on time
/// before it moves time, without sleeping or polling.
///
/// `@unchecked Sendable`: every stored property is read and written under `lock`.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Sleeper] = []
    private var nextID = 0
    private var sleeperWaiters: [(ready: ([Duration]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    /// This clock as the engine takes it; its zero is this clock's zero.
    var erased: AnyClock { AnyClock(self) }

    /// Time since the clock was made.
    var elapsed: Duration { now.offset }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let outcome: Result<Void, Error>? = lock.withLock {
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= current { return .success(()) }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
                } else {
                    wakeSleeperWaiters()
                }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> Sleeper? in
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward, waking every sleeper whose deadline is reached.
    func advance(by duration: Duration) {
        let due = lock.withLock { () -> [Sleeper] in
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.deadline <= current }.sorted { $0.deadline < $1.deadline }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to `offset` since the clock was made.
    func advance(to offset: Duration) {
        advance(by: offset - elapsed)
    }

    /// The deadlines of everything sleeping now, as offsets since the clock was made, earliest first.
    var deadlines: [Duration] {
        lock.withLock { sleepers.map(\.deadline.offset).sorted() }
    }

    /// Returns once at least `count` sleepers are waiting.
    func sleepers(_ count: Int) async {
        await waitForSleepers { $0.count >= count }
    }

    /// Returns once something sleeps until `offset` since the clock was made.
    func sleeping(until offset: Duration) async {
        await waitForSleepers { $0.contains(offset) }
    }

    private func waitForSleepers(_ ready: @escaping ([Duration]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isReady = lock.withLock { () -> Bool in
                if ready(sleepers.map(\.deadline.offset)) { return true }
                sleeperWaiters.append((ready, continuation))
                return false
            }
            if isReady { continuation.resume() }
        }
    }

    private func wakeSleeperWaiters() {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            let deadlines = sleepers.map(\.deadline.offset)
            let ready = sleeperWaiters.filter { $0.ready(deadlines) }.map(\.continuation)
            sleeperWaiters.removeAll { $0.ready(deadlines) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}
