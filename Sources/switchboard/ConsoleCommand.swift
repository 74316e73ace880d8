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

    @Option(help: "The store: etcd://HOST:PORT, file:///PATH/keys.yaml (or a plain path), or env:.")
    var store = "etcd://127.0.0.1:2379"

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

    func run() async throws {
        if benchmark {
            print(ConsoleBenchmark.run())
            return
        }
        let loaded = try ResourceLoader.load(confdir: confdir)
        let keyValueStore = try Self.openStore(store)
        // The terminal belongs to the console: the engine must not log onto it.
        let logger = Logger(label: "switchboard", factory: { _ in SwiftLogNoOpLogHandler() })
        if probe != nil {
            FileHandle.standardError.write(Data("switchboard console: --probe is not wired yet; p will say so\n".utf8))
        }
        let configuration = EngineConfiguration(
            resources: loaded.resources.map { ResourcePlan($0) }, mode: .watch, backendPrefix: backendPrefix)
        let engine = Engine(configuration: configuration, store: keyValueStore, logger: logger)
        let engineTask = Task { try await engine.run() }
        defer { engineTask.cancel() }
        let theme = Theme.detect(
            environment: ProcessInfo.processInfo.environment, noColor: noColor, ascii: ascii)
        try await Console.run(
            engine: engine, options: ConsoleOptions(readOnly: readonly, theme: theme, backendPrefix: backendPrefix))
        engineTask.cancel()
        _ = await engineTask.result
    }

    /// Opens the store a `--store` URL names.
    static func openStore(_ url: String) throws -> any KeyValueStore {
        if url == "env:" || url == "env" { return EnvStore() }
        if url.hasPrefix("file://") { return FileStore(paths: [String(url.dropFirst("file://".count))]) }
        if url.hasPrefix("etcd://") || url.hasPrefix("http://") || url.hasPrefix("https://") {
            let node = url.hasPrefix("etcd://") ? "http://" + url.dropFirst("etcd://".count) : url
            let settings = try ConfdRun.settings(
                flags: ConfdFlags.parse(["-backend", "etcd", "-node", node]), configFile: nil)
            return try ConfdRun.store(for: settings)
        }
        if !url.contains("://") { return FileStore(paths: [url]) }
        throw ValidationError("--store \(url): expected etcd://HOST:PORT, file:///PATH, a path, or env:")
    }
}
