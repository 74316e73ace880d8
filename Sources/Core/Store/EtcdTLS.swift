import Foundation
import NIOSSL

/// The PEM files of a TLS connection to etcd: confd's `-client-cert`, `-client-key` and `-client-ca-keys`, or the
/// `cert`, `key` and `ca` options of an `etcds://` store URL.
///
/// Without a CA file the system's trust roots are used; without a certificate and key the client presents none
/// (enough for an etcd that does not ask for `--client-cert-auth`).
public struct EtcdTLSFiles: Sendable, Hashable {
    /// The client certificate (chain), PEM.
    public var certificate: String?
    /// The client certificate's private key, PEM.
    public var key: String?
    /// The CA certificates that sign etcd's server certificate, PEM.
    public var ca: String?

    public init(certificate: String? = nil, key: String? = nil, ca: String? = nil) {
        self.certificate = certificate
        self.key = key
        self.ca = ca
    }

    /// True when no file is named.
    public var isEmpty: Bool { certificate == nil && key == nil && ca == nil }

    /// Reads every named file and builds the client configuration.
    ///
    /// Files are read here, once, so that a missing or broken file is reported before anything talks to etcd.
    /// - Throws: `EtcdTLSError` naming the file and what is wrong with it.
    public func configuration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, nil):
            throw EtcdTLSError(file: certificate, reason: "a client certificate needs its private key as well")
        case (nil, let key?):
            throw EtcdTLSError(file: key, reason: "a client key needs its certificate as well")
        case (let certificate?, let key?):
            let chain = try Self.certificates(in: certificate, what: "client certificate")
            configuration.certificateChain = chain.map { .certificate($0) }
            let bytes = try Self.read(key, what: "client key")
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: bytes, format: .pem))
            } catch {
                throw EtcdTLSError(file: key, reason: "not a PEM private key (or it is encrypted)")
            }
        }
        if let ca {
            configuration.trustRoots = .certificates(try Self.certificates(in: ca, what: "CA file"))
        }
        return configuration
    }

    private static func certificates(in path: String, what: String) throws -> [NIOSSLCertificate] {
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
        return certificates
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

/// A TLS file that cannot be used: the file and the reason.
public struct EtcdTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
