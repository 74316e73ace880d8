import Core
import Foundation

/// The event log overlay (`e`): what the engine saw and did, newest first, filterable with `/`.
package struct EventLogPane: Sendable, Hashable {
    /// Only entries whose text contains this (case-insensitive) are listed.
    package var filter: String = ""
    /// True while `/` is taking the filter's text.
    package var editingFilter = false
    package var scroll: Int = 0

    package init(filter: String = "", editingFilter: Bool = false, scroll: Int = 0) {
        self.filter = filter
        self.editingFilter = editingFilter
        self.scroll = scroll
    }

    /// One event as the overlay lists it: its line, and the command output under an apply.
    package struct Entry: Sendable, Hashable {
        package var time: Date
        package var text: String
        package var role: Role
        /// The check/reload output of an apply, one line each.
        package var output: [String]
    }

    /// The entries of `events` (oldest first, as the snapshot keeps them), newest first, after the filter. Progress
    /// events (an apply starting, a batch of watch changes) are left out: their outcome has its own entry.
    package func entries(_ events: [EngineEventRecord]) -> [Entry] {
        var entries: [Entry] = []
        for record in events.reversed() {
            guard let entry = Self.entry(record) else { continue }
            if !filter.isEmpty {
                let haystack = ([entry.text] + entry.output).joined(separator: "\n")
                guard haystack.localizedCaseInsensitiveContains(filter) else { continue }
            }
            entries.append(entry)
        }
        return entries
    }

    static func entry(_ record: EngineEventRecord) -> Entry? {
        let event = record.event
        switch event {
        case .applyStarted, .storeChanges:
            return nil
        case .applied(let apply, _):
            let role: Role
            switch apply.result {
            case .applied: role = .ok
            case .unchanged, .wouldChange: role = .normal
            default: role = .bad
            }
            let lines = apply.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            return Entry(time: record.time, text: event.summary, role: role, output: lines)
        case .storeConnection(let state):
            return Entry(time: record.time, text: event.summary, role: state == .connected ? .ok : .bad, output: [])
        case .rejected:
            return Entry(time: record.time, text: event.summary, role: .warn, output: [])
        case .backendRemoved:
            return Entry(time: record.time, text: event.summary, role: .warn, output: [])
        case .storeResync, .changeCoalesced:
            return Entry(time: record.time, text: event.summary, role: .dim, output: [])
        case .backendAdded:
            return Entry(time: record.time, text: event.summary, role: .normal, output: [])
        }
    }
}
