import Core
import Foundation
import Logging
import ServiceLifecycle

extension ConfdRun {
    /// Runs `switchboard run ARGS` and returns the exit status: 0 on success, 1 when a resource failed (with
    /// `-onetime`) or the run could not start, 2 for a command line confd would refuse too.
    package static func main(arguments: [String]) async -> Int32 {
        let flags: ConfdFlags
        do {
            flags = try ConfdFlags.parse(arguments)
        } catch {
            StandardStream.error.write("switchboard run: \(error)\n\n\(ConfdFlags.usage)")
            return 2
        }
        if flags.help {
            print(ConfdFlags.usage, terminator: "")
            return 0
        }
        if flags.version {
            print("switchboard \(SwitchboardVersion.current) (confd-compatible)")
            return 0
        }
        do {
            let configPath = flags.configFile ?? "/etc/confd/confd.toml"
            var configFile: ConfdConfigFile?
            if FileManager.default.fileExists(atPath: configPath) {
                configFile = try ConfdConfigFile.load(configPath)
            } else if flags.configFile != nil {
                throw ResourceError("\(configPath): no such config file")
            }
            let settings = try ConfdRun.settings(flags: flags, configFile: configFile)
            let level = try ConfdLogHandler.level(parsing: settings.logLevel)
            settings.logFormat.bootstrap(level: level)
            let logger = Logger(label: "switchboard")
            if let ignored = configFile?.ignored, !ignored.isEmpty {
                logger.warning(
                    "\(configPath): ignoring \(ignored.joined(separator: ", ")) (settings of other backends)")
            }
            return try await run(settings, logger: logger)
        } catch let error as ConfdFlagError {
            StandardStream.error.write("switchboard run: \(error)\n")
            return 2
        } catch {
            StandardStream.error.write("switchboard run: \(error)\n")
            return 1
        }
    }

    /// The store the settings ask for.
    package static func store(for settings: Settings) throws -> any KeyValueStore {
        switch settings.backend {
        case "file": return FileStore(paths: settings.files, filter: settings.filter)
        case "env": return EnvStore()
        default:
            let files = EtcdTLSFiles(
                certificate: settings.clientCert, key: settings.clientKey, ca: settings.clientCAKeys)
            // A node without a scheme speaks TLS when TLS files are given, like an https:// node.
            let scheme = files.isEmpty ? "http://" : "https://"
            let nodes = (settings.nodes.isEmpty ? [scheme + "127.0.0.1:2379"] : settings.nodes).map { node in
                node.contains("://") ? node : scheme + node
            }
            guard !files.isEmpty else {
                return EtcdStore(
                    endpoints: nodes, user: settings.username, password: settings.password,
                    callTimeout: settings.etcdTimeout)
            }
            if let plain = nodes.first(where: { !$0.hasPrefix("https://") }) {
                throw ConfdFlagError(
                    "-node \(plain): -client-cert, -client-key and -client-ca-keys need https:// nodes")
            }
            let tls: EtcdTLSConfiguration
            do {
                tls = try files.configuration()
            } catch let error as EtcdTLSError {
                throw ResourceError("cannot use TLS to etcd: \(error)")
            }
            return EtcdStore(
                endpoints: nodes, user: settings.username, password: settings.password, tls: tls,
                callTimeout: settings.etcdTimeout)
        }
    }

    static func run(_ settings: Settings, logger: Logger) async throws -> Int32 {
        logger.info("Backend set to \(settings.backend)")
        let loaded = try ResourceLoader.load(confdir: settings.confdir, prefix: settings.prefix)
        for warning in loaded.warnings { logger.warning("\(warning)") }
        let store = try store(for: settings)
        logger.info("Starting switchboard \(SwitchboardVersion.current) with \(store.displayName)")
        let plans = loaded.resources.map { ResourcePlan($0, commandTimeout: settings.commandTimeout) }
        var observation: EngineObservation?
        if settings.mode != .onetime {
            let notifier = SystemdNotifier.fromEnvironment()
            if notifier != nil || settings.metricsListen != nil {
                observation = EngineObservation(
                    notifier: notifier, onNotifyError: { words in logger.warning("sd_notify: \(words)") })
            }
        }
        var configuration = EngineConfiguration(
            resources: plans, mode: settings.mode,
            options: ApplyOptions(
                noop: settings.noop, syncOnly: settings.syncOnly, keepStageFile: settings.keepStageFile),
            wait: settings.wait,
            onApply: { outcome in
                // Only -noop prints the diff; reading it formats it, which costs a 10,000-line config milliseconds.
                if outcome.record.result == .wouldChange, let diff = outcome.diff {
                    StandardStream.output.write(diff)
                }
            })
        var acknowledger: Acknowledger?
        if settings.publishApplied {
            guard settings.mode != .onetime else {
                throw ConfdFlagError("-publish-applied needs -watch or -interval: -onetime keeps no lease alive")
            }
            acknowledger = Acknowledger(
                store: try Acknowledger.writableStore(store), resources: Acknowledger.resources(of: plans),
                ttl: settings.appliedTTL)
        }
        configuration.onEvent = Acknowledger.fanOut([observation?.eventHandler, acknowledger?.eventHandler])
        let engine = Engine(configuration: configuration, store: store, logger: logger)
        observation?.attach(engine, resources: plans.map(\.name))
        if case .onetime = settings.mode {
            let records: [ApplyRecord]
            do {
                records = try await engine.runOnce()
            } catch {
                logger.error("cannot read \(store.displayName): \(error)")
                return 1
            }
            return records.allSatisfy(\.result.isSuccess) ? 0 : 1
        }
        HeapTuning.keepFreedMemoryForReuse()
        var server: ObservabilityServer?
        if let listen = settings.metricsListen, let observation {
            server = try await ObservabilityServer.start(listen: listen, observation: observation)
            logger.info("serving /metrics, /healthz and /readyz on http://\(server!.address)/")
        }
        let watched = observation
        let watchdog = Task { await watched?.runWatchdog() }
        defer { watchdog.cancel() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: engine)]
        // Last, so it stops first: the lease is revoked while the engine still runs.
        if let acknowledger { services.append(.init(service: acknowledger)) }
        if let observation {
            services.append(
                .init(service: StoppingNotice(observation: observation), successTerminationBehavior: .ignore))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        defer { if let server { Task { await server.stop() } } }
        try await group.run()
        return 0
    }
}

/// Tells systemd `STOPPING=1` as soon as a graceful shutdown begins (SIGTERM, SIGINT).
struct StoppingNotice: Service {
    let observation: EngineObservation

    func run() async throws {
        try? await gracefulShutdown()
        observation.stopping()
    }
}
