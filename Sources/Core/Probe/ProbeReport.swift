import Foundation

/// Latency percentiles of a probe run, in milliseconds.
package struct LatencySummary: Sendable, Hashable, Codable {
    package var p50: Double
    package var p90: Double
    package var p99: Double
    package var max: Double

    package init(p50: Double, p90: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// What `switchboard probe` found: where nginx really sent the traffic.
package struct ProbeReport: Sendable, Hashable {
    package var url: String
    package var time: Date
    package var requests: Int
    package var errors: Int
    /// `X-Handler` value to the number of answers that carried it.
    package let handlers: [String: Int]
    /// Answers per address, each `X-Handler` value counted for its last address: tallied once with `handlers` so
    /// that asking for every backend of a big fleet does not re-read every handler per backend.
    package let answersByAddress: [String: Int]
    package var latency: LatencySummary
    /// Error kind (`connect refused`, `reset before response`, `timeout`, `status 502`, ...) to count.
    package var errorsByKind: [String: Int]
    /// Registered addresses that never answered; empty when no store was given.
    package var missing: [String]
    /// Addresses that answered but were never registered during the run; empty when no store was given.
    package var unexpected: [String]
    /// Addresses that answered and were registered during the run, but are not registered at its end (they left).
    package var gone: [String] = []
    /// Requests sent a second time because their reused keep-alive connection closed before any byte of the answer
    /// arrived (what every HTTP client does for an idempotent request); each is also counted once in `requests`.
    package var retried: Int = 0
    /// The first hundred failed requests, and the first hundred retried ones, each with its connection's facts.
    package var failures: [ProbeIncident] = []
    package var retries: [ProbeIncident] = []
    /// Answers and errors per second of the run.
    package var timeline: [ProbeSecond] = []
    /// The first error of each kind in words (`127.0.0.1:8080: connection refused`), for people; not in the JSON.
    package var errorDetails: [String: String]

    package init(
        url: String, time: Date, requests: Int, errors: Int, handlers: [String: Int], latency: LatencySummary,
        errorsByKind: [String: Int], missing: [String], unexpected: [String], errorDetails: [String: String] = [:]
    ) {
        self.url = url
        self.time = time
        self.requests = requests
        self.errors = errors
        self.handlers = handlers
        answersByAddress = Self.answersByAddress(handlers)
        self.latency = latency
        self.errorsByKind = errorsByKind
        self.missing = missing
        self.unexpected = unexpected
        self.errorDetails = errorDetails
    }

    /// How many successful answers `address` gave: those whose `X-Handler` names it last (`a, b` means nginx
    /// tried `a`, which failed, and `b` answered).
    package func answers(from address: String) -> Int {
        answersByAddress[address, default: 0]
    }

    private static func answersByAddress(_ handlers: [String: Int]) -> [String: Int] {
        var answers: [String: Int] = [:]
        for (handler, count) in handlers {
            guard let last = ProbeTally.addresses(in: handler).last else { continue }
            answers[last, default: 0] += count
        }
        return answers
    }

    /// Share of successful answers that `address` gave, 0...1.
    package func share(of address: String) -> Double {
        let answered = handlers.values.reduce(0, +)
        guard answered > 0 else { return 0 }
        return Double(answers(from: address)) / Double(answered)
    }
}
