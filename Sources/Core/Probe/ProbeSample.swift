/// The result of one probe request.
public struct ProbeSample: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// An answer: its status and `X-Handler` header (`nil` when missing).
        case answered(status: Int, handler: String?)
        /// No answer; `kind` is `connect`, `timeout` or another short word.
        case failed(kind: String)
    }

    public var outcome: Outcome
    public var milliseconds: Double

    public init(_ outcome: Outcome, milliseconds: Double) {
        self.outcome = outcome
        self.milliseconds = milliseconds
    }
}
