/// What a template sees of the store: one resource's keys (already prefix-stripped and filtered by the
/// engine), sorted by key in byte order so that `gets`, `ls` and `lsdir` need no sorting per call.
public struct StoreView: Sendable {
    /// Keys in byte order, each with its value.
    public let pairs: [(key: String, value: String)]
    private let index: [String: String]

    /// - Parameter pairs: key to value; keys are taken as they are (confd does not normalise them).
    public init(_ pairs: [String: String]) {
        self.index = pairs
        self.pairs = pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    /// The value at exactly `key`, or `nil`.
    public func value(for key: String) -> String? { index[key] }

    public var count: Int { pairs.count }
}
