import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Go's strings are bytes: keys that differ only in Unicode normalization are two keys, bytes that are not UTF-8
/// stay as they are, and people see them escaped.
@Suite struct GoStringTests {
    static let composed = GoString([UInt8]("/test/caf".utf8) + [0xC3, 0xA9])
    static let decomposed = GoString([UInt8]("/test/cafe".utf8) + [0xCC, 0x81])
    static let latin1 = GoString([UInt8]("caf".utf8) + [0xE9])

    @Test func equalityHashingAndOrderAreByBytes() {
        // Swift's String takes these two for one; Go, etcd and confd do not.
        #expect("caf\u{E9}" == "cafe\u{301}")
        #expect(Self.composed != Self.decomposed)
        #expect(Set([Self.composed, Self.decomposed]).count == 2)
        #expect(Self.decomposed < Self.composed)  // 'e' (0x65) sorts before 0xC3
        #expect(GoString("ab") < GoString("abc"))
        #expect(!(GoString("abc") < GoString("abc")))
        #expect(GoString("\u{7F}") < GoString([0x80]))
    }

    @Test func peopleSeeEscapedBytes() {
        #expect(Self.latin1.description == "caf\\xe9")
        #expect(Self.composed.description == "/test/caf\u{E9}")
        #expect(Self.decomposed.description == "/test/cafe\\u{301}")
        #expect(GoString("a\\b\n").description == "a\\\\b\\x0a")
        #expect(Self.latin1.utf8Text == nil)
        #expect(Self.latin1.lossyText == "caf\u{FFFD}")
        #expect(Self.latin1.base64 == "Y2Fm6Q==")
    }

    @Test func runesDecodeAsGoDecodesThem() {
        let bytes: [UInt8] = [0x61, 0xE9, 0xC3, 0xA9, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80, 0xE2, 0x82]
        var runes: [UInt32?] = []
        var index = 0
        while index < bytes.count {
            let (scalar, width) = GoString.decodeRune(bytes, at: index)
            runes.append(scalar?.value)
            index += width
        }
        // A lone byte, a surrogate's encoding and a cut sequence are one RuneError per byte, as in Go.
        #expect(runes == [0x61, nil, 0xE9, nil, nil, nil, 0x1F600, nil, nil])
    }

    @Test func theMirrorAndTheViewKeepBothKeys() throws {
        var map = SortedKeyMap([Self.composed: "10.0.0.1:80"])
        let changed = map.set("10.0.0.2:80", for: Self.decomposed)
        #expect(changed)
        #expect(map.count == 2)
        #expect(map[Self.composed] == "10.0.0.1:80")
        #expect(map[Self.decomposed] == "10.0.0.2:80")
        #expect(map.range(withPrefix: "/test/caf").count == 2)
        #expect(map.remove(Self.composed) == "10.0.0.1:80")
        #expect(map.keys == [Self.decomposed])

        let view = StoreView([Self.composed: "10.0.0.1:80", Self.decomposed: "10.0.0.2:80"])
        let template = try Template(source: "{{range gets \"/test/*\"}}{{.Key}}={{.Value}}\n{{end}}", name: "t")
        let expected =
            Self.decomposed.bytes + Array("=10.0.0.2:80\n".utf8) + Self.composed.bytes
            + Array("=10.0.0.1:80\n".utf8)
        #expect(try template.render(view) == expected)
        #expect(try Template(source: "{{len (getvs \"/test/*\")}}", name: "t").renderString(view) == "2")
    }

    @Test func aResourceViewRenamesKeysByBytes() {
        let resource = TemplateResource(
            name: "a.toml", source: "a", sourceDisplayName: "a", dest: "/tmp/a", keys: ["/test"], prefix: "/app",
            valuesMustBeAddresses: false)
        let mirror = SortedKeyMap([
            "/app" + Self.composed: "one", "/app" + Self.decomposed: "two", "/app/test/" + Self.latin1: "three",
        ])
        let view = resource.view(of: mirror)
        #expect(view.dictionary == [Self.composed: "one", Self.decomposed: "two", "/test/" + Self.latin1: "three"])
    }

    @Test func yamlKeysDifferingOnlyInNormalizationAreTwoKeys() throws {
        var pairs: [GoString: GoString] = [:]
        let yaml = "test:\n  caf\u{E9}: one\n  cafe\u{301}: two\n  escaped: \"\\xe9\\u00e9\"\n"
        try YAMLFlattener.flatten(yaml, file: "keys.yaml", into: &pairs)
        #expect(pairs.count == 3)
        #expect(pairs[Self.composed] == "one")
        #expect(pairs[Self.decomposed] == "two")
        // YAML's `\xe9` is the character U+00E9 (go-yaml and libyaml agree), written in UTF-8.
        #expect(pairs["/test/escaped"] == GoString([0xC3, 0xA9, 0xC3, 0xA9]))
    }

    @Test func aYAMLFileThatIsNotUTF8IsRefusedNamingFileAndLine() throws {
        var pairs: [GoString: GoString] = [:]
        let bytes: [UInt8] = Array("a: 1\nb:\n  c: caf".utf8) + [0xE9, 10]
        let error = #expect(throws: YAMLError.self) {
            try YAMLFlattener.flatten(bytes, file: "keys.yaml", into: &pairs)
        }
        #expect(error?.file == "keys.yaml")
        #expect(error?.line == 3)
        #expect(error?.column == 9)
        #expect(error?.description.contains("UTF-8") == true)
    }

    @Test func theFileStoreKeepsBothKeysAndRefusesToWriteOtherBytes() async throws {
        let file = NSTemporaryDirectory() + "switchboard-bytes-\(UUID().uuidString).yaml"
        defer {
            for suffix in ["", ".lock", ".leases"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
        let store = FileStore(paths: [file])
        try await store.put(Self.composed, "10.0.0.1:80", lease: nil)
        try await store.put(Self.decomposed, "10.0.0.2:80", lease: nil)
        let snapshot = try await store.snapshot(prefixes: ["/test/"])
        #expect(snapshot.pairs == [Self.composed: "10.0.0.1:80", Self.decomposed: "10.0.0.2:80"])
        #expect(try await store.list(prefix: "/test/").map(\.key) == [Self.decomposed, Self.composed])
        await #expect(throws: FileStoreError.self) { try await store.put("/test/latin", Self.latin1, lease: nil) }
        try await store.delete(Self.composed)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs == [Self.decomposed: "10.0.0.2:80"])
    }
}
