import ArgumentParser
import Core
import Foundation
import GoText

/// `switchboard register`: the article's "better way": a watchdog beside a backend that keeps its key alive under a
/// lease while it is healthy, and lets it drop out when it is not (or when this process dies).
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register KEY = ADDR under a lease and keep it alive while the backend is healthy.")

    @Argument(help: "The key, e.g. /test/apache-8001.") var key: String
    @Argument(help: "The backend's HOST:PORT (IPv4, [IPv6] or a DNS name).") var address: String
    @Option(help: "Store URL: etcd://HOST:PORT[,HOST:PORT] or file:PATH (default: SWITCHBOARD_STORE).")
    var store: String?
    @Option(help: "Health check URL (GET; 2xx is healthy). Without it the backend counts as healthy.")
    var healthURL: String?
    @OptionGroup var lease: LeaseOptions
    @OptionGroup var drain: DrainOptions

    func validate() throws {
        try LeaseOptions.validate(key: key)
        do {
            _ = try BackendAddress(parsing: address)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        let parsed = try BackendAddress(parsing: address)
        let writable = try CLIStore.open(store)
        let registration = lease.registration(store: writable, key: key, address: parsed, healthURL: healthURL)
        print("registering \(key) = \(parsed) in \(writable.displayName) (ttl \(lease.ttl)s); Ctrl-C deregisters")
        try await BackendService.run(
            .registered(registration, drain: drain.drain(key: key, store: writable), finishInFlight: nil))
        print("deregistered \(key)")
    }
}

/// `switchboard deregister KEY`.
struct DeregisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deregister", abstract: "Remove KEY from the store.")

    @Argument(help: "The key, e.g. /test/apache-8001.") var key: String
    @Option(help: "Store URL: etcd://HOST:PORT or file:PATH (default: SWITCHBOARD_STORE).") var store: String?

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        let writable = try CLIStore.open(store)
        try await writable.delete(GoString(key))
        print("deregistered \(key) from \(writable.displayName)")
    }
}

/// `switchboard backends [PREFIX]`: what is registered, with the TTL left on each lease and how many engines route
/// to each backend (from the acknowledgements engines publish under `/_switchboard/applied/`).
struct BackendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backends",
        abstract: "List registered backends: key, address, lease TTL left, engines routing to it.",
        discussion: """
            ENGINES is n/m: of the m engines that render the key (engines publishing acknowledgements: demo, \
            console, run -publish-applied), n have a config live that holds the backend as it is now; - when no \
            engine publishes.
            """)

    @Argument(help: "Key prefix.") var prefix: String = "/test/"
    @Option(help: "Store URL: etcd://HOST:PORT or file:PATH (default: SWITCHBOARD_STORE).") var store: String?
    @Flag(
        help: """
            One JSON array of {key, address, ttl, engines, enginesRendering, key_base64, value_base64}: key and \
            address as text (a byte that is not UTF-8 as U+FFFD), the _base64 fields as the exact bytes.
            """) var json = false

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        let writable = try CLIStore.open(store)
        let entries = try await writable.list(prefix: prefix)
        let acknowledgements = AppliedAcknowledgement.decodeAll(
            try await writable.list(prefix: AppliedAcknowledgement.prefix))
        let modified = try await (writable as? any RevisionedStore)?.modifiedRevisions(prefix: prefix) ?? [:]
        let routing = entries.map { entry in
            BackendRouting.of(
                key: entry.key.lossyText, modifiedAt: modified[entry.key.lossyText], acknowledgements: acknowledgements)
        }
        if json {
            let objects: [[String: Any]] = zip(entries, routing).map { entry, routing in
                [
                    "key": entry.key.lossyText, "address": entry.value.lossyText,
                    "key_base64": entry.key.base64, "value_base64": entry.value.base64,
                    "ttl": entry.ttlRemaining.map { $0 as Any } ?? NSNull(),
                    "engines": routing.routing.map { $0 as Any } ?? NSNull(), "enginesRendering": routing.rendering,
                ]
            }
            let data = try JSONSerialization.data(
                withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        // Escaped (`caf\xe9`, `cafe\u{301}`): two keys that differ only in bytes a terminal hides stay two rows.
        let rows = entries.map { (key: $0.key.description, value: $0.value.description, ttl: $0.ttlRemaining) }
        let width = max(3, rows.map(\.key.count).max() ?? 0)
        let addressWidth = max(7, rows.map(\.value.count).max() ?? 0)
        func pad(_ text: String, _ count: Int) -> String {
            text + String(repeating: " ", count: max(0, count - text.count))
        }
        print(pad("KEY", width) + "  " + pad("ADDRESS", addressWidth) + "  " + pad("TTL", 5) + "  ENGINES")
        for (entry, routing) in zip(rows, routing) {
            let ttl = entry.ttl.map { "\($0)s" } ?? "-"
            print(
                pad(entry.key, width) + "  " + pad(entry.value, addressWidth) + "  " + pad(ttl, 5) + "  "
                    + routing.words)
        }
    }
}
