import ArgumentParser
import Core
import Foundation
import Logging
import TUI

/// `switchboard console`: the engine in watch mode in this process, with the operator console over it.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Watch the store and open the operator console: backends, upstream, reloads, probe.")

    @Option(help: "The store: etcd://HOST:PORT, file:PATH or env: (default: SWITCHBOARD_STORE, or the demo's).")
    var store: String?

    @Option(help: "confd's configuration directory (conf.d/ and templates/).")
    var confdir = "/etc/confd"

    @Option(help: "Keys under this prefix are the backends the console shows and adds.")
    var backendPrefix = "/test/"

    @Option(help: "The URL `p` probes (nginx's front door).")
    var probe: String?

    @Flag(help: "Show everything, change nothing: add, remove and render-now are disabled.")
    var readonly = false

    @Flag(help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII borders and symbols (also when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: .hidden) var benchmark = false

    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var logging: LogOptions

    func run() async throws {
        if benchmark {
            print(ConsoleBenchmark.run())
            return
        }
        let loaded = try ResourceLoader.load(confdir: confdir)
        let keyValueStore = try StoreURL.parse(CLIStore.url(store)).openStore()
        // The terminal belongs to the console: the engine logs only when standard error goes elsewhere
        // (`2>console.log`).
        let logToStderr = isatty(STDERR_FILENO) == 0
        if logToStderr { logging.bootstrap() }
        let logger =
            logToStderr
            ? Logger(label: "switchboard") : Logger(label: "switchboard", factory: { _ in SwiftLogNoOpLogHandler() })
        let prefix = backendPrefix
        var probeRun: (@Sendable () async throws -> ProbeReport)?
        if let url = probe {
            probeRun = {
                let registered = try await keyValueStore.snapshot(prefixes: [prefix]).pairs.values.map(\.lossyText)
                return try await Prober(url: url, requests: 100, concurrency: 4).run(registered: registered)
            }
        }
        let observation = metrics.metricsListen.map { _ in EngineObservation() }
        let plans = loaded.resources.map { ResourcePlan($0) }
        let configuration = EngineConfiguration(
            resources: plans, mode: .watch, backendPrefix: backendPrefix, probe: probeRun,
            onEvent: observation?.eventHandler)
        let engine = Engine(configuration: configuration, store: keyValueStore, logger: logger)
        observation?.attach(engine, resources: plans.map(\.name))
        let server = try await observation.asyncMap { observation in
            try await ObservabilityServer.start(listen: metrics.metricsListen!, observation: observation)
        }
        let engineTask = Task { try await engine.run() }
        defer { engineTask.cancel() }
        let theme = Theme.detect(
            environment: ProcessInfo.processInfo.environment, noColor: noColor, ascii: ascii)
        try await Console.run(
            engine: engine, options: ConsoleOptions(readOnly: readonly, theme: theme, backendPrefix: backendPrefix))
        engineTask.cancel()
        _ = await engineTask.result
        await server?.stop()
    }
}

extension Optional {
    /// `map` with an async, throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
