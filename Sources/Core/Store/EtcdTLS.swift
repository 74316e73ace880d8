import Foundation
import NIOSSL

/// The PEM files of a TLS connection to etcd: confd's `-client-cert`, `-client-key` and `-client-ca-keys`, or the
/// `cert`, `key` and `ca` options of an `etcds://` store URL.
///
/// Without a CA file the system's trust roots are used; without a certificate and key the client presents none
/// (enough for an etcd that does not ask for `--client-cert-auth`).
package struct EtcdTLSFiles: Sendable, Hashable {
    /// The client certificate (chain), PEM.
    package var certificate: String?
    /// The client certificate's private key, PEM.
    package var key: String?
    /// The CA certificates that sign etcd's server certificate, PEM.
    package var ca: String?

    package init(certificate: String? = nil, key: String? = nil, ca: String? = nil) {
        self.certificate = certificate
        self.key = key
        self.ca = ca
    }

    /// True when no file is named.
    package var isEmpty: Bool { certificate == nil && key == nil && ca == nil }

    /// Reads every named file, checks that it holds what it should, and keeps its PEM bytes for the connection.
    ///
    /// Files are read here, once, so that a missing or broken file is reported before anything talks to etcd.
    /// - Throws: `EtcdTLSError` naming the file and what is wrong with it.
    package func configuration() throws -> EtcdTLSConfiguration {
        var configuration = EtcdTLSConfiguration()
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, nil):
            throw EtcdTLSError(file: certificate, reason: "a client certificate needs its private key as well")
        case (nil, let key?):
            throw EtcdTLSError(file: key, reason: "a client key needs its certificate as well")
        case (let certificate?, let key?):
            configuration.certificateChain = try Self.certificates(in: certificate, what: "client certificate")
            let bytes = try Self.read(key, what: "client key")
            do {
                _ = try NIOSSLPrivateKey(bytes: bytes, format: .pem)
            } catch {
                throw EtcdTLSError(file: key, reason: "not a PEM private key (or it is encrypted)")
            }
            configuration.privateKey = bytes
        }
        if let ca {
            configuration.trustRoots = try Self.certificates(in: ca, what: "CA file")
        }
        return configuration
    }

    /// The file's bytes once they are known to hold at least one PEM certificate.
    private static func certificates(in path: String, what: String) throws -> [UInt8] {
        let bytes = try read(path, what: what)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw EtcdTLSError(file: path, reason: "\(what): not a PEM certificate")
        }
        guard !certificates.isEmpty else {
            throw EtcdTLSError(file: path, reason: "\(what): holds no PEM certificate")
        }
        return bytes
    }

    private static func read(_ path: String, what: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EtcdTLSError(file: path, reason: "\(what): no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EtcdTLSError(file: path, reason: "\(what): cannot be read")
        }
        guard !data.isEmpty else { throw EtcdTLSError(file: path, reason: "\(what): the file is empty") }
        return Array(data)
    }
}

/// The checked PEM material of a TLS connection to etcd, as `EtcdTLSFiles.configuration()` read it.
package struct EtcdTLSConfiguration: Sendable, Hashable {
    /// The client certificate chain (PEM), sent when etcd asks for one; `nil` sends none.
    package var certificateChain: [UInt8]?
    /// The private key of the client certificate (PEM).
    package var privateKey: [UInt8]?
    /// The CA certificates (PEM) that etcd's certificate must chain to; `nil` uses the system's trust roots.
    package var trustRoots: [UInt8]?

    package init(certificateChain: [UInt8]? = nil, privateKey: [UInt8]? = nil, trustRoots: [UInt8]? = nil) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
    }
}

/// A TLS file that cannot be used: the file and the reason.
package struct EtcdTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    package var file: String
    package var reason: String

    package init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    package var description: String { "\(file): \(reason)" }
}
