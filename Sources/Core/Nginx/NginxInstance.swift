import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An nginx of Switchboard's own under a private prefix: config, pid, logs and temp dirs all inside `prefix`.
/// It runs in the foreground (`daemon off`) as a child process; reload is SIGHUP to the master; stop is SIGQUIT,
/// then SIGTERM and SIGKILL after a timeout. Failures are reported with nginx's stderr and the error.log tail.
package final class NginxInstance: @unchecked Sendable {
    package let binary: String
    package let prefix: String
    package let configPath: String
    package var pidPath: String { prefix + "/nginx.pid" }
    package var errorLogPath: String { prefix + "/logs/error.log" }
    package var stderrPath: String { prefix + "/logs/stderr.log" }
    /// The temp directories the config must name (`client_body`, `proxy`, ...).
    package static let tempNames = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]

    private let lock = NSLock()
    private var process: Process?
    private var stopping = false
    /// Called when nginx exits without being asked to, with a sentence saying why.
    package var onUnexpectedExit: (@Sendable (String) -> Void)?

    package init(prefix: String, configPath: String? = nil, binary: String? = nil) {
        self.prefix = (prefix as NSString).standardizingPath
        self.configPath = configPath ?? (self.prefix + "/nginx.conf")
        self.binary = binary ?? NginxInstance.findBinary() ?? "/usr/sbin/nginx"
    }

    /// nginx on PATH or in the usual places; `nil` when none is installed.
    package static func findBinary() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates =
            path.split(separator: ":").map { "\($0)/nginx" } + ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The check command for a config file (`{{.src}}` for confd's `check_cmd`).
    package func checkCommand(config: String = "{{.src}}") -> String {
        "\(binary) -t -q -p \(prefix)/ -c \(config)"
    }

    /// A shell reload command that HUPs the master, or explains in words why it cannot; when nginx has not been
    /// started yet it succeeds (nginx reads the new config when it starts).
    ///
    /// A HUP only asks: nginx reloads after `kill` returns. So the command then waits (up to 5 s) until every worker
    /// of the old config has exited or is shutting down (its title says so), which is when new connections reach
    /// the new config only. A reload that succeeded therefore means the new config is serving, which is what an
    /// engine's acknowledgement promises a draining backend.
    ///
    /// Up to the HUP it runs no program (`read` from the pid file and from /proc, `kill` are builtins of every
    /// sh): a backend's arrival waits for the HUP, and each program started before it cost 5-30 ms (`cat`, `pgrep`)
    /// on a loaded machine. `nginx -s reload` would start nginx, which parses the whole config again, to send the
    /// same HUP. No single quote in it: tests put it in a TOML literal string.
    package var reloadCommand: String {
        "if [ ! -s \(pidPath) ]; then echo \"nginx not started yet; it will read this config when it starts\"; exit 0; fi; "
            + "read -r master < \(pidPath); old=; "
            + "[ -r /proc/$master/task/$master/children ] && read -r old < /proc/$master/task/$master/children; "
            + "kill -HUP \"$master\" 2>/dev/null || "
            + "{ echo \"nginx is not running: no live master with the pid in \(pidPath)\" >&2; exit 1; }; "
            + "i=0; while [ $i -lt 500 ]; do busy=; for w in $old; do title=; "
            + "[ -r /proc/$w/cmdline ] && read -r title < /proc/$w/cmdline; "
            + "[ -r /proc/$w/cmdline ] && case \"$title\" in *\"shutting down\"*) ;; *) busy=1 ;; esac; done; "
            + "[ -z \"$busy\" ] && exit 0; i=$((i + 1)); sleep 0.01; done; "
            + "echo \"nginx (pid $master) still runs its old workers 5 s after the reload\" >&2; exit 1"
    }

    /// Creates `logs/` and the temp dirs.
    package func prepareDirectories() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        for name in Self.tempNames {
            try fm.createDirectory(atPath: prefix + "/temp/" + name, withIntermediateDirectories: true)
        }
    }

    /// Runs `nginx -t` on `config` (default: the live config); throws with nginx's words when it fails.
    package func check(config: String? = nil) throws {
        let (status, output) = try Self.runCapturing(
            binary, ["-t", "-q", "-p", prefix + "/", "-c", config ?? configPath])
        if status != 0 { throw NginxError("nginx -t rejected \(config ?? configPath): \(output.trimmed)") }
    }

    /// The pid in the pid file when that process is alive.
    package func runningPID() -> pid_t? {
        Self.livePID(inFile: pidPath)
    }

    /// Starts nginx and waits until its master wrote the pid file (or it died, which throws with the reason).
    package func start(timeout: Duration = .seconds(15)) async throws {
        try prepareDirectories()
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", prefix + "/", "-c", configPath, "-g", "daemon off;"]
        process.standardOutput = FileHandle(forWritingAtPath: stderrPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.terminationHandler = { [weak self] finished in
            guard let self else { return }
            let expected = self.lock.withLock { self.stopping }
            if !expected {
                self.onUnexpectedExit?(
                    "nginx (pid \(finished.processIdentifier)) exited with status \(finished.terminationStatus): "
                        + self.failureWords())
            }
        }
        do {
            try process.run()
        } catch {
            throw NginxError("cannot start \(binary): \(error)")
        }
        lock.withLock {
            self.process = process
            self.stopping = false
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw NginxError("nginx exited at start with status \(process.terminationStatus): \(failureWords())")
            }
            if let pid = runningPID(), pid == process.processIdentifier { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NginxError("nginx did not write \(pidPath) within \(timeout): \(failureWords())")
    }

    /// Sends SIGHUP to the master (re-reads the config; nginx keeps the old one if the new one is bad).
    package func reload() throws {
        guard let pid = runningPID() else { throw NginxError("cannot reload: nginx is not running (\(pidPath))") }
        if kill(pid, SIGHUP) != 0 {
            throw NginxError("cannot reload nginx (pid \(pid)): \(String(cString: strerror(errno)))")
        }
    }

    /// Stops nginx: SIGQUIT (graceful), then SIGTERM, then SIGKILL, each after `timeout`.
    package func stop(timeout: Duration = .seconds(3)) async {
        let process = lock.withLock { () -> Process? in
            stopping = true
            return self.process
        }
        let pid = process?.processIdentifier ?? runningPID()
        guard let pid, pid > 0 else { return }
        await Self.terminate(pid: pid, timeout: timeout)
        process?.waitUntilExit()
    }

    /// Stops an nginx left behind by an earlier run whose pid file is `pidFile` (only if that pid is an nginx).
    package static func stopStale(pidFile: String, timeout: Duration = .seconds(3)) async -> pid_t? {
        guard let pid = livePID(inFile: pidFile) else { return nil }
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        guard cmdline.contains("nginx") else { return nil }
        await terminate(pid: pid, timeout: timeout)
        return pid
    }

    private static func terminate(pid: pid_t, timeout: Duration) async {
        for signal in [SIGQUIT, SIGTERM, SIGKILL] {
            guard kill(pid, signal) == 0 else { return }
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if !isAlive(pid) { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        if kill(pid, 0) != 0 { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    static func livePID(inFile path: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, isAlive(pid)
        else { return nil }
        return pid
    }

    /// nginx's stderr and the last lines of error.log, as one sentence-ish string.
    package func failureWords() -> String {
        let stderr = ((try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "").trimmed
        let log = ((try? String(contentsOfFile: errorLogPath, encoding: .utf8)) ?? "")
            .split(separator: "\n").suffix(3).joined(separator: " | ")
        let parts = [stderr.isEmpty ? nil : stderr, log.isEmpty ? nil : "error.log: \(log)"].compactMap { $0 }
        return parts.isEmpty ? "nginx said nothing (see \(errorLogPath))" : parts.joined(separator: "; ")
    }

    static func runCapturing(_ binary: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// nginx could not do what was asked, in words.
package struct NginxError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
