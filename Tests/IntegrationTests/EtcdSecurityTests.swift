import Foundation
import Testing

@testable import Core

/// A throwaway PKI made with `openssl`: a CA, a server certificate for 127.0.0.1, a client certificate, and a second
/// CA that signed neither.
struct TestPKI {
    let dir: String
    var ca: String { dir + "/ca.pem" }
    var serverCert: String { dir + "/server.pem" }
    var serverKey: String { dir + "/server.key" }
    var clientCert: String { dir + "/client.pem" }
    var clientKey: String { dir + "/client.key" }
    var otherCA: String { dir + "/other-ca.pem" }

    static let openssl = "/usr/bin/openssl"

    /// `nil` (and a failure when CI=true) when openssl is missing.
    static func make() throws -> TestPKI? {
        guard FileManager.default.isExecutableFile(atPath: openssl) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("openssl is not installed at \(openssl); CI requires it")
            } else {
                print("skipping: openssl is not installed at \(openssl)")
            }
            return nil
        }
        let pki = TestPKI(dir: NSTemporaryDirectory() + "switchboard-pki-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: pki.dir, withIntermediateDirectories: true)
        try pki.makeCA("ca", name: "switchboard test CA")
        try pki.makeCA("other-ca", name: "someone else's CA")
        // etcd's JSON gateway dials its own gRPC server with the server certificate, so it is a client one too.
        try pki.issue(
            "server", name: "127.0.0.1",
            extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n")
        try pki.issue("client", name: "switchboard", extensions: "extendedKeyUsage=clientAuth\n")
        return pki
    }

    private func makeCA(_ base: String, name: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(dir)/\(base).key", "-out", "\(dir)/\(base).pem", "-days", "2", "-subj", "/CN=\(name)",
        ])
    }

    private func issue(_ base: String, name: String, extensions: String) throws {
        try extensions.write(toFile: "\(dir)/\(base).ext", atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(dir)/\(base).key", "-out", "\(dir)/\(base).csr", "-subj", "/CN=\(name)",
        ])
        try openssl([
            "x509", "-req", "-in", "\(dir)/\(base).csr", "-CA", ca, "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
            "-out", "\(dir)/\(base).pem", "-days", "2", "-extfile", "\(dir)/\(base).ext",
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.openssl)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EtcdTestError(
                message: "openssl \(arguments.joined(separator: " ")): \(String(decoding: output, as: UTF8.self))")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    /// A TLS etcd that asks every client for a certificate signed by `ca`.
    func etcd() -> EtcdProcess {
        EtcdProcess(
            tls: .init(
                certificate: serverCert, key: serverKey, ca: ca, clientCertAuth: true,
                clientFiles: EtcdTLSFiles(certificate: clientCert, key: clientKey, ca: ca)))
    }

    /// `etcds://127.0.0.1:PORT?cert=…&key=…&ca=…` for `etcd`.
    func storeURL(_ etcd: EtcdProcess, cert: String? = nil, key: String? = nil, ca: String? = nil) -> String {
        "etcds://127.0.0.1:\(etcd.clientPort)?cert=\(cert ?? clientCert)&key=\(key ?? clientKey)&ca=\(ca ?? self.ca)"
    }
}

/// etcd over TLS with client certificates, and etcd's user/password auth, against a real etcd; secrets never
/// reach the output.
@Suite(.serialized) struct EtcdSecurityTests {
    @Test func putGetAndWatchOverTLSWithAClientCertificate() async throws {
        guard EtcdProcess.available(), let pki = try TestPKI.make() else { return }
        defer { pki.remove() }
        let etcd = pki.etcd()
        try await etcd.start()
        defer { etcd.stop() }
        let store = try StoreURL.parse(pki.storeURL(etcd)).openWritable()
        #expect(store.displayName == "etcds://127.0.0.1:\(etcd.clientPort)")
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        let snapshot = try await store.snapshot(prefixes: ["/test/"])
        #expect(snapshot.pairs == ["/test/a": "127.0.0.1:8001"])

        var updates = store.updates(prefixes: ["/test/"], after: snapshot.revision).makeAsyncIterator()
        try await store.put("/test/b", "127.0.0.1:8002", lease: nil)
        let update = try await nextData(&updates)
        guard case .events(let events, _) = update else {
            Issue.record("expected events, got \(String(describing: update))")
            return
        }
        #expect(events == [.put(key: "/test/b", value: "127.0.0.1:8002")])
    }

    @Test func aClientWithoutACertificateOrWithTheWrongCAIsRefused() async throws {
        guard EtcdProcess.available(), let pki = try TestPKI.make() else { return }
        defer { pki.remove() }
        let etcd = pki.etcd()
        try await etcd.start()
        defer { etcd.stop() }

        let anonymous = EtcdStore(
            endpoints: [etcd.endpoint], tls: try EtcdTLSFiles(ca: pki.ca).configuration())
        let refused = await #expect(throws: EtcdError.self) {
            try await anonymous.put("/test/x", "127.0.0.1:1", lease: nil)
        }
        #expect(refused?.description.contains("client certificate") == true, "\(String(describing: refused))")

        let doubting = EtcdStore(
            endpoints: [etcd.endpoint],
            tls: try EtcdTLSFiles(certificate: pki.clientCert, key: pki.clientKey, ca: pki.otherCA).configuration())
        let untrusted = await #expect(throws: EtcdError.self) {
            try await doubting.put("/test/x", "127.0.0.1:1", lease: nil)
        }
        #expect(
            untrusted?.description.contains("not signed by a trusted CA") == true, "\(String(describing: untrusted))")

        // Neither attempt wrote anything.
        let trusted = try StoreURL.parse(pki.storeURL(etcd)).openStore()
        #expect(try await trusted.snapshot(prefixes: ["/test/"]).pairs.isEmpty)
    }

    @Test func badTLSFilesAreNamedAndNothingIsWritten() async throws {
        guard EtcdProcess.available(),
            FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built"),
            let pki = try TestPKI.make()
        else {
            return
        }
        defer { pki.remove() }
        let etcd = pki.etcd()
        try await etcd.start()
        defer { etcd.stop() }
        let missing = pki.dir + "/nope.pem"
        let notPEM = pki.dir + "/server.ext"

        #expect(throws: StoreURLError.self) { try StoreURL.parse(pki.storeURL(etcd, cert: missing)).openStore() }
        let mismatched = #expect(throws: StoreURLError.self) {
            try StoreURL.parse(pki.storeURL(etcd, ca: notPEM)).openStore()
        }
        #expect(mismatched?.description.contains("\(notPEM): CA file: not a PEM certificate") == true)
        #expect(throws: StoreURLError.self) { try StoreURL.parse("etcd://127.0.0.1:1?ca=/x.pem") }
        #expect(throws: StoreURLError.self) { try StoreURL.parse("etcds://127.0.0.1:1?cafile=/x.pem") }

        let (status, output) = try RunCommandTests.run([
            "register", "/test/a", "127.0.0.1:8001", "--store", pki.storeURL(etcd, key: missing), "--ttl", "5",
        ])
        #expect(status != 0)
        #expect(output.contains("\(missing): client key: no such file"), "\(output)")

        let tree = try RunCommandTests.Tree("article")
        defer { tree.remove() }
        let (runStatus, runOutput) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "etcdv3", "-node", etcd.endpoint, "-client-cert", missing,
            "-client-key", pki.clientKey, "-client-ca-keys", pki.ca, "-confdir", tree.root,
        ])
        #expect(runStatus == 1)
        #expect(runOutput.contains("\(missing): client certificate: no such file"), "\(runOutput)")
        #expect(!FileManager.default.fileExists(atPath: tree.out + "/nginx.conf"))

        let store = try StoreURL.parse(pki.storeURL(etcd)).openStore()
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs.isEmpty)
    }

    @Test func runRendersFromATLSEtcdWithConfdsFlags() async throws {
        guard EtcdProcess.available(),
            FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built"),
            let pki = try TestPKI.make()
        else {
            return
        }
        defer { pki.remove() }
        let etcd = pki.etcd()
        try await etcd.start()
        defer { etcd.stop() }
        let store = try StoreURL.parse(pki.storeURL(etcd)).openWritable()
        try await store.put("/test/apache-8001", "127.0.0.1:8001", lease: nil)
        try await store.put("/test/apache-8002", "127.0.0.1:8002", lease: nil)

        let tree = try RunCommandTests.Tree("article")
        defer { tree.remove() }
        let (status, output) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "etcdv3", "-node", etcd.endpoint, "-client-cert", pki.clientCert,
            "-client-key", pki.clientKey, "-client-ca-keys", pki.ca, "-confdir", tree.root,
        ])
        #expect(status == 0, "\(output)")
        #expect(tree.read(tree.out + "/nginx.conf") == tree.read(tree.root + "/expected/nginx.conf"))

        let (listed, backends) = try RunCommandTests.run(["backends", "/test/", "--store", pki.storeURL(etcd)])
        #expect(listed == 0, "\(backends)")
        #expect(backends.contains("127.0.0.1:8002"), "\(backends)")
    }

    // MARK: User and password

    /// A plain etcd with `root:password` and auth enabled.
    private func etcdWithAuth(password: String, arguments: [String] = []) async throws -> EtcdProcess {
        let etcd = EtcdProcess(extraArguments: arguments)
        try await etcd.start()
        for arguments in [["user", "add", "root:\(password)"], ["auth", "enable"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/etcdctl")
            process.arguments = ["--endpoints", etcd.endpoint] + arguments
            process.environment = ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                etcd.stop()
                throw EtcdTestError(
                    message: "etcdctl \(arguments[0]) \(arguments[1]): \(String(decoding: output, as: UTF8.self))")
            }
        }
        return etcd
    }

    @Test func userAndPasswordWorkAndAWrongPasswordIsRefusedWithoutRepeatingIt() async throws {
        guard EtcdProcess.available() else { return }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/etcdctl") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("etcdctl is missing (CI=true)") }
            return
        }
        let password = "pw-" + UUID().uuidString.prefix(8)
        let etcd = try await etcdWithAuth(password: password)
        defer { etcd.stop() }

        let store = EtcdStore(endpoints: [etcd.endpoint], user: "root", password: password)
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        let snapshot = try await store.snapshot(prefixes: ["/test/"])
        #expect(snapshot.pairs == ["/test/a": "127.0.0.1:8001"])
        var updates = store.updates(prefixes: ["/test/"], after: snapshot.revision).makeAsyncIterator()
        try await store.delete("/test/a")
        let update = try await nextData(&updates)
        guard case .events(let events, _) = update else {
            Issue.record("expected events, got \(String(describing: update))")
            return
        }
        #expect(events == [.delete(key: "/test/a")])

        let wrongPassword = "wrong-" + UUID().uuidString.prefix(8)
        let intruder = EtcdStore(endpoints: [etcd.endpoint], user: "root", password: wrongPassword)
        let refused = await #expect(throws: EtcdError.self) { try await intruder.snapshot(prefixes: ["/test/"]) }
        let message = refused?.description ?? ""
        #expect(message.contains("authentication failed"), "\(message)")
        #expect(!message.contains(wrongPassword))
        #expect(!message.contains(password))

        let anonymous = EtcdStore(endpoints: [etcd.endpoint])
        await #expect(throws: EtcdError.self) { try await anonymous.put("/test/b", "127.0.0.1:1", lease: nil) }
    }

    @Test func anExpiredTokenIsReplacedAndTheCallRetried() async throws {
        guard EtcdProcess.available() else { return }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/etcdctl") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("etcdctl is missing (CI=true)") }
            return
        }
        let password = "pw-" + UUID().uuidString.prefix(8)
        // Simple tokens that etcd forgets after one idle second.
        let etcd = try await etcdWithAuth(password: password, arguments: ["--auth-token-ttl", "1"])
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint], user: "root", password: password)
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        try await Task.sleep(for: .seconds(3))
        try await store.put("/test/b", "127.0.0.1:8002", lease: nil)
        var updates = store.updates(prefixes: ["/test/"], after: 0).makeAsyncIterator()
        var seen: [StoreEvent] = []
        while seen.count < 2, case .events(let events, _) = try await nextData(&updates) { seen += events }
        #expect(
            seen == [.put(key: "/test/a", value: "127.0.0.1:8001"), .put(key: "/test/b", value: "127.0.0.1:8002")])
    }

    @Test func runAuthenticatesAndNeverPrintsThePassword() async throws {
        guard EtcdProcess.available(),
            FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built")
        else { return }
        let password = "pw-" + UUID().uuidString.prefix(8)
        let etcd = try await etcdWithAuth(password: password)
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint], user: "root", password: password)
        try await store.put("/test/apache-8001", "127.0.0.1:8001", lease: nil)
        try await store.put("/test/apache-8002", "127.0.0.1:8002", lease: nil)

        let tree = try RunCommandTests.Tree("article")
        defer { tree.remove() }
        let (status, output) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "etcdv3", "-node", etcd.endpoint, "-username", "root",
            "-password", password, "-confdir", tree.root, "-log-level", "debug",
        ])
        #expect(status == 0, "\(output)")
        #expect(tree.read(tree.out + "/nginx.conf") == tree.read(tree.root + "/expected/nginx.conf"))
        #expect(!output.contains(password), "\(output)")

        let wrong = "wrong-" + UUID().uuidString.prefix(8)
        let failedTree = try RunCommandTests.Tree("article")
        defer { failedTree.remove() }
        for node in [etcd.endpoint, "http://root:\(wrong)@127.0.0.1:\(etcd.clientPort)"] {
            let (failed, failure) = try RunCommandTests.run([
                "run", "-onetime", "-backend", "etcdv3", "-node", node, "-username", "root",
                "-password", wrong, "-confdir", failedTree.root, "-log-level", "debug",
            ])
            #expect(failed == 1, "\(failure)")
            #expect(failure.contains("authentication failed"), "\(failure)")
            #expect(!failure.contains(wrong), "\(failure)")
            #expect(!failure.contains(password), "\(failure)")
            #expect(!FileManager.default.fileExists(atPath: failedTree.out + "/nginx.conf"))
        }

        let url = "etcd://root:\(wrong)@127.0.0.1:\(etcd.clientPort)"
        let (failed, failure) = try RunCommandTests.run(["backends", "/test/", "--store", url])
        #expect(failed != 0, "\(failure)")
        #expect(failure.contains("authentication failed"), "\(failure)")
        #expect(!failure.contains(wrong), "\(failure)")

        // register keeps retrying (etcd may be fixed under it): read what it says, then stop it.
        let log = NSTemporaryDirectory() + "switchboard-register-" + UUID().uuidString + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let register = Process()
        register.executableURL = URL(fileURLWithPath: DemoIntegrationTests.binary!)
        register.arguments = ["register", "/test/x", "127.0.0.1:9", "--store", url, "--ttl", "5"]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        register.standardOutput = handle
        register.standardError = handle
        try register.run()
        func said() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(await DemoIntegrationTests.eventually(20) { said().contains("authentication failed") }, "\(said())")
        register.terminate()
        await register.exited()
        try handle.close()
        #expect(!said().contains(wrong), "\(said())")
        #expect(try await store.snapshot(prefixes: ["/test/x"]).pairs.isEmpty)
    }
}
