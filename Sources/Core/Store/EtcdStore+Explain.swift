import GRPCCore
import NIOSSL

extension EtcdStore {
    /// A sentence for a call that never got an answer from etcd; TLS failures say which side refused and which
    /// setting to look at, instead of a BoringSSL error stack.
    /// - Parameter tls: the store speaks TLS.
    static func explain(_ error: Error, tls: Bool, timeout: Duration = defaultCallTimeout) -> String {
        var causes: [Error] = [error]
        while let rpc = causes.last as? RPCError, let cause = rpc.cause, causes.count < 8 { causes.append(cause) }
        let text = causes.map { String(describing: $0) }.joined(separator: ": ")
        if causes.contains(where: { ($0 as? NIOSSLExtraError) == .failedToValidateHostname }) {
            return "TLS: etcd's certificate does not name the host or address in the URL"
        }
        if tls, text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: etcd's certificate is not signed by a trusted CA (check ca= or -client-ca-keys)"
        }
        if tls,
            ["CERTIFICATE_REQUIRED", "HANDSHAKE_FAILURE", "BAD_CERTIFICATE", "uncleanShutdown"].contains(where: {
                text.contains($0)
            })
        {
            return "TLS: etcd refused the connection during or right after the handshake; it most likely wants a "
                + "client certificate signed by a CA it trusts (cert= and key=, or -client-cert and -client-key)"
        }
        if let failure = causes.last as? NIOSSLError, case .handshakeFailed = failure {
            return "TLS handshake failed (\(text))"
        }
        if let rpc = error as? RPCError, rpc.code == .deadlineExceeded {
            return "no answer within \(timeout)"
        }
        let message = (error as? RPCError).map { $0.message } ?? text
        let cause = (error as? RPCError)?.cause.map { " (\($0))" } ?? ""
        return "cannot reach etcd: \(message)\(cause)"
    }
}
