import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

@Suite struct TemplateResourceTests {
    /// Text pairs as the store's bytes.
    static func bytes(_ pairs: [String: String]) -> [GoString: GoString] {
        Dictionary(uniqueKeysWithValues: pairs.map { (GoString($0.key), GoString($0.value)) })
    }

    let dir = TempDirectory()

    init() {
        try! FileManager.default.createDirectory(atPath: dir.file("conf.d/sub"), withIntermediateDirectories: true)
    }

    func load(prefix: String? = nil) throws -> ResourceLoader.Result {
        try ResourceLoader.load(confdir: dir.path, prefix: prefix)
    }

    @Test func everyConfdFieldIsRead() throws {
        dir.write(
            "conf.d/nginx.toml",
            """
            [template]
            src = "nginx.tmpl"
            dest = "/etc/nginx/nginx.conf"
            keys = ["/test", "/other"]
            prefix = "app"
            mode = "0640"
            uid = 0
            gid = 0
            check_cmd = "nginx -t -c {{.src}}"
            reload_cmd = "nginx -s reload"
            """)
        let resource = try #require(try load().resources.first)
        #expect(resource.name == "nginx.toml")
        #expect(resource.source == dir.file("templates/nginx.tmpl"))
        #expect(resource.sourceDisplayName == "templates/nginx.tmpl")
        #expect(resource.storeKeys == ["/app/test", "/app/other"])
        #expect(resource.mode == 0o640)
        #expect(resource.uid == 0 && resource.gid == 0)
        #expect(resource.checkCommand == "nginx -t -c {{.src}}")
        #expect(resource.reloadCommand == "nginx -s reload")
        #expect(!resource.valuesMustBeAddresses)
    }

    @Test func modeIsOctalEvenWithoutALeadingZero() throws {
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nmode = \"644\"\n")
        #expect(try load().resources.first?.mode == 0o644)
    }

    @Test func resourcesAreFoundRecursivelyInLexicalOrder() throws {
        dir.write("conf.d/sub/b.toml", "[template]\nsrc = \"b\"\ndest = \"/tmp/b\"\n")
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\n")
        dir.write("conf.d/notes.txt", "not a resource")
        #expect(try load().resources.map(\.name) == ["a.toml", "sub/b.toml"])
    }

    @Test func theViewFollowsConfdsPlainStringSemantics() throws {
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nprefix = \"/prod\"\nkeys = [\"/\"]\n")
        let resource = try #require(try load().resources.first)
        let view = resource.view(of: SortedKeyMap(["/production/b": "1", "/prod": "2", "/prod/x": "3", "/other": "4"]))
        #expect(view.dictionary == ["/uction/b": "1", "/": "2", "/x": "3"])
        #expect(view.keys == ["/", "/uction/b", "/x"])
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nkeys = [\"/app/web\"]\n")
        let plain = try #require(try load().resources.first)
        #expect(
            plain.view(of: SortedKeyMap(["/app/web/a": "1", "/app/webhook": "2", "/app/db": "3"])).keys == [
                "/app/web/a", "/app/webhook",
            ])
    }

    @Test func theViewEqualsConfdsMapBuiltKeyByKey() {
        var random = SystemRandomNumberGenerator()
        let pieces = ["/", "/app", "/app/", "web", "webhook", "//", "/.", "/..", "x", "\u{0}", "é"]
        func key() -> String {
            (0..<Int.random(in: 1...4, using: &random)).map { _ in pieces.randomElement()! }.joined()
        }
        for _ in 0..<200 {
            let prefix = ["/", "/app", "/app/", "/x"].randomElement(using: &random)!
            let keys = (0..<Int.random(in: 0...3, using: &random)).map { _ in key() }
            let resource = TemplateResource(
                name: "a.toml", source: "a", sourceDisplayName: "a", dest: "/tmp/a", keys: keys, prefix: prefix,
                valuesMustBeAddresses: false)
            var mirror: [String: String] = [:]
            for index in 0..<Int.random(in: 0...40, using: &random) { mirror[key()] = String(index) }
            // Half the time only clean absolute keys, the case where the view shares the mirror's slices.
            if Bool.random(using: &random) { mirror = mirror.filter { SortedKeyMap.isCleanAbsolute(GoString($0.key)) } }
            // confd's loop over the store, in byte order so that of two keys renamed alike the greater one wins.
            var expected: [String: String] = [:]
            for storeKey in mirror.keys.sorted(by: GoFormat.goLess)
            where resource.storeKeys.contains(where: { storeKey.utf8.starts(with: $0.utf8) }) {
                let trimmed = storeKey.hasPrefix(prefix) ? String(storeKey.dropFirst(prefix.count)) : storeKey
                expected[GoPath.join("/", trimmed)] = mirror[storeKey]
            }
            let view = resource.view(of: SortedKeyMap(Self.bytes(mirror)))
            #expect(view.dictionary == Self.bytes(expected))
            #expect(view.keys == expected.keys.sorted(by: GoFormat.goLess).map { GoString($0) })
        }
    }

    @Test func theRunsPrefixReplacesTheResources() throws {
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nprefix = \"/x\"\nkeys = [\"/k\"]\n")
        #expect(try load(prefix: "/y").resources.first?.storeKeys == ["/y/k"])
    }

    @Test func unknownFieldsAreWarnedAbout() throws {
        dir.write("conf.d/a.toml", "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nreload_cdm = \"typo\"\n")
        let result = try load()
        #expect(
            result.warnings.map(\.description) == [
                "\(dir.file("conf.d/a.toml")): unknown field \"template.reload_cdm\" is ignored"
            ])
    }

    @Test func switchboardFields() throws {
        dir.write(
            "conf.d/a.toml",
            "[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nvalues = \"host:port\"\nwait = \"10ms:1s\"\ncheck_timeout = 5\nreload_timeout = \"2s\"\n"
        )
        let resource = try #require(try load().resources.first)
        #expect(resource.valuesMustBeAddresses)
        #expect(resource.wait == WaitPolicy(minimumQuiet: .milliseconds(10), maximumDelay: .seconds(1)))
        #expect(resource.checkTimeout == .seconds(5))
        #expect(resource.reloadTimeout == .seconds(2))
    }

    @Test(arguments: [
        ("[template]\ndest = \"/tmp/a\"\n", "src is missing"),
        ("[template]\nsrc = \"a\"\n", "dest is missing"),
        ("[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nmode = \"rw-r--r--\"\n", "is not an octal file mode"),
        ("[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nkeys = \"/x\"\n", "keys must be an array of strings"),
        ("[template]\nsrc = 1\ndest = \"/tmp/a\"\n", "src must be a string"),
        ("[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nvalues = \"ip\"\n", "values \"ip\" is not known"),
        ("[template]\nsrc = \"a\"\ndest = \"/tmp/a\"\nwait = \"soon\"\n", "wait: invalid duration"),
        ("[template\nsrc = \"a\"\n", "a.toml:1:"),
        ("src = \"a\"\n", "no [template] table"),
    ])
    func badTomlStopsEverythingNamingTheFile(toml: String, expected: String) {
        dir.write("conf.d/a.toml", toml)
        dir.write("conf.d/b.toml", "[template]\nsrc = \"b\"\ndest = \"/tmp/b\"\n")
        let error = #expect(throws: ResourceError.self) { try load() }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("a.toml") == true)
    }

    @Test func aMissingConfDIsAnError() {
        let error = #expect(throws: ResourceError.self) { try ResourceLoader.load(confdir: dir.file("nope")) }
        #expect(error?.description.contains("no such directory") == true)
    }

    @Test func confdConfigFile() throws {
        let config = try ConfdConfigFile.parse(
            """
            backend = "file"
            confdir = "/srv/confd"
            interval = 30
            nodes = ["http://a:2379"]
            file = ["keys.yaml"]
            watch = true
            log-level = "debug"
            scheme = "https"
            """, file: "confd.toml")
        #expect(config.backend == "file")
        #expect(config.confdir == "/srv/confd")
        #expect(config.interval == 30)
        #expect(config.nodes == ["http://a:2379"])
        #expect(config.files == ["keys.yaml"])
        #expect(config.watch == true)
        #expect(config.logLevel == "debug")
        #expect(config.ignored == ["scheme"])
        #expect(throws: ResourceError.self) { try ConfdConfigFile.parse("interval = \"x\"", file: "c.toml") }
    }
}
