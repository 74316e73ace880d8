import Foundation
import Testing

@testable import Core

/// The file store's revisions mean the same to every process: each write stamps the next one in the file's first
/// line, readers and watchers report it, a removal says at which revision the key went.
@Suite struct FileStoreRevisionTests {
    let dir = TempDirectory()

    @Test func everyWriteThatChangesThePairsStampsTheNextRevision() async throws {
        let path = dir.file("store.yaml")
        dir.write("store.yaml", "test:\n  a: 127.0.0.1:1\n")
        let store = FileStore(paths: [path])
        #expect(try await store.snapshot(prefixes: ["/"]).revision == 0)
        try await store.put("/test/b", "127.0.0.1:2", lease: nil)
        #expect(dir.read("store.yaml")?.hasPrefix("# Switchboard store revision 1: ") == true)
        try await store.put("/test/b", "127.0.0.1:2", lease: nil)  // no change, no new revision
        try await store.delete("/test/missing")
        // Another process (another FileStore) sees the same number.
        #expect(try await FileStore(paths: [path]).snapshot(prefixes: ["/test/"]).revision == 1)
        #expect(try await store.removeReportingRevision("/test/a", ifValue: nil) == 2)
        #expect(try await store.removeReportingRevision("/test/a", ifValue: nil) == nil)
        #expect(try await store.snapshot(prefixes: ["/test/"]).revision == 2)
        // confd's reader ignores the line: the pairs are what they were.
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs == ["/test/b": "127.0.0.1:2"])
    }

    /// A graceful leave removes its key only while it still holds its own address: a key another process took over
    /// stays, and nothing is written.
    @Test func aRemovalWithAnExpectedValueLeavesAKeyTakenOver() async throws {
        let path = dir.file("store.yaml")
        dir.write("store.yaml", "test:\n  a: 127.0.0.1:1\n")
        let store = FileStore(paths: [path])
        #expect(try await store.removeReportingRevision("/test/a", ifValue: "127.0.0.1:9") == nil)
        #expect(try await store.removeReportingRevision("/test/missing", ifValue: "127.0.0.1:1") == nil)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs == ["/test/a": "127.0.0.1:1"])
        #expect(try await store.snapshot(prefixes: ["/test/"]).revision == 0)
        #expect(try await store.removeReportingRevision("/test/a", ifValue: "127.0.0.1:1") == 1)
        #expect(try await store.snapshot(prefixes: ["/test/"]).pairs.isEmpty)
    }

    @Test func anEditorDroppingTheLineCannotSendRevisionsBack() async throws {
        let path = dir.file("store.yaml")
        let store = FileStore(paths: [path])
        for port in 1...3 { try await store.put("/test/k\(port)", "127.0.0.1:\(port)", lease: nil) }
        dir.write("store.yaml", "\"/test/k1\": \"127.0.0.1:1\"\n")
        #expect(try await store.snapshot(prefixes: ["/"]).revision == 0)
        try await store.put("/test/k9", "127.0.0.1:9", lease: nil)
        #expect(try await store.snapshot(prefixes: ["/"]).revision == 4)
    }

    @Test func theRevisionEachKeyWasLastWrittenAtIsKept() async throws {
        let store = FileStore(paths: [dir.file("store.yaml")])
        try await store.put("/test/a", "127.0.0.1:1", lease: nil)
        try await store.put("/test/b", "127.0.0.1:2", lease: nil)
        try await store.put("/test/a", "127.0.0.1:3", lease: nil)
        try await store.put("/other/c", "x", lease: nil)
        try await store.delete("/test/b")
        #expect(try await store.modifiedRevisions(prefix: "/test/") == ["/test/a": 3])
    }

    @Test func theWatchReportsTheStampedRevision() async throws {
        let path = dir.file("store.yaml")
        let store = FileStore(paths: [path])
        try await store.put("/test/a", "127.0.0.1:1", lease: nil)
        var updates = store.updates(prefixes: ["/test/"], after: 0).makeAsyncIterator()
        guard case .resync(let first)? = try await updates.next() else {
            Issue.record("expected a resync first")
            return
        }
        #expect(first.revision == 1)
        try await store.put("/elsewhere", "x", lease: nil)  // revision 2, not watched
        let removed = try #require(try await store.removeReportingRevision("/test/a", ifValue: nil))
        #expect(removed == 3)
        guard case .events(let events, let revision)? = try await updates.next() else {
            Issue.record("expected events")
            return
        }
        #expect(events == [.delete(key: "/test/a")])
        #expect(revision == 3)
    }

    @Test func aStoreOfSeveralFilesCountsItsOwnRevisions() async throws {
        dir.write("a.yaml", "test:\n  a: 1\n")
        dir.write("b.yaml", "test:\n  b: 2\n")
        let store = FileStore(paths: [dir.file("a.yaml"), dir.file("b.yaml")])
        #expect(try await store.snapshot(prefixes: ["/"]).revision == 1)
        #expect(FileStoreRevision.read(Data("# Switchboard store revision 42: x".utf8)) == 42)
        #expect(FileStoreRevision.read(Data("# Switchboard store: one key".utf8)) == nil)
    }
}
