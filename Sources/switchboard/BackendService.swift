import Core
import Foundation
import Logging
import ServiceLifecycle

/// The work of `register`, `hello` and `drain` as a service in a `ServiceGroup`, so that their signals come from the
/// group as `run`'s and `demo`'s do: SIGINT or SIGTERM shuts the group down gracefully, and each kind of work says
/// what that means for it.
struct BackendService: Service {
    enum Work: Sendable {
        /// `register`, `hello --register`: keep the registration until the group shuts down, then leave gracefully
        /// (`GracefulLeave`: deregister, wait for the engines, finish `finishInFlight`; a further signal stops at
        /// once).
        case registered(Registration, drain: Drain, finishInFlight: (@Sendable () async -> Void)?)
        /// `hello` without `--register`: serve until the group shuts down, then let the requests in flight finish
        /// within `timeout`.
        case serving(finishInFlight: @Sendable () async -> Void, timeout: Duration)
        /// `drain`: a leave that starts at once; a signal stops it without finishing it.
        case leaving(@Sendable () async throws -> Void)
    }

    let work: Work

    func run() async throws {
        switch work {
        case .registered(let registration, let drain, let finishInFlight):
            let keeper = Task { await registration.run() }
            do {
                try await gracefulShutdown()
            } catch {
                // The group was cancelled rather than shut down: end the lease and go.
                keeper.cancel()
                await keeper.value
                throw error
            }
            await GracefulLeave.run(
                drain: drain, registration: keeper, store: registration.store,
                address: registration.address.description, finishInFlight: finishInFlight)
        case .serving(let finishInFlight, let timeout):
            try await gracefulShutdown()
            // Not registered: nothing routes here through the store; still let the requests in flight finish.
            let clock = AnyClock.continuous
            _ = await Drain.within(clock.now.advanced(by: timeout), on: clock) { await finishInFlight() }
        case .leaving(let leave):
            try await withGracefulShutdownHandler {
                try await leave()
            } onGracefulShutdown: {
                GracefulLeave.stopAtOnce("signal")
            }
        }
    }

    /// Runs `work` as the one service of a group that shuts down gracefully on SIGINT and SIGTERM and ends when the
    /// work returns; rethrows what the work throws.
    static func run(_ work: Work) async throws {
        let logger = Logger(label: "switchboard")
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: BackendService(work: work), successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
