import Core

/// A backend's health as the console shows it: from its address and the last probe.
package enum BackendHealth: Int, Sendable, Hashable, Comparable {
    /// The value is not a `host:port`; guarded templates leave it out.
    case invalidAddress = 0
    /// The last probe saw no answer from it.
    case missing = 1
    /// No probe has run yet.
    case unprobed = 2
    /// The last probe saw it answer.
    case answering = 3

    package init(entry: BackendEntry, probe: ProbeReport?) {
        if !entry.isValidAddress {
            self = .invalidAddress
        } else if let probe {
            self = probe.answers(from: entry.address.description) == 0 ? .missing : .answering
        } else {
            self = .unprobed
        }
    }

    package static func < (lhs: BackendHealth, rhs: BackendHealth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The word shown next to the symbol, so that state never depends on colour.
    package var word: String {
        switch self {
        case .invalidAddress: return "invalid"
        case .missing: return "missing"
        case .unprobed: return "unprobed"
        case .answering: return "ok"
        }
    }
}
