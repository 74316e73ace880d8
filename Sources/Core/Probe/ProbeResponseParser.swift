/// Reads HTTP/1.x responses from a connection's bytes and keeps only what the probe counts: the status, the
/// `X-Handler` header and whether the connection stays open. Bodies are skipped by their framing (Content-Length,
/// chunked, or up to the close) without being copied.
///
/// This is the probe's hot path: no header other than `X-Handler` becomes a `String`, and the bytes of a head are
/// gathered in one reused array. Pure (bytes in, answers out), so it is tested without sockets.
struct ProbeResponseParser {
    /// One complete response.
    struct Answer: Equatable {
        var status: Int
        var handler: String?
        var keepAlive: Bool
    }

    /// Bytes that are not an HTTP/1.x response, in words.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum State: Equatable {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailer(lineLength: Int)
        case untilClose
    }

    /// Heads larger than this are refused (nginx's own default limit for a response head is far below).
    static let maximumHeadSize = 64 * 1024

    private var state = State.head
    private var head: [UInt8] = []
    private var chunkSize = 0
    private var chunkDigits = 0
    private var chunkExtension = false
    private var answer = Answer(status: 0, handler: nil, keepAlive: true)

    init() {
        head.reserveCapacity(1024)
    }

    /// Feeds the next bytes of the connection; calls `onAnswer` for every response they complete.
    /// - Throws: `Malformed` when the bytes are not an HTTP/1.x response.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, onAnswer: (Answer) -> Void) throws {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .head:
                while index < count {
                    let byte = bytes[index]
                    index += 1
                    head.append(byte)
                    if byte == 10, endsHead() {
                        try parseHead(onAnswer: onAnswer)
                        break
                    }
                }
                if state == .head, head.count > Self.maximumHeadSize {
                    throw Malformed(description: "response head longer than \(Self.maximumHeadSize) bytes")
                }
            case .body(let remaining):
                let take = min(remaining, count - index)
                index += take
                if take == remaining {
                    complete(onAnswer)
                } else {
                    state = .body(remaining: remaining - take)
                }
            case .chunkSize:
                let byte = bytes[index]
                index += 1
                try readChunkSize(byte, onAnswer: onAnswer)
            case .chunkData(let remaining):
                let take = min(remaining, count - index)
                index += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                // The CRLF after a chunk's data.
                let byte = bytes[index]
                index += 1
                if byte == 10 {
                    state = .chunkSize
                } else if byte != 13 {
                    throw Malformed(description: "chunk data not followed by CRLF")
                }
            case .trailer(let lineLength):
                let byte = bytes[index]
                index += 1
                if byte == 10 {
                    if lineLength == 0 { complete(onAnswer) } else { state = .trailer(lineLength: 0) }
                } else if byte != 13 {
                    state = .trailer(lineLength: lineLength + 1)
                }
            case .untilClose:
                index = count
            }
        }
    }

    /// The connection closed: returns the answer whose body ran up to the close, if one was being read.
    /// - Throws: `Malformed` when the close cut a response short.
    mutating func close() throws -> Answer? {
        switch state {
        case .untilClose:
            state = .head
            return answer
        case .head where head.isEmpty:
            return nil
        default:
            throw Malformed(description: "connection closed in the middle of a response")
        }
    }

    private func endsHead() -> Bool {
        // "\r\n\r\n", or bare "\n\n" from a lenient server.
        let n = head.count
        if n >= 2, head[n - 2] == 10 { return true }
        return n >= 4 && head[n - 2] == 13 && head[n - 3] == 10 && head[n - 4] == 13
    }

    private mutating func complete(_ onAnswer: (Answer) -> Void) {
        state = .head
        onAnswer(answer)
    }

    private mutating func readChunkSize(_ byte: UInt8, onAnswer: (Answer) -> Void) throws {
        if byte == 10 {
            guard chunkDigits > 0 else { throw Malformed(description: "empty chunk size") }
            let size = chunkSize
            (chunkSize, chunkDigits, chunkExtension) = (0, 0, false)
            state = size == 0 ? .trailer(lineLength: 0) : .chunkData(remaining: size)
            return
        }
        if chunkExtension || byte == 13 { return }
        if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            chunkExtension = true
            return
        }
        guard let digit = Self.hexValue(byte), chunkDigits < 15 else {
            throw Malformed(description: "bad chunk size")
        }
        chunkSize = chunkSize * 16 + digit
        chunkDigits += 1
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// Reads the status line and the four headers that matter from `head`, then picks how the body is framed.
    private mutating func parseHead(onAnswer: (Answer) -> Void) throws {
        let (parsed, contentLength, chunked) = try head.withUnsafeBufferPointer {
            bytes throws(Malformed) -> (Answer, Int?, Bool) in
            var lines = LineReader(bytes: bytes)
            guard let statusLine = lines.next() else { throw Malformed(description: "empty response head") }
            // "HTTP/1.1 200 OK"
            guard statusLine.count >= 12, Self.hasPrefix(bytes, statusLine, "HTTP/1."),
                bytes[statusLine.lowerBound + 8] == 32
            else {
                throw Malformed(description: "not an HTTP/1.x status line")
            }
            let minor = bytes[statusLine.lowerBound + 7]
            var status = 0
            for offset in 9..<12 {
                let digit = bytes[statusLine.lowerBound + offset]
                guard (48...57).contains(digit) else { throw Malformed(description: "bad status code") }
                status = status * 10 + Int(digit - 48)
            }
            var handler: String?
            var contentLength: Int?
            var chunked = false
            var keepAlive = minor != UInt8(ascii: "0")
            while let line = lines.next(), !line.isEmpty {
                guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else {
                    throw Malformed(description: "header line without a colon")
                }
                let name = line.lowerBound..<colon
                let value = Self.trimmed(bytes, colon + 1..<line.upperBound)
                if Self.equalsIgnoringCase(bytes, name, "x-handler") {
                    handler = String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
                } else if Self.equalsIgnoringCase(bytes, name, "content-length") {
                    var length = 0
                    for digit in bytes[value] {
                        guard (48...57).contains(digit), length < Int.max / 20 else {
                            throw Malformed(description: "bad Content-Length")
                        }
                        length = length * 10 + Int(digit - 48)
                    }
                    guard !value.isEmpty else { throw Malformed(description: "bad Content-Length") }
                    contentLength = length
                } else if Self.equalsIgnoringCase(bytes, name, "transfer-encoding") {
                    chunked = Self.endsWithIgnoringCase(bytes, value, "chunked")
                } else if Self.equalsIgnoringCase(bytes, name, "connection") {
                    if Self.containsIgnoringCase(bytes, value, "close") {
                        keepAlive = false
                    } else if Self.containsIgnoringCase(bytes, value, "keep-alive") {
                        keepAlive = true
                    }
                }
            }
            return (Answer(status: status, handler: handler, keepAlive: keepAlive), contentLength, chunked)
        }
        head.removeAll(keepingCapacity: true)
        answer = parsed
        let status = parsed.status
        if (100..<200).contains(status) {
            // An informational answer (100 Continue); the real one follows.
            state = .head
        } else if status == 204 || status == 304 {
            state = .body(remaining: 0)
        } else if chunked {
            state = .chunkSize
        } else if let contentLength {
            state = .body(remaining: contentLength)
        } else {
            answer.keepAlive = false
            state = .untilClose
        }
        if case .body(0) = state { complete(onAnswer) }
    }

    private struct LineReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var start = 0

        /// The next line's range without its line end; `nil` after the last.
        mutating func next() -> Range<Int>? {
            guard start < bytes.count else { return nil }
            var end = start
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            let lineEnd = end > start && bytes[end - 1] == 13 ? end - 1 : end
            defer { start = end + 1 }
            return start..<lineEnd
        }
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == 32 || bytes[lower] == 9 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 32 || bytes[upper - 1] == 9 { upper -= 1 }
        return lower..<upper
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ prefix: StaticString)
        -> Bool
    {
        guard range.count >= prefix.utf8CodeUnitCount else { return false }
        for offset in 0..<prefix.utf8CodeUnitCount where bytes[range.lowerBound + offset] != prefix.utf8Start[offset] {
            return false
        }
        return true
    }

    /// `word` is lowercase ASCII.
    private static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString
    ) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        for offset in 0..<range.count where lower(bytes[range.lowerBound + offset]) != word.utf8Start[offset] {
            return false
        }
        return true
    }

    private static func endsWithIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString
    ) -> Bool {
        let length = word.utf8CodeUnitCount
        guard range.count >= length else { return false }
        return equalsIgnoringCase(bytes, range.upperBound - length..<range.upperBound, word)
    }

    private static func containsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString
    ) -> Bool {
        let length = word.utf8CodeUnitCount
        guard range.count >= length else { return false }
        for start in range.lowerBound...(range.upperBound - length)
        where equalsIgnoringCase(bytes, start..<start + length, word) {
            return true
        }
        return false
    }
}
