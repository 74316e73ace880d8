import Foundation
import Testing

/// `switchboard hello --register` as its own process on the file store: the key appears while it runs, and SIGTERM
/// deregisters it and exits 0.
@Suite struct HelloRegisterTests {
    @Test func registersWhileRunningAndSIGTERMDeregistersAndExitsZero() async throws {
        guard let binary = DemoIntegrationTests.binary else {
            Issue.record("the switchboard binary is not built")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbhello-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = "file:\(dir)/store.yaml"
        // A port the system just gave out and took back: free, and not in the range other tests pick from.
        let port = try { () throws -> Int in
            let socket = try LoopbackSocket(listening: false)
            defer { socket.close() }
            return socket.port
        }()
        func backends() throws -> [[String: Any]] {
            let (_, output) = try RunCommandTests.run(["backends", "/test/", "--store", store, "--json"])
            let line = output.split(separator: "\n").last.map(String.init) ?? "[]"
            return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]]) ?? []
        }

        let hello = Process()
        hello.executableURL = URL(fileURLWithPath: binary)
        hello.arguments = [
            "hello", "--listen", "127.0.0.1:\(port)", "--register", "/test/x", "--store", store, "--ttl", "3",
        ]
        let log = dir + "/hello.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        hello.standardOutput = FileHandle(forWritingAtPath: log)
        hello.standardError = hello.standardOutput
        try hello.run()
        defer { if hello.isRunning { kill(hello.processIdentifier, SIGKILL) } }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        #expect(
            try await DemoIntegrationTests.eventually(20) {
                try backends().contains { $0["key"] as? String == "/test/x" }
            }, "\(output())")
        let entry = try backends().first { $0["key"] as? String == "/test/x" }
        #expect(entry?["address"] as? String == "127.0.0.1:\(port)")
        // Longer than the TTL: the lease is being renewed, the key stays.
        try await Task.sleep(for: .seconds(4))
        #expect(try backends().contains { $0["key"] as? String == "/test/x" }, "\(output())")

        kill(hello.processIdentifier, SIGTERM)
        await hello.exited()
        #expect(hello.terminationReason == .exit)
        #expect(hello.terminationStatus == 0, "\(output())")
        #expect(try backends().isEmpty, "\(output())")
        #expect(output().contains("deregistered /test/x"), "\(output())")
    }
}
