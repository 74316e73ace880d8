import Foundation
import Synchronization
import Testing

@testable import Core

@Suite(.serialized) struct EtcdRegistrationTests {
    @Test func failingHealthRemovesTheKeyRecoveryRestoresItAndCancelRevokes() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        let healthy = Atomic<Bool>(true)
        var registration = Registration(
            store: store, key: "/test/app", address: try BackendAddress(parsing: "127.0.0.1:8001"), ttl: 5,
            healthInterval: .milliseconds(100), failureThreshold: 3)
        registration.check = { healthy.load(ordering: .relaxed) }
        let task = Task { [registration] in await registration.run() }

        func waitFor(_ present: Bool) async throws -> Bool {
            for _ in 0..<100 {
                let pairs = try await store.snapshot(prefixes: ["/test/app"]).pairs
                if (pairs["/test/app"] == "127.0.0.1:8001") == present { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await waitFor(true))
        healthy.store(false, ordering: .relaxed)
        #expect(try await waitFor(false))
        healthy.store(true, ordering: .relaxed)
        #expect(try await waitFor(true))
        task.cancel()
        await task.value
        #expect(try await store.snapshot(prefixes: ["/test/app"]).pairs.isEmpty)
    }
}
