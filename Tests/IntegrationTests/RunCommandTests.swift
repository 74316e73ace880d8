import Foundation
import Testing

/// `switchboard run` as confd's users call it, on confd trees under Fixtures/, checking output bytes, file mode,
/// exit status and untouched files.
@Suite struct RunCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A copy of a fixture tree with `@OUT@` pointing into a private output directory.
    struct Tree {
        let root: String
        var out: String { root + "/out" }
        init(_ name: String) throws {
            root = NSTemporaryDirectory() + "switchboard-run-" + UUID().uuidString
            try FileManager.default.copyItem(
                atPath: RunCommandTests.fixtures.appendingPathComponent(name).path, toPath: root)
            try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
            let enumerator = FileManager.default.enumerator(atPath: root + "/conf.d")!
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".toml") else { continue }
                let path = root + "/conf.d/" + relative
                let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
                    of: "@OUT@", with: root + "/out")
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let binary = DemoIntegrationTests.binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "switchboard binary not built"])
        }
        return try FaultSupport.capture(binary, arguments)
    }

    @Test(arguments: ["article", "prefix"])
    func onetimeOutputMatchesConfdByteForByte(fixture: String) async throws {
        let tree = try Tree(fixture)
        defer { tree.remove() }
        let (status, output) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 0, "\(output)")
        for name in try FileManager.default.contentsOfDirectory(atPath: tree.root + "/expected") {
            #expect(tree.read(tree.out + "/" + name) == tree.read(tree.root + "/expected/" + name), "\(name)")
        }
    }

    @Test func modeIsOctal() async throws {
        let tree = try Tree("prefix")
        defer { tree.remove() }
        _ = try Self.run([
            "run", "-onetime", "-backend=file", "--file", tree.root + "/keys.yaml", "--confdir=" + tree.root,
        ])
        let mode = try FileManager.default.attributesOfItem(atPath: tree.out + "/app.conf")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aMissingKeyNamesTheTemplateLineAndExitsOne() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "{{getv \"/test/nope\"}}\n".write(
            toFile: tree.root + "/templates/nginx.conf.tmpl", atomically: true, encoding: .utf8)
        let (status, output) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 1)
        #expect(output.contains("templates/nginx.conf.tmpl:1:3: getv: key does not exist: /test/nope"))
        #expect(!FileManager.default.fileExists(atPath: tree.out + "/nginx.conf"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.out).isEmpty)
    }

    @Test func aFailingCheckLeavesDestAndNoStageFile() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "old\n".write(toFile: tree.out + "/nginx.conf", atomically: true, encoding: .utf8)
        let toml = tree.root + "/conf.d/nginx.toml"
        let text = try String(contentsOfFile: toml, encoding: .utf8).replacingOccurrences(
            of: "grep -q 'upstream backend' {{.src}}", with: "false")
        try text.write(toFile: toml, atomically: true, encoding: .utf8)
        let (status, _) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 1)
        #expect(tree.read(tree.out + "/nginx.conf") == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.out) == ["nginx.conf"])
    }

    @Test func aFailingReloadRestoresTheOldFile() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "old\n".write(toFile: tree.out + "/nginx.conf", atomically: true, encoding: .utf8)
        let toml = tree.root + "/conf.d/nginx.toml"
        let text = try String(contentsOfFile: toml, encoding: .utf8).replacingOccurrences(
            of: "touch " + tree.out + "/reloaded", with: "grep -q old " + tree.out + "/nginx.conf")
        try text.write(toFile: toml, atomically: true, encoding: .utf8)
        let (status, output) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 1)
        #expect(output.contains("restored the previous"))
        #expect(tree.read(tree.out + "/nginx.conf") == "old\n")
    }

    @Test func noopPrintsADiffAndTouchesNothing() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "old\n".write(toFile: tree.out + "/nginx.conf", atomically: true, encoding: .utf8)
        let (status, output) = try Self.run([
            "run", "-onetime", "-noop", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 0)
        #expect(output.contains("-old\n"))
        #expect(output.contains("+            server 127.0.0.1:8001;\n"))
        #expect(tree.read(tree.out + "/nginx.conf") == "old\n")
        #expect(!FileManager.default.fileExists(atPath: tree.out + "/reloaded"))
    }

    @Test func aBadTomlStopsTheRunBeforeAnythingIsApplied() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "[template\nsrc = 1\n".write(toFile: tree.root + "/conf.d/aaa.toml", atomically: true, encoding: .utf8)
        let (status, output) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 1)
        #expect(output.contains("aaa.toml:1:"))
        #expect(!FileManager.default.fileExists(atPath: tree.out + "/nginx.conf"))
    }

    @Test(arguments: [
        (["run", "-bogus"], Int32(2), "flag provided but not defined: -bogus"),
        (["run", "-interval", "x"], 2, "invalid value \"x\" for flag -interval"),
        (["run", "-backend", "zookeeper", "-onetime"], 2, "backend \"zookeeper\" is not supported"),
        (
            ["run", "-onetime", "-backend", "file", "-file", "/nonexistent.yaml", "-confdir", "/nonexistent"], 1,
            "no such directory"
        ),
        (["run", "-config-file", "/nonexistent/confd.toml"], 1, "no such config file"),
        (["run", "-version"], 0, "switchboard"),
    ])
    func commandLineExitCodes(arguments: [String], status: Int32, message: String) throws {
        let (actual, output) = try Self.run(arguments)
        #expect(actual == status, "\(output)")
        #expect(output.contains(message), "\(output)")
    }

    @Test func aMalformedKeyFileIsNamedWithItsLine() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        try "test:\n  a: [1,\n".write(toFile: tree.root + "/keys.yaml", atomically: true, encoding: .utf8)
        let (status, output) = try Self.run([
            "run", "-onetime", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
        ])
        #expect(status == 1)
        #expect(output.contains("keys.yaml:"))
        #expect(!FileManager.default.fileExists(atPath: tree.out + "/nginx.conf"))
    }

    @Test func watchModeFollowsTheFileAndStopsOnSIGTERM() async throws {
        let tree = try Tree("article")
        defer { tree.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DemoIntegrationTests.binary!)
        process.arguments = [
            "run", "-watch", "-backend", "file", "-file", tree.root + "/keys.yaml", "-confdir", tree.root,
            "-log-level", "error",
        ]
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(
            await DemoIntegrationTests.eventually(10) { tree.read(tree.out + "/nginx.conf")?.contains("8002") == true })
        try "test:\n  apache-8001: 127.0.0.1:8001\n  apache-8003: 127.0.0.1:8003\n".write(
            toFile: tree.root + "/keys.yaml", atomically: true, encoding: .utf8)
        #expect(
            await DemoIntegrationTests.eventually(10) {
                let text = tree.read(tree.out + "/nginx.conf") ?? ""
                return text.contains("8003") && !text.contains("8002")
            })
        process.terminate()
        await process.exited()
        #expect(process.terminationStatus == 0)
    }
}
