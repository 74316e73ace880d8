import ArgumentParser
import Core
import Foundation
import GoText
import Logging

/// The flags of a graceful leave, shared by `register`, `hello --register` and `drain`.
struct DrainOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "After removing the key, keep serving until every engine that renders it acknowledges a config without "
                + "it (engines publish under /_switchboard/applied/: demo, console, run -publish-applied); when no "
                + "engine publishes, wait this long instead: 2s, 500ms.",
            valueName: "duration"))
    var drainGrace: String = "2s"
    @Option(help: ArgumentHelp("Upper bound on the whole drain: 30s.", valueName: "duration"))
    var drainTimeout: String = "30s"

    func validate() throws {
        guard ProbeCommand.parseDuration(drainGrace) != nil || drainGrace == "0" || drainGrace == "0s" else {
            throw ValidationError("--drain-grace \"\(drainGrace)\" is not a duration like 2s or 500ms")
        }
        guard ProbeCommand.parseDuration(drainTimeout) != nil else {
            throw ValidationError("--drain-timeout \"\(drainTimeout)\" is not a duration like 30s")
        }
    }

    var grace: Duration { ProbeCommand.parseDuration(drainGrace) ?? .zero }
    var timeout: Duration { ProbeCommand.parseDuration(drainTimeout) ?? .seconds(30) }

    func drain(key: String, store: any WritableKeyValueStore) -> Drain {
        let logger = Logger(label: "switchboard.drain")
        let barrier = AppliedBarrier(store: store, fallback: FixedGrace(grace), logger: logger)
        return Drain(key: key, barrier: barrier, timeout: timeout, logger: logger)
    }
}

/// The graceful leave of a process that registered itself, which `BackendService` starts when its group shuts down
/// (the first SIGINT/SIGTERM): deregister (end the registration, make sure the key is gone), wait the grace, finish
/// the requests in flight, return. A further signal stops at once.
enum GracefulLeave {
    static func run(
        drain: Drain, registration: Task<Void, Never>, store: any WritableKeyValueStore, address: String,
        finishInFlight: (@Sendable () async -> Void)?
    ) async {
        let key = GoString(drain.key)
        // Removes the key if it still holds this backend (another process may have taken it over meanwhile), in one
        // step; the revision of the removal when the store can say.
        @Sendable func removeIfStillOurs() async throws -> Int64? {
            try await AppliedBarrier.remove(key, from: store, ifValue: GoString(address))
        }
        let work = Task {
            await drain.run(
                deregister: {
                    // The key goes first, at a revision the engines' acknowledgements are compared with.
                    var revision = (try? await removeIfStillOurs()) ?? nil
                    // Ending the registration revokes its lease.
                    registration.cancel()
                    await registration.value
                    // The removal and the revoke are best effort (the store may have been briefly unreachable):
                    // make sure.
                    if let again = try await removeIfStillOurs() { revision = again }
                    return revision
                }, finishInFlight: finishInFlight)
        }
        // The group's own listener stopped at the signal that began the leave (and left the signals ignored):
        // this one hears the next.
        let interrupt = Task {
            await ShutdownSignals.forEach(of: [.sigint, .sigterm]) { stopAtOnce("second signal") }
        }
        _ = await work.value
        interrupt.cancel()
    }

    /// A signal during a leave: the user wants the process gone now, drained or not.
    static func stopAtOnce(_ what: String) -> Never {
        StandardStream.error.write("\(what): stopping without finishing the drain\n")
        exit(1)
    }
}

/// `switchboard drain KEY`: the graceful leave for a backend that does not run Switchboard's registrar.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Remove KEY, wait until engines can have reloaded nginx without it, and say when it can stop.",
        discussion: """
            After the removal, waits until every engine that renders the key acknowledges (under \
            /_switchboard/applied/ in the store) a live config from the removal's revision on; engines whose \
            lease expired no longer count. When no engine publishes acknowledgements, waits a fixed --drain-grace \
            instead. Stop the backend after this command returns; it should finish its requests in flight before \
            it exits.
            """)

    @Argument(help: "The key, e.g. /test/apache-8001.") var key: String
    @Option(help: "Store URL: etcd://HOST:PORT or file:PATH (default: SWITCHBOARD_STORE).") var store: String?
    @OptionGroup var options: DrainOptions

    func validate() throws {
        try LeaseOptions.validate(key: key)
    }

    func run() async throws {
        let writable = try CLIStore.open(store)
        let key = self.key
        guard let entry = try await writable.list(prefix: key).first(where: { $0.key == GoString(key) }) else {
            StandardStream.error.write("drain: \(key) is not registered in \(writable.displayName)\n")
            throw ExitCode(1)
        }
        let address = entry.value.description
        print("draining \(key) = \(address) in \(writable.displayName)")
        let drain = options.drain(key: key, store: writable)
        try await BackendService.run(
            .leaving {
                let steps = await drain.run(deregister: {
                    try await AppliedBarrier.remove(GoString(key), from: writable)
                })
                if steps.first?.completed == false {
                    StandardStream.error.write("drain: could not remove \(key)\n")
                    throw ExitCode(1)
                }
            })
        print("\(key) drained: \(address) takes no new traffic from engines that applied the removal; stop it now")
    }
}
