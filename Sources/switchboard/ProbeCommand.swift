import ArgumentParser
import Core
import Foundation

/// `switchboard probe`: where does nginx really send traffic?
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Send N requests, tally the X-Handler header, compare with the registry.")

    @Argument(help: "URL to probe, e.g. http://127.0.0.1:8080/") var url: String
    @Option(name: .short, help: "Number of requests.") var n: Int = 100
    @Option(name: .short, help: "Requests in flight (one keep-alive connection each).") var c: Int = 4
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Store URL (file:PATH) to compare with what is registered.") var store: String?
    @Option(help: "Key prefix of the registered backends.") var prefix: String = "/test/"

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1") }
        guard c >= 1 else { throw ValidationError("-c must be at least 1") }
    }

    @OptionGroup var logging: LogOptions

    func run() async throws {
        logging.bootstrap()
        var registered: [String]?
        if store != nil {
            registered = try await CLIStore.open(store).list(prefix: prefix).map(\.value)
        }
        let report = try await Prober(url: url, requests: n, concurrency: c).run(registered: registered)
        print(json ? report.json() : report.text())
        if report.errors >= report.requests {
            let why = report.errorDetails.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            FileHandle.standardError.write(
                Data("probe: no answer from \(url) (\(why.joined(separator: "; ")))\n".utf8))
            throw ExitCode(1)
        }
    }
}
