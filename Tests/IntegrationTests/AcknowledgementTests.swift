import Core
import Foundation
import GoText
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Engines publish what they applied (`run -publish-applied`, the demo), and a drain waits for exactly that: on etcd
/// with a real nginx, with an engine killed mid-way (its acknowledgement expires with its lease), with an engine that
/// never catches up (the drain timeout still bounds the wait), on the file store through the demo; and the
/// acknowledgement of a resource that watches `/` never applies it again.
@Suite(.serialized) struct AcknowledgementTests {
    /// A private etcd, a confd tree, and the engines started on them (stopped by `stop()`).
    final class Rig: @unchecked Sendable {
        let etcd = EtcdProcess()
        let tree: FaultSupport.Tree
        var children: [Process] = []
        var storeURL: String { "etcd://127.0.0.1:\(etcd.clientPort)" }

        init() throws { tree = try FaultSupport.Tree(prefix: "sback") }

        /// etcd, the switchboard binary (and nginx when asked) are there; otherwise skipped (a failure on CI).
        static func make(nginx: Bool = false) async throws -> Rig? {
            let ready =
                EtcdProcess.available() && DemoIntegrationTests.binary != nil
                && (!nginx || DemoIntegrationTests.nginxInstalled)
            guard FaultSupport.require(ready, "etcd, nginx or the switchboard binary is missing") else { return nil }
            let rig = try Rig()
            try await rig.etcd.start()
            return rig
        }

        /// `run -watch -publish-applied` on `confdir`, logging to `log`.
        func engine(confdir: String, log: String, ttl: Int = 2, extra: [String] = []) throws -> Process {
            let process = try FaultSupport.start(
                [
                    "run", "-watch", "-backend", "etcdv3", "-node", etcd.endpoint, "-confdir", confdir,
                    "-publish-applied", "-applied-ttl", String(ttl),
                ] + extra, log: log)
            children.append(process)
            return process
        }

        /// A resource rendering the `/test/*` values as nginx `server` lines into `NAME.conf`, without commands.
        func plainResource(_ name: String) throws -> String {
            let confdir = tree.root + "/\(name)"
            let sub = try FaultSupport.Tree(prefix: "sback-\(name)")
            try sub.resource(
                name, template: "{{range getvs \"/test/*\"}}server {{.}};\n{{end}}",
                lines: ["dest = \"\(sub.root)/\(name).conf\"", "keys = [\"/test\"]"])
            try? FileManager.default.removeItem(atPath: confdir)
            try FileManager.default.moveItem(atPath: sub.confdir, toPath: confdir)
            return confdir
        }

        /// The acknowledgements in etcd now.
        func acknowledgements() async throws -> [AppliedAcknowledgement] {
            AppliedAcknowledgement.decodeAll(try await etcd.store().list(prefix: AppliedAcknowledgement.prefix))
        }

        /// Waits until every acknowledgement of the engines with `pids` is live at `revision` or later.
        func caughtUp(_ pids: [Int32], revision: Int64) async throws -> Bool {
            let engines = Set(pids.map { AppliedAcknowledgement.defaultEngineID(pid: $0) })
            for _ in 0..<150 {
                let acks = try await acknowledgements().filter { engines.contains($0.engine) }
                if Set(acks.map(\.engine)) == engines, acks.allSatisfy({ $0.isLive && $0.revision >= revision }) {
                    return true
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        func drain(_ key: String, _ extra: [String]) throws -> (status: Int32, output: String) {
            try RunCommandTests.run(["drain", key, "--store", storeURL] + extra)
        }

        func stop() {
            for child in children {
                kill(child.processIdentifier, SIGCONT)
                FaultSupport.kill9(child)
            }
            etcd.stop()
            tree.remove()
        }
    }

    static func revision(_ store: EtcdStore) async throws -> Int64 {
        try await store.snapshot(prefixes: ["/test/"]).revision
    }

    @Test func aDrainOnEtcdReturnsOnceNginxNoLongerRoutesToTheBackend() async throws {
        guard let rig = try await Rig.make(nginx: true) else { return }
        defer { rig.stop() }
        let layout = DemoLayout(
            directory: rig.tree.root + "/demo", port: EtcdProcess.freePort(), nginxBinary: NginxInstance.findBinary()!)
        try layout.write()
        let leaving = try await HelloServer.start(host: "127.0.0.1", port: 0)
        let staying = try await HelloServer.start(host: "127.0.0.1", port: 0)
        let store = try rig.etcd.store()
        try await store.put("/test/leaving", GoString(leaving.address), lease: nil)
        try await store.put("/test/staying", GoString(staying.address), lease: nil)
        // Read before any engine writes an acknowledgement (which moves etcd's revision, not the engines' views).
        let written = try await Self.revision(store)
        let log = rig.tree.root + "/engine.log"
        let (first, firstOutput) = try FaultSupport.run(
            ["run", "-onetime", "-backend", "etcdv3", "-node", rig.etcd.endpoint, "-confdir", layout.confdir], log: log)
        try #require(first == 0, "\(firstOutput)")
        let nginx = NginxInstance(
            prefix: layout.nginxPrefix, configPath: layout.nginxConfig, binary: layout.nginxBinary)
        try await nginx.start()
        defer { Task { await nginx.stop() } }
        let engine = try rig.engine(confdir: layout.confdir, log: log)
        let logText = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let caughtUp = try await rig.caughtUp([engine.processIdentifier], revision: written)
        let acks = try await rig.acknowledgements()
        try #require(caughtUp, "\(logText())\n\(acks)")

        let (_, listed) = try RunCommandTests.run(["backends", "/test/", "--store", rig.storeURL, "--json"])
        let entries =
            try JSONSerialization.jsonObject(with: Data(listed.split(separator: "\n").last!.utf8)) as? [[String: Any]]
        #expect(entries?.map { $0["engines"] as? Int } == [1, 1], "\(listed)")

        // No fixed grace to fall back on: only the acknowledgement can make this drain wait long enough.
        let (status, output) = try rig.drain("/test/leaving", ["--drain-grace", "0s"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("engine resource(s) acknowledged revision"), "\(output)")
        #expect(!output.contains("waiting a fixed"), "\(output)")
        let report = try DemoIntegrationTests.probe(layout.port, store: rig.storeURL)
        #expect(report["handlers"] as? [String: Int] == [staying.address: 60], "\(report)\n\(logText())")
        await leaving.stop()
        await staying.stop()
    }

    @Test func aKilledEngineStopsBlockingADrainOnceItsLeaseExpires() async throws {
        guard let rig = try await Rig.make() else { return }
        defer { rig.stop() }
        let store = try rig.etcd.store()
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        let written = try await Self.revision(store)
        let live = try rig.engine(confdir: try rig.plainResource("live"), log: rig.tree.root + "/live.log")
        let doomed = try rig.engine(confdir: try rig.plainResource("doomed"), log: rig.tree.root + "/doomed.log")
        try #require(
            try await rig.caughtUp([live.processIdentifier, doomed.processIdentifier], revision: written))
        FaultSupport.kill9(doomed)

        let (status, output) = try rig.drain("/test/a", ["--drain-grace", "0s", "--drain-timeout", "20s"])
        #expect(status == 0, "\(output)")
        // It waited for the dead engine, then its acknowledgement expired with its 2 s lease.
        #expect(output.contains("-\(doomed.processIdentifier) doomed.toml"), "\(output)")
        #expect(output.contains("1 engine resource(s) acknowledged revision"), "\(output)")
        #expect(!output.contains("the drain timeout ended the wait"), "\(output)")
    }

    @Test func theDrainTimeoutBoundsTheWaitForAnEngineThatNeverCatchesUp() async throws {
        guard let rig = try await Rig.make() else { return }
        defer { rig.stop() }
        let store = try rig.etcd.store()
        try await store.put("/test/a", "127.0.0.1:8001", lease: nil)
        let written = try await Self.revision(store)
        let stuck = try rig.engine(confdir: try rig.plainResource("stuck"), log: rig.tree.root + "/stuck.log", ttl: 60)
        try #require(try await rig.caughtUp([stuck.processIdentifier], revision: written))
        kill(stuck.processIdentifier, SIGSTOP)  // alive (its lease has 60 s) but applying nothing

        let (status, output) = try rig.drain("/test/a", ["--drain-grace", "0s", "--drain-timeout", "2s"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("waiting for revision"), "\(output)")
        #expect(output.contains("the drain timeout ended the wait for the engines"), "\(output)")
    }

    @Test func aResourceWatchingTheRootIsNotAppliedByItsOwnAcknowledgement() async throws {
        guard let rig = try await Rig.make() else { return }
        defer { rig.stop() }
        let store = try rig.etcd.store()
        try await store.put("/app/a", "1", lease: nil)
        let written = try await Self.revision(store)
        try rig.tree.resource(
            "all", template: "{{range ls \"/\"}}{{.}}\n{{end}}{{range gets \"/*/*\"}}{{.Key}}={{.Value}}\n{{end}}",
            lines: ["dest = \"\(rig.tree.root)/all.conf\"", "keys = [\"/\"]"])
        let engine = try rig.engine(confdir: rig.tree.confdir, log: rig.tree.log, extra: ["-log-level", "debug"])
        try #require(try await rig.caughtUp([engine.processIdentifier], revision: written))
        try await store.put("/app/b", "2", lease: nil)
        let changed = try #require(try await store.modifiedRevisions(prefix: "/app/b")["/app/b"])
        try #require(try await rig.caughtUp([engine.processIdentifier], revision: changed))

        let rendered = try String(contentsOfFile: rig.tree.root + "/all.conf", encoding: .utf8)
        #expect(rendered == "app\n/app/a=1\n/app/b=2\n")
        // Two applies (startup, the change), though the engine wrote its acknowledgement after each: both writes
        // reached its watch on `/` and were hidden.
        let log = rig.tree.logText()
        let applies = log.components(separatedBy: "Target config").count - 1
        #expect(applies == 2, "\(log)")
    }

    /// The file store, through the demo (which publishes by default) and a real nginx: the leaving backend waits for
    /// the demo's engine, not a fixed grace.
    @Test func aLeavingBackendWaitsForTheDemosAcknowledgementOnTheFileStore() async throws {
        let tools = DemoIntegrationTests.nginxInstalled && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
        guard
            FaultSupport.require(tools && DemoIntegrationTests.binary != nil, "nginx, curl or switchboard is missing"),
            let binary = DemoIntegrationTests.binary
        else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sbackfile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let (port, _) = try EmptyUpstreamTests.twoPorts()
        let demo = try FaultSupport.start(
            ["demo", "--dir", dir, "--port", String(port), "--backends", "0", "--no-console"], log: log)
        defer {
            kill(demo.processIdentifier, SIGTERM)
            demo.waitUntilExit()
        }
        let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        try #require(
            await DemoIntegrationTests.eventually(60) { output().contains("switchboard demo is up") }, "\(output())")
        let hello = try GracefulLeaveTests.startHello(
            binary, dir: dir, key: "/test/leaving", extra: ["--drain-grace", "0s"])
        defer { FaultSupport.kill9(hello.process) }
        let store = "file:\(dir)/store.yaml"
        #expect(
            try await DemoIntegrationTests.eventually(30) {
                let (_, listed) = try RunCommandTests.run(["backends", "/test/", "--store", store])
                return listed.contains("/test/leaving") && listed.hasSuffix("1/1\n")
            }, "\(output())")

        kill(hello.process.processIdentifier, SIGTERM)
        hello.process.waitUntilExit()
        #expect(hello.process.terminationStatus == 0, "\(hello.output)")
        #expect(hello.output.contains("1 engine resource(s) acknowledged revision"), "\(hello.output)")
        #expect(!hello.output.contains("waiting a fixed"), "\(hello.output)")
        let after = EmptyUpstreamTests.get(port)
        #expect(after.status == "503", "\(after)")
    }
}
