/// How the Backends panel orders its rows; `s` cycles through them.
public enum BackendSort: Int, Sendable, Hashable, CaseIterable {
    case key, address, ttl, health

    /// The column name shown in the panel title.
    public var label: String {
        switch self {
        case .key: return "key"
        case .address: return "address"
        case .ttl: return "ttl"
        case .health: return "health"
        }
    }

    /// The next order in the cycle.
    public var next: BackendSort { BackendSort(rawValue: (rawValue + 1) % BackendSort.allCases.count)! }
}
