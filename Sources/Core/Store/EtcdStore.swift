import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A store over etcd's v3 JSON gateway: ranges, a streamed watch with failover and resync, and leases.
///
/// Requests go to the endpoints in order; one that cannot be reached moves the next one to the front.
public final class EtcdStore: WritableKeyValueStore {
    /// Client URLs such as `http://127.0.0.1:2379`.
    public let endpoints: [String]
    public let displayName: String
    private let user: String?
    private let password: String?
    private let session = EtcdSession()
    private let client: HTTPClient
    private let tls: TLSConfiguration?
    private let pageSize: Int

    /// - Parameters:
    ///   - endpoints: base URLs (`http://host:port`, or `https://host:port` with `tls`), tried in order.
    ///   - user: with `password`, authenticates through `/v3/auth/authenticate`.
    ///   - tls: the client configuration for `https://` endpoints (from `EtcdTLSFiles.configuration()`); without it
    ///     an `https://` endpoint is checked against the system's trust roots and no client certificate is sent.
    ///   - pageSize: keys per range request; big prefixes are read in pages at one revision.
    public init(
        endpoints: [String], user: String? = nil, password: String? = nil, tls: TLSConfiguration? = nil,
        pageSize: Int = 1000
    ) {
        self.endpoints = endpoints
        self.user = user
        self.password = password
        self.tls = tls
        self.pageSize = max(1, pageSize)
        // One process-wide client: AHC keys its connection pools by the request's TLS configuration, so a TLS store
        // needs no client of its own (and no shutdown).
        self.client = HTTPClient.shared
        self.displayName = Self.displayName(endpoints: endpoints, user: user)
    }

    /// `etcd://h:p,…` (`etcds://` when every endpoint is https), with the user but never a password.
    static func displayName(endpoints: [String], user: String?) -> String {
        let secure = !endpoints.isEmpty && endpoints.allSatisfy { $0.hasPrefix("https://") }
        let hosts = endpoints.map { endpoint -> String in
            var host = Substring(endpoint)
            if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
            if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
            return String(host)
        }
        return (secure ? "etcds://" : "etcd://") + (user.map { "\($0)@" } ?? "") + hosts.joined(separator: ",")
    }

    /// A request to `url`, with the store's TLS configuration when it is https.
    private func request(_ url: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        if let tls, url.hasPrefix("https://") { request.tlsConfiguration = tls }
        return request
    }

    // MARK: Reading

    public func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        var pairs: [String: String] = [:]
        var revision: Int64? = nil
        for prefix in prefixes.isEmpty ? [""] : prefixes {
            for kv in try await range(prefix: prefix, revision: &revision) {
                pairs[EtcdWire.decode64(kv.key)] = EtcdWire.decode64(kv.value)
            }
        }
        if revision == nil { revision = try await currentRevision() }
        return StoreSnapshot(pairs: pairs, revision: revision ?? 0)
    }

    /// Every key under `prefix`, read in pages; `revision` is set by the first page and pins the rest.
    private func range(prefix: String, revision: inout Int64?) async throws -> [EtcdWire.KeyValue] {
        var all: [EtcdWire.KeyValue] = []
        var start = EtcdWire.rangeStart(forPrefix: prefix)
        let end = EtcdWire.rangeEnd(forPrefix: prefix)
        while true {
            var body: [String: Any] = ["key": start, "range_end": end, "limit": String(pageSize)]
            if let revision { body["revision"] = String(revision) }
            let answer: EtcdWire.RangeResponse = try await call("/v3/kv/range", body)
            if revision == nil { revision = Int64(answer.header?.revision ?? "") }
            let kvs = answer.kvs ?? []
            all += kvs
            guard answer.more == true, let last = kvs.last?.key, let data = Data(base64Encoded: last) else { break }
            start = (data + Data([0])).base64EncodedString()
        }
        return all
    }

    private func currentRevision() async throws -> Int64 {
        let answer: EtcdWire.RangeResponse = try await call(
            "/v3/kv/range", ["key": EtcdWire.base64("\u{0}"), "count_only": true])
        return Int64(answer.header?.revision ?? "") ?? 0
    }

    public func list(prefix: String) async throws -> [KeyValue] {
        var revision: Int64? = nil
        let kvs = try await range(prefix: prefix, revision: &revision)
        var ttls: [String: Int] = [:]
        for lease in Set(kvs.compactMap(\.lease)) {
            let answer: EtcdWire.LeaseAnswer = try await call("/v3/lease/timetolive", ["ID": lease])
            ttls[lease] = Int(answer.TTL ?? "") ?? -1
        }
        return kvs.map { kv in
            KeyValue(
                key: EtcdWire.decode64(kv.key), value: EtcdWire.decode64(kv.value),
                lease: kv.lease.flatMap { Int64($0) }.map(LeaseID.init),
                ttlRemaining: kv.lease.flatMap { ttls[$0] }.map { max(0, $0) })
        }
        .sorted { $0.key < $1.key }
    }

    // MARK: Writing

    public func put(_ key: String, _ value: String, lease: LeaseID?) async throws {
        var body: [String: Any] = ["key": EtcdWire.base64(key), "value": EtcdWire.base64(value)]
        if let lease { body["lease"] = String(lease.rawValue) }
        let _: EtcdWire.RangeResponse = try await call("/v3/kv/put", body)
    }

    public func delete(_ key: String) async throws {
        let _: EtcdWire.RangeResponse = try await call("/v3/kv/deleterange", ["key": EtcdWire.base64(key)])
    }

    public func grantLease(ttl: Int) async throws -> LeaseID {
        let answer: EtcdWire.LeaseAnswer = try await call("/v3/lease/grant", ["TTL": String(ttl)])
        guard let id = answer.ID.flatMap({ Int64($0) }) else {
            throw EtcdError(endpoint: endpoints.first ?? "", call: "lease grant", reason: "etcd returned no lease id")
        }
        return LeaseID(id)
    }

    public func keepAlive(_ lease: LeaseID) async throws -> Int {
        let answer: EtcdWire.KeepAliveAnswer = try await call("/v3/lease/keepalive", ["ID": String(lease.rawValue)])
        guard let ttl = answer.result?.TTL.flatMap({ Int($0) }), ttl > 0 else { throw EtcdLeaseExpired(lease: lease) }
        return ttl
    }

    public func revoke(_ lease: LeaseID) async throws {
        do {
            let _: EtcdWire.RangeResponse = try await call("/v3/lease/revoke", ["ID": String(lease.rawValue)])
        } catch let error as EtcdError where error.code == 5 {
            return  // already gone
        }
    }

    // MARK: Watching

    public func updates(prefixes: [String], after revision: Int64) -> AsyncThrowingStream<StoreUpdate, Error> {
        let (stream, continuation) = AsyncThrowingStream<StoreUpdate, Error>.makeStream()
        let task = Task { [self] in
            await watchLoop(prefixes: prefixes, after: revision, continuation: continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private enum WatchOutcome { case resynced(Int64), ended(String) }

    private func watchLoop(
        prefixes: [String], after revision: Int64, continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) async {
        var next = revision + 1
        var failures = 0
        var state = StoreConnectionState.connecting
        func report(_ new: StoreConnectionState) {
            if new != state {
                state = new
                continuation.yield(.connection(new))
            }
        }
        while !Task.isCancelled {
            let endpoint = await session.preferred(of: endpoints)
            do {
                let outcome = try await watchOnce(
                    endpoint: endpoint, prefixes: prefixes, from: &next,
                    onConnected: {
                        failures = 0
                        report(.connected)
                    }, continuation: continuation)
                switch outcome {
                case .resynced(let resyncRevision):
                    next = resyncRevision + 1
                    continue
                case .ended(let reason):
                    report(.unreachable("the watch on \(StoreURLError.redacted(endpoint)) ended: \(reason)"))
                }
            } catch is CancellationError {
                return
            } catch let error as EtcdError {
                if Task.isCancelled { return }
                report(.unreachable("cannot watch: \(error)"))
            } catch {
                if Task.isCancelled { return }
                report(
                    .unreachable(
                        "cannot watch \(StoreURLError.redacted(endpoint)): \(EtcdStore.explain(error, tls: tls != nil))"
                    ))
            }
            await session.demote(endpoint, of: endpoints)
            failures += 1
            let delay = Backoff.standard.delay(afterFailures: failures)
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    private func watchOnce(
        endpoint: String, prefixes: [String], from next: inout Int64, onConnected: () -> Void,
        continuation: AsyncThrowingStream<StoreUpdate, Error>.Continuation
    ) async throws -> WatchOutcome {
        let covering = EtcdWatchRange(prefixes: prefixes)
        let body: [String: Any] = [
            "create_request": ["key": covering.key, "range_end": covering.rangeEnd, "start_revision": String(next)]
        ]
        var request = request(endpoint + "/v3/watch")
        request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body))))
        if let token = try await token(endpoint: endpoint) { request.headers.add(name: "Authorization", value: token) }
        let response = try await client.execute(request, timeout: .seconds(5))
        guard response.status == .ok else {
            return .ended("HTTP \(response.status.code)")
        }
        var buffer: [UInt8] = []
        for try await chunk in response.body {
            buffer.append(contentsOf: chunk.readableBytesView)
            while let newline = buffer.firstIndex(of: 10) {
                let line = Data(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard let parsed = try? EtcdWire.decoder.decode(EtcdWire.WatchLine.self, from: line) else { continue }
                if let error = parsed.error {
                    return .ended(error.message ?? error.error ?? "an error")
                }
                guard let result = parsed.result else { continue }
                if result.canceled == true || result.compactRevision != nil {
                    let snapshot = try await self.snapshot(prefixes: prefixes)
                    continuation.yield(.resync(snapshot))
                    return .resynced(snapshot.revision)
                }
                if result.created == true { onConnected() }
                let headerRevision = Int64(result.header?.revision ?? "") ?? (next - 1)
                guard let raw = result.events, !raw.isEmpty else { continue }
                let lastRevision = raw.compactMap { Int64($0.kv?.modRevision ?? "") }.max() ?? headerRevision
                let events = EtcdWire.storeEvents(result, prefixes: prefixes)
                next = lastRevision + 1
                if !events.isEmpty { continuation.yield(.events(events, revision: lastRevision)) }
            }
        }
        return .ended("the server closed the stream")
    }

    // MARK: HTTP

    private func token(endpoint: String) async throws -> String? {
        guard let user, let password else { return nil }
        if let token = await session.token { return token }
        let data = try await post(
            endpoint, "/v3/auth/authenticate", ["name": user, "password": password], token: nil, call: "authenticate")
        guard let token = try EtcdWire.decoder.decode(EtcdWire.AuthAnswer.self, from: data).token else {
            throw EtcdError(endpoint: endpoint, call: "authenticate", reason: "etcd returned no token for \(user)")
        }
        await session.setToken(token)
        return token
    }

    private func call<Answer: Decodable>(_ path: String, _ body: [String: Any]) async throws -> Answer {
        var lastError: Error = EtcdError(endpoint: "-", call: path, reason: "no endpoints configured")
        let ordered = await session.ordered(endpoints)
        for endpoint in ordered {
            do {
                var retriedAuth = false
                while true {
                    do {
                        let token = try await token(endpoint: endpoint)
                        let data = try await post(endpoint, path, body, token: token, call: path)
                        await session.prefer(endpoint)
                        return try EtcdWire.decoder.decode(Answer.self, from: data)
                    } catch let error as EtcdError where error.code == 16 && !retriedAuth && user != nil {
                        retriedAuth = true
                        await session.setToken(nil)
                    }
                }
            } catch let error as EtcdError where error.code != nil {
                throw error  // etcd answered: another member would say the same
            } catch let error as EtcdLeaseExpired {
                throw error
            } catch {
                lastError = error
                await session.demote(endpoint, of: endpoints)
            }
        }
        throw lastError
    }

    private func post(
        _ endpoint: String, _ path: String, _ body: [String: Any], token: String?, call: String
    ) async throws -> Data {
        var request = request(endpoint + path)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: token) }
        request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body))))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(5))
        } catch {
            throw EtcdError(endpoint: endpoint, call: call, reason: Self.explain(error, tls: tls != nil))
        }
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        guard response.status == .ok else {
            let failure = try? EtcdWire.decoder.decode(EtcdWire.ErrorBody.self, from: data)
            throw EtcdError(
                endpoint: endpoint, call: call,
                reason:
                    "HTTP \(response.status.code): \(failure?.message ?? failure?.error ?? String(decoding: data, as: UTF8.self))",
                code: failure?.code ?? 0)
        }
        return data
    }
}

/// Which endpoint to use first, and the auth token, shared by every request of one store.
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
