import ArgumentParser
import Core
import Foundation

/// `switchboard hello`: the article's hello-world backend, optionally registering itself.
struct HelloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello", abstract: "Serve a hello page naming this backend (GET /health -> 200).")

    @Option(help: "Address to listen on, HOST:PORT.") var listen: String
    @Option(help: "Name shown on the page (default: HOST:PORT).") var name: String?
    @Option(help: "Register this backend under KEY while it runs.") var register: String?
    @Option(help: "Store URL for --register (file:PATH).") var store: String?
    @Option(help: "Lease TTL in seconds for --register.") var ttl: Int = 10

    func run() async throws {
        let address = try BackendAddress(parsing: listen)
        let server = try await HelloServer.start(host: address.host, port: address.port, name: name)
        print("hello \(server.name) listening on http://\(server.address)/")
        var keeper: Task<Void, Never>?
        if let key = register {
            let store = try CLIStore.open(store)
            let leaseKeeper = LeaseKeeper(store: store, key: key, value: server.address, ttl: ttl)
            let lease = try await leaseKeeper.register()
            print("registered \(key) = \(server.address) in \(store.displayName) (lease \(lease), ttl \(ttl)s)")
            keeper = Task { await leaseKeeper.keepAlive(lease) }
        }
        await CLISignals.wait()
        keeper?.cancel()
        await keeper?.value
        if let key = register { print("deregistered \(key)") }
        await server.stop()
    }
}
