import Core
import GoText

/// A user-level action; keys map to these. `isMutation` is the one place `--readonly` is decided.
package enum ConsoleAction: Sendable, Hashable {
    case openAddForm
    case submitAdd(key: String, address: String)
    case askRemove(key: GoString)
    case confirmRemove(key: GoString)
    case renderNow
    case probeNow
    case preview(BackendChange, returnForm: AddForm?)
    case quit

    /// True for everything that changes the store, a config file or nginx.
    package var isMutation: Bool {
        switch self {
        case .openAddForm, .submitAdd, .askRemove, .confirmRemove, .renderNow: return true
        case .probeNow, .preview, .quit: return false
        }
    }

    /// How the footer names the action when read-only refuses it.
    package var name: String {
        switch self {
        case .openAddForm, .submitAdd: return "adding a backend"
        case .askRemove, .confirmRemove: return "removing a backend"
        case .renderNow: return "rendering now"
        case .probeNow: return "probing"
        case .preview: return "previewing"
        case .quit: return "quitting"
        }
    }
}
