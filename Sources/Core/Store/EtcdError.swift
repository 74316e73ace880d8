/// A failure talking to etcd, as a sentence naming the endpoint, the call and what etcd said.
package struct EtcdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was, for code that decides what to do next.
    package enum Kind: Sendable, Hashable {
        /// No answer: the member is down, refused the connection or the TLS handshake, or did not answer in time.
        /// Another member may do better.
        case unreachable
        /// The lease (or another named thing) does not exist.
        case notFound
        /// The revision asked for has been compacted away.
        case compacted
        /// The auth token is missing, expired or invalid: authenticate again.
        case unauthenticated
        /// etcd refused the user name and password.
        case authenticationFailed
        /// The user may not do this.
        case permissionDenied
        /// etcd answered with another error.
        case refused
    }

    package var endpoint: String
    package var call: String
    package var reason: String
    package var kind: Kind

    /// - Parameter endpoint: the URL called; a `user:password@` in it is kept as `user:***@`.
    package init(endpoint: String, call: String, reason: String, kind: Kind = .refused) {
        self.endpoint = StoreURLError.redacted(endpoint)
        self.call = call
        self.reason = reason
        self.kind = kind
    }

    package var description: String { "etcd \(endpoint) \(call): \(reason)" }
}

/// A lease that has already expired (or was revoked) when it was renewed.
package struct EtcdLeaseExpired: Error, Sendable, Hashable, CustomStringConvertible {
    package var lease: LeaseID
    package var description: String { "lease \(lease) has expired; its keys are gone and it must be granted again" }
}
