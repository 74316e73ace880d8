import Foundation
import Testing

@testable import Core
@testable import GoTemplate
@testable import GoText

/// Keys that differ only in Unicode normalization (`/test/café` precomposed, `caf\xc3\xa9`, and decomposed,
/// `cafe\xcc\x81`) are two keys to etcd and to confd: through a real etcd and the file store, `switchboard run`
/// renders each with its own value and `switchboard backends --json` lists both; a Latin-1 value stays its bytes.
@Suite(.serialized) struct ByteKeysIntegrationTests {
    static let composed = GoString([UInt8]("/test/caf".utf8) + [0xC3, 0xA9])
    static let decomposed = GoString([UInt8]("/test/cafe".utf8) + [0xCC, 0x81])
    static let latin1 = GoString([UInt8]("caf".utf8) + [0xE9])

    /// A confd tree that prints every key under /test with its value; returns its root.
    static func tree() throws -> String {
        let root = NSTemporaryDirectory() + "switchboard-bytes-" + UUID().uuidString
        for directory in ["conf.d", "templates", "out"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        try "{{range gets \"/test/*\"}}{{.Key}}={{.Value}}\n{{end}}".write(
            toFile: root + "/templates/t.tmpl", atomically: true, encoding: .utf8)
        try "[template]\nsrc = \"t.tmpl\"\ndest = \"\(root)/out/t.conf\"\nkeys = [\"/test\"]\n".write(
            toFile: root + "/conf.d/t.toml", atomically: true, encoding: .utf8)
        return root
    }

    /// What the tree renders for `pairs`: one line per key, in byte order of the keys.
    static func expected(_ pairs: [(GoString, GoString)]) -> [UInt8] {
        pairs.sorted { $0.0 < $1.0 }.flatMap { $0.0.bytes + [UInt8(ascii: "=")] + $0.1.bytes + [10] }
    }

    static func rendered(_ root: String) -> [UInt8]? {
        FileManager.default.contents(atPath: root + "/out/t.conf").map { [UInt8]($0) }
    }

    /// The keys `backends --json` lists, decoded from their `key_base64`.
    static func listedKeys(_ json: String) throws -> [GoString] {
        let objects = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return objects.compactMap { ($0["key_base64"] as? String).flatMap { Data(base64Encoded: $0) } }
            .map { GoString([UInt8]($0)) }
    }

    @Test func etcdKeysDifferingOnlyInNormalizationStayTwoKeys() async throws {
        guard EtcdProcess.available() else { return }
        let etcd = EtcdProcess()
        try await etcd.start()
        defer { etcd.stop() }
        let store = EtcdStore(endpoints: [etcd.endpoint])
        try await store.put(Self.composed, "10.0.0.1:80", lease: nil)
        try await store.put(Self.decomposed, "10.0.0.2:80", lease: nil)
        try await store.put("/test/latin", Self.latin1, lease: nil)
        let snapshot = try await store.snapshot(prefixes: ["/test/"])
        #expect(snapshot.pairs.count == 3)
        #expect(snapshot.pairs["/test/latin"] == Self.latin1)
        #expect(snapshot.pairs[Self.composed] == "10.0.0.1:80")
        #expect(snapshot.pairs[Self.decomposed] == "10.0.0.2:80")

        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (status, output) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "etcdv3", "-node", etcd.endpoint, "-confdir", root,
        ])
        #expect(status == 0, "\(output)")
        // The Latin-1 value is written byte for byte, as confd writes it.
        #expect(
            Self.rendered(root)
                == Self.expected([
                    (Self.composed, "10.0.0.1:80"), (Self.decomposed, "10.0.0.2:80"), ("/test/latin", Self.latin1),
                ]))

        let (listed, json) = try RunCommandTests.run([
            "backends", "/test/", "--store", "etcd://" + etcd.endpoint.dropFirst("http://".count), "--json",
        ])
        #expect(listed == 0, "\(json)")
        #expect(try Self.listedKeys(json) == [Self.composed, Self.decomposed, "/test/latin"].sorted())
    }

    @Test func fileStoreKeysDifferingOnlyInNormalizationStayTwoKeys() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml =
            "test:\n  \(Self.composed.lossyText.dropFirst(6)): 10.0.0.1:80\n"
            + "  \(Self.decomposed.lossyText.dropFirst(6)): 10.0.0.2:80\n"
        try yaml.write(toFile: root + "/keys.yaml", atomically: true, encoding: .utf8)
        let (status, output) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "file", "-file", root + "/keys.yaml", "-confdir", root,
        ])
        #expect(status == 0, "\(output)")
        #expect(
            Self.rendered(root)
                == Self.expected([(Self.composed, "10.0.0.1:80"), (Self.decomposed, "10.0.0.2:80")]))

        let (listed, json) = try RunCommandTests.run([
            "backends", "/test/", "--store", "file:\(root)/keys.yaml", "--json",
        ])
        #expect(listed == 0, "\(json)")
        #expect(try Self.listedKeys(json) == [Self.composed, Self.decomposed].sorted())
        let (_, table) = try RunCommandTests.run(["backends", "/test/", "--store", "file:\(root)/keys.yaml"])
        #expect(table.contains("/test/caf\u{E9} "))
        #expect(table.contains("/test/cafe\\u{301}"))
    }

    @Test func aYAMLFileThatIsNotUTF8IsRefusedNamingItsLine() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bytes: [UInt8] = Array("test:\n  a: 10.0.0.1:80\n  b: caf".utf8) + [0xE9] + [10]
        FileManager.default.createFile(atPath: root + "/keys.yaml", contents: Data(bytes))
        let (status, output) = try RunCommandTests.run([
            "run", "-onetime", "-backend", "file", "-file", root + "/keys.yaml", "-confdir", root,
        ])
        #expect(status != 0)
        #expect(output.contains("\(root)/keys.yaml:3:"), "\(output)")
        #expect(output.contains("UTF-8"), "\(output)")
        #expect(Self.rendered(root) == nil)
    }
}
