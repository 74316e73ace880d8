import Foundation

/// Runs blocking work (waiting for a child to exit, reading a pipe to its end, building a Go program) on a thread
/// of its own and awaits it.
///
/// Tests run in parallel on Swift's cooperative threads, which are as many as the cores: two on a CI machine. A test
/// that blocks one of them for seconds stalls every other test, and their real-time deadlines pass while nothing
/// runs. Blocking calls in tests go through here so the cooperative threads stay free.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    let handoff = Handoff(work)
    return try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: handoff.run()) }.start()
    }
}

/// `offPool` for work that cannot throw.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    let handoff = Handoff(work)
    return await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: try! handoff.run().get()) }.start()
    }
}

/// The work of one `offPool` call. It lets go of the work before the caller resumes: the thread object keeps its
/// block (and so this) alive a little longer, and a caller's non-escaping closure inside the work must be released
/// by then (`withoutActuallyEscaping` checks).
private final class Handoff<T>: @unchecked Sendable {
    // Safe: `work` is set once here and taken once, by the one thread that runs it.
    private var work: (() throws -> T)?

    init(_ work: @escaping () throws -> T) { self.work = work }

    func run() -> Result<T, Error> {
        let work = self.work!
        self.work = nil
        return Result { try work() }
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

/// A value handed to another thread while its owner waits for that thread: the caller promises that only one
/// thread uses it at a time.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
