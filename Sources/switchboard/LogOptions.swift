import ArgumentParser
import ConfdDropIn
import Core
import Logging

/// `--log-format` and `--log-level`, shared by every command (`run` takes confd's `-log-format`/`-log-level`).
struct LogOptions: ParsableArguments {
    @Option(help: "Log lines as text (confd's shape) or json (one object a line, on standard error).")
    var logFormat: String = "text"
    @Option(help: "Lowest level logged: debug, info, warn or error.") var logLevel: String = "info"

    func validate() throws {
        do {
            _ = try LogFormat(parsing: logFormat)
            _ = try ConfdLogHandler.level(parsing: logLevel)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Installs the chosen handler for the whole process.
    func bootstrap() {
        let format = (try? LogFormat(parsing: logFormat)) ?? .text
        format.bootstrap(level: (try? ConfdLogHandler.level(parsing: logLevel)) ?? .info)
    }
}

/// `--metrics-listen`, shared by `console` and `demo`.
struct MetricsOptions: ParsableArguments {
    @Option(help: "HOST:PORT serving Prometheus /metrics, /healthz and /readyz (default: off).")
    var metricsListen: String?

    func validate() throws {
        if let listen = metricsListen {
            do { _ = try ObservabilityServer.parse(listen) } catch { throw ValidationError("\(error)") }
        }
    }
}
