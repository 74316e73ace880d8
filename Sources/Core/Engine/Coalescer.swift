/// Decides when a resource is applied after store changes, so that a lone change is applied at once and a
/// burst of changes becomes a few applies, never losing the last one.
///
/// Rules:
/// - A change that arrives after the resource has been quiet for `minimumQuiet` (no apply started within that
///   window) is applied at once: the leading edge, no waiting.
/// - Otherwise it waits until no change has arrived for `minimumQuiet`, or until `maximumDelay` has passed since
///   the first change still waiting, whichever comes first.
/// - While an apply runs, changes only accumulate; when it finishes the rules above are asked again, so a change
///   that arrived during an apply is always applied afterwards.
///
/// The state machine is pure: time comes in as arguments, decisions come out.
package struct Coalescer<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration {
    /// What the engine should do next for this resource.
    package enum Decision: Sendable, Equatable {
        /// Nothing is waiting (or an apply is running; it will ask again when it finishes).
        case idle
        /// Start an apply now.
        case applyNow
        /// Ask again at this instant (or on the next change).
        case waitUntil(Instant)
    }

    package let minimumQuiet: Duration
    package let maximumDelay: Duration

    private var firstPendingChange: Instant?
    private var lastChange: Instant?
    private var lastApplyStart: Instant?
    private var isApplying = false

    /// - Parameters:
    ///   - minimumQuiet: how long the store must be quiet before a deferred apply runs.
    ///   - maximumDelay: the longest a change may wait during a continuous burst.
    package init(minimumQuiet: Duration, maximumDelay: Duration) {
        self.minimumQuiet = minimumQuiet
        self.maximumDelay = max(maximumDelay, minimumQuiet)
    }

    /// True while changes are waiting to be applied.
    package var hasPendingChanges: Bool { firstPendingChange != nil }

    /// A change to a key this resource watches arrived at `now`.
    package mutating func changeArrived(at now: Instant) -> Decision {
        if firstPendingChange == nil { firstPendingChange = now }
        lastChange = now
        return decide(at: now)
    }

    /// A timer set by an earlier `.waitUntil` fired.
    package mutating func timerFired(at now: Instant) -> Decision {
        decide(at: now)
    }

    /// The engine started the apply it was told to start. Changes pending until now are covered by it.
    package mutating func applyStarted(at now: Instant) {
        isApplying = true
        lastApplyStart = now
        firstPendingChange = nil
        lastChange = nil
    }

    /// The apply finished; changes that arrived during it are considered now.
    package mutating func applyFinished(at now: Instant) -> Decision {
        isApplying = false
        return decide(at: now)
    }

    private func decide(at now: Instant) -> Decision {
        guard let first = firstPendingChange, let last = lastChange else { return .idle }
        if isApplying { return .idle }
        if let lastApplyStart {
            if lastApplyStart.duration(to: first) >= minimumQuiet { return .applyNow }
        } else {
            return .applyNow
        }
        let quietDeadline = last.advanced(by: minimumQuiet)
        let capDeadline = first.advanced(by: maximumDelay)
        let deadline = min(quietDeadline, capDeadline)
        return now >= deadline ? .applyNow : .waitUntil(deadline)
    }
}

/// The coalescing windows, settable per run (`--wait MIN:MAX`) and per resource (`wait = "MIN:MAX"`).
package struct WaitPolicy: Sendable, Hashable, CustomStringConvertible {
    package var minimumQuiet: Duration
    package var maximumDelay: Duration

    /// 50 ms of quiet, at most 400 ms of delay: a lone change goes at once, 1000 puts in a second give a handful
    /// of applies.
    package static let standard = WaitPolicy(minimumQuiet: .milliseconds(50), maximumDelay: .milliseconds(400))

    package init(minimumQuiet: Duration, maximumDelay: Duration) {
        self.minimumQuiet = minimumQuiet
        self.maximumDelay = max(maximumDelay, minimumQuiet)
    }

    /// Parses `MIN:MAX` or `MIN` with Go-style durations (`50ms`, `2s`, `1m`, `1.5s`).
    /// - Throws: `DurationParseError` naming the text.
    package init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2 else {
            throw DurationParseError(text: text, reason: "expected MIN:MAX, e.g. 50ms:2s")
        }
        let minimum = try GoDuration.parse(parts[0])
        let maximum = parts.count == 2 ? try GoDuration.parse(parts[1]) : minimum * 4
        guard maximum >= minimum else {
            throw DurationParseError(text: text, reason: "MAX must not be shorter than MIN")
        }
        self.init(minimumQuiet: minimum, maximumDelay: maximum)
    }

    package var description: String {
        "\(GoDuration.format(minimumQuiet)):\(GoDuration.format(maximumDelay))"
    }
}
