import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Sends `requests` GETs to `url` with `concurrency` in flight over one HTTP client (a pool of `concurrency`
/// keep-alive connections), and tallies where nginx sent them (`X-Handler`).
public struct Prober: Sendable {
    public var url: String
    public var requests: Int
    public var concurrency: Int
    /// How long one request may take before it counts as a `timeout`.
    public var timeout: Duration = .seconds(5)

    public init(url: String, requests: Int, concurrency: Int) {
        self.url = url
        self.requests = max(1, requests)
        self.concurrency = max(1, min(concurrency, max(1, requests)))
    }

    /// Runs the probe.
    /// - Parameter registered: addresses registered in the store (for `missing` / `unexpected`), or `nil`.
    public func run(registered: [String]?) async throws -> ProbeReport {
        guard URL(string: url)?.host != nil else { throw ProbeError("\(url) is not an http:// URL with a host") }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(5))
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let samples = await withTaskGroup(of: [ProbeSample].self) { group in
            for worker in 0..<concurrency {
                let count = requests / concurrency + (worker < requests % concurrency ? 1 : 0)
                group.addTask { await self.worker(client: client, count: count) }
            }
            var all: [ProbeSample] = []
            all.reserveCapacity(requests)
            for await part in group { all.append(contentsOf: part) }
            return all
        }
        try? await client.shutdown()
        return ProbeTally.report(url: url, samples: samples, registered: registered)
    }

    private func worker(client: HTTPClient, count: Int) async -> [ProbeSample] {
        var samples: [ProbeSample] = []
        samples.reserveCapacity(count)
        let clock = ContinuousClock()
        let request = HTTPClientRequest(url: url)
        let timeout = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        for _ in 0..<count {
            let start = clock.now
            let outcome: ProbeSample.Outcome
            do {
                let response = try await client.execute(request, timeout: timeout)
                _ = try await response.body.collect(upTo: 1 << 20)
                outcome = .answered(
                    status: Int(response.status.code), handler: response.headers.first(name: "X-Handler"))
            } catch {
                outcome = .failed(kind: Self.kind(of: error))
            }
            let elapsed = clock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            samples.append(ProbeSample(outcome, milliseconds: ms))
        }
        return samples
    }

    /// A short word for what went wrong.
    static func kind(of error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("refused") || text.contains("connect") && !text.contains("timeout") { return "connect" }
        if text.contains("timeout") || text.contains("deadline") || text.contains("timedout") { return "timeout" }
        if text.contains("closed") || text.contains("reset") || text.contains("eof") { return "connection closed" }
        return "other"
    }
}

/// A probe that cannot run, in words.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
