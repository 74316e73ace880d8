import EtcdAPI
import GRPCCore

extension EtcdStore {
    package func grantLease(ttl: Int) async throws -> LeaseID {
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

    /// Renews `lease` with one message on the store's keep-alive stream (`EtcdKeepAlives`), which opens on the
    /// preferred member; when that member cannot be reached, the stream opens again on the next one.
    package func keepAlive(_ lease: LeaseID) async throws -> Int {
        var lastError: EtcdError? = nil
        for _ in 0..<max(1, endpoints.count) {
            let endpoint = await session.preferred(of: endpoints)
            do {
                // The stream holds the member and the token, never the store, so a store let go ends its stream.
                let member = try members.member(endpoint)
                let metadata = try await metadata(member)
                var streamOptions = callOptions
                streamOptions.timeout = nil  // the stream stays open; each renewal has its own deadline
                let options = streamOptions
                let ttl = try await keepAlives.renew(lease.rawValue) { requests, answer in
                    try await member.lease.leaseKeepAlive(
                        metadata: metadata, options: options,
                        requestProducer: { writer in for await request in requests { try await writer.write(request) }
                        },
                        onResponse: { response in for try await message in response.messages { await answer(message) } }
                    )
                }
                guard ttl > 0 else { throw EtcdLeaseExpired(lease: lease) }
                return Int(ttl)
            } catch let error as EtcdLeaseExpired {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                let failure = Self.failure(
                    error, endpoint: endpoint, call: "lease keep-alive", tls: tls != nil, timeout: callTimeout)
                if failure.kind == .unauthenticated, user != nil {
                    await session.setToken(nil)
                } else if failure.kind != .unreachable {
                    throw failure
                }
                lastError = failure
                await session.demote(endpoint, of: endpoints)
            }
        }
        throw lastError!
    }

    package func revoke(_ lease: LeaseID) async throws {
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
