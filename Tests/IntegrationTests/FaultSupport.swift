import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the crash-safety and fault tests share: a private confd tree, `switchboard run` as a child process with its
/// log in a file, and the rule for a missing component (skip with a reason locally, fail when `CI=true`).
enum FaultSupport {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Records a failure on CI, prints why the test is skipped elsewhere; returns false so callers can `guard`.
    static func require(_ available: Bool, _ what: String) -> Bool {
        if available { return true }
        if isCI {
            Issue.record("\(what) (CI=true: a missing component is a failure)")
        } else {
            print("skipping: \(what)")
        }
        return false
    }

    /// A private directory tree: `conf.d/`, `templates/`, the store file, and the directory the dest file lives in.
    struct Tree {
        let root: String
        var confdir: String { root + "/confd" }
        var store: String { root + "/store.yaml" }
        var log: String { root + "/run.log" }

        init(prefix: String) throws {
            root = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
            for directory in [root, confdir + "/conf.d", confdir + "/templates"] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }

        /// Writes `conf.d/NAME.toml` (a `[template]` table with the given lines) and `templates/NAME.tmpl`.
        func resource(_ name: String, template: String, lines: [String]) throws {
            try template.write(toFile: confdir + "/templates/\(name).tmpl", atomically: true, encoding: .utf8)
            let toml = "[template]\nsrc = \"\(name).tmpl\"\n" + lines.map { $0 + "\n" }.joined()
            try toml.write(toFile: confdir + "/conf.d/\(name).toml", atomically: true, encoding: .utf8)
        }

        /// Replaces the store file the way a writer should: a complete new file renamed over the old one.
        func writeStore(_ text: String) throws {
            try text.write(toFile: store, atomically: true, encoding: .utf8)
        }

        func runArguments(_ mode: String, extra: [String] = []) -> [String] {
            ["run", mode, "-backend", "file", "-file", store, "-confdir", confdir] + extra
        }

        func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Starts `switchboard ARGS` with stdout and stderr appended to `log`.
    static func start(_ arguments: [String], log: String) throws -> Process {
        guard let binary = DemoIntegrationTests.binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "switchboard binary not built"])
        }
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        return process
    }

    /// Runs `switchboard ARGS` to the end; the exit status and everything it printed.
    static func run(_ arguments: [String], log: String) throws -> (status: Int32, output: String) {
        let before = (try? Data(contentsOf: URL(fileURLWithPath: log)).count) ?? 0
        let process = try start(arguments, log: log)
        process.waitUntilExit()
        let data = (try? Data(contentsOf: URL(fileURLWithPath: log))) ?? Data()
        return (process.terminationStatus, String(decoding: data.dropFirst(before), as: UTF8.self))
    }

    /// Stops a child for good: SIGKILL and reap.
    static func kill9(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Every name in `directory` other than `keep`: stage files and anything else left behind.
    static func strays(in directory: String, keep: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !keep.contains($0) }.sorted()
    }

    /// Runs a tool (`mount`, `chattr`, `pgrep`...) and returns its status and output; status -1 when it cannot start.
    @discardableResult
    static func tool(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        do { return try capture(path, arguments) } catch { return (-1, "\(error)") }
    }

    /// Runs `path` to the end and returns its exit status with stdout and stderr together.
    static func capture(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
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
