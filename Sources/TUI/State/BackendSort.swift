/// How the Backends panel orders its rows; `s` cycles through them.
package enum BackendSort: Int, Sendable, Hashable, CaseIterable {
    case key, address, ttl, health

    /// The column name shown in the panel title.
    package var label: String {
        switch self {
        case .key: return "key"
        case .address: return "address"
        case .ttl: return "ttl"
        case .health: return "health"
        }
    }

    /// The next order in the cycle.
    package var next: BackendSort { BackendSort(rawValue: (rawValue + 1) % BackendSort.allCases.count)! }
}
