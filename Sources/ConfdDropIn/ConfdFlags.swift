import Core
import Foundation

/// confd's command line, parsed with the rules of Go's `flag` package so existing invocations work unchanged:
/// `-flag` and `--flag`, `-flag=value` and `-flag value`, booleans as `-flag` or `-flag=false`, repeatable
/// `-node` and `-file`. Only flags given on the command line are set; defaults and the config file are merged later
/// (flags win; confd lets its config file override them).
package struct ConfdFlags: Sendable, Equatable {
    package var backend: String?
    package var nodes: [String] = []
    package var files: [String] = []
    /// `-filter`: file-name pattern for `-file` directories.
    package var filter: String?
    package var prefix: String?
    package var confdir: String?
    package var configFile: String?
    package var interval: Int?
    package var watch: Bool?
    package var onetime: Bool?
    package var noop: Bool?
    package var syncOnly: Bool?
    package var keepStageFile: Bool?
    package var logLevel: String?
    package var clientCert: String?
    package var clientKey: String?
    package var clientCAKeys: String?
    package var username: String?
    package var password: String?
    package var version = false
    package var help = false
    /// Switchboard's own: coalescing windows `MIN:MAX`.
    package var wait: String?
    /// Switchboard's own: default timeout of `check_cmd` and `reload_cmd`.
    package var commandTimeout: String?
    /// Switchboard's own: how long one etcd call may take.
    package var etcdTimeout: String?
    /// Switchboard's own: `HOST:PORT` serving `/metrics`, `/healthz` and `/readyz`.
    package var metricsListen: String?
    /// Switchboard's own: `text` or `json`.
    package var logFormat: String?
    /// Switchboard's own: publish applied revisions under `/_switchboard/applied/` (off: a confd drop-in writes
    /// nothing to a store unasked).
    package var publishApplied: Bool?
    /// Switchboard's own: the lease TTL of those acknowledgements, in seconds.
    package var appliedTTL: Int?
    /// confd flags for backends Switchboard does not have (consul, vault, redis…), by name: accepted so that an
    /// existing command line parses, and reported.
    package var otherBackendFlags: [String: String] = [:]

    package init() {}

    /// The kind of value a flag takes.
    enum Kind { case bool, string, int, list }

    /// Every flag: confd's, then Switchboard's additions.
    static let flags: [(name: String, kind: Kind, usage: String)] = [
        (
            "backend", .string,
            "backend to use: file, env, etcd or etcdv3 (both speak the etcd v3 API) (default \"etcd\")"
        ),
        ("node", .list, "list of backend nodes, e.g. -node http://127.0.0.1:2379 (repeatable)"),
        ("file", .list, "the YAML file or directory to watch for changes (file backend, repeatable)"),
        ("filter", .string, "files filter for the file backend's directories (default \"*\")"),
        ("prefix", .string, "key path prefix, replacing the prefix in every template resource"),
        ("confdir", .string, "confd conf directory (default \"/etc/confd\")"),
        ("config-file", .string, "the confd config file (default \"/etc/confd/confd.toml\")"),
        ("interval", .int, "backend polling interval in seconds (default 600)"),
        ("watch", .bool, "enable watch support"),
        ("onetime", .bool, "run once and exit (exit status 1 when any resource failed)"),
        ("noop", .bool, "only show pending changes, as a unified diff; touch nothing"),
        ("sync-only", .bool, "sync without check_cmd and reload_cmd"),
        ("keep-stage-file", .bool, "keep staged files"),
        ("log-level", .string, "level which confd should log messages: debug, info, warn, error"),
        ("client-cert", .string, "the client cert"),
        ("client-key", .string, "the client key"),
        ("client-ca-keys", .string, "client ca keys"),
        ("username", .string, "the username to authenticate as (etcd)"),
        ("password", .string, "the password to authenticate with (etcd)"),
        ("version", .bool, "print version and exit"),
        ("wait", .string, "switchboard: coalescing window MIN:MAX, e.g. 50ms:400ms (default \"50ms:400ms\")"),
        ("command-timeout", .string, "switchboard: timeout of check_cmd and reload_cmd (default \"60s\")"),
        (
            "etcd-timeout", .string,
            "switchboard: how long one etcd call may take before its member counts as unreachable (default \"5s\")"
        ),
        (
            "metrics-listen", .string,
            "switchboard: HOST:PORT serving Prometheus /metrics, /healthz and /readyz, e.g. 127.0.0.1:9100 (default off)"
        ),
        ("log-format", .string, "switchboard: text (confd's lines) or json (one object a line) (default \"text\")"),
        (
            "publish-applied", .bool,
            "switchboard: write to the store, under /_switchboard/applied/HOST-PID/ and a lease of this engine, the "
                + "revision each resource has live, so draining backends wait for it (-watch only; default off: "
                + "without it nothing is written to the store)"
        ),
        ("applied-ttl", .int, "switchboard: lease TTL in seconds of -publish-applied's keys (default 10)"),
        // confd flags of backends Switchboard does not implement.
        ("auth-token", .string, "(consul, vault) not supported"),
        ("auth-type", .string, "(vault) not supported"),
        ("app-id", .string, "(vault) not supported"),
        ("user-id", .string, "(vault) not supported"),
        ("role-id", .string, "(vault) not supported"),
        ("secret-id", .string, "(vault) not supported"),
        ("path", .string, "(vault) not supported"),
        ("basic-auth", .bool, "(consul, etcd v2) not supported"),
        ("client-insecure", .bool, "(consul) not supported"),
        ("scheme", .string, "(consul) not supported"),
        ("separator", .string, "(redis) not supported"),
        ("srv-domain", .string, "(SRV discovery) not supported"),
        ("srv-record", .string, "(SRV discovery) not supported"),
        ("table", .string, "(dynamodb) not supported"),
        ("secret-keyring", .string, "(crypt) not supported"),
    ]

    /// - Throws: `ConfdFlagError` with Go's wording for an unknown flag, a missing or bad value, or a stray argument.
    package static func parse(_ arguments: [String]) throws -> ConfdFlags {
        var flags = ConfdFlags()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                if index < arguments.count {
                    throw ConfdFlagError("unexpected argument \"\(arguments[index])\": confd takes flags only")
                }
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                throw ConfdFlagError("unexpected argument \"\(argument)\": confd takes flags only")
            }
            var body = argument.dropFirst()
            if body.hasPrefix("-") { body = body.dropFirst() }
            guard !body.isEmpty, !body.hasPrefix("-"), !body.hasPrefix("=") else {
                throw ConfdFlagError("bad flag syntax: \(argument)")
            }
            var name = String(body)
            var value: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
            }
            if name == "h" || name == "help" {
                flags.help = true
                continue
            }
            guard let flag = Self.flags.first(where: { $0.name == name }) else {
                throw ConfdFlagError("flag provided but not defined: -\(name)")
            }
            if flag.kind == .bool {
                let text = value ?? "true"
                guard let bool = parseBool(text) else {
                    throw ConfdFlagError("invalid boolean value \"\(text)\" for -\(name): parse error")
                }
                try flags.set(name, bool: bool)
                continue
            }
            if value == nil {
                guard index < arguments.count else { throw ConfdFlagError("flag needs an argument: -\(name)") }
                value = arguments[index]
                index += 1
            }
            try flags.set(name, kind: flag.kind, value: value!)
        }
        return flags
    }

    /// Go's `strconv.ParseBool`.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: return nil
        }
    }

    private mutating func set(_ name: String, bool: Bool) throws {
        switch name {
        case "watch": watch = bool
        case "onetime": onetime = bool
        case "noop": noop = bool
        case "sync-only": syncOnly = bool
        case "keep-stage-file": keepStageFile = bool
        case "version": version = bool
        case "publish-applied": publishApplied = bool
        default: otherBackendFlags[name] = String(bool)
        }
    }

    private mutating func set(_ name: String, kind: Kind, value: String) throws {
        switch name {
        case "backend": backend = value
        case "node": nodes.append(value)
        case "file": files.append(value)
        case "filter": filter = value
        case "prefix": prefix = value
        case "confdir": confdir = value
        case "config-file": configFile = value
        case "interval":
            guard let seconds = Int(value), seconds > 0 else {
                throw ConfdFlagError("invalid value \"\(value)\" for flag -interval: a whole number of seconds above 0")
            }
            interval = seconds
        case "log-level": logLevel = value
        case "client-cert": clientCert = value
        case "client-key": clientKey = value
        case "client-ca-keys": clientCAKeys = value
        case "username": username = value
        case "password": password = value
        case "wait": wait = value
        case "command-timeout": commandTimeout = value
        case "etcd-timeout": etcdTimeout = value
        case "metrics-listen": metricsListen = value
        case "log-format": logFormat = value
        case "applied-ttl":
            guard let seconds = Int(value), seconds > 0 else {
                throw ConfdFlagError(
                    "invalid value \"\(value)\" for flag -applied-ttl: a whole number of seconds above 0")
            }
            appliedTTL = seconds
        default: otherBackendFlags[name] = value
        }
    }

    /// The usage text, in the order confd prints it.
    package static var usage: String {
        var text =
            "Usage: switchboard run [flags]\n\nconfd's flags (each also as --flag; values as -flag=value or -flag value):\n"
        for flag in flags where !flag.usage.hasPrefix("(") {
            let placeholder: String
            switch flag.kind {
            case .bool: placeholder = ""
            case .int: placeholder = " int"
            case .string, .list: placeholder = " string"
            }
            text += "  -\(flag.name)\(placeholder)\n    \t\(flag.usage)\n"
        }
        text += "\nAccepted for compatibility and refused when used: "
        text += flags.filter { $0.usage.hasPrefix("(") }.map { "-" + $0.name }.joined(separator: " ") + "\n"
        return text
    }
}

/// A command line confd would refuse too.
package struct ConfdFlagError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
