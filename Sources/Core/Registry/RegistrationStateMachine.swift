/// The decisions of a backend registration, without I/O: health results and lease outcomes in, actions out.
///
/// The key is written while the backend is healthy; after `failureThreshold` consecutive failed checks the
/// lease is revoked (the key disappears) and the next passing check registers it again.
package struct RegistrationStateMachine: Sendable, Hashable {
    package enum State: Sendable, Hashable {
        /// Not written: never registered yet, or removed after failed checks.
        case unregistered
        /// Written under a lease.
        case registered(LeaseID)
    }

    package enum Event: Sendable, Hashable {
        case healthPassed
        case healthFailed
        /// The lease was granted and the key written.
        case registeredWith(LeaseID)
        /// Renewing found the lease gone (expired while we could not reach the store).
        case leaseLost
        /// The process is shutting down.
        case stop
    }

    package enum Action: Sendable, Hashable {
        /// Grant a lease and write the key with it.
        case register
        /// Revoke this lease, deleting the key.
        case revoke(LeaseID)
    }

    package private(set) var state: State = .unregistered
    package private(set) var consecutiveFailures = 0
    package let failureThreshold: Int

    package init(failureThreshold: Int = 3) {
        self.failureThreshold = max(1, failureThreshold)
    }

    /// Feeds one event; returns what to do next.
    package mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .healthPassed:
            consecutiveFailures = 0
            if case .unregistered = state { return [.register] }
            return []
        case .healthFailed:
            consecutiveFailures += 1
            if case .registered(let lease) = state, consecutiveFailures >= failureThreshold {
                state = .unregistered
                return [.revoke(lease)]
            }
            return []
        case .registeredWith(let lease):
            state = .registered(lease)
            return []
        case .leaseLost:
            state = .unregistered
            return consecutiveFailures == 0 ? [.register] : []
        case .stop:
            if case .registered(let lease) = state {
                state = .unregistered
                return [.revoke(lease)]
            }
            return []
        }
    }
}
