import ArgumentParser
import ConfdDropIn
import Core
import Foundation
import Logging
import ServiceLifecycle
import TUI

/// `switchboard demo`: the article's whole system on this machine.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Bring up a file store, a confd tree, nginx and hello backends, with the engine in watch mode.")

    @Option(help: "Directory for the demo's files.") var dir: String = "./switchboard-demo"
    @Option(help: "Port nginx listens on (127.0.0.1).") var port: Int = 8080
    @Option(help: "Number of hello backends to start (0: nginx answers 503 until a backend registers).")
    var backends: Int = 2
    @Flag(help: "Run headless: a log line per apply instead of the console.") var noConsole = false
    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "Publish the revision the engine applied under /_switchboard/applied/ in the store, so a draining "
                + "backend waits exactly until nginx no longer routes to it."))
    var publishApplied = true
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var logging: LogOptions

    func validate() throws {
        guard backends >= 0 else { throw ValidationError("--backends must be 0 or more") }
    }

    func run() async throws {
        let headless = noConsole || isatty(STDOUT_FILENO) == 0
        let logFile = FilePaths.join(dir, "demo.log")
        if !headless { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let json = (try? LogFormat(parsing: logging.logFormat)) == .json
        let level = (try? ConfdLogHandler.level(parsing: logging.logLevel)) ?? .info
        if !headless { FileManager.default.createFile(atPath: logFile, contents: nil) }
        LoggingSystem.bootstrap { label in
            if headless, json {
                return JSONLogHandler(label: label, level: level) { line in
                    StandardStream.output.write(line)
                }
            }
            if headless { return StreamLogHandler.standardOutput(label: label) }
            var handler = FileLogHandler(label: label, path: logFile, json: json)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchboard.demo")
        var face: (@Sendable (Engine) async throws -> Void)?
        if !headless {
            let theme = Theme.detect(environment: ProcessInfo.processInfo.environment, noColor: false, ascii: false)
            face = { @Sendable engine in
                try await Console.run(engine: engine, options: ConsoleOptions(theme: theme))
            }
        }
        let faceValue = face
        var options = DemoSupervisor.Options(directory: dir, port: port, backends: backends)
        let observation = metrics.metricsListen.map { _ in
            EngineObservation(notifier: SystemdNotifier.fromEnvironment())
        }
        options.observation = observation
        options.publishApplied = publishApplied
        let server = try await observation.asyncMap { observation in
            try await ObservabilityServer.start(listen: metrics.metricsListen!, observation: observation)
        }
        defer { if let server { Task { await server.stop() } } }
        let demo = try DemoSupervisor(
            options: options, logger: logger,
            say: { text in
                if headless, !json {
                    StandardStream.output.write(text + "\n")
                } else {
                    logger.info("\(text)")
                }
            }, face: faceValue)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: demo, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            StandardStream.error.write("switchboard demo: \(error)\n")
            throw ExitCode(1)
        }
        if headless { print("switchboard demo stopped") }
    }
}

/// Log lines to a file (the console owns the terminal).
struct FileLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    let handle: FileHandle?
    let json: Bool

    init(label: String, path: String, json: Bool = false) {
        self.label = label
        self.json = json
        handle = FileHandle(forWritingAtPath: path)
        _ = handle?.seekToEndOfFile()
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        guard level >= logLevel else { return }
        let line =
            json
            ? JSONLogHandler.line(
                time: Date(), level: level, message: "\(message)", label: label,
                metadata: self.metadata.merging(metadata ?? [:]) { $1 })
            : "\(Date()) \(level) \(message)\n"
        handle?.write(Data(line.utf8))
    }
}
