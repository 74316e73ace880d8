import Core
import Foundation
import Logging

/// `switchboard run`: confd's command line turned into a store, resources and an engine, run in one of confd's
/// modes. Flags win over the config file, which wins over the defaults.
package struct ConfdRun: Sendable {
    /// Everything the run needs, resolved.
    package struct Settings: Sendable, Equatable {
        package var backend = "etcd"
        package var nodes: [String] = []
        package var files: [String] = []
        package var filter = "*"
        package var prefix: String?
        package var confdir = "/etc/confd"
        package var interval = 600
        package var watch = false
        package var onetime = false
        package var noop = false
        package var syncOnly = false
        package var keepStageFile = false
        package var logLevel = "info"
        package var clientCert: String?
        package var clientKey: String?
        package var clientCAKeys: String?
        package var username: String?
        package var password: String?
        package var wait = WaitPolicy.standard
        package var commandTimeout: Duration = .seconds(60)
        package var etcdTimeout = EtcdStore.defaultCallTimeout
        /// `HOST:PORT` for `/metrics`, `/healthz`, `/readyz`; `nil` = off.
        package var metricsListen: String?
        package var logFormat = LogFormat.text
        /// Publish applied revisions (`-publish-applied`) with this lease TTL.
        package var publishApplied = false
        package var appliedTTL = 10

        package var mode: EngineMode {
            if onetime { return .onetime }
            return watch ? .watch : .interval(seconds: interval)
        }
    }

    /// Resolves flags over the config file over defaults.
    /// - Throws: `ConfdFlagError` or `ResourceError` naming what is wrong.
    package static func settings(flags: ConfdFlags, configFile: ConfdConfigFile?) throws -> Settings {
        var settings = Settings()
        if let file = configFile {
            if let value = file.backend { settings.backend = value }
            if let value = file.confdir { settings.confdir = value }
            if let value = file.interval { settings.interval = value }
            if let value = file.nodes { settings.nodes = value }
            if let value = file.files { settings.files = value }
            if let value = file.filter { settings.filter = value }
            if let value = file.prefix { settings.prefix = value }
            if let value = file.watch { settings.watch = value }
            if let value = file.noop { settings.noop = value }
            if let value = file.syncOnly { settings.syncOnly = value }
            if let value = file.logLevel { settings.logLevel = value }
            if let value = file.clientCert { settings.clientCert = value }
            if let value = file.clientKey { settings.clientKey = value }
            if let value = file.clientCAKeys { settings.clientCAKeys = value }
            if let value = file.username { settings.username = value }
            if let value = file.password { settings.password = value }
        }
        if let value = flags.backend { settings.backend = value }
        if !flags.nodes.isEmpty { settings.nodes = flags.nodes }
        if !flags.files.isEmpty { settings.files = flags.files }
        if let value = flags.filter { settings.filter = value }
        if let value = flags.prefix { settings.prefix = value }
        if let value = flags.confdir { settings.confdir = value }
        if let value = flags.interval { settings.interval = value }
        if let value = flags.watch { settings.watch = value }
        if let value = flags.onetime { settings.onetime = value }
        if let value = flags.noop { settings.noop = value }
        if let value = flags.syncOnly { settings.syncOnly = value }
        if let value = flags.keepStageFile { settings.keepStageFile = value }
        if let value = flags.logLevel { settings.logLevel = value }
        if let value = flags.clientCert { settings.clientCert = value }
        if let value = flags.clientKey { settings.clientKey = value }
        if let value = flags.clientCAKeys { settings.clientCAKeys = value }
        if let value = flags.username { settings.username = value }
        if let value = flags.password { settings.password = value }
        if let text = flags.wait {
            do {
                settings.wait = try WaitPolicy(parsing: text)
            } catch {
                throw ConfdFlagError("invalid value \"\(text)\" for flag -wait: \(error)")
            }
        }
        if let text = flags.commandTimeout {
            settings.commandTimeout = try positiveDuration(text, flag: "command-timeout", example: "60s")
        }
        if let text = flags.etcdTimeout {
            settings.etcdTimeout = try positiveDuration(text, flag: "etcd-timeout", example: "5s")
        }
        _ = try ConfdLogHandler.level(parsing: settings.logLevel)
        if let text = flags.logFormat { settings.logFormat = try LogFormat(parsing: text) }
        if let value = flags.publishApplied { settings.publishApplied = value }
        if let value = flags.appliedTTL { settings.appliedTTL = value }
        if let listen = flags.metricsListen {
            do {
                _ = try ObservabilityServer.parse(listen)
            } catch {
                throw ConfdFlagError("invalid value \"\(listen)\" for flag -metrics-listen: use HOST:PORT")
            }
            settings.metricsListen = listen
        }
        switch settings.backend {
        case "file", "env", "etcd", "etcdv3": break
        default:
            throw ConfdFlagError(
                "backend \"\(settings.backend)\" is not supported by switchboard (use file, env, etcd or etcdv3)")
        }
        if !flags.otherBackendFlags.isEmpty {
            let names = flags.otherBackendFlags.keys.sorted().map { "-" + $0 }.joined(separator: ", ")
            throw ConfdFlagError(
                "\(names): only for backends switchboard does not support (\(settings.backend) is in use)")
        }
        if settings.backend == "file" && settings.files.isEmpty {
            throw ConfdFlagError("the file backend needs at least one -file")
        }
        return settings
    }

    /// A flag's duration (Go's syntax), which must be above zero.
    private static func positiveDuration(_ text: String, flag: String, example: String) throws -> Duration {
        guard let duration = try? GoDuration.parse(text), duration > .zero else {
            throw ConfdFlagError("invalid value \"\(text)\" for flag -\(flag): use a duration like \(example)")
        }
        return duration
    }
}
