import ArgumentParser
import Core
import Foundation

/// `switchboard probe`: where does nginx really send traffic?
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send requests, tally the X-Handler header and the errors by kind, compare with the registry.",
        discussion: """
            A GET whose reused keep-alive connection closes before any byte of its answer is sent once more on a \
            fresh connection, as HTTP clients do; such requests are counted as `retried`. With --store, missing, \
            unexpected and gone are judged against the registry as it is when the run ends (read again each \
            second for the --json timeline).
            """)

    @Argument(help: "URL to probe, e.g. http://127.0.0.1:8080/") var url: String
    @Option(name: .short, help: "Number of requests (default 100; not with --duration).") var n: Int?
    @Option(help: "Send requests for this long instead of -n: 30s, 500ms, 2m.") var duration: String?
    @Option(name: .short, help: "Requests in flight (one keep-alive connection each).") var c: Int = 4
    @Flag(help: "Print one JSON object, with a per-second timeline.") var json = false
    @Option(help: "Store URL (file:PATH) to compare with what is registered.") var store: String?
    @Option(help: "Key prefix of the registered backends.") var prefix: String = "/test/"

    func validate() throws {
        if let n { guard n >= 1 else { throw ValidationError("-n must be at least 1") } }
        guard c >= 1 else { throw ValidationError("-c must be at least 1") }
        if let duration {
            guard n == nil else { throw ValidationError("give -n or --duration, not both") }
            guard Self.parseDuration(duration) != nil else {
                throw ValidationError("--duration \"\(duration)\" is not a duration like 30s, 500ms or 2m")
            }
        }
    }

    /// Go's duration syntax, as every other duration on the command line: `30s`, `500ms`, `2m`, `1.5s`.
    static func parseDuration(_ text: String) -> Duration? {
        guard let duration = try? GoDuration.parse(text), duration > .zero else { return nil }
        return duration
    }

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        let registry = try store.map { Prober.registry(in: try CLIStore.open($0), prefix: prefix) }
        let prober =
            if let duration, let parsed = Self.parseDuration(duration) {
                Prober(url: url, duration: parsed, concurrency: c)
            } else {
                Prober(url: url, requests: n ?? 100, concurrency: c)
            }
        let report = try await prober.run(registry: registry)
        print(json ? report.json() : report.text())
        if report.errors >= report.requests {
            let why = report.errorDetails.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            StandardStream.error.write("probe: no answer from \(url) (\(why.joined(separator: "; ")))\n")
            throw ExitCode(1)
        }
    }
}
