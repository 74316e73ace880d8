import Foundation
import Testing

@testable import Core
@testable import GoText

/// `switchboard register` as a separate process on a real etcd: a registration killed with SIGKILL cannot revoke
/// its lease, so the key must go when the lease runs out.
@Suite(.serialized) struct EtcdRegisterCommandTests {
    @Test func aKilledRegistrationDisappearsWithinItsTTL() async throws {
        guard EtcdProcess.available(),
            FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built"),
            let binary = DemoIntegrationTests.binary
        else {
            return
        }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        func registered() async throws -> GoString? {
            try await store.snapshot(prefixes: ["/test/"]).pairs["/test/a"]
        }
        func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await condition()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "register", "/test/a", "127.0.0.1:8001", "--store", "etcd://127.0.0.1:\(etcd.clientPort)", "--ttl", "2",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        #expect(try await eventually(20) { try await registered() == "127.0.0.1:8001" })
        let leased = try await store.list(prefix: "/test/a")
        #expect(leased.first?.lease != nil, "the registration is not under a lease")
        // Heartbeats keep it alive past its TTL while the process lives (polled: a stalled machine may briefly
        // lose and re-grant the lease).
        try await Task.sleep(for: .seconds(3))
        #expect(try await eventually(10) { try await registered() == "127.0.0.1:8001" })

        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killed = ContinuousClock.now
        // TTL 2 s; etcd may extend a lease by its election timeout, and the machine may be busy: 10 s of slack.
        #expect(try await eventually(12) { try await registered() == nil })
        #expect(ContinuousClock.now - killed >= .milliseconds(500), "the key went before the lease could expire")
    }
}
