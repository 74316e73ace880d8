import Foundation
import GoText

/// A registered backend as the console shows it.
public struct BackendEntry: Sendable, Hashable {
    /// Full store key, e.g. `/test/apache-8001`, as bytes (shown escaped: `description`).
    public var key: GoString
    /// The value, normally `host:port`, as bytes.
    public var address: GoString
    /// Seconds left on the key's lease; `nil` when it has none or the store cannot tell.
    public var ttlRemaining: Int?
    /// Whether the value is a valid `host:port` (values that are not never reach a guarded config).
    public var isValidAddress: Bool

    public init(key: GoString, address: GoString, ttlRemaining: Int? = nil, isValidAddress: Bool = true) {
        self.key = key
        self.address = address
        self.ttlRemaining = ttlRemaining
        self.isValidAddress = isValidAddress
    }
}

/// The state of one template resource.
public struct ResourceStatus: Sendable, Hashable {
    /// The toml file relative to `conf.d`.
    public var name: String
    public var dest: String
    /// The last successful render, or `nil` before the first one.
    public var lastRender: String?
    /// The render before that, for marking changed lines.
    public var previousRender: String?

    public init(name: String, dest: String, lastRender: String? = nil, previousRender: String? = nil) {
        self.name = name
        self.dest = dest
        self.lastRender = lastRender
        self.previousRender = previousRender
    }
}

/// Everything a face (console, headless log) shows, as values. Published newest-wins.
public struct EngineSnapshot: Sendable, Hashable {
    public var store: String
    public var connection: StoreConnectionState
    public var revision: Int64
    /// Keys under the backend prefix (the demo's `/test/`), sorted by key.
    public var backends: [BackendEntry]
    public var resources: [ResourceStatus]
    /// Newest last, bounded.
    public var history: [ApplyRecord]
    /// What happened, newest last, bounded: the console's event log.
    public var events: [EngineEventRecord]
    public var probe: ProbeReport?
    /// The most recent error in words, for the status line.
    public var lastError: String?
    /// How many keys the engine mirrors from the store (every watched prefix).
    public var mirroredKeys: Int = 0

    public init(
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
public enum BackendChange: Sendable, Hashable {
    case add(key: String, address: String)
    /// The key's exact bytes, as the snapshot listed it.
    case remove(key: GoString)
}

/// What the console asks the engine to do. The console never writes a file or talks to a store itself.
public enum EngineEffect: Sendable, Hashable {
    case change(BackendChange)
    /// Removes the backend, then waits until no engine routes to it (`AppliedBarrier`), bounded by the drain timeout.
    case drain(key: GoString)
    case renderNow
    case probeNow
}

/// The result of a preview: the config a change would produce, as a diff against the live one.
public struct PreviewResult: Sendable, Hashable {
    public var resource: String
    /// A unified diff (`---`/`+++`/`@@`/`+`/`-`/` ` lines); empty when nothing would change.
    public var diff: String
    /// Why the preview could not be made, in words.
    public var error: String?

    public init(resource: String, diff: String, error: String? = nil) {
        self.resource = resource
        self.diff = diff
        self.error = error
    }
}

/// The engine as a face sees it: snapshots out, effects in.
public protocol EngineControl: Sendable {
    /// Snapshots, newest wins; the first one is delivered at once.
    func snapshots() -> AsyncStream<EngineSnapshot>
    /// Carries out `effect`; returns an error in words when it failed.
    func perform(_ effect: EngineEffect) async -> String?
    /// Renders against the store as it would be after `change`, and diffs with the live file. Never writes.
    func preview(_ change: BackendChange) async -> [PreviewResult]
}
