import Core
import Testing

@testable import ConfdDropIn

@Suite struct ConfdFlagsTests {
    @Test func singleAndDoubleDashAndBothValueForms() throws {
        let flags = try ConfdFlags.parse([
            "-onetime", "--backend", "file", "-file=a.yaml", "--file=b.yaml", "-confdir", "/x", "-interval=5",
            "--noop", "-sync-only=false", "-node", "http://a:2379", "-node=http://b:2379", "-log-level=debug",
        ])
        #expect(flags.onetime == true)
        #expect(flags.backend == "file")
        #expect(flags.files == ["a.yaml", "b.yaml"])
        #expect(flags.confdir == "/x")
        #expect(flags.interval == 5)
        #expect(flags.noop == true)
        #expect(flags.syncOnly == false)
        #expect(flags.nodes == ["http://a:2379", "http://b:2379"])
        #expect(flags.logLevel == "debug")
        #expect(flags.watch == nil)
    }

    @Test(arguments: ["1", "t", "T", "TRUE", "true", "True"])
    func goBooleansTrue(text: String) throws {
        #expect(try ConfdFlags.parse(["-watch=\(text)"]).watch == true)
    }

    @Test func aBoolFlagDoesNotEatTheNextArgument() {
        #expect(throws: ConfdFlagError("unexpected argument \"false\": confd takes flags only")) {
            try ConfdFlags.parse(["-onetime", "false"])
        }
    }

    @Test(arguments: [
        (["-bogus"], "flag provided but not defined: -bogus"),
        (["--bogus=1"], "flag provided but not defined: -bogus"),
        (["-confdir"], "flag needs an argument: -confdir"),
        (["-interval", "soon"], "invalid value \"soon\" for flag -interval: a whole number of seconds above 0"),
        (["-watch=maybe"], "invalid boolean value \"maybe\" for -watch: parse error"),
        (["---x"], "bad flag syntax: ---x"),
        (["-=x"], "bad flag syntax: -=x"),
        (["stray"], "unexpected argument \"stray\": confd takes flags only"),
    ])
    func refusals(arguments: [String], message: String) {
        #expect(throws: ConfdFlagError(message)) { try ConfdFlags.parse(arguments) }
    }

    @Test func helpAndVersion() throws {
        #expect(try ConfdFlags.parse(["-h"]).help)
        #expect(try ConfdFlags.parse(["--help"]).help)
        #expect(try ConfdFlags.parse(["-version"]).version)
    }

    @Test func otherBackendsFlagsParseAndAreRemembered() throws {
        let flags = try ConfdFlags.parse(["-scheme", "https", "-basic-auth"])
        #expect(flags.otherBackendFlags == ["scheme": "https", "basic-auth": "true"])
    }

    @Test func usageListsEveryConfdFlag() {
        for name in [
            "-backend", "-node", "-file", "-prefix", "-confdir", "-config-file", "-interval", "-watch",
            "-onetime", "-noop", "-sync-only", "-keep-stage-file", "-log-level", "-client-cert", "-client-key",
            "-client-ca-keys", "-username", "-password", "-version",
        ] {
            #expect(ConfdFlags.usage.contains("  \(name)"))
        }
    }
}
