import Foundation
import GoText

/// A registered backend as the console shows it.
package struct BackendEntry: Sendable, Hashable {
    /// Full store key, e.g. `/test/apache-8001`, as bytes (shown escaped: `description`).
    package var key: GoString
    /// The value, normally `host:port`, as bytes.
    package var address: GoString
    /// Seconds left on the key's lease; `nil` when it has none or the store cannot tell.
    package var ttlRemaining: Int?
    /// Whether the value is a valid `host:port` (values that are not never reach a guarded config).
    package var isValidAddress: Bool

    package init(key: GoString, address: GoString, ttlRemaining: Int? = nil, isValidAddress: Bool = true) {
        self.key = key
        self.address = address
        self.ttlRemaining = ttlRemaining
        self.isValidAddress = isValidAddress
    }
}

/// The state of one template resource.
package struct ResourceStatus: Sendable, Hashable {
    /// The toml file relative to `conf.d`.
    package var name: String
    package var dest: String
    /// The last successful render, or `nil` before the first one.
    package var lastRender: String?
    /// The render before that, for marking changed lines.
    package var previousRender: String?

    package init(name: String, dest: String, lastRender: String? = nil, previousRender: String? = nil) {
        self.name = name
        self.dest = dest
        self.lastRender = lastRender
        self.previousRender = previousRender
    }
}

/// Everything a face (console, headless log) shows, as values. Published newest-wins.
package struct EngineSnapshot: Sendable, Hashable {
    package var store: String
    package var connection: StoreConnectionState
    package var revision: Int64
    /// Keys under the backend prefix (the demo's `/test/`), sorted by key.
    package var backends: [BackendEntry]
    package var resources: [ResourceStatus]
    /// Newest last, bounded.
    package var history: [ApplyRecord]
    /// What happened, newest last, bounded: the console's event log.
    package var events: [EngineEventRecord]
    package var probe: ProbeReport?
    /// The most recent error in words, for the status line.
    package var lastError: String?
    /// How many keys the engine mirrors from the store (every watched prefix).
    package var mirroredKeys: Int = 0

    package init(
        store: String, connection: StoreConnectionState = .connecting, revision: Int64 = 0,
        backends: [BackendEntry] = [], resources: [ResourceStatus] = [], history: [ApplyRecord] = [],
        events: [EngineEventRecord] = [], probe: ProbeReport? = nil, lastError: String? = nil
    ) {
        self.store = store
        self.connection = connection
        self.revision = revision
        self.backends = backends
        self.resources = resources
        self.history = history
        self.events = events
        self.probe = probe
        self.lastError = lastError
    }
}

/// A change to the registered backends, as the console asks for it.
package enum BackendChange: Sendable, Hashable {
    case add(key: String, address: String)
    /// The key's exact bytes, as the snapshot listed it.
    case remove(key: GoString)
}

/// What the console asks the engine to do. The console never writes a file or talks to a store itself.
package enum EngineEffect: Sendable, Hashable {
    case change(BackendChange)
    /// Removes the backend, then waits until no engine routes to it (`AppliedBarrier`), bounded by the drain timeout.
    case drain(key: GoString)
    case renderNow
    case probeNow
}

/// The result of a preview: the config a change would produce, as a diff against the live one.
package struct PreviewResult: Sendable, Hashable {
    package var resource: String
    /// A unified diff (`---`/`+++`/`@@`/`+`/`-`/` ` lines); empty when nothing would change.
    package var diff: String
    /// Why the preview could not be made, in words.
    package var error: String?

    package init(resource: String, diff: String, error: String? = nil) {
        self.resource = resource
        self.diff = diff
        self.error = error
    }
}

/// The engine as a face sees it: snapshots out, effects in.
package protocol EngineControl: Sendable {
    /// Snapshots, newest wins; the first one is delivered at once.
    func snapshots() -> AsyncStream<EngineSnapshot>
    /// Carries out `effect`; returns an error in words when it failed.
    func perform(_ effect: EngineEffect) async -> String?
    /// Renders against the store as it would be after `change`, and diffs with the live file. Never writes.
    func preview(_ change: BackendChange) async -> [PreviewResult]
}
