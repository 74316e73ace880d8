import AsyncHTTPClient
import NIOSSL

extension EtcdStore {
    /// A sentence for a request that never got an answer from etcd; TLS failures say which side refused and which
    /// setting to look at, instead of a BoringSSL error stack.
    /// - Parameter tls: the request went over https.
    static func explain(_ error: Error, tls: Bool) -> String {
        let text = String(describing: error)
        if tls, text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: etcd's certificate is not signed by a trusted CA (check ca= or -client-ca-keys)"
        }
        if let failure = error as? NIOSSLExtraError, failure == .failedToValidateHostname {
            return "TLS: etcd's certificate does not name the host or address in the URL"
        }
        if tls, let failure = error as? HTTPClientError, failure == .remoteConnectionClosed {
            return "TLS: etcd closed the connection after the handshake; it most likely wants a client certificate "
                + "signed by a CA it trusts (cert= and key=, or -client-cert and -client-key)"
        }
        if let failure = error as? NIOSSLError, case .handshakeFailed = failure {
            return "TLS handshake failed (\(text))"
        }
        return "cannot reach etcd (\(text))"
    }
}
