import Foundation
import GoText

/// One key and its value, as a store holds it.
package struct KeyValue: Sendable, Hashable {
    package var key: GoString
    package var value: GoString
    /// The lease the key is attached to, when the store supports leases.
    package var lease: LeaseID?
    /// Seconds left on that lease when it was read; `nil` when the key has no lease.
    package var ttlRemaining: Int?

    package init(key: GoString, value: GoString, lease: LeaseID? = nil, ttlRemaining: Int? = nil) {
        self.key = key
        self.value = value
        self.lease = lease
        self.ttlRemaining = ttlRemaining
    }
}

/// A lease identifier. etcd hands out 64-bit ids; the file store makes its own.
package struct LeaseID: Sendable, Hashable, CustomStringConvertible {
    package var rawValue: Int64
    package init(_ rawValue: Int64) { self.rawValue = rawValue }
    package var description: String { String(rawValue) }
}

/// Every key under the requested prefixes at one revision.
package struct StoreSnapshot: Sendable, Equatable {
    /// Key to value, as bytes. Keys are full store keys (`/test/apache-8001`); keys that differ only in Unicode
    /// normalization are distinct, as they are to the store.
    package var pairs: [GoString: GoString]
    /// The store revision this snapshot was read at. Stores without revisions count their own.
    package var revision: Int64

    package init(pairs: [GoString: GoString], revision: Int64) {
        self.pairs = pairs
        self.revision = revision
    }
}

/// One change to one key.
package enum StoreEvent: Sendable, Hashable {
    case put(key: GoString, value: GoString)
    case delete(key: GoString)

    /// The key this event is about.
    package var key: GoString {
        switch self {
        case .put(let key, _), .delete(let key): return key
        }
    }
}

/// Whether the engine can currently read the store.
package enum StoreConnectionState: Sendable, Hashable, CustomStringConvertible {
    case connecting
    case connected
    /// The store cannot be reached; the reason is a sentence for operators.
    case unreachable(String)

    package var description: String {
        switch self {
        case .connecting: return "connecting"
        case .connected: return "connected"
        case .unreachable(let reason): return "unreachable: \(reason)"
        }
    }
}

/// What a store's change stream delivers.
package enum StoreUpdate: Sendable {
    /// Events in revision order, ending at `revision` (inclusive).
    case events([StoreEvent], revision: Int64)
    /// Increments could not be delivered (a compacted revision, a rewritten file): the whole state.
    case resync(StoreSnapshot)
    /// The connection to the store changed state. The live config is never touched because of this.
    case connection(StoreConnectionState)
}

/// A source of keys: the file store, the environment, or etcd.
///
/// Keys under a prefix are matched as plain strings, as confd does (`/app/web` also pulls in
/// `/app/webhook`).
package protocol KeyValueStore: Sendable {
    /// A short description for logs and the console, e.g. `file:/srv/store.yaml` or `etcd://127.0.0.1:2379`.
    /// Never contains a password.
    var displayName: String { get }

    /// Every key that starts with one of `prefixes`, read at one revision.
    func snapshot(prefixes: [String]) async throws -> StoreSnapshot

    /// Changes after `revision` under `prefixes`, in order, until the consuming task is cancelled.
    ///
    /// Transient failures are retried by the store and reported as `.connection` updates; the stream
    /// throws only when it can never deliver again (a bad configuration, for instance).
    func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error>
}

/// A store that can also be written: the file store and etcd.
package protocol WritableKeyValueStore: KeyValueStore {
    /// Sets `key` to `value`, attached to `lease` when given.
    func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws
    /// Removes `key`. Removing a missing key is not an error.
    func delete(_ key: GoString) async throws
    /// Every key under `prefix` with its lease and the seconds left on it, in byte order of the keys.
    func list(prefix: String) async throws -> [KeyValue]
    /// A new lease that expires `ttl` seconds from now unless kept alive.
    func grantLease(ttl: Int) async throws -> LeaseID
    /// Renews `lease`; returns the TTL it now has. Throws when the lease has already expired.
    func keepAlive(_ lease: LeaseID) async throws -> Int
    /// Ends `lease` now, deleting its keys.
    func revoke(_ lease: LeaseID) async throws
}
