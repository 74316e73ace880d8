import UnixSignals

/// How what is no `ServiceGroup` hears signals: the console's terminal (SIGINT, SIGTERM, SIGHUP), and a graceful
/// leave's second signal (the group's listener stops at the first, which began the leave). Through
/// swift-service-lifecycle's `UnixSignalsSequence`, the mechanism of the groups themselves, so there is one signal
/// path, not dispatch sources set up in several ways.
package enum ShutdownSignals {
    /// Calls `action` for each of `signals` until the task is cancelled.
    package static func forEach(of signals: [UnixSignal], _ action: @Sendable () -> Void) async {
        for await _ in await UnixSignalsSequence(trapping: signals) { action() }
    }
}
