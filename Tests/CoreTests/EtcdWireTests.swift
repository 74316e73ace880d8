import Foundation
import Testing

@testable import Core

@Suite struct EtcdWireTests {
    @Test func prefixRangeEndIncrementsTheLastByte() {
        #expect(EtcdWire.rangeEndBytes(forPrefix: "/test/") == Array("/test0".utf8))
        #expect(EtcdWire.rangeEndBytes(forPrefix: "") == [0])
    }

    @Test func coveringRangeSpansAllPrefixes() {
        let range = EtcdWatchRange(prefixes: ["/b/", "/a/"])
        #expect(range.key == EtcdWire.base64("/a/"))
        #expect(range.rangeEnd == EtcdWire.base64("/b0"))
    }

    @Test func decodesWatchLineWithPutAndDeleteAndFiltersOtherPrefixes() throws {
        let line = """
            {"result":{"header":{"revision":"9"},"events":[\
            {"type":"DELETE","kv":{"key":"\(EtcdWire.base64("/test/a"))","mod_revision":"9"}},\
            {"kv":{"key":"\(EtcdWire.base64("/test/b"))","value":"\(EtcdWire.base64("x:1"))","mod_revision":"8"}},\
            {"kv":{"key":"\(EtcdWire.base64("/other"))","value":"","mod_revision":"7"}}]}}
            """
        let parsed = try EtcdWire.decoder.decode(EtcdWire.WatchLine.self, from: Data(line.utf8))
        let events = EtcdWire.storeEvents(try #require(parsed.result), prefixes: ["/test/"])
        #expect(events == [.put(key: "/test/b", value: "x:1"), .delete(key: "/test/a")])
    }

    @Test func decodesCompactionCancel() throws {
        let line = #"{"result":{"header":{"revision":"20"},"canceled":true,"compact_revision":"15"}}"#
        let parsed = try EtcdWire.decoder.decode(EtcdWire.WatchLine.self, from: Data(line.utf8))
        #expect(parsed.result?.compactRevision == "15")
        #expect(parsed.result?.canceled == true)
    }
}
