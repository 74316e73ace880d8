/// The console's four panels, in focus order (`1`–`4`, `tab`).
package enum Panel: Int, Sendable, Hashable, CaseIterable {
    case backends = 1
    case upstream = 2
    case reloads = 3
    case probe = 4

    /// The title shown on the panel's border.
    package var title: String {
        switch self {
        case .backends: return "Backends"
        case .upstream: return "Upstream"
        case .reloads: return "Reloads"
        case .probe: return "Probe"
        }
    }

    /// The next panel in focus order, wrapping around.
    package var next: Panel { Panel(rawValue: rawValue % 4 + 1)! }
    /// The previous panel in focus order, wrapping around.
    package var previous: Panel { Panel(rawValue: (rawValue + 2) % 4 + 1)! }
}
