import ArgumentParser
import Core
import Foundation

/// `switchboard hello`: the article's hello-world backend, optionally registering itself under a lease (the same
/// `Registration` as `switchboard register`, health-checking its own `/health`) until SIGINT/SIGTERM deregisters it.
struct HelloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello", abstract: "Serve a hello page naming this backend (GET /health -> 200).")

    @Option(help: "Address to listen on, HOST:PORT.") var listen: String
    @Option(help: "Name shown on the page (default: HOST:PORT).") var name: String?
    @Option(help: "Register this backend under KEY while it runs.") var register: String?
    @Option(help: "Store URL for --register: etcd://HOST:PORT[,HOST:PORT] or file:PATH (default: SWITCHBOARD_STORE).")
    var store: String?
    @Option(help: "Health check URL for --register (GET; 2xx is healthy). Default: this server's own /health.")
    var healthURL: String?
    @OptionGroup var lease: LeaseOptions
    @OptionGroup var drain: DrainOptions

    func validate() throws {
        if let key = register { try LeaseOptions.validate(key: key) }
    }

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        let address = try BackendAddress(parsing: listen)
        // Open the store before serving, so a bad --store fails at once instead of after the server is up.
        let writable = try register.map { _ in try CLIStore.open(store) }
        let server = try await HelloServer.start(host: address.host, port: address.port, name: name)
        print("hello \(server.name) listening on http://\(server.address)/")
        if let key = register, let writable {
            let registered = try BackendAddress(parsing: server.address)
            let health = healthURL ?? "http://\(Self.reachable(server.address))/health"
            let keeper = lease.registration(store: writable, key: key, address: registered, healthURL: health)
            print(
                "registering \(key) = \(registered) in \(writable.displayName) (ttl \(lease.ttl)s, health \(health))")
            try await BackendService.run(
                .registered(
                    keeper, drain: drain.drain(key: key, store: writable),
                    finishInFlight: { await server.finishInFlight() }))
            print("deregistered \(key)")
        } else {
            try await BackendService.run(
                .serving(finishInFlight: { await server.finishInFlight() }, timeout: drain.timeout))
        }
        await server.stop()
    }

    /// The address a local health check reaches the server at: a wildcard listen address means loopback.
    static func reachable(_ address: String) -> String {
        if address.hasPrefix("0.0.0.0:") { return "127.0.0.1:" + address.dropFirst("0.0.0.0:".count) }
        if address.hasPrefix("[::]:") { return "[::1]:" + address.dropFirst("[::]:".count) }
        return address
    }
}
