/// Any `Clock` measured in `Duration`, as one concrete type, so the engine and a registration can take the
/// continuous clock in production and a clock a test advances by hand, without being generic all the way up.
///
/// Its instants are offsets from the moment it was made; sleeping until one sleeps on the wrapped clock.
package struct AnyClock: Clock {
    /// A point in time, as the offset from the clock's creation.
    package struct Instant: InstantProtocol {
        package var offset: Duration

        package init(offset: Duration) { self.offset = offset }

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration, Duration?) async throws -> Void
    package let minimumResolution: Duration

    /// Wraps `clock`; this clock's zero is `clock.now` at this call.
    package init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { offset, tolerance in try await clock.sleep(until: start.advanced(by: offset), tolerance: tolerance)
        }
        minimumResolution = clock.minimumResolution
    }

    /// The continuous clock: real time that keeps counting while the machine sleeps.
    package static var continuous: AnyClock { AnyClock(ContinuousClock()) }

    package var now: Instant { Instant(offset: elapsed()) }

    package func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeper(deadline.offset, tolerance)
    }
}
