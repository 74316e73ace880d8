import UnixSignals

/// How a command that is not a `ServiceGroup` (`register`, `hello`, `drain`, the console's terminal) hears SIGINT,
/// SIGTERM and SIGHUP: through swift-service-lifecycle's `UnixSignalsSequence`, the mechanism the service groups of
/// `run` and `demo` use, so there is one signal path, not dispatch sources set up in three ways.
public enum ShutdownSignals {
    private static let interrupts = Interrupts()

    /// Returns at the next SIGINT or SIGTERM. One sequence listens for the whole process and every call takes the
    /// next signal from it, so the signal that ended one wait is never seen again by the next (a drain's second
    /// signal is a second signal).
    public static func next() async {
        await interrupts.next()
    }

    /// Calls `action` for each of `signals` until the task is cancelled.
    public static func forEach(of signals: [UnixSignal], _ action: @Sendable () -> Void) async {
        for await _ in await UnixSignalsSequence(trapping: signals) { action() }
    }

    /// Counts the signals the one listener hears and hands each to one waiter, in order.
    private actor Interrupts {
        private var listening = false
        private var unclaimed = 0
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func next() async {
            if !listening {
                listening = true
                // Trapped before the first wait returns to its caller, so no signal can end the process meanwhile.
                let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
                Task { for await _ in signals { await self.heard() } }
            }
            if unclaimed > 0 {
                unclaimed -= 1
                return
            }
            await withCheckedContinuation { waiters.append($0) }
        }

        private func heard() {
            if waiters.isEmpty {
                unclaimed += 1
            } else {
                waiters.removeFirst().resume()
            }
        }
    }
}
