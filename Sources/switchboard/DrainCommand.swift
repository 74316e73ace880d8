import ArgumentParser
import Core
import Foundation
import Logging

/// The flags of a graceful leave, shared by `register`, `hello --register` and `drain`.
struct DrainOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "After removing the key, keep serving this long so every engine can reload nginx without the backend "
                + "(no engine publishes acknowledgements yet, so this is a fixed wait): 2s, 500ms.",
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

    func drain(key: String) -> Drain {
        Drain(key: key, barrier: FixedGrace(grace), timeout: timeout, logger: Logger(label: "switchboard.drain"))
    }
}

/// The graceful leave of a process that registered itself: on the first SIGINT/SIGTERM, deregister (end the
/// registration, make sure the key is gone), wait the grace, finish the requests in flight, return. A second signal
/// stops at once.
enum GracefulLeave {
    static func run(
        drain: Drain, registration: Task<Void, Never>, store: any WritableKeyValueStore, address: String,
        finishInFlight: (@Sendable () async -> Void)?
    ) async {
        let key = drain.key
        let work = Task {
            await drain.run(
                deregister: {
                    // Ending the registration revokes its lease, which removes the key.
                    registration.cancel()
                    await registration.value
                    // The revoke is best effort (the store may have been briefly unreachable): make sure.
                    if let left = try await store.list(prefix: key).first(where: { $0.key == GoString(key) }),
                        left.value == GoString(address)
                    {
                        try await store.delete(GoString(key))
                    }
                    return nil
                }, finishInFlight: finishInFlight)
        }
        let interrupt = Task {
            await CLISignals.wait()
            FileHandle.standardError.write(Data("second signal: stopping without finishing the drain\n".utf8))
            exit(1)
        }
        _ = await work.value
        interrupt.cancel()
    }
}

/// `switchboard drain KEY`: the graceful leave for a backend that does not run Switchboard's registrar.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Remove KEY, wait until engines can have reloaded nginx without it, and say when it can stop.",
        discussion: """
            Waits a fixed --drain-grace after the removal: no engine publishes what it has applied yet, so the \
            drain cannot know when every nginx has reloaded. Stop the backend after this command returns; it \
            should finish its requests in flight before it exits.
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
            FileHandle.standardError.write(Data("drain: \(key) is not registered in \(writable.displayName)\n".utf8))
            throw ExitCode(1)
        }
        let address = entry.value.description
        print("draining \(key) = \(address) in \(writable.displayName)")
        let steps = await options.drain(key: key).run(deregister: {
            try await writable.delete(GoString(key))
            return nil
        })
        if steps.first?.completed == false {
            FileHandle.standardError.write(Data("drain: could not remove \(key)\n".utf8))
            throw ExitCode(1)
        }
        print("\(key) drained: \(address) takes no new traffic from engines that applied the removal; stop it now")
    }
}
