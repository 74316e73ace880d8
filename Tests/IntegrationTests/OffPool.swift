import Foundation

/// Runs blocking work (waiting for a child to exit, reading a pipe to its end, building a Go program) on a thread
/// of its own and awaits it.
///
/// Tests run in parallel on Swift's cooperative threads, which are as many as the cores: two on a CI machine. A test
/// that blocks one of them for seconds stalls every other test, and their real-time deadlines pass while nothing
/// runs. Blocking calls in tests go through here so the cooperative threads stay free.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// `offPool` for work that cannot throw.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.start()
    }
}

/// A `Process` handed to another thread to be waited for. Safe: `waitUntilExit` and the status are thread-safe reads
/// of a process that has already been started.
private struct StartedProcess: @unchecked Sendable {
    let process: Process
}

extension Process {
    /// Waits for the process to exit without blocking a cooperative thread.
    func exited() async {
        let started = StartedProcess(process: self)
        await offPool { started.process.waitUntilExit() }
    }
}
