import EtcdAPI
import GRPCCore

extension EtcdStore {
    public func grantLease(ttl: Int) async throws -> LeaseID {
        var request = EtcdPB_LeaseGrantRequest()
        request.ttl = Int64(ttl)
        let answer = try await call("lease grant") { member, metadata, options in
            try await member.lease.leaseGrant(request, metadata: metadata, options: options)
        }
        guard answer.id != 0, answer.error.isEmpty else {
            let reason = answer.error.isEmpty ? "etcd returned no lease id" : answer.error
            throw EtcdError(endpoint: endpoints.first ?? "", call: "lease grant", reason: reason)
        }
        return LeaseID(answer.id)
    }

    /// Renews `lease` over etcd's keep-alive stream: one request, one answer.
    public func keepAlive(_ lease: LeaseID) async throws -> Int {
        let request = EtcdPB_LeaseKeepAliveRequest.with { $0.id = lease.rawValue }
        let ttl = try await call("lease keep-alive") { member, metadata, options in
            try await member.lease.leaseKeepAlive(
                metadata: metadata, options: options,
                requestProducer: { writer in try await writer.write(request) },
                onResponse: { response in
                    for try await answer in response.messages { return answer.ttl }
                    throw RPCError(code: .unavailable, message: "the keep-alive stream ended without an answer")
                })
        }
        guard ttl > 0 else { throw EtcdLeaseExpired(lease: lease) }
        return Int(ttl)
    }

    public func revoke(_ lease: LeaseID) async throws {
        var request = EtcdPB_LeaseRevokeRequest()
        request.id = lease.rawValue
        do {
            _ = try await call("lease revoke") { member, metadata, options in
                try await member.lease.leaseRevoke(request, metadata: metadata, options: options)
            }
        } catch let error as EtcdError where error.kind == .notFound {
            return  // already gone
        }
    }

    /// Seconds left on `lease`; -1 when it has expired.
    func timeToLive(_ lease: Int64) async throws -> Int {
        var request = EtcdPB_LeaseTimeToLiveRequest()
        request.id = lease
        let answer = try await call("lease time-to-live") { member, metadata, options in
            try await member.lease.leaseTimeToLive(request, metadata: metadata, options: options)
        }
        return Int(answer.ttl)
    }
}
