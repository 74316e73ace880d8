import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished shell command did.
package struct CommandOutcome: Sendable, Hashable {
    /// The exit status; `nil` when the command was killed by a signal or timed out.
    package var exitStatus: Int32?
    /// True when the timeout ended it.
    package var timedOut: Bool
    /// Standard output and standard error, interleaved as written, at most `CommandRunner.outputLimit` bytes.
    package var output: String
    package var seconds: Double

    package var succeeded: Bool { exitStatus == 0 && !timedOut }

    /// `exit status 1`, `timed out after 60s`, `killed by signal 9`.
    package var summary: String {
        if timedOut { return "timed out" }
        if let exitStatus { return exitStatus == 0 ? "ok" : "exit status \(exitStatus)" }
        return "killed by a signal"
    }
}

/// Runs `check_cmd` and `reload_cmd` through `/bin/sh -c`, as confd does, with a timeout that ends the whole
/// process group (so `sh -c 'sleep 100'` cannot outlive it).
package enum CommandRunner {
    /// Output beyond this many bytes is dropped (with a note), so a chatty command cannot eat memory.
    package static let outputLimit = 64 * 1024

    /// - Parameters:
    ///   - command: a shell command line.
    ///   - timeout: after this the process group gets SIGTERM, and SIGKILL two seconds later.
    /// - Throws: `CommandError` when the command could not be started at all.
    package static func run(_ command: String, timeout: Duration) async throws -> CommandOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(command, timeout: timeout) })
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    private static func runBlocking(_ command: String, timeout: Duration) throws -> CommandOutcome {
        let start = ContinuousClock.now
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CommandError(command: command, reason: String(cString: strerror(errno))) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        let spawnResult = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(writeEnd)
        guard spawnResult == 0 else {
            close(readEnd)
            throw CommandError(command: command, reason: String(cString: strerror(spawnResult)))
        }

        var output: [UInt8] = []
        var truncated = false
        var timedOut = false
        var killDeadline: ContinuousClock.Instant?
        var stopReadingAt: ContinuousClock.Instant?
        let deadline = start.advanced(by: timeout)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var status: Int32 = 0
        var exited = false
        var pipeOpen = true

        while !exited || pipeOpen {
            let now = ContinuousClock.now
            if !timedOut, now >= deadline {
                timedOut = true
                kill(-pid, SIGTERM)
                killDeadline = now.advanced(by: .seconds(2))
            }
            if let killDeadline, now >= killDeadline {
                kill(-pid, SIGKILL)
                // A grandchild that left the group may hold the pipe open forever; stop waiting for it.
                if exited { break }
            }
            if let stopReadingAt, now >= stopReadingAt { break }
            if pipeOpen {
                var pollDescriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pollDescriptor, 1, 50)
                if ready > 0 {
                    let count = read(readEnd, &buffer, buffer.count)
                    if count > 0 {
                        let room = outputLimit - output.count
                        if room > 0 { output.append(contentsOf: buffer[0..<min(count, room)]) }
                        if count > room { truncated = true }
                    } else if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
                        pipeOpen = false
                    }
                }
            } else {
                usleep(5_000)
            }
            if !exited {
                let waited = waitpid(pid, &status, WNOHANG)
                if waited == pid { exited = true } else if waited < 0 && errno != EINTR { exited = true }
                if exited && !pipeOpen { break }
                if exited && pipeOpen && stopReadingAt == nil {
                    // The shell is gone but something it started (a daemon, say) still holds the pipe: read what
                    // is there for a moment, then stop. It is not ours to kill.
                    stopReadingAt = ContinuousClock.now.advanced(by: .milliseconds(200))
                }
            }
        }
        close(readEnd)

        var text = String(decoding: output, as: UTF8.self)
        if truncated { text += "\n[output truncated at \(outputLimit) bytes]" }
        let exitedNormally = (status & 0x7f) == 0
        return CommandOutcome(
            exitStatus: (exitedNormally && !timedOut) ? (status >> 8) & 0xff : nil,
            timedOut: timedOut,
            output: text,
            seconds: (ContinuousClock.now - start).seconds
        )
    }
}

/// A command that could not be started.
package struct CommandError: Error, Sendable, CustomStringConvertible {
    package var command: String
    package var reason: String
    package var description: String { "cannot run \"\(command)\": \(reason)" }
}
