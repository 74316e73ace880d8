import Foundation

/// Something the engine saw or did, in the order it happened.
///
/// One vocabulary for everything that watches the engine from outside: the console's event log, the metrics, the
/// systemd status line and the logs all read these, so none of them reaches into the engine's state.
package enum EngineEvent: Sendable, Hashable {
    /// The store connection changed state (connected, lost, connecting again).
    case storeConnection(StoreConnectionState)
    /// Changes read from the store's watch and applied to the mirror, up to `revision`.
    case storeChanges(count: Int, revision: Int64)
    /// The store could not deliver increments (a compacted revision, a rewritten file): the mirror was replaced.
    case storeResync(revision: Int64)
    /// A change reached a resource that already had an apply waiting or running: it joins that apply instead of
    /// starting its own.
    case changeCoalesced(resource: String)
    /// An apply started on a resource.
    case applyStarted(resource: String, trigger: ApplyTrigger)
    /// An apply finished; the record carries its result, durations, diff size and command output.
    case applied(ApplyRecord, renderedBytes: Int)
    /// A key was left out of a resource's render because its value failed the resource's value check.
    case rejected(resource: String, key: String, value: String)
    /// A key appeared under the backend prefix (a registration, or an operator's add).
    case backendAdded(key: String, address: String)
    /// A key under the backend prefix went away (a deregistration, an expired lease, an operator's remove).
    case backendRemoved(key: String)

    /// A one-line description for people (the console's event log, text logs).
    package var summary: String {
        switch self {
        case .storeConnection(let state): return "store \(state)"
        case .storeChanges(let count, let revision): return "\(count) change(s) up to revision \(revision)"
        case .storeResync(let revision): return "store resynchronised at revision \(revision)"
        case .changeCoalesced(let resource): return "\(resource): change joined the pending apply"
        case .applyStarted(let resource, let trigger): return "\(resource): apply started (\(trigger))"
        case .applied(let record, _):
            let detail = record.error.map { ": \($0)" } ?? ""
            return "\(record.resource): \(record.result) (\(record.trigger))\(detail)"
        case .rejected(let resource, let key, let value):
            return "\(resource): left out \(key): value \(String(reflecting: value)) is not host:port"
        case .backendAdded(let key, let address): return "backend \(key) = \(address) registered"
        case .backendRemoved(let key): return "backend \(key) gone"
        }
    }
}

/// An event with the time it happened.
package struct EngineEventRecord: Sendable, Hashable {
    package var time: Date
    package var event: EngineEvent

    package init(time: Date, event: EngineEvent) {
        self.time = time
        self.event = event
    }
}
