/// The result of one probe request.
package struct ProbeSample: Sendable, Hashable {
    package enum Outcome: Sendable, Hashable {
        /// An answer: its status and `X-Handler` header (`nil` when missing).
        case answered(status: Int, handler: String?)
        /// No answer; `kind` is one of `ProbeErrorKind`'s words (`connect refused`, `timeout`, ...).
        case failed(kind: String)
    }

    package var outcome: Outcome
    package var milliseconds: Double
    /// The second of the run (0 = the first) in which the request ended, for the timeline.
    package var second: Int

    package init(_ outcome: Outcome, milliseconds: Double, second: Int = 0) {
        self.outcome = outcome
        self.milliseconds = milliseconds
        self.second = second
    }
}

/// One second of a probe run: who answered, what failed, and (when a store was given) what was registered then.
package struct ProbeSecond: Sendable, Hashable, Codable {
    /// 0 for the first second of the run.
    package var second: Int
    /// Answers per address (the last address of `X-Handler`).
    package var answers: [String: Int]
    /// Failed requests per kind.
    package var errors: [String: Int]
    /// The registered addresses as read during that second; `nil` when no store was given or it was not read.
    package var registered: [String]?

    package init(second: Int, answers: [String: Int] = [:], errors: [String: Int] = [:], registered: [String]? = nil) {
        self.second = second
        self.answers = answers
        self.errors = errors
        self.registered = registered
    }
}

/// One request that failed or was sent again, with what the probe knew of its connection: enough to find it in a
/// packet capture (`local_port`) or nginx's log, and to tell a fresh connection (`request_on_connection` 1) from a
/// reused one.
package struct ProbeIncident: Sendable, Hashable, Codable {
    /// When it happened, in milliseconds since the run began.
    package var milliseconds: Double
    /// The failure's kind (`reset before response`, ...); for a retry, the kind the first attempt failed with.
    package var kind: String
    /// Requests sent on the connection, this one included: 1 is the first request of a fresh connection.
    package var requestOnConnection: Int
    /// Whether the request was already a second attempt.
    package var secondAttempt: Bool
    /// The probe's end of the connection; `nil` when it never connected.
    package var localPort: Int?
    /// What happened, in words.
    package var detail: String

    package init(
        milliseconds: Double, kind: String, requestOnConnection: Int, secondAttempt: Bool, localPort: Int?,
        detail: String
    ) {
        self.milliseconds = milliseconds
        self.kind = kind
        self.requestOnConnection = requestOnConnection
        self.secondAttempt = secondAttempt
        self.localPort = localPort
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case milliseconds = "at_ms"
        case kind
        case requestOnConnection = "request_on_connection"
        case secondAttempt = "second_attempt"
        case localPort = "local_port"
        case detail
    }
}
