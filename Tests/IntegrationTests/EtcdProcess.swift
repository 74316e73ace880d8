import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A private etcd member for one test: free loopback ports, a temp data dir, stopped by `stop()`.
final class EtcdProcess: @unchecked Sendable {
    static let binary = "/usr/bin/etcd"
    let name: String
    let clientPort: Int
    let peerPort: Int
    let dataDir: URL
    let cluster: String
    let tls: ServerTLS?
    /// More etcd flags, e.g. `--auth-token-ttl 1`.
    let extraArguments: [String]
    private var process: Process?

    /// PEM files for serving the client URL over https; `clientCertAuth` adds `--client-cert-auth`, and
    /// `clientFiles` are what the readiness check presents.
    struct ServerTLS {
        var certificate: String
        var key: String
        var ca: String
        var clientCertAuth: Bool
        var clientFiles: EtcdTLSFiles
    }

    var endpoint: String { (tls == nil ? "http" : "https") + "://127.0.0.1:\(clientPort)" }

    /// `nil` when etcd is not installed (a test failure when CI=true).
    static func available() -> Bool {
        if FileManager.default.isExecutableFile(atPath: binary) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("etcd is not installed at \(binary); CI requires it")
        } else {
            print("skipping: etcd is not installed at \(binary)")
        }
        return false
    }

    init(
        name: String = "t", clientPort: Int = EtcdProcess.freePort(), peerPort: Int = EtcdProcess.freePort(),
        cluster: String? = nil, tls: ServerTLS? = nil, extraArguments: [String] = []
    ) {
        self.tls = tls
        self.extraArguments = extraArguments
        self.name = name
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.cluster = cluster ?? "\(name)=http://127.0.0.1:\(peerPort)"
        // In memory where there is /dev/shm: a parallel test run starts a dozen etcds, and their WAL fsyncs on one
        // disk made a member take more than the client's 5 s to answer a range.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        dataDir = base.appendingPathComponent("etcd-\(UUID().uuidString)")
    }

    func start(wait: Bool = true) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments =
            [
                "--name", name, "--data-dir", dataDir.path,
                "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                "--listen-peer-urls", "http://127.0.0.1:\(peerPort)",
                "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPort)",
                "--initial-cluster", cluster,
            ] + extraArguments
        if let tls {
            process.arguments! += ["--cert-file", tls.certificate, "--key-file", tls.key, "--trusted-ca-file", tls.ca]
            if tls.clientCertAuth { process.arguments!.append("--client-cert-auth") }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        if wait { try await waitReady() }
    }

    /// A store on this member alone (with the client certificate of `tls`).
    func store() throws -> EtcdStore {
        // The test's own client shares its process with every other test running in parallel: a generous deadline, so
        // a busy moment is not taken for an unreachable member (the engines under test run in their own processes).
        EtcdStore(endpoints: [endpoint], tls: try tls?.clientFiles.configuration(), callTimeout: .seconds(30))
    }

    func waitReady() async throws {
        let store = try store()
        var last: Error? = nil
        for _ in 0..<200 {
            do {
                _ = try await store.snapshot(prefixes: ["/"])
                return
            } catch {
                last = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EtcdTestError(message: "etcd on \(endpoint) did not become ready: \(last.map { "\($0)" } ?? "")")
    }

    /// SIGKILL, keeping the data dir for a restart.
    func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func stop() {
        kill()
        try? FileManager.default.removeItem(at: dataDir)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct EtcdTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
