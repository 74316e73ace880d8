import Core
import Foundation

/// What the engine side hands the terminal thread; newest snapshot wins. Posting wakes the thread's `poll()`.
final class ConsoleMailbox: @unchecked Sendable {
    enum Reply: Sendable {
        case effect(EngineEffect, error: String?)
        case preview(BackendChange, [PreviewResult])
    }

    private let lock = NSLock()
    private var snapshot: EngineSnapshot?
    private var replies: [Reply] = []
    private var quitRequested = false
    /// Read end (polled by the terminal thread) and write end of the wake-up pipe.
    let wakeRead: Int32
    private let wakeWrite: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ConsoleError(message: "could not create the console's wake-up pipe") }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    func post(_ snapshot: EngineSnapshot) {
        lock.withLock { self.snapshot = snapshot }
        wake()
    }

    func post(_ reply: Reply) {
        lock.withLock { replies.append(reply) }
        wake()
    }

    func requestQuit() {
        lock.withLock { quitRequested = true }
        wake()
    }

    /// Everything posted since the last call.
    func take() -> (snapshot: EngineSnapshot?, replies: [Reply], quit: Bool) {
        lock.withLock {
            defer {
                snapshot = nil
                replies = []
            }
            return (snapshot, replies, quitRequested)
        }
    }

    /// Empties the wake-up pipe.
    func drainWake() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }
}
