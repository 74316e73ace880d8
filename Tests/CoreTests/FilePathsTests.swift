import Foundation
import Testing

@testable import Core

@Suite struct FilePathsTests {
    /// NSString's answers for the paths Switchboard builds (swift-corelibs-foundation's own differ at the edges:
    /// `dir///name` for the last join, a trap for the parent of `/`).
    @Test(arguments: [
        ("/etc/confd", "conf.d", "/etc/confd/conf.d"), ("/etc/confd/", "conf.d", "/etc/confd/conf.d"),
        ("/", "conf.d", "/conf.d"), ("", "conf.d", "conf.d"), ("relative", "a/b.toml", "relative/a/b.toml"),
        ("dir//", "/name", "dir/name"),
    ])
    func joinsWithOneSlash(directory: String, name: String, joined: String) {
        #expect(FilePaths.join(directory, name) == joined)
    }

    @Test(arguments: [
        ("/a/b", "b", "/a"), ("/a/b/", "b", "/a"), ("/b", "b", "/"), ("b", "b", ""), ("/", "/", "/"),
        ("a/b/c.conf", "c.conf", "a/b"),
    ])
    func lastComponentAndParent(path: String, last: String, parent: String) {
        #expect(FilePaths.lastComponent(path) == last)
        #expect(FilePaths.parent(path) == parent)
    }

    @Test func directoryOfABareNameIsTheCurrentOne() {
        #expect(FilePaths.directory(of: "upstream.conf") == ".")
        #expect(FilePaths.directory(of: "/etc/nginx/upstream.conf") == "/etc/nginx")
    }

    @Test func entriesWalkTheTreeWithoutEnteringLinkedDirectories() throws {
        let dir = TempDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("root/sub/deeper"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.file("elsewhere"), withIntermediateDirectories: true)
        dir.write("root/a.toml", "")
        dir.write("root/sub/b.toml", "")
        dir.write("root/sub/deeper/.hidden", "")
        dir.write("elsewhere/c.toml", "")
        try FileManager.default.createSymbolicLink(
            atPath: dir.file("root/linked"), withDestinationPath: dir.file("elsewhere"))
        try FileManager.default.createSymbolicLink(
            atPath: dir.file("root/dangling"), withDestinationPath: dir.file("none"))

        let entries = FilePaths.entries(under: dir.file("root")).sorted { $0.relative < $1.relative }
        #expect(
            entries.map(\.relative) == [
                "a.toml", "dangling", "linked", "sub", "sub/b.toml", "sub/deeper", "sub/deeper/.hidden",
            ])
        #expect(entries.filter { $0.kind == .directory }.map(\.relative) == ["linked", "sub", "sub/deeper"])
        #expect(FilePaths.kind(of: dir.file("root")) == .directory)
        #expect(FilePaths.kind(of: dir.file("root/a.toml")) == .other)
        #expect(FilePaths.kind(of: dir.file("root/dangling")) == nil)
        #expect(FilePaths.entries(under: dir.file("missing")).isEmpty)
    }
}
