import Foundation
import Logging
import ServiceLifecycle

/// Brings up the article's system on one machine and takes it down again: the tree, N hello backends registered
/// under `/test/apache-PORT` with leases, nginx under `DIR/nginx`, and the engine in watch mode.
package actor DemoSupervisor: Service {
    package struct Options: Sendable {
        package var directory: String
        package var port: Int
        package var backends: Int
        package var leaseTTL: Int = 10
        /// Metrics, health and systemd notifications over the demo's engine; `nil` = none.
        package var observation: EngineObservation?
        /// Publish what the engine applied under `/_switchboard/applied/` (so drains wait for it).
        package var publishApplied = true
        package init(directory: String, port: Int, backends: Int) {
            self.directory = directory
            self.port = port
            self.backends = backends
        }
    }

    package let options: Options
    package let layout: DemoLayout
    private let logger: Logger
    private let say: @Sendable (String) -> Void
    private let face: (@Sendable (Engine) async throws -> Void)?
    private var servers: [HelloServer] = []
    private var keepers: [Task<Void, Never>] = []
    private var nginx: NginxInstance?
    private var acknowledger: Acknowledger?

    /// - Parameters:
    ///   - say: prints what the demo started and the commands to try (stdout in the CLI).
    ///   - face: runs the console on the engine; `nil` = headless. When it returns, the demo stops.
    package init(
        options: Options, logger: Logger, say: @escaping @Sendable (String) -> Void,
        face: (@Sendable (Engine) async throws -> Void)? = nil
    ) throws {
        guard let binary = NginxInstance.findBinary() else {
            throw NginxError("nginx is not installed (apt-get install nginx-light); the demo needs it")
        }
        self.options = options
        self.layout = DemoLayout(directory: options.directory, port: options.port, nginxBinary: binary)
        self.logger = logger
        self.say = say
        self.face = face
    }

    /// Runs until cancelled, graceful shutdown (SIGINT/SIGTERM via the service group), or the console quits; then
    /// stops everything it started, nginx included.
    package func run() async throws {
        do {
            let engine = try await start()
            let (face, acknowledger) = (self.face, self.acknowledger)
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await engine.run() }
                    if let face { group.addTask { try await face(engine) } }
                    // Ends with the engine: its lease is revoked, so drains stop waiting for this engine.
                    if let acknowledger { group.addTask { try await acknowledger.run() } }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
        } catch {
            await stopAll()
            throw error
        }
        await stopAll()
    }

    private func start() async throws -> Engine {
        try layout.write()
        if let stale = await NginxInstance.stopStale(pidFile: layout.pidPath) {
            say("stopped a stale nginx (pid \(stale)) from an earlier run")
        }
        let store = FileStore(paths: [layout.storePath])
        for entry in try await store.list(prefix: "/test/") {
            if let lease = entry.lease { try? await store.revoke(lease) }
            try await store.delete(entry.key)
        }
        var expected: Set<String> = []
        for _ in 0..<options.backends {
            let server = try await HelloServer.start(host: "127.0.0.1", port: 0)
            servers.append(server)
            // The same registration as `switchboard register`: renewed while the backend is up, revoked at stop.
            let registration = Registration(
                store: store, key: "/test/apache-\(server.port)", address: try BackendAddress(parsing: server.address),
                ttl: options.leaseTTL, logger: logger)
            expected.insert(registration.key)
            keepers.append(Task { await registration.run() })
        }
        try await waitUntilRegistered(expected, in: store)
        let loaded = try ResourceLoader.load(confdir: layout.confdir)
        let plans = loaded.resources.map { ResourcePlan($0, commandTimeout: .seconds(10)) }
        let logger = self.logger
        let probeURL = "http://127.0.0.1:\(options.port)/"
        let observation = options.observation
        let acknowledger =
            options.publishApplied
            ? Acknowledger(store: store, resources: Acknowledger.resources(of: plans), logger: logger) : nil
        self.acknowledger = acknowledger
        let configuration = EngineConfiguration(
            resources: plans, mode: .watch, backendPrefix: "/test/",
            probe: Prober.quickCheck(url: probeURL, store: store, prefix: "/test/"),
            onApply: { outcome in
                let line = DemoSupervisor.line(for: outcome.record)
                if outcome.record.result.isSuccess { logger.info("\(line)") } else { logger.warning("\(line)") }
            },
            onEvent: Acknowledger.fanOut([observation?.eventHandler, acknowledger?.eventHandler]))
        let engine = Engine(configuration: configuration, store: store, logger: logger)
        observation?.attach(engine, resources: plans.map(\.name))
        let first = try await engine.runOnce()
        if let failed = first.first(where: { !$0.result.isSuccess }) {
            throw DemoError("the first render of \(layout.nginxConfig) failed: \(failed.error ?? "\(failed.result)")")
        }
        let nginx = NginxInstance(
            prefix: layout.nginxPrefix, configPath: layout.nginxConfig, binary: layout.nginxBinary)
        nginx.onUnexpectedExit = { [logger] words in logger.error("\(words)") }
        try await nginx.start()
        self.nginx = nginx
        say(banner())
        return engine
    }

    /// Waits (up to ten seconds) until every key in `keys` is in the store, so the first render has its backends.
    private func waitUntilRegistered(_ keys: Set<String>, in store: FileStore) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let present = Set(try await store.list(prefix: "/test/").map(\.key.lossyText))
            if keys.isSubset(of: present) { return }
            guard ContinuousClock.now < deadline else {
                throw DemoError(
                    "the demo backends did not register in \(layout.storePath): missing "
                        + keys.subtracting(present).sorted().joined(separator: ", "))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// One headless log line per apply.
    static func line(for record: ApplyRecord) -> String {
        var line = String(
            format: "apply %@ (%@): %@ in %.0f ms (render %.0f, check %.0f, reload %.0f)", record.resource,
            "\(record.trigger)", "\(record.result)", record.totalSeconds * 1000, record.renderSeconds * 1000,
            record.checkSeconds * 1000, record.reloadSeconds * 1000)
        if record.linesAdded + record.linesRemoved > 0 { line += " (+\(record.linesAdded) -\(record.linesRemoved))" }
        if let error = record.error {
            line += ": \(error)"
            let output = record.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if !output.isEmpty { line += " — " + output.replacingOccurrences(of: "\n", with: " | ") }
        }
        if !record.rejectedKeys.isEmpty {
            line += "; not host:port, left out: \(record.rejectedKeys.joined(separator: ", "))"
        }
        return line
    }

    private func banner() -> String {
        let store = layout.storeURL
        let backends = servers.map { "  hello \($0.address) registered as /test/apache-\($0.port)" }
        return
            ([
                "switchboard demo is up in \(layout.directory)",
                "  nginx (pid \(nginx?.runningPID().map(String.init) ?? "?")) on http://127.0.0.1:\(options.port)/ "
                    + "with config \(layout.nginxConfig)",
            ]
            + backends
            + [
                "  engine watching \(store) (template \(layout.templatePath))", "",
                "Try:",
                "  switchboard probe http://127.0.0.1:\(options.port)/ --store \(store) --prefix /test/",
                "  switchboard hello --listen 127.0.0.1:9001 --register /test/apache-9001 --store \(store)",
                "  switchboard register /test/apache-9001 127.0.0.1:9001 --store \(store)",
                "Ctrl-C stops everything.",
            ]).joined(separator: "\n")
    }

    private func stopAll() async {
        for keeper in keepers { keeper.cancel() }
        for keeper in keepers { await keeper.value }
        keepers.removeAll()
        await nginx?.stop()
        nginx = nil
        for server in servers { await server.stop() }
        servers.removeAll()
    }
}

/// The demo could not come up, in words.
package struct DemoError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
