import AsyncHTTPClient
import Foundation
import GoText
import Logging

/// Keeps `key = address` in a store under a lease while the backend passes its health check.
///
/// The lease is renewed every `ttl / 3` seconds; after `failureThreshold` consecutive failed checks the lease is
/// revoked (the key disappears) and a passing check registers it again. Cancelling `run()` revokes the lease;
/// if the process dies instead, the lease expires by itself after `ttl` seconds.
package struct Registration: Sendable {
    package var store: any WritableKeyValueStore
    package var key: String
    package var address: BackendAddress
    package var ttl: Int
    package var healthInterval: Duration
    package var failureThreshold: Int
    /// Answers whether the backend is healthy now.
    package var check: @Sendable () async -> Bool
    package var logger: Logger
    /// When checks and renewals happen; a test passes a clock it advances.
    package var clock: AnyClock

    /// - Parameter healthURL: checked with HTTP GET every `healthInterval` (2xx = healthy); `nil` = always healthy.
    package init(
        store: any WritableKeyValueStore, key: String, address: BackendAddress, ttl: Int = 10,
        healthURL: String? = nil, healthInterval: Duration = .seconds(5), failureThreshold: Int = 3,
        logger: Logger = Logger(label: "switchboard.register"), clock: AnyClock = .continuous
    ) {
        self.clock = clock
        self.store = store
        self.key = key
        self.address = address
        self.ttl = max(1, ttl)
        self.healthInterval = healthInterval
        self.failureThreshold = failureThreshold
        self.logger = logger
        let timeout = min(healthInterval, .seconds(5))
        if let healthURL {
            self.check = { @Sendable in await Registration.httpCheck(healthURL, timeout: timeout) }
        } else {
            self.check = { @Sendable in true }
        }
    }

    /// One HTTP GET; a 2xx answer within `timeout` is healthy.
    package static func httpCheck(_ url: String, timeout: Duration) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let seconds = Int64(max(1, timeout.components.seconds))
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(seconds)) else {
            return false
        }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return (200..<300).contains(Int(response.status.code))
    }

    /// Registers and keeps the registration until cancelled, then revokes the lease.
    package func run() async {
        var machine = RegistrationStateMachine(failureThreshold: failureThreshold)
        let renewEvery = Duration.milliseconds(max(200, ttl * 1000 / 3))
        var nextHealth = clock.now
        var nextRenew = clock.now.advanced(by: renewEvery)
        while !Task.isCancelled {
            if clock.now >= nextHealth {
                nextHealth = clock.now.advanced(by: healthInterval)
                let healthy = await check()
                if !healthy { logger.warning("health check failed for \(key) = \(address)") }
                await perform(machine.handle(healthy ? .healthPassed : .healthFailed), machine: &machine)
            }
            if clock.now >= nextRenew {
                nextRenew = clock.now.advanced(by: renewEvery)
                if case .registered(let lease) = machine.state {
                    do {
                        _ = try await store.keepAlive(lease)
                    } catch {
                        // Cancelled mid-renewal: the lease is not lost, and the revoke below still ends it.
                        if Task.isCancelled { continue }
                        logger.warning("renewing lease \(lease) for \(key) failed: \(error)")
                        await perform(machine.handle(.leaseLost), machine: &machine)
                    }
                }
            }
            let wake = min(nextHealth, nextRenew)
            do { try await clock.sleep(until: wake) } catch { break }
        }
        // A fresh task: the cancelled one would cancel the revoke request too.
        let actions = machine.handle(.stop)
        let store = store
        await Task {
            for case .revoke(let lease) in actions { try? await store.revoke(lease) }
        }.value
        logger.info("deregistered \(key)")
    }

    private func perform(_ actions: [RegistrationStateMachine.Action], machine: inout RegistrationStateMachine) async {
        for action in actions {
            switch action {
            case .register:
                // Stopping: registering now would leave a key that nothing revokes until its lease runs out.
                if Task.isCancelled { continue }
                var granted: LeaseID?
                do {
                    let lease = try await store.grantLease(ttl: ttl)
                    granted = lease
                    try await store.put(GoString(key), GoString(address.description), lease: lease)
                    _ = machine.handle(.registeredWith(lease))
                    logger.info("registered \(key) = \(address) with lease \(lease) (ttl \(ttl)s)")
                } catch {
                    logger.error("cannot register \(key) = \(address): \(error)")
                    // The put may have reached the store before failing (or being cancelled): end its lease now,
                    // from a fresh task so a cancellation cannot cancel the revoke too.
                    if let granted {
                        let store = store
                        await Task { try? await store.revoke(granted) }.value
                    }
                }
            case .revoke(let lease):
                do {
                    try await store.revoke(lease)
                    logger.warning("removed \(key) after \(failureThreshold) failed health checks")
                } catch {
                    logger.error("cannot revoke lease \(lease) for \(key): \(error)")
                }
            }
        }
    }
}
