import Foundation
import Testing

@testable import Core

/// Key ranges and prefixes as etcd's gRPC API takes them.
@Suite struct EtcdBytesTests {
    @Test func prefixRangeEndIncrementsTheLastByteBelow0xff() {
        #expect(EtcdBytes.rangeEnd(forPrefix: Array("/test/".utf8)) == Array("/test0".utf8))
        #expect(EtcdBytes.rangeEnd(forPrefix: [0x61, 0xff, 0xff]) == [0x62])
        #expect(EtcdBytes.rangeEnd(forPrefix: [0xff]) == [0])
        #expect(EtcdBytes.rangeEnd(forPrefix: []) == [0])
        #expect(EtcdBytes.rangeStart(forPrefix: []) == [0])
        #expect(EtcdBytes.rangeStart(forPrefix: Array("/a".utf8)) == Array("/a".utf8))
    }

    @Test func prefixesInsideOthersAndDuplicatesAreDropped() {
        #expect(EtcdBytes.prefixes(["/b/", "/a/", "/a/x/", "/b/"]) == [Array("/a/".utf8), Array("/b/".utf8)])
        // Plain string prefixes, as confd matches them: /app/web covers /app/webhook.
        #expect(EtcdBytes.prefixes(["/app/webhook", "/app/web"]) == [Array("/app/web".utf8)])
        #expect(EtcdBytes.prefixes([]) == [[]])
        #expect(EtcdBytes.prefixes(["/x", ""]) == [[]])
    }

    @Test func keysAndValuesAreDecodedAsBytesWouldBe() {
        #expect(EtcdBytes.key(Data("/test/é".utf8)) == "/test/é")
        #expect(EtcdBytes.bytes("/t/é") == [0x2f, 0x74, 0x2f, 0xc3, 0xa9])
    }

    @Test func endpointsParseToHostAndPort() throws {
        #expect(try EtcdEndpoint("http://127.0.0.1:2379") == EtcdEndpoint(host: "127.0.0.1", port: 2379, secure: false))
        #expect(try EtcdEndpoint("https://root:pw@h:1") == EtcdEndpoint(host: "h", port: 1, secure: true))
        #expect(try EtcdEndpoint("http://[::1]:23") == EtcdEndpoint(host: "::1", port: 23, secure: false))
        #expect(try EtcdEndpoint("http://h") == EtcdEndpoint(host: "h", port: 2379, secure: false))
        #expect(throws: EtcdError.self) { try EtcdEndpoint("http://h:x") }
    }
}
