import Foundation
import Testing

/// `switchboard register / deregister / backends` on the file store, as separate processes.
@Suite struct RegisterCommandTests {
    let store = NSTemporaryDirectory() + "switchboard-register-" + UUID().uuidString + ".yaml"

    func backends() throws -> [[String: Any]] {
        let (_, output) = try RunCommandTests.run(["backends", "/test/", "--store", "file:" + store, "--json"])
        let line = output.split(separator: "\n").last.map(String.init) ?? "[]"
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func aBadAddressIsRefusedAndNothingIsWritten() async throws {
        let (status, output) = try RunCommandTests.run([
            "register", "/test/evil", "10.0.0.1:80; } server { listen 81; }", "--store", "file:" + store,
        ])
        #expect(status != 0)
        #expect(output.contains("invalid address"))
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func aKilledRegistrationDisappearsWithinItsTTLAndSIGTERMDeregisters() async throws {
        defer {
            for suffix in ["", ".leases", ".lock"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DemoIntegrationTests.binary!)
        process.arguments = ["register", "/test/a", "127.0.0.1:8001", "--store", "file:" + store, "--ttl", "2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        #expect(try await DemoIntegrationTests.eventually(10) { try backends().count == 1 })
        #expect(try backends().first?["address"] as? String == "127.0.0.1:8001")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try await DemoIntegrationTests.eventually(6) { try backends().isEmpty })

        let polite = Process()
        polite.executableURL = URL(fileURLWithPath: DemoIntegrationTests.binary!)
        polite.arguments = ["register", "/test/b", "127.0.0.1:8002", "--store", "file:" + store, "--ttl", "30"]
        polite.standardOutput = FileHandle.nullDevice
        polite.standardError = FileHandle.nullDevice
        try polite.run()
        #expect(try await DemoIntegrationTests.eventually(10) { try backends().count == 1 })
        polite.terminate()
        await polite.exited()
        #expect(try backends().isEmpty)
        let (status, _) = try RunCommandTests.run(["deregister", "/test/none", "--store", "file:" + store])
        #expect(status == 0)
    }
}
