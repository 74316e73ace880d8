import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `switchboard run` against real faults: a read-only dest directory, a full disk, a dead nginx, a hung reload.
/// Each test checks both halves of the promise: the live config stays intact (or is rolled back as the pipeline
/// documents), and the failure is reported — in the log, and as exit status 1 for `-onetime`.
@Suite(.serialized) struct FaultTests {
    static let valueTemplate = "value={{getv \"/v\"}}\n"

    /// A confd tree whose resource renders `/v` into `out/app.conf`, which holds "old" to begin with.
    static func valueTree(_ prefix: String, extraLines: [String] = []) throws -> (FaultSupport.Tree, String) {
        let tree = try FaultSupport.Tree(prefix: prefix)
        let out = tree.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try tree.resource(
            "app", template: valueTemplate, lines: ["dest = \"\(out)/app.conf\"", "keys = [\"/v\"]"] + extraLines)
        try tree.writeStore("v: new\n")
        return (tree, out)
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    // MARK: (a) read-only dest directory

    /// Makes `directory` refuse new files even to root: `chattr +i`, else a tmpfs remounted read-only (with the
    /// directory's files copied in first). Returns how to undo it, or `nil` when neither works here.
    static func makeReadOnly(_ directory: String) -> (() -> Void)? {
        if FaultSupport.tool("/usr/bin/chattr", ["+i", directory]).status == 0 {
            return { FaultSupport.tool("/usr/bin/chattr", ["-i", directory]) }
        }
        let saved = directory + ".saved"
        guard (try? FileManager.default.moveItem(atPath: directory, toPath: saved)) != nil else { return nil }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FaultSupport.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", directory]).status == 0 else {
            return nil
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: saved)) ?? [] {
            try? FileManager.default.copyItem(atPath: saved + "/" + name, toPath: directory + "/" + name)
        }
        guard FaultSupport.tool("/bin/mount", ["-o", "remount,ro", directory]).status == 0 else {
            FaultSupport.tool("/bin/umount", ["-l", directory])
            return nil
        }
        return { FaultSupport.tool("/bin/umount", ["-l", directory]) }
    }

    @Test func aReadOnlyDestDirectoryIsReportedAndTheLiveFileKept() async throws {
        guard FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built") else {
            return
        }
        let (tree, out) = try Self.valueTree("switchboard-readonly")
        defer { tree.remove() }
        try "old\n".write(toFile: out + "/app.conf", atomically: true, encoding: .utf8)
        let undo = Self.makeReadOnly(out)
        defer { undo?() }
        guard FaultSupport.require(undo != nil, "neither chattr +i nor a read-only tmpfs mount works here") else {
            return
        }
        // Root ignores permission bits; make sure the directory really refuses a new file before relying on it.
        #expect(!FileManager.default.createFile(atPath: out + "/probe", contents: Data()))

        let (status, output) = try FaultSupport.run(tree.runArguments("-onetime"), log: tree.log)
        #expect(status == 1, "\(output)")
        #expect(output.contains("cannot create the stage file"), "\(output)")
        #expect(output.contains("app.conf"), "\(output)")
        #expect(Self.read(out + "/app.conf") == "old\n")
        #expect(FaultSupport.strays(in: out, keep: ["app.conf"]).isEmpty)
    }

    // MARK: (b) disk full

    @Test func aFullDiskLeavesTheOldFileAndNoStageFile() async throws {
        guard FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built") else {
            return
        }
        let tree = try FaultSupport.Tree(prefix: "switchboard-diskfull")
        defer { tree.remove() }
        let out = tree.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let mounted = FaultSupport.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", out])
        defer { if mounted.status == 0 { FaultSupport.tool("/bin/umount", ["-l", out]) } }
        guard FaultSupport.require(mounted.status == 0, "cannot mount a tmpfs (\(mounted.output))") else { return }

        // About 100 KB of render against 64 KB of disk, a third of it already taken.
        try tree.resource(
            "app",
            template: "{{range seq 1 2000}}server 10.0.0.{{.}}:80; # padding padding padding padding\n{{end}}",
            lines: ["dest = \"\(out)/app.conf\"", "keys = [\"/v\"]"])
        try tree.writeStore("v: new\n")
        try "old\n".write(toFile: out + "/app.conf", atomically: false, encoding: .utf8)
        try Data(repeating: 0x78, count: 20 * 1024).write(to: URL(fileURLWithPath: out + "/filler"))

        let (status, output) = try FaultSupport.run(tree.runArguments("-onetime"), log: tree.log)
        #expect(status == 1, "\(output)")
        #expect(output.contains("No space left on device"), "\(output)")
        #expect(Self.read(out + "/app.conf") == "old\n")
        #expect(FaultSupport.strays(in: out, keep: ["app.conf", "filler"]).isEmpty)
    }

    // MARK: (c) nginx dead when a reload is due

    static func nginxTemplate(prefix: String, port: Int) -> String {
        let temps = NginxInstance.tempNames.map { "    \($0)_temp_path \(prefix)/temp/\($0);" }.joined(separator: "\n")
        return """
            worker_processes  1;
            pid        \(prefix)/nginx.pid;
            error_log  \(prefix)/logs/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
            \(temps)
                upstream backend {
                {{- range getvs "/test/*"}}
                    server {{.}};
                {{- end}}
                }
                server {
                    listen 127.0.0.1:\(port);
                    location / { proxy_pass http://backend; }
                }
            }

            """
    }

    /// SIGKILLs the nginx master and its workers, as a crash or an OOM kill would.
    static func killNginx(_ nginx: NginxInstance) {
        guard let master = nginx.runningPID() else { return }
        let workers = FaultSupport.tool("/usr/bin/pgrep", ["-P", String(master)]).output
            .split(separator: "\n").compactMap { pid_t($0) }
        kill(master, SIGKILL)
        for worker in workers { kill(worker, SIGKILL) }
    }

    @Test func aDeadNginxFailsTheReloadRollsBackAndTheEngineCarriesOn() async throws {
        guard
            FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built"),
            FaultSupport.require(DemoIntegrationTests.nginxInstalled, "nginx is not installed (/usr/sbin/nginx)")
        else { return }
        let tree = try FaultSupport.Tree(prefix: "switchboard-nginx")
        defer { tree.remove() }
        let prefix = tree.root + "/nginx"
        let config = prefix + "/nginx.conf"
        let nginx = NginxInstance(prefix: prefix, configPath: config)
        try nginx.prepareDirectories()
        let port = DemoIntegrationTests.freePort()
        // TOML literal strings: the reload command has double quotes and no single ones.
        try tree.resource(
            "nginx", template: Self.nginxTemplate(prefix: prefix, port: port),
            lines: [
                "dest = \"\(config)\"", "keys = [\"/test\"]",
                "check_cmd = '\(nginx.checkCommand())'", "reload_cmd = '\(nginx.reloadCommand)'",
            ])
        try tree.writeStore("test:\n  one: 127.0.0.1:9001\n")
        let run = try FaultSupport.start(tree.runArguments("-watch"), log: tree.log)
        defer { FaultSupport.kill9(run) }
        defer { Self.killNginx(nginx) }
        #expect(await DemoIntegrationTests.eventually(30) { Self.read(config)?.contains("127.0.0.1:9001") == true })
        try await nginx.start(timeout: .seconds(20))
        let first = try #require(Self.read(config))

        // nginx dies; the next change passes the check but cannot be reloaded.
        Self.killNginx(nginx)
        #expect(await DemoIntegrationTests.eventually(10) { nginx.runningPID() == nil })
        try tree.writeStore("test:\n  one: 127.0.0.1:9001\n  two: 127.0.0.1:9002\n")
        #expect(
            await DemoIntegrationTests.eventually(30) { tree.logText().contains("reload_cmd failed") },
            "\(tree.logText())")
        let log = tree.logText()
        #expect(log.contains("nginx is not running"), "\(log)")
        // ApplyDecision.afterReload: a failed reload is a rollback — the previous file goes back and is reloaded
        // again (which fails too while nginx is down, and is reported as such).
        #expect(log.contains("restored the previous \(config)"), "\(log)")
        #expect(Self.read(config) == first)
        #expect(run.isRunning, "the engine stopped: \(log)")

        // nginx comes back; the engine applies the next change and the reload goes through.
        try await nginx.start(timeout: .seconds(20))
        try tree.writeStore("test:\n  one: 127.0.0.1:9001\n  three: 127.0.0.1:9003\n")
        #expect(
            await DemoIntegrationTests.eventually(30) {
                let text = Self.read(config) ?? ""
                return text.contains("127.0.0.1:9003") && !text.contains("127.0.0.1:9002")
            }, "\(tree.logText())")
        #expect(
            await DemoIntegrationTests.eventually(30) {
                tree.logText().components(separatedBy: "has been updated").count >= 3
            }, "\(tree.logText())")
        #expect(run.isRunning)
        #expect(FaultSupport.strays(in: prefix, keep: ["nginx.conf", "nginx.pid", "logs", "temp"]).isEmpty)
        await nginx.stop()
    }

    // MARK: (d) a hung reload_cmd

    @Test(arguments: [(["-command-timeout", "1s"], [String]()), ([], ["reload_timeout = 1"])])
    func aHungReloadTimesOutAndItsProcessGroupIsKilled(flags: [String], tomlLines: [String]) async throws {
        guard FaultSupport.require(DemoIntegrationTests.binary != nil, "the switchboard binary is not built") else {
            return
        }
        // A duration no other process uses, so pgrep finds exactly the sleeps this run started.
        let marker = "sleep 97.\(Int.random(in: 100_000...999_999))"
        let (tree, out) = try Self.valueTree(
            "switchboard-hung", extraLines: ["reload_cmd = \"\(marker) & \(marker)\""] + tomlLines)
        defer { tree.remove() }
        defer {
            // Only if the test failed: the sleeps this run started (the marker is unique to it), by pid.
            let pids = FaultSupport.tool("/usr/bin/pgrep", ["-f", marker]).output.split(separator: "\n")
            for pid in pids.compactMap({ pid_t($0) }) { kill(pid, SIGKILL) }
        }
        try "old\n".write(toFile: out + "/app.conf", atomically: true, encoding: .utf8)

        let (status, output) = try FaultSupport.run(tree.runArguments("-onetime", extra: flags), log: tree.log)
        #expect(status == 1, "\(output)")
        #expect(output.contains("reload_cmd failed (timed out)"), "\(output)")
        #expect(output.contains("restored the previous"), "\(output)")
        #expect(Self.read(out + "/app.conf") == "old\n")
        #expect(FaultSupport.strays(in: out, keep: ["app.conf"]).isEmpty)
        // Both sleeps — the shell's child and the backgrounded grandchild — went with the process group.
        let left = FaultSupport.tool("/usr/bin/pgrep", ["-f", marker])
        #expect(left.status == 1, "still running: \(left.output)")
    }
}
