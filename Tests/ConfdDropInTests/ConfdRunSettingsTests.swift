import Core
import Foundation
import Logging
import Testing

@testable import ConfdDropIn

@Suite struct ConfdRunSettingsTests {
    @Test func flagsWinOverTheConfigFileWhichWinsOverDefaults() throws {
        var file = ConfdConfigFile()
        file.backend = "file"
        file.files = ["from-file.yaml"]
        file.confdir = "/from/file"
        file.interval = 30
        let flags = try ConfdFlags.parse(["-confdir", "/from/flag", "-onetime"])
        let settings = try ConfdRun.settings(flags: flags, configFile: file)
        #expect(settings.confdir == "/from/flag")
        #expect(settings.files == ["from-file.yaml"])
        #expect(settings.interval == 30)
        #expect(settings.mode == .onetime)
    }

    @Test func modes() throws {
        #expect(
            try ConfdRun.settings(flags: ConfdFlags.parse(["-backend", "env", "-watch", "-onetime"]), configFile: nil)
                .mode == .onetime)
        #expect(
            try ConfdRun.settings(flags: ConfdFlags.parse(["-backend", "env", "-watch"]), configFile: nil).mode
                == .watch)
        #expect(
            try ConfdRun.settings(flags: ConfdFlags.parse(["-backend", "env"]), configFile: nil).mode
                == .interval(seconds: 600))
    }

    @Test func etcdCallsTimeOutAfterFiveSecondsUnlessTold() throws {
        let standard = try ConfdRun.settings(flags: ConfdFlags.parse(["-backend", "etcdv3"]), configFile: nil)
        #expect(standard.etcdTimeout == .seconds(5))
        let told = try ConfdRun.settings(
            flags: ConfdFlags.parse(["-backend", "etcdv3", "-etcd-timeout", "90s"]), configFile: nil)
        #expect(told.etcdTimeout == .seconds(90))
    }

    @Test(arguments: [
        (["-backend", "consul"], "backend \"consul\" is not supported"),
        (["-backend", "file"], "the file backend needs at least one -file"),
        (["-backend", "env", "-scheme", "https"], "-scheme: only for backends"),
        (["-backend", "env", "-log-level", "loud"], "for -log-level"),
        (["-backend", "env", "-wait", "2s:1s"], "-wait"),
        (["-backend", "env", "-command-timeout", "0"], "-command-timeout"),
        (["-backend", "etcdv3", "-etcd-timeout", "soon"], "-etcd-timeout"),
    ])
    func refusals(arguments: [String], expected: String) throws {
        let flags = try ConfdFlags.parse(arguments)
        let error = #expect(throws: ConfdFlagError.self) { try ConfdRun.settings(flags: flags, configFile: nil) }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }
}

@Suite struct ConfdObservabilityFlagsTests {
    static let time = Date(timeIntervalSince1970: 1_764_050_400)

    @Test func metricsAndLogFormatFlagsParseAndABadFormatIsRefused() throws {
        let flags = try ConfdFlags.parse(["-metrics-listen", "127.0.0.1:0", "-log-format=json"])
        #expect(flags.metricsListen == "127.0.0.1:0" && flags.logFormat == "json")
        #expect(ConfdFlags.usage.contains("-metrics-listen string"))
        #expect(throws: ConfdFlagError.self) {
            try ConfdRun.settings(flags: ConfdFlags.parse(["-backend=env", "-log-format=xml"]), configFile: nil)
        }
    }

    @Test func jsonLinesCarryTimeLevelMessageResourceRevisionAndMetadata() throws {
        let line = JSONLogHandler.line(
            time: Self.time, level: .error, message: "nginx.toml: check failed\nline two", label: "switchboard",
            metadata: ["resource": "nginx.toml", "revision": "42", "key": "/test/a"])
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2025-11-25T06:00:00.000Z")
        #expect(object["level"] as? String == "error")
        #expect(object["message"] as? String == "nginx.toml: check failed\nline two")
        #expect(object["resource"] as? String == "nginx.toml")
        #expect(object["revision"] as? Int == 42)
        #expect(object["key"] as? String == "/test/a")
        let bare = JSONLogHandler.line(time: Self.time, level: .info, message: "hi", label: "x", metadata: [:])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(bare.utf8)) as? [String: Any])
        #expect(plain["resource"] is NSNull && plain["revision"] is NSNull)
    }
}
