import Foundation
import NIOCore
import NIOPosix

/// Sends GETs to `url` over `concurrency` persistent HTTP/1.1 connections, for a number of requests or for a
/// duration, and tallies where nginx sent them (`X-Handler`).
///
/// Each connection sends its next request as soon as the previous answer has arrived (as `wrk` does); only the
/// status and `X-Handler` are kept, the body is dropped. All connections share one event loop, so the probe costs
/// one core at most and nothing is shared between threads. A refused connection counts as a `connect refused` error
/// at once and the slot tries a fresh connection for its next request.
package struct Prober: Sendable {
    package var url: String
    package var budget: ProbeBudget
    package var concurrency: Int
    /// How long one request (with its connect) may take before it counts as a `timeout`.
    package var timeout: Duration = .seconds(5)

    /// A probe of `requests` requests.
    package init(url: String, requests: Int, concurrency: Int) {
        self.url = url
        self.budget = .requests(max(1, requests))
        self.concurrency = max(1, min(concurrency, max(1, requests)))
    }

    /// A probe that starts requests for `duration`, then waits for the ones in flight.
    package init(url: String, duration: Duration, concurrency: Int) {
        self.url = url
        self.budget = .duration(max(duration, .milliseconds(1)))
        self.concurrency = max(1, concurrency)
    }

    /// Runs the probe.
    /// - Parameter registered: addresses registered in the store (for `missing` / `unexpected`), or `nil`.
    /// - Throws: `ProbeError` when the URL is not `http://HOST[:PORT]/…`. Failed requests are not thrown: they are
    ///   counted in the report by kind.
    package func run(registered: [String]?) async throws -> ProbeReport {
        let registry: (@Sendable () async throws -> [String])? = registered.map { list in
            { @Sendable () async throws -> [String] in list }
        }
        return try await run(registry: registry)
    }

    /// Runs the probe, reading the registry once a second while it runs and once more at the end: `missing`,
    /// `unexpected` and `gone` are judged against the registry as it is when the run ends (a backend that joined
    /// during the run is not unexpected; one that left is gone), and the timeline shows what was registered each
    /// second. A registry read that fails is left out of the timeline (and, at the end, leaves the comparison out).
    /// - Parameter registry: reads the registered addresses; `nil` when no store was given.
    package func run(registry: (@Sendable () async throws -> [String])?) async throws -> ProbeReport {
        let target = try ProbeTarget(url: url)
        // An IP literal is connected to directly; a name is resolved per connect (happy eyeballs over A/AAAA).
        let address = try? SocketAddress(ipAddress: target.host, port: target.port)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let (budget, concurrency) = (self.budget, self.concurrency)
        let begin = ContinuousClock.now
        let watcher = registry.map { read in
            Task { () -> [Int: [String]] in
                var seen: [Int: [String]] = [:]
                var second = 0
                while !Task.isCancelled {
                    if let list = try? await read() { seen[second] = list }
                    second += 1
                    try? await Task.sleep(until: begin + .seconds(second), clock: .continuous)
                }
                return seen
            }
        }
        let (samples, details, retried, incidents) = try await loop.flatSubmit {
            let run = ProbeRun(
                loop: loop, target: target, address: address, budget: budget,
                timeout: .nanoseconds(max(1_000_000, nanoseconds)))
            return run.start(concurrency: concurrency).assumeIsolated().map {
                (run.samples, run.details, run.retried, (run.failures, run.retries))
            }.nonisolated()
        }.get()
        watcher?.cancel()
        let bySecond = await watcher?.value ?? [:]
        let final = try? await registry?()
        var report = ProbeTally.report(
            url: url, samples: samples, registered: final, registeredBySecond: bySecond, retried: retried)
        report.errorDetails = details
        (report.failures, report.retries) = incidents
        return report
    }
}

/// A probe that cannot run, in words.
package struct ProbeError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
