import EtcdAPI
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Synchronization

/// The gRPC connection to one etcd member, with a client for each etcd service we call.
///
/// The connection is made when the first call needs it and made again after it drops; calls fail fast while the
/// member cannot be reached (no waiting for it to come back), so the caller can try another member.
final class EtcdMember: Sendable {
    typealias Transport = HTTP2ClientTransport.Posix

    /// The endpoint as configured (`http://host:port`), for messages.
    let endpoint: String
    let kv: EtcdPB_KV.Client<Transport>
    let watch: EtcdPB_Watch.Client<Transport>
    let lease: EtcdPB_Lease.Client<Transport>
    let auth: EtcdPB_Auth.Client<Transport>
    private let client: GRPCClient<Transport>

    /// - Parameter tls: for an `https://` endpoint; `nil` there still speaks TLS, with the system's trust roots.
    init(endpoint: String, tls: EtcdTLSConfiguration?) throws {
        self.endpoint = endpoint
        let address = try EtcdEndpoint(endpoint)
        var config = Transport.Config.defaults
        // Reconnect quickly after a member restarts; the store has its own backoff above this.
        config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        // No flush coalescing: a watch or a put is one small write that should leave at once. Keepalive pings find
        // a member that vanished without closing the connection (etcd accepts pings every 5 s or slower).
        config.connection = .init(
            maxIdleTime: .seconds(30 * 60),
            keepalive: .init(time: .seconds(30), timeout: .seconds(10), allowWithoutCalls: false))
        let security: Transport.TransportSecurity
        if address.secure {
            let material = tls ?? EtcdTLSConfiguration()
            security = .tls(
                .init(
                    certificateChain: material.certificateChain.map { [.bytes($0, format: .pem)] } ?? [],
                    privateKey: material.privateKey.map { .bytes($0, format: .pem) },
                    serverCertificateVerification: .fullVerification,
                    trustRoots: material.trustRoots.map { .certificates([.bytes($0, format: .pem)]) } ?? .systemDefault
                ))
        } else {
            security = .plaintext
        }
        let transport = try Transport(target: address.target, transportSecurity: security, config: config)
        client = GRPCClient(transport: transport)
        kv = EtcdPB_KV.Client(wrapping: client)
        watch = EtcdPB_Watch.Client(wrapping: client)
        lease = EtcdPB_Lease.Client(wrapping: client)
        auth = EtcdPB_Auth.Client(wrapping: client)
        let client = self.client
        Task.detached { try? await client.runConnections() }
    }

    /// Closes the connection once the calls in flight have finished.
    func shutdown() { client.beginGracefulShutdown() }
}

/// `http://host:port` or `https://host:port` (with an optional `user:password@`, which is not used here), as the
/// transport needs it.
struct EtcdEndpoint: Equatable {
    var host: String
    var port: Int
    var secure: Bool

    /// An IP address is its own target; a name is resolved, and sent as the TLS server name (an IP may not be).
    var target: any ResolvableTarget {
        if host.contains(":") { return .ipv6(host: host, port: port) }
        if host.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return .ipv4(host: host, port: port) }
        return .dns(host: host, port: port)
    }

    init(host: String, port: Int, secure: Bool) {
        self.host = host
        self.port = port
        self.secure = secure
    }

    init(_ endpoint: String) throws {
        var rest = Substring(endpoint)
        secure = rest.hasPrefix("https://")
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var hostPart = rest
        var portPart: Substring = "2379"
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (1...65535).contains(port) else {
            throw EtcdError(
                endpoint: endpoint, call: "connect", reason: "not a host:port endpoint", kind: .unreachable)
        }
        host = String(hostPart)
        self.port = port
    }
}

/// The members of one store, connected on first use and closed with the store.
final class EtcdMembers: Sendable {
    private let tls: EtcdTLSConfiguration?
    private let members = Mutex<[String: EtcdMember]>([:])

    init(tls: EtcdTLSConfiguration?) { self.tls = tls }

    func member(_ endpoint: String) throws -> EtcdMember {
        try members.withLock { members in
            if let member = members[endpoint] { return member }
            let member = try EtcdMember(endpoint: endpoint, tls: tls)
            members[endpoint] = member
            return member
        }
    }

    deinit {
        members.withLock { members in members.values.forEach { $0.shutdown() } }
    }
}
