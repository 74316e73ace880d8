import Foundation
import Testing

@testable import Core

/// A private directory per test, removed afterwards.
final class TempDirectory: @unchecked Sendable {  // only touched from the test that owns it
    let path: String
    init() {
        path = NSTemporaryDirectory() + "switchboard-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ name: String, _ text: String) {
        try! text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }
    func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
    /// Names in the directory, hidden ones included.
    var names: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
    func mode(_ name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: file(name))[.posixPermissions]) as? Int) ?? -1
    }
}

@Suite struct ApplyPipelineTests {
    let dir = TempDirectory()

    func target(
        check: String? = nil, reload: String? = nil, mode: UInt32? = nil, checkTimeout: Duration = .seconds(5)
    ) -> ApplyTarget {
        ApplyTarget(
            name: "nginx.toml", dest: dir.file("nginx.conf"), mode: mode,
            checkCommand: check.map { command in
                { @Sendable stage in command.replacingOccurrences(of: "SRC", with: stage) }
            },
            reloadCommand: reload, checkTimeout: checkTimeout, reloadTimeout: .seconds(5))
    }

    func apply(_ text: String, _ target: ApplyTarget, options: ApplyOptions = .init()) async -> ApplyPipeline.Outcome {
        await ApplyPipeline(options: options).apply(id: 1, trigger: .startup, target: target) { Array(text.utf8) }
    }

    @Test func aNewFileIsWrittenWithMode0644AndReloaded() async {
        let outcome = await apply("server a;\n", target(reload: "touch \(dir.file("reloaded"))"))
        #expect(outcome.record.result == .applied)
        #expect(dir.read("nginx.conf") == "server a;\n")
        #expect(dir.mode("nginx.conf") == 0o644)
        #expect(dir.exists("reloaded"))
        #expect(dir.names == ["nginx.conf", "reloaded"])
        #expect(outcome.record.linesAdded == 1)
    }

    @Test func theConfiguredModeIsUsed() async {
        _ = await apply("x\n", target(mode: 0o600))
        #expect(dir.mode("nginx.conf") == 0o600)
    }

    /// A secret-bearing config with mode 0600 is never readable by others, not even as the stage file the check sees.
    @Test func theStageFileIsNeverWiderThanTheConfiguredMode() async {
        let seen = dir.file("seen")
        let outcome = await apply("password x;\n", target(check: "stat -c %a SRC > \(seen)", mode: 0o600))
        #expect(outcome.record.result == .applied)
        #expect(dir.read("seen") == "600\n")
        #expect(dir.mode("nginx.conf") == 0o600)
    }

    @Test func anUnchangedFileIsNeitherCheckedNorReloaded() async {
        dir.write("nginx.conf", "same\n")
        chmod(dir.file("nginx.conf"), 0o644)
        let outcome = await apply(
            "same\n", target(check: "touch \(dir.file("checked"))", reload: "touch \(dir.file("reloaded"))"))
        #expect(outcome.record.result == .unchanged)
        #expect(!dir.exists("checked"))
        #expect(!dir.exists("reloaded"))
    }

    @Test func aModeChangeAloneCountsAsAChange() async {
        dir.write("nginx.conf", "same\n")
        chmod(dir.file("nginx.conf"), 0o644)
        let outcome = await apply("same\n", target(mode: 0o640))
        #expect(outcome.record.result == .applied)
        #expect(dir.mode("nginx.conf") == 0o640)
    }

    @Test func theCheckSeesTheStagedFileAndAFailingCheckLeavesDestAndNoStageFile() async {
        dir.write("nginx.conf", "old\n")
        let outcome = await apply(
            "new\n",
            target(
                check: "cp SRC \(dir.file("seen")); echo bad config >&2; exit 3",
                reload: "touch \(dir.file("reloaded"))"))
        #expect(outcome.record.result == .checkFailed)
        #expect(dir.read("seen") == "new\n")
        #expect(dir.read("nginx.conf") == "old\n")
        #expect(!dir.exists("reloaded"))
        #expect(dir.names == ["nginx.conf", "seen"])
        #expect(outcome.record.output.contains("bad config"))
        #expect(outcome.record.error?.contains("exit status 3") == true)
    }

    @Test func aHungCheckTimesOutAndLeavesDest() async {
        dir.write("nginx.conf", "old\n")
        let outcome = await apply("new\n", target(check: "sleep 30", checkTimeout: .milliseconds(500)))
        #expect(outcome.record.result == .checkFailed)
        #expect(outcome.record.error?.contains("timed out") == true)
        #expect(dir.read("nginx.conf") == "old\n")
        #expect(dir.names == ["nginx.conf"])
    }

    @Test func aFailingReloadRestoresThePreviousFileAndReloadsAgain() async {
        dir.write("nginx.conf", "old\n")
        let counter = dir.file("reloads")
        let outcome = await apply("new\n", target(reload: "echo x >> \(counter); echo nginx said no; exit 1"))
        #expect(
            outcome.record.result == .reloadFailedRolledBack || outcome.record.result == .reloadFailedRollbackFailed)
        #expect(dir.read("nginx.conf") == "old\n")
        #expect(dir.read("reloads") == "x\nx\n")
        #expect(outcome.record.output.contains("nginx said no"))
        #expect(outcome.record.output.contains("reload after rollback"))
        #expect(!dir.names.contains { $0.hasPrefix(".nginx.conf") })
    }

    @Test func aReloadThatFailsOnlyWithTheNewFileIsRolledBackCleanly() async {
        dir.write("nginx.conf", "good\n")
        let outcome = await apply("bad\n", target(reload: "grep -q good \(dir.file("nginx.conf"))"))
        #expect(outcome.record.result == .reloadFailedRolledBack)
        #expect(outcome.record.error?.contains("restored the previous") == true)
        #expect(dir.read("nginx.conf") == "good\n")
    }

    @Test func aFailingReloadOfANewFileRemovesIt() async {
        let outcome = await apply("new\n", target(reload: "test -e \(dir.file("never"))"))
        #expect(outcome.record.result == .reloadFailedRollbackFailed)
        #expect(!dir.exists("nginx.conf"))
    }

    @Test func noopPrintsADiffAndTouchesNothing() async {
        dir.write("nginx.conf", "a\nold\n")
        let outcome = await apply(
            "a\nnew\n", target(check: "touch \(dir.file("checked"))"), options: ApplyOptions(noop: true))
        #expect(outcome.record.result == .wouldChange)
        #expect(outcome.diff?.contains("-old\n") == true)
        #expect(outcome.diff?.contains("+new\n") == true)
        #expect(dir.read("nginx.conf") == "a\nold\n")
        #expect(dir.names == ["nginx.conf"])
    }

    @Test func syncOnlySkipsCheckAndReload() async {
        let outcome = await apply(
            "new\n", target(check: "exit 1", reload: "exit 1"), options: ApplyOptions(syncOnly: true))
        #expect(outcome.record.result == .applied)
        #expect(dir.read("nginx.conf") == "new\n")
    }

    @Test func aRenderErrorLeavesDestAndNoStageFile() async {
        dir.write("nginx.conf", "old\n")
        struct Broken: Error, CustomStringConvertible { var description: String { "templates/x.tmpl:3:4: boom" } }
        let outcome = await ApplyPipeline(options: .init()).apply(id: 1, trigger: .startup, target: target()) {
            throw Broken()
        }
        #expect(outcome.record.result == .renderFailed)
        #expect(outcome.record.error == "templates/x.tmpl:3:4: boom")
        #expect(dir.names == ["nginx.conf"])
    }

    @Test func aMissingDestDirectoryIsAWriteFailureNamingIt() async {
        let target = ApplyTarget(name: "x.toml", dest: dir.file("missing/nginx.conf"))
        let outcome = await ApplyPipeline(options: .init()).apply(id: 1, trigger: .startup, target: target) { [1] }
        #expect(outcome.record.result == .writeFailed)
        #expect(outcome.record.error?.contains("missing") == true)
    }

    @Test func keepStageFileLeavesTheStageFileWhenUnchanged() async {
        dir.write("nginx.conf", "same\n")
        chmod(dir.file("nginx.conf"), 0o644)
        _ = await apply("same\n", target(), options: ApplyOptions(keepStageFile: true))
        #expect(dir.names.count == 2)
        #expect(dir.names.contains { $0.hasPrefix(".nginx.conf") })
    }

    @Test func leftoverStageFilesAreFoundButNotOtherFiles() {
        dir.write("nginx.conf", "x")
        dir.write(".nginx.conf12345", "torn")
        dir.write(".nginx.conf.bak", "keep")
        dir.write(".nginx.confX1", "keep")
        #expect(LiveFile.leftoverStageFiles(for: dir.file("nginx.conf")) == [dir.file(".nginx.conf12345")])
    }

    @Test(arguments: [
        (nil as Int32?, false, ApplyDecision.write), (0, false, .write), (1, false, .keepOld), (nil, true, .keepOld),
    ])
    func checkDecisions(status: Int32?, timedOut: Bool, expected: ApplyDecision) {
        let outcome = CommandOutcome(exitStatus: status, timedOut: timedOut, output: "", seconds: 0)
        #expect(ApplyDecision.afterCheck(status == nil && !timedOut ? nil : outcome) == expected)
    }

    @Test func reloadDecisions() {
        #expect(ApplyDecision.afterReload(nil) == .done)
        #expect(
            ApplyDecision.afterReload(CommandOutcome(exitStatus: 0, timedOut: false, output: "", seconds: 0)) == .done)
        #expect(
            ApplyDecision.afterReload(CommandOutcome(exitStatus: 1, timedOut: false, output: "", seconds: 0))
                == .rollback)
    }
}
