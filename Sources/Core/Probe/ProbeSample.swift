/// The result of one probe request.
public struct ProbeSample: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// An answer: its status and `X-Handler` header (`nil` when missing).
        case answered(status: Int, handler: String?)
        /// No answer; `kind` is one of `ProbeErrorKind`'s words (`connect refused`, `timeout`, ...).
        case failed(kind: String)
    }

    public var outcome: Outcome
    public var milliseconds: Double
    /// The second of the run (0 = the first) in which the request ended, for the timeline.
    public var second: Int

    public init(_ outcome: Outcome, milliseconds: Double, second: Int = 0) {
        self.outcome = outcome
        self.milliseconds = milliseconds
        self.second = second
    }
}

/// One second of a probe run: who answered, what failed, and (when a store was given) what was registered then.
public struct ProbeSecond: Sendable, Hashable, Codable {
    /// 0 for the first second of the run.
    public var second: Int
    /// Answers per address (the last address of `X-Handler`).
    public var answers: [String: Int]
    /// Failed requests per kind.
    public var errors: [String: Int]
    /// The registered addresses as read during that second; `nil` when no store was given or it was not read.
    public var registered: [String]?

    public init(second: Int, answers: [String: Int] = [:], errors: [String: Int] = [:], registered: [String]? = nil) {
        self.second = second
        self.answers = answers
        self.errors = errors
        self.registered = registered
    }
}
