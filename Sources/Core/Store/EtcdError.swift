/// A failure talking to etcd, as a sentence naming the endpoint, the call and what etcd said.
public struct EtcdError: Error, Sendable, Hashable, CustomStringConvertible {
    public var endpoint: String
    public var call: String
    public var reason: String
    /// etcd's gRPC code when it sent one (5 = not found, 11 = compacted, 16 = unauthenticated).
    public var code: Int?

    /// - Parameter endpoint: the URL called; a `user:password@` in it is kept as `user:***@`.
    public init(endpoint: String, call: String, reason: String, code: Int? = nil) {
        self.endpoint = StoreURLError.redacted(endpoint)
        self.call = call
        self.reason = reason
        self.code = code
    }

    public var description: String { "etcd \(endpoint) \(call): \(reason)" }
}

/// A lease that has already expired (or was revoked) when it was renewed.
public struct EtcdLeaseExpired: Error, Sendable, Hashable, CustomStringConvertible {
    public var lease: LeaseID
    public var description: String { "lease \(lease) has expired; its keys are gone and it must be granted again" }
}
