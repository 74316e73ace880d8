/// Keeps one key registered under a lease: grants a lease of `ttl` seconds, writes `key = value` with it, renews it
/// every `ttl / 3` seconds (re-registering when the lease was lost), and revokes it when the task is cancelled.
/// If the process dies, the lease expires by itself.
public struct LeaseKeeper: Sendable {
    public var store: any WritableKeyValueStore
    public var key: String
    public var value: String
    public var ttl: Int

    public init(store: any WritableKeyValueStore, key: String, value: String, ttl: Int) {
        self.store = store
        self.key = key
        self.value = value
        self.ttl = max(1, ttl)
    }

    /// Registers once; returns the lease (so callers can report failures before going to the background).
    public func register() async throws -> LeaseID {
        let lease = try await store.grantLease(ttl: ttl)
        try await store.put(key, value, lease: lease)
        return lease
    }

    /// Keeps `lease` alive until cancelled, then revokes it (deleting the key).
    public func keepAlive(_ first: LeaseID) async {
        var lease = first
        let period = Duration.milliseconds(max(300, ttl * 1000 / 3))
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { break }
            do {
                _ = try await store.keepAlive(lease)
            } catch {
                if let renewed = try? await register() { lease = renewed }
            }
        }
        try? await store.revoke(lease)
    }
}
