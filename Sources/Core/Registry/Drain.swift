import Foundation
import Logging

/// What a leaving backend waits for between removing its key and stopping: that no nginx routes to it any more.
///
/// `AppliedBarrier` waits until every engine that renders the key acknowledges (through the store) a config without
/// it; where no engine publishes acknowledgements, `FixedGrace` waits long enough for an engine to render, check and
/// reload without the backend.
package protocol DrainBarrier: Sendable {
    /// Returns once no engine is expected to route to `key` any more, or when cancelled (the drain's timeout).
    /// - Parameter removedAt: the store revision of the removal when known (for acknowledgement-based barriers).
    func waitUntilRoutedAway(from key: String, removedAt revision: Int64?) async throws
    /// What the barrier waits for, in words, for the drain's log (`a fixed 2 s grace: ...`).
    var words: String { get }
}

/// Waits a fixed time: what a drain does while no engine publishes acknowledgements.
package struct FixedGrace: DrainBarrier {
    package var grace: Duration
    package var clock: AnyClock

    package init(_ grace: Duration, clock: AnyClock = .continuous) {
        self.grace = grace
        self.clock = clock
    }

    package func waitUntilRoutedAway(from key: String, removedAt revision: Int64?) async throws {
        try await clock.sleep(for: grace)
    }

    package var words: String {
        "a fixed \(Drain.words(grace)) grace (no engine publishes acknowledgements, so the drain cannot know when "
            + "every nginx has reloaded without this backend)"
    }
}

/// Takes a backend out of service without losing a request: remove its key first, keep serving while the engines
/// apply a config without it (`barrier`), then let the requests in flight finish, then stop. The whole drain is
/// bounded by `timeout`; every step is logged with the time it took.
package struct Drain: Sendable {
    /// One step of a drain and how it ended, for callers and tests.
    package struct Step: Sendable, Hashable {
        package var name: String
        package var seconds: Double
        /// False when the drain's timeout cut the step short.
        package var completed: Bool
    }

    package var key: String
    package var barrier: any DrainBarrier
    package var timeout: Duration
    package var logger: Logger
    /// Measures the steps and the timeout: the continuous clock in production, a manual one in tests.
    package var clock: AnyClock

    package init(
        key: String, barrier: any DrainBarrier, timeout: Duration, logger: Logger, clock: AnyClock = .continuous
    ) {
        self.key = key
        self.barrier = barrier
        self.timeout = timeout
        self.logger = logger
        self.clock = clock
    }

    /// Runs the drain.
    /// - Parameters:
    ///   - deregister: removes the key (revokes the lease or deletes it); returns the store revision of the removal
    ///     when known. A failure is logged and the drain goes on: the lease still expires by itself.
    ///   - finishInFlight: stops accepting and returns once the requests in flight are answered; `nil` when this
    ///     process does not serve the backend's requests (`register`, `drain`).
    /// - Returns: the steps, in order.
    @discardableResult
    package func run(
        deregister: @Sendable () async throws -> Int64?, finishInFlight: (@Sendable () async -> Void)? = nil
    ) async -> [Step] {
        let clock = self.clock
        let deadline = clock.now.advanced(by: timeout)
        func since(_ start: AnyClock.Instant) -> Duration { start.duration(to: clock.now) }
        var steps: [Step] = []
        logger.info("draining \(key): removing the key first (drain timeout \(Self.words(timeout)))")
        var start = clock.now
        var revision: Int64?
        do {
            revision = try await deregister()
            steps.append(Step(name: "deregister", seconds: since(start).seconds, completed: true))
            logger.info("draining \(key): key removed in \(Self.words(since(start)))")
        } catch {
            steps.append(Step(name: "deregister", seconds: since(start).seconds, completed: false))
            logger.error("draining \(key): cannot remove the key (\(error)); its lease will expire by itself")
        }
        start = clock.now
        logger.info("draining \(key): still serving while engines reload without it: waiting \(barrier.words)")
        let (barrier, key, removedAt) = (self.barrier, self.key, revision)
        let routedAway = await Self.within(deadline, on: clock) {
            try await barrier.waitUntilRoutedAway(from: key, removedAt: removedAt)
        }
        steps.append(Step(name: "grace", seconds: since(start).seconds, completed: routedAway))
        if !routedAway { logger.warning("draining \(key): the drain timeout ended the wait for the engines") }
        if let finishInFlight {
            start = clock.now
            logger.info("draining \(key): no longer accepting connections; finishing the requests in flight")
            let finished = await Self.within(deadline, on: clock) { await finishInFlight() }
            steps.append(Step(name: "in-flight", seconds: since(start).seconds, completed: finished))
            if finished {
                logger.info("draining \(key): requests in flight finished in \(Self.words(since(start)))")
            } else {
                logger.warning("draining \(key): drain timeout reached with requests still in flight; stopping anyway")
            }
        } else {
            logger.info("draining \(key): this process serves no requests; the backend itself finishes its own")
        }
        let total = timeout - clock.now.duration(to: deadline)
        logger.info("drained \(key) in \(Self.words(total))")
        return steps
    }

    /// Runs `work` until it returns or `deadline` on `clock` passes (then cancels it).
    /// - Returns: true when `work` returned (without throwing) before `deadline`.
    package static func within(
        _ deadline: AnyClock.Instant, on clock: AnyClock, _ work: @escaping @Sendable () async throws -> Void
    ) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await work()
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await clock.sleep(until: deadline, tolerance: nil)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// `2 s`, `350 ms`.
    static func words(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds >= 1 ? String(format: "%.1f s", seconds) : String(format: "%.0f ms", seconds * 1000)
    }
}
