import Testing

@testable import Core

/// The probe's response reader: framing by Content-Length, chunked and close; only status, X-Handler and
/// keep-alive survive; any split of the bytes gives the same answers.
@Suite struct ProbeResponseParserTests {
    typealias Answer = ProbeResponseParser.Answer

    /// Feeds `text` in pieces of `piece` bytes (0 = all at once) and returns the answers, plus the one the close
    /// completes when `close` is set.
    func answers(_ text: String, piece: Int = 0, close: Bool = false) throws -> [Answer] {
        var parser = ProbeResponseParser()
        var found: [Answer] = []
        let bytes = Array(text.utf8)
        let size = piece == 0 ? max(1, bytes.count) : piece
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            try bytes[start..<end].withUnsafeBytes { try parser.feed($0) { found.append($0) } }
            start = end
        }
        if close, let last = try parser.close() { found.append(last) }
        return found
    }

    static let two =
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nx-handler: 127.0.0.1:8001\r\n\r\nhello"
        + "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        + "X-Handler:  127.0.0.1:8002 \r\nConnection: close\r\n\r\n"
        + "4\r\nabcd\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n"

    @Test(arguments: [0, 1, 2, 3, 7, 64])
    func twoPipelinedAnswersInAnySplit(piece: Int) throws {
        #expect(
            try answers(Self.two, piece: piece) == [
                Answer(status: 200, handler: "127.0.0.1:8001", keepAlive: true),
                Answer(status: 502, handler: "127.0.0.1:8002", keepAlive: false),
            ])
    }

    @Test func noHandlerNoBodyAndInformationalAnswers() throws {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nX-Handler: a:1\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
        #expect(
            try answers(text) == [
                Answer(status: 204, handler: "a:1", keepAlive: true),
                Answer(status: 200, handler: nil, keepAlive: true),
                Answer(status: 304, handler: nil, keepAlive: true),
            ])
    }

    @Test func aBodyWithoutLengthEndsAtTheClose() throws {
        let text = "HTTP/1.0 200 OK\r\nX-Handler: b:2\r\n\r\nbody until the end"
        #expect(try answers(text).isEmpty)
        #expect(try answers(text, close: true) == [Answer(status: 200, handler: "b:2", keepAlive: false)])
        #expect(
            try answers("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx")
                == [Answer(status: 200, handler: nil, keepAlive: true)])
        #expect(
            try answers("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")
                == [Answer(status: 200, handler: nil, keepAlive: false)])
    }

    @Test func garbageAndCutAnswersAreErrors() {
        #expect(throws: ProbeResponseParser.Malformed.self) { try answers("SSH-2.0-OpenSSH_9.2\r\n\r\n") }
        #expect(throws: ProbeResponseParser.Malformed.self) { try answers("HTTP/1.1 2x0 OK\r\n\r\n") }
        #expect(throws: ProbeResponseParser.Malformed.self) {
            try answers("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")
        }
        #expect(throws: ProbeResponseParser.Malformed.self) {
            try answers("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        }
        #expect(throws: ProbeResponseParser.Malformed.self) {
            try answers("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
        }
        #expect(throws: ProbeResponseParser.Malformed.self) {
            try answers("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 4000))
        }
    }
}
