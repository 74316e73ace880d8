import EtcdAPI
import GRPCCore

extension EtcdStore {
    /// How long one call may take, by default, before the member counts as unreachable.
    package static let defaultCallTimeout = Duration.seconds(5)

    /// Options for one unary call: a deadline, and room for big range pages.
    var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = callTimeout
        options.maxRequestMessageBytes = 256 << 20
        options.maxResponseMessageBytes = 256 << 20
        return options
    }

    /// Runs `body` against the preferred member, moving on to the next one while members cannot be reached; an
    /// answer from etcd (even an error) ends the search, since another member would say the same. An expired or
    /// invalid auth token is replaced and the call tried once more.
    func call<Result: Sendable>(
        _ name: String, _ body: (EtcdMember, Metadata, CallOptions) async throws -> Result
    ) async throws -> Result {
        guard !endpoints.isEmpty else {
            throw EtcdError(endpoint: "-", call: name, reason: "no endpoints configured", kind: .unreachable)
        }
        var lastError: EtcdError? = nil
        for endpoint in await session.ordered(endpoints) {
            do {
                let member = try members.member(endpoint)
                let result = try await authenticated(member, call: name) { metadata in
                    try await body(member, metadata, callOptions)
                }
                await session.prefer(endpoint)
                return result
            } catch let error as EtcdError where error.kind == .unreachable {
                lastError = error
                await session.demote(endpoint, of: endpoints)
            }
        }
        throw lastError!
    }

    /// Runs `body` with the auth token as metadata (none without a user), authenticating first when there is no
    /// token yet, and once more when etcd says the token expired or is invalid. Every failure is an `EtcdError`.
    func authenticated<Result: Sendable>(
        _ member: EtcdMember, call name: String, _ body: (Metadata) async throws -> Result
    ) async throws -> Result {
        var retried = false
        while true {
            let metadata = try await metadata(member)
            do {
                return try await body(metadata)
            } catch let error as EtcdError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                let failure = Self.failure(
                    error, endpoint: member.endpoint, call: name, tls: tls != nil, timeout: callTimeout)
                if failure.kind == .unauthenticated, user != nil, !retried {
                    retried = true
                    await session.setToken(nil)
                    continue
                }
                throw failure
            }
        }
    }

    /// The metadata every call carries: the auth token when the store has a user.
    func metadata(_ member: EtcdMember) async throws -> Metadata {
        var metadata = Metadata()
        guard let user, let password else { return metadata }
        if let token = await session.token {
            metadata.addString(token, forKey: "token")
            return metadata
        }
        var request = EtcdPB_AuthenticateRequest()
        request.name = user
        request.password = password
        let answer: EtcdPB_AuthenticateResponse
        do {
            var options = callOptions
            options.maxResponseMessageBytes = 1 << 20
            answer = try await member.auth.authenticate(request, options: options)
        } catch {
            var failure = Self.failure(
                error, endpoint: member.endpoint, call: "authenticate", tls: tls != nil, timeout: callTimeout)
            if failure.kind != .unreachable {
                failure.kind = .authenticationFailed
                failure.reason = "authentication failed for user \(user) (\(failure.reason))"
            }
            throw failure
        }
        guard !answer.token.isEmpty else {
            throw EtcdError(
                endpoint: member.endpoint, call: "authenticate",
                reason: "etcd returned no token for user \(user) (is auth enabled?)", kind: .authenticationFailed)
        }
        await session.setToken(answer.token)
        metadata.addString(answer.token, forKey: "token")
        return metadata
    }

    /// An `EtcdError` for a call that failed, with a kind to act on and a sentence for people.
    static func failure(
        _ error: Error, endpoint: String, call: String, tls: Bool, timeout: Duration = defaultCallTimeout
    ) -> EtcdError {
        guard let rpc = error as? RPCError else {
            return EtcdError(
                endpoint: endpoint, call: call, reason: explain(error, tls: tls, timeout: timeout), kind: .unreachable)
        }
        let said = rpc.message.isEmpty ? "\(rpc.code)" : rpc.message
        switch rpc.code {
        case .unavailable, .deadlineExceeded, .cancelled:
            return EtcdError(
                endpoint: endpoint, call: call, reason: explain(rpc, tls: tls, timeout: timeout), kind: .unreachable)
        case .notFound:
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .notFound)
        case .outOfRange:
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .compacted)
        case .unauthenticated:
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .unauthenticated)
        case .permissionDenied:
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .permissionDenied)
        case .invalidArgument where said.contains("authentication failed"):
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .authenticationFailed)
        default:
            return EtcdError(endpoint: endpoint, call: call, reason: said, kind: .refused)
        }
    }
}

/// Which endpoint to use first, and the auth token, shared by every call of one store.
actor EtcdSession {
    private(set) var token: String?
    private var first: String?

    func setToken(_ token: String?) { self.token = token }
    func prefer(_ endpoint: String) { first = endpoint }

    func ordered(_ endpoints: [String]) -> [String] {
        guard let first, let index = endpoints.firstIndex(of: first) else { return endpoints }
        return Array(endpoints[index...] + endpoints[..<index])
    }

    func preferred(of endpoints: [String]) -> String { ordered(endpoints).first ?? "" }

    /// Moves past `endpoint` after it failed.
    func demote(_ endpoint: String, of endpoints: [String]) {
        guard let index = endpoints.firstIndex(of: endpoint), endpoints.count > 1 else { return }
        first = endpoints[(index + 1) % endpoints.count]
    }
}
