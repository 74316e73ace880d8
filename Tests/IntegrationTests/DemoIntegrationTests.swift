import Foundation
import Testing

/// `switchboard demo --no-console` with a real nginx: comes up, balances, follows registrations, guards values,
/// survives a broken template, and leaves nothing behind on SIGTERM.
@Suite(.serialized) struct DemoIntegrationTests {
    static var binary: String? {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("switchboard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/switchboard"
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    static var nginxInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") }

    static func freePort() -> Int { Int.random(in: 20000...40000) }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func probe(_ port: Int, store: String) throws -> [String: Any] {
        let (_, out) = try run(["probe", "http://127.0.0.1:\(port)/", "-n", "60", "--json", "--store", store])
        let line = out.split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    /// Polls `condition` every 0.2 s for up to `seconds`. The condition runs on a thread of its own (conditions
    /// run processes and read files) and the wait between polls is a `Task.sleep`, so no cooperative thread is held.
    static func eventually(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        try await withoutActuallyEscaping(condition) { condition in
            // Safe: the condition runs on one thread at a time while this task waits for it.
            let poll = UncheckedSendable(condition)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try await offPool({ try poll.value() }) { return true }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return try await offPool { try poll.value() }
        }
    }

    /// `eventually` for a condition that cannot throw.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        await withoutActuallyEscaping(condition) { condition in
            let poll = UncheckedSendable(condition)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if await offPool({ poll.value() }) { return true }
                try? await Task.sleep(for: .milliseconds(200))
            }
            return await offPool { poll.value() }
        }
    }

    @Test func demoEndToEnd() async throws {
        guard Self.nginxInstalled, Self.binary != nil else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("nginx or the switchboard binary is missing (CI=true)")
            } else {
                print("skipping DemoIntegrationTests: nginx or the built switchboard binary is missing")
            }
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbdemo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Self.freePort()
        let store = "file:\(dir)/store.yaml"
        let log = dir + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: Self.binary!)
        demo.arguments = ["demo", "--dir", dir, "--port", String(port), "--no-console"]
        demo.standardOutput = FileHandle(forWritingAtPath: log)
        demo.standardError = demo.standardOutput
        try demo.run()
        defer { if demo.isRunning { kill(demo.processIdentifier, SIGKILL) } }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(await Self.eventually(20) { output().contains("switchboard demo is up") }, "\(output())")

        // Both backends, evenly.
        let first = try Self.probe(port, store: store)
        let handlers = first["handlers"] as? [String: Int] ?? [:]
        #expect(handlers.count == 2, "\(first)")
        #expect(handlers.values.allSatisfy { $0 == 30 }, "\(first)")
        #expect(first["errors"] as? Int == 0)

        // A third backend registers itself and appears; stopping it removes it without errors.
        let third = Process()
        third.executableURL = URL(fileURLWithPath: Self.binary!)
        let thirdPort = Self.freePort() + 1
        third.arguments = [
            "hello", "--listen", "127.0.0.1:\(thirdPort)", "--register", "/test/apache-\(thirdPort)", "--store", store,
        ]
        third.standardOutput = FileHandle.nullDevice
        try third.run()
        #expect(
            try await Self.eventually(10) {
                (try Self.probe(port, store: store)["handlers"] as? [String: Int])?["127.0.0.1:\(thirdPort)"] != nil
            })
        kill(third.processIdentifier, SIGTERM)
        await third.exited()
        #expect(
            try await Self.eventually(10) {
                let report = try Self.probe(port, store: store)
                return (report["handlers"] as? [String: Int])?.count == 2 && report["errors"] as? Int == 0
            })

        // A value that is not host:port never reaches nginx.conf.
        try? FileManager.default.removeItem(atPath: dir + "/store.yaml.lock")
        let (status, text) = try Self.run(["register", "/test/bad", "not an address", "--store", store])
        if status != 0 {
            // `register` refuses bad values itself; write it into the file as an operator could.
            var yaml = try String(contentsOfFile: dir + "/store.yaml", encoding: .utf8)
            yaml += "\n\"/test/bad\": \"not an address\"\n"
            try yaml.write(toFile: dir + "/store.yaml", atomically: true, encoding: .utf8)
            _ = text
        }
        #expect(await Self.eventually(10) { output().contains("/test/bad") }, "\(output())")
        let conf = try String(contentsOfFile: dir + "/nginx/nginx.conf", encoding: .utf8)
        #expect(!conf.contains("not an address"))

        // A template broken on disk is reported and nginx keeps serving.
        let template = dir + "/confd/templates/nginx.conf.tmpl"
        try "{{range getvs \"/test/*\"}} server {{.}};\n".write(toFile: template, atomically: true, encoding: .utf8)
        _ = try Self.run(["hello", "--help"])
        var yaml = try String(contentsOfFile: dir + "/store.yaml", encoding: .utf8)
        yaml += "\n\"/test/trigger\": \"127.0.0.1:1\"\n"
        try yaml.write(toFile: dir + "/store.yaml", atomically: true, encoding: .utf8)
        #expect(await Self.eventually(10) { output().contains("error") }, "\(output())")
        let after = try Self.probe(port, store: store)
        #expect((after["handlers"] as? [String: Int])?.count ?? 0 >= 2, "\(after)")

        // SIGTERM leaves no process behind.
        let pid = try String(contentsOfFile: dir + "/nginx/nginx.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        kill(demo.processIdentifier, SIGTERM)
        await demo.exited()
        #expect(kill(pid_t(pid) ?? 0, 0) != 0, "nginx master \(pid) still alive")
        let (_, pgrep) = try { () throws -> (Int32, String) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
            p.arguments = ["-f", dir]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }()
        #expect(pgrep.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left behind: \(pgrep)")
    }
}
