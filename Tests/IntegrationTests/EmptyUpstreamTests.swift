import Foundation
import Testing

/// Every backend gone. The demo's template renders a placeholder server and a `return 503` when nothing is
/// registered, so the config passes `nginx -t` and nginx says so to its clients. A template without that placeholder
/// (a user's own) renders an `upstream` block with no `server`, which `nginx -t` refuses: the live config must stay
/// (nginx keeps serving the last good one), the failure must be reported, and the next registration must be applied
/// as usual.
@Suite(.serialized) struct EmptyUpstreamTests {
    /// `curl URL`: the status code and the body.
    static func get(_ port: Int) -> (status: String, body: String) {
        let (_, output) = FaultSupport.tool(
            "/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "--max-time", "5", "http://127.0.0.1:\(port)/"])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    @Test func withNoBackendTheDemoAnswers503UntilTheFirstRegistration() async throws {
        let tools =
            DemoIntegrationTests.nginxInstalled && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
        guard
            FaultSupport.require(tools && DemoIntegrationTests.binary != nil, "nginx, curl or switchboard is missing"),
            let binary = DemoIntegrationTests.binary
        else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbzero-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let store = "file:\(dir)/store.yaml"
        let (port, helloPort) = try Self.twoPorts()
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: binary)
        demo.arguments = ["demo", "--dir", dir, "--port", String(port), "--backends", "0", "--no-console"]
        demo.standardOutput = FileHandle(forWritingAtPath: log)
        demo.standardError = demo.standardOutput
        try demo.run()
        defer {
            if demo.isRunning {
                kill(demo.processIdentifier, SIGTERM)
                demo.waitUntilExit()
            }
        }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try #require(
            await DemoIntegrationTests.eventually(60) { output().contains("switchboard demo is up") }, "\(output())")

        // Up with nothing registered: the rendered config passed nginx -t, and nginx says why it cannot answer.
        let empty = Self.get(port)
        #expect(empty.status == "503", "\(empty)")
        #expect(empty.body.contains("no backend is registered"), "\(empty)")
        let config = try String(contentsOfFile: dir + "/nginx/nginx.conf", encoding: .utf8)
        #expect(
            FaultSupport.tool("/usr/sbin/nginx", ["-t", "-q", "-p", dir + "/nginx/", "-c", dir + "/nginx/nginx.conf"])
                .status == 0, "\(config)")

        // The first registration takes the traffic.
        let hello = Process()
        hello.executableURL = URL(fileURLWithPath: binary)
        hello.arguments = [
            "hello", "--listen", "127.0.0.1:\(helloPort)", "--register", "/test/first", "--store", store, "--ttl", "5",
            "--drain-grace", "200ms",
        ]
        hello.standardOutput = FileHandle.nullDevice
        hello.standardError = FileHandle.nullDevice
        try hello.run()
        defer {
            if hello.isRunning {
                kill(hello.processIdentifier, SIGKILL)
                hello.waitUntilExit()
            }
        }
        #expect(
            try await DemoIntegrationTests.eventually(30) {
                let report = try DemoIntegrationTests.probe(port, store: store)
                return report["handlers"] as? [String: Int] == ["127.0.0.1:\(helloPort)": 60]
                    && report["errors"] as? Int == 0
            }, "\(output())")

        // It leaves: nginx is back to 503 with its reason, and the config still passes nginx -t.
        kill(hello.processIdentifier, SIGTERM)
        await hello.exited()
        #expect(await DemoIntegrationTests.eventually(30) { Self.get(port).status == "503" }, "\(output())")
        #expect(Self.get(port).body.contains("no backend is registered"))
        #expect(!output().contains("check failed"), "\(output())")
    }

    static func twoPorts() throws -> (Int, Int) {
        let a = try LoopbackSocket(listening: false)
        let b = try LoopbackSocket(listening: false)
        defer {
            a.close()
            b.close()
        }
        return (a.port, b.port)
    }

    @Test func aTemplateWithoutThePlaceholderKeepsTheOldConfigAndReportsTheCheckFailure() async throws {
        guard DemoIntegrationTests.nginxInstalled, let binary = DemoIntegrationTests.binary else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("nginx or the switchboard binary is missing (CI=true)")
            } else {
                print("skipping EmptyUpstreamTests: nginx or the built switchboard binary is missing")
            }
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbempty-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let store = "file:\(dir)/store.yaml"
        let (port, helloPort) = try Self.twoPorts()

        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: binary)
        demo.arguments = ["demo", "--dir", dir, "--port", String(port), "--backends", "2", "--no-console"]
        demo.standardOutput = FileHandle(forWritingAtPath: log)
        demo.standardError = demo.standardOutput
        try demo.run()
        defer {
            if demo.isRunning {
                kill(demo.processIdentifier, SIGTERM)
                demo.waitUntilExit()
            }
        }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try #require(
            await DemoIntegrationTests.eventually(60) { output().contains("switchboard demo is up") }, "\(output())")

        // A user's own template: the demo's, without the placeholder for an empty registry. The engine reads it at
        // the next change.
        let templatePath = dir + "/confd/templates/nginx.conf.tmpl"
        let shipped = try String(contentsOfFile: templatePath, encoding: .utf8)
        let placeholder = try #require(shipped.range(of: "{{else}}"))
        let placeholderEnd = try #require(
            shipped.range(of: "{{end}}", range: placeholder.upperBound..<shipped.endIndex))
        let own = shipped.replacingCharacters(in: placeholder.lowerBound..<placeholderEnd.lowerBound, with: "")
        #expect(!own.contains("127.0.0.1:1 down"))
        try own.write(toFile: templatePath, atomically: true, encoding: .utf8)

        let before = try DemoIntegrationTests.probe(port, store: store)
        let handlers = try #require(before["handlers"] as? [String: Int])
        #expect(handlers.count == 2, "\(before)")
        let config = dir + "/nginx/nginx.conf"

        // Remove the backends one by one, as an operator would: the first removal leaves a valid config.
        let (_, listed) = try DemoIntegrationTests.run(["backends", "/test/", "--store", store, "--json"])
        let entries =
            (try JSONSerialization.jsonObject(with: Data((listed.split(separator: "\n").last ?? "[]").utf8))
                as? [[String: Any]]) ?? []
        let keys = entries.compactMap { $0["key"] as? String }
        let addresses = entries.compactMap { $0["address"] as? String }
        try #require(keys.count == 2 && Set(addresses) == Set(handlers.keys), "\(listed)")
        let (firstStatus, firstText) = try DemoIntegrationTests.run(["deregister", keys[0], "--store", store])
        #expect(firstStatus == 0, "\(firstText)")
        try #require(
            try await DemoIntegrationTests.eventually(30) {
                try DemoIntegrationTests.probe(port, store: store)["handlers"] as? [String: Int] == [addresses[1]: 60]
            }, "\(output())")
        let lastGood = try String(contentsOfFile: config, encoding: .utf8)
        #expect(lastGood.contains("server \(addresses[1]);") && !lastGood.contains(addresses[0]))

        // The last removal renders an empty upstream: nginx -t refuses it, and the apply is reported as a check
        // failure with nginx's own words.
        let (lastStatus, lastText) = try DemoIntegrationTests.run(["deregister", keys[1], "--store", store])
        #expect(lastStatus == 0, "\(lastText)")
        #expect(
            await DemoIntegrationTests.eventually(30) {
                output().contains("check failed") && output().contains("no servers are inside upstream")
            }, "\(output())")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == lastGood)
        // nginx still serves with the last good config: the remaining (still running) backend answers, and as
        // nothing is registered any more the probe calls it unexpected.
        let after = try DemoIntegrationTests.probe(port, store: store)
        #expect(after["handlers"] as? [String: Int] == [addresses[1]: 60], "\(after)")
        #expect(after["errors"] as? Int == 0, "\(after)")
        #expect(after["unexpected"] as? [String] == [addresses[1]], "\(after)")

        // The next registration is applied as usual: the failure did not wedge the engine.
        let hello = Process()
        hello.executableURL = URL(fileURLWithPath: binary)
        hello.arguments = [
            "hello", "--listen", "127.0.0.1:\(helloPort)", "--register", "/test/back", "--store", store, "--ttl", "5",
        ]
        hello.standardOutput = FileHandle.nullDevice
        hello.standardError = FileHandle.nullDevice
        try hello.run()
        defer {
            if hello.isRunning {
                kill(hello.processIdentifier, SIGTERM)
                hello.waitUntilExit()
            }
        }
        #expect(
            try await DemoIntegrationTests.eventually(30) {
                let report = try DemoIntegrationTests.probe(port, store: store)
                return report["handlers"] as? [String: Int] == ["127.0.0.1:\(helloPort)": 60]
            }, "\(output())")
    }
}
