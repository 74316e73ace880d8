import EtcdAPI
import Foundation
import GRPCCore
import GoText

/// A store over etcd's v3 gRPC API: ranges read in pages at one revision, one watch stream for every prefix with
/// resume and resync, leases, password authentication, TLS, and failover between members.
///
/// Calls go to the endpoints in order; one that cannot be reached moves the next one to the front. Keys and values
/// stay etcd's bytes until `EtcdBytes` turns them into the store protocol's types.
package final class EtcdStore: WritableKeyValueStore {
    /// Client URLs such as `http://127.0.0.1:2379` (`https://` for TLS).
    package let endpoints: [String]
    package let displayName: String
    let user: String?
    let password: String?
    let tls: EtcdTLSConfiguration?
    let pageSize: Int
    let callTimeout: Duration
    let session = EtcdSession()
    let members: EtcdMembers
    /// The one keep-alive stream every lease renewal of this store is sent on.
    let keepAlives: EtcdKeepAlives

    /// - Parameters:
    ///   - endpoints: base URLs (`http://host:port`, or `https://host:port` with `tls`), tried in order.
    ///   - user: with `password`, authenticates and sends the token with every call.
    ///   - tls: the client side of `https://` endpoints (from `EtcdTLSFiles.configuration()`); without it an
    ///     `https://` endpoint is checked against the system's trust roots and no client certificate is sent.
    ///   - pageSize: keys per range request; big prefixes are read in pages at one revision. Each page is held
    ///     twice while it becomes pairs (etcd's messages and their bytes): at 10,000 keys, pages of 5,000 peaked
    ///     at 16.0 MB and took 0.062 s in scripts/bench-etcd, pages of 2,000 at 15.6 MB in 0.049 s, and pages of
    ///     1,000 at 15.4 MB but 0.075 s (a round trip each).
    ///   - callTimeout: how long one call may take before the member counts as unreachable.
    package init(
        endpoints: [String], user: String? = nil, password: String? = nil, tls: EtcdTLSConfiguration? = nil,
        pageSize: Int = 2000, callTimeout: Duration = EtcdStore.defaultCallTimeout
    ) {
        self.callTimeout = callTimeout
        self.endpoints = endpoints
        self.user = user
        self.password = password
        self.tls = tls
        self.pageSize = max(1, pageSize)
        self.members = EtcdMembers(tls: tls)
        self.keepAlives = EtcdKeepAlives(timeout: callTimeout)
        self.displayName = Self.displayName(endpoints: endpoints, user: user)
    }

    /// `etcd://h:p,…` (`etcds://` when every endpoint is https), with the user but never a password.
    static func displayName(endpoints: [String], user: String?) -> String {
        let secure = !endpoints.isEmpty && endpoints.allSatisfy { $0.hasPrefix("https://") }
        let hosts = endpoints.map { endpoint -> String in
            var host = Substring(endpoint)
            if let scheme = host.firstRange(of: "://") { host = host[scheme.upperBound...] }
            if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
            return String(host)
        }
        return (secure ? "etcds://" : "etcd://") + (user.map { "\($0)@" } ?? "") + hosts.joined(separator: ",")
    }

    // MARK: Reading

    package func snapshot(prefixes: [String]) async throws -> StoreSnapshot {
        try await snapshot(of: EtcdBytes.prefixes(prefixes))
    }

    /// Every key under `prefixes` (from `EtcdBytes.prefixes`), at one revision.
    func snapshot(of prefixes: [[UInt8]]) async throws -> StoreSnapshot {
        var revision: Int64? = nil
        var pairs: [GoString: GoString] = [:]
        for prefix in prefixes {
            // Page by page, so that etcd's messages for a page are gone before the next arrives: holding all of a
            // 10,000-key prefix as messages and as pairs at once was a third of a -onetime's heap peak.
            try await forEachPage(prefix: prefix, revision: &revision) { page in
                pairs.reserveCapacity(pairs.count + page.count)
                for kv in page { pairs[EtcdBytes.key(kv.key)] = EtcdBytes.value(kv.value) }
            }
        }
        return StoreSnapshot(pairs: pairs, revision: revision ?? 0)
    }

    /// Every key under `prefix`, read in pages; `revision` is set by the first page and pins the rest.
    func range(prefix: [UInt8], revision: inout Int64?) async throws -> [EtcdPB_KeyValue] {
        var all: [EtcdPB_KeyValue] = []
        try await forEachPage(prefix: prefix, revision: &revision) { page in
            if all.isEmpty { all = page } else { all += page }
        }
        return all
    }

    /// Every key under `prefix`, a page (`pageSize` keys) at a time; `revision` is set by the first page and pins
    /// the rest.
    func forEachPage(
        prefix: [UInt8], revision: inout Int64?, _ body: ([EtcdPB_KeyValue]) throws -> Void
    ) async throws {
        var request = EtcdPB_RangeRequest()
        request.key = Data(EtcdBytes.rangeStart(forPrefix: prefix))
        request.rangeEnd = Data(EtcdBytes.rangeEnd(forPrefix: prefix))
        request.limit = Int64(pageSize)
        while true {
            request.revision = revision ?? 0
            let page = request
            let answer = try await call("range") { member, metadata, options in
                try await member.kv.range(page, metadata: metadata, options: options)
            }
            if revision == nil { revision = answer.header.revision }
            try body(answer.kvs)
            guard answer.more, let last = answer.kvs.last?.key else { break }
            request.key = last + [0]
        }
    }

    package func list(prefix: String) async throws -> [KeyValue] {
        var revision: Int64? = nil
        let kvs = try await range(prefix: EtcdBytes.bytes(prefix), revision: &revision)
        var ttls: [Int64: Int] = [:]
        for lease in Set(kvs.map(\.lease)) where lease != 0 {
            ttls[lease] = try await timeToLive(lease)
        }
        return kvs.map { kv in
            KeyValue(
                key: EtcdBytes.key(kv.key), value: EtcdBytes.value(kv.value),
                lease: kv.lease == 0 ? nil : LeaseID(kv.lease),
                ttlRemaining: kv.lease == 0 ? nil : ttls[kv.lease].map { max(0, $0) })
        }
        .sorted { $0.key < $1.key }
    }

    // MARK: Writing

    package func put(_ key: GoString, _ value: GoString, lease: LeaseID?) async throws {
        var request = EtcdPB_PutRequest()
        request.key = Data(key.bytes)
        request.value = Data(value.bytes)
        request.lease = lease?.rawValue ?? 0
        _ = try await call("put") { member, metadata, options in
            try await member.kv.put(request, metadata: metadata, options: options)
        }
    }

    package func delete(_ key: GoString) async throws {
        var request = EtcdPB_DeleteRangeRequest()
        request.key = Data(key.bytes)
        _ = try await call("delete") { member, metadata, options in
            try await member.kv.deleteRange(request, metadata: metadata, options: options)
        }
    }

    /// Compacts etcd's history up to `revision`: watches from before it then resync (for tests and tools).
    func compact(revision: Int64) async throws {
        var request = EtcdPB_CompactionRequest()
        request.revision = revision
        request.physical = true
        _ = try await call("compact") { member, metadata, options in
            try await member.kv.compact(request, metadata: metadata, options: options)
        }
    }
}

/// The one place where etcd's bytes become the store protocol's keys and values, and back: kept as they are, any
/// bytes (etcd does not care about UTF-8 or normalization, and neither does confd).
enum EtcdBytes {
    static func key(_ bytes: Data) -> GoString { GoString([UInt8](bytes)) }
    static func value(_ bytes: Data) -> GoString { GoString([UInt8](bytes)) }
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The prefixes to read or watch, as bytes: none means every key, and a prefix inside another is dropped (its
    /// keys come with the outer one).
    static func prefixes(_ prefixes: [String]) -> [[UInt8]] {
        let sorted = Set((prefixes.isEmpty ? [""] : prefixes).map(bytes)).sorted {
            $0.lexicographicallyPrecedes($1)
        }
        var kept: [[UInt8]] = []
        for prefix in sorted where !(kept.last.map { prefix.starts(with: $0) } ?? false) {
            kept.append(prefix)
        }
        return kept
    }

    /// The end of the range holding every key that starts with `prefix` (etcd's "prefix + 1"): the last byte below
    /// 0xff incremented, the rest cut; `[0]` (every key from the start on) when there is none.
    static func rangeEnd(forPrefix prefix: [UInt8]) -> [UInt8] {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return [0]
    }

    /// The key where a prefix range starts (`\0` for the empty prefix: every key).
    static func rangeStart(forPrefix prefix: [UInt8]) -> [UInt8] { prefix.isEmpty ? [0] : prefix }
}
