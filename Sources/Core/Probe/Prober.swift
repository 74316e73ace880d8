import Foundation
import NIOCore
import NIOPosix

/// Sends `requests` GETs to `url` over `concurrency` persistent HTTP/1.1 connections and tallies where nginx sent
/// them (`X-Handler`).
///
/// Each connection sends its next request as soon as the previous answer has arrived (as `wrk` does); only the
/// status and `X-Handler` are kept, the body is dropped. All connections share one event loop, so the probe costs
/// one core at most and nothing is shared between threads. A refused connection counts as a `connect` error at once
/// and the slot tries a fresh connection for its next request.
public struct Prober: Sendable {
    public var url: String
    public var requests: Int
    public var concurrency: Int
    /// How long one request (with its connect) may take before it counts as a `timeout`.
    public var timeout: Duration = .seconds(5)

    public init(url: String, requests: Int, concurrency: Int) {
        self.url = url
        self.requests = max(1, requests)
        self.concurrency = max(1, min(concurrency, max(1, requests)))
    }

    /// Runs the probe.
    /// - Parameter registered: addresses registered in the store (for `missing` / `unexpected`), or `nil`.
    /// - Throws: `ProbeError` when the URL is not `http://HOST[:PORT]/…`. Failed requests are not thrown: they are
    ///   counted in the report by kind.
    public func run(registered: [String]?) async throws -> ProbeReport {
        let target = try ProbeTarget(url: url)
        // An IP literal is connected to directly; a name is resolved per connect (happy eyeballs over A/AAAA).
        let address = try? SocketAddress(ipAddress: target.host, port: target.port)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let (requests, concurrency) = (self.requests, self.concurrency)
        let (samples, details) = try await loop.flatSubmit {
            let run = ProbeRun(
                loop: loop, target: target, address: address, total: requests,
                timeout: .nanoseconds(max(1_000_000, nanoseconds)))
            return run.start(concurrency: concurrency).assumeIsolated().map { (run.samples, run.details) }
                .nonisolated()
        }.get()
        var report = ProbeTally.report(url: url, samples: samples, registered: registered)
        report.errorDetails = details
        return report
    }
}

/// A probe that cannot run, in words.
public struct ProbeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
