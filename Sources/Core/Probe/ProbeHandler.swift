import Foundation
import NIOCore
import NIOPosix

/// Reads one connection's bytes into answers for its slot; keeps only the status and `X-Handler`, skips the body.
final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let slot: ProbeSlot
    private let generation: Int
    private var parser = ProbeResponseParser()
    /// Answers parsed from one read, handed over once the parser is done with the bytes (the slot may close the
    /// connection in reaction, which must not re-enter the parser).
    private var answers: [ProbeResponseParser.Answer] = []

    init(slot: ProbeSlot, generation: Int) {
        self.slot = slot
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if buffer.readableBytes > 0 { slot.received(generation: generation) }
        var failure: (any Error)?
        answers.removeAll(keepingCapacity: true)
        do {
            try buffer.withUnsafeReadableBytes { bytes in
                try parser.feed(bytes) { answers.append($0) }
            }
        } catch {
            failure = error
        }
        for answer in answers { slot.answered(answer, generation: generation) }
        if let failure {
            slot.lost(generation: generation, error: failure)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        slot.lost(generation: generation, error: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A body without a length runs up to the close: the close completes it. A close in the middle of an answer
        // is a lost connection like any other (the slot knows whether the answer had started).
        if let answer = try? parser.close() { slot.answered(answer, generation: generation) }
        slot.lost(generation: generation, error: nil)
    }
}

/// The short words a probe reports errors by: `connect refused`, `connect` (unreachable, unresolvable), `timeout`,
/// `reset before response` (the connection closed or was reset before any byte of the answer), `reset after response
/// started`, `bad response`, `other`; answers with a status outside 2xx/3xx are counted as `status N` by the tally.
enum ProbeErrorKind {
    /// A connect that failed.
    static func ofConnect(_ error: any Error) -> String {
        if case ChannelError.connectTimeout = error { return "timeout" }
        if errnoCode(of: error) == ECONNREFUSED { return "connect refused" }
        return "connect"
    }

    /// An error (or a plain close, `nil`) on an open connection while a request was in flight.
    static func ofExchange(_ error: (any Error)?, answerStarted: Bool) -> String {
        if error is ProbeResponseParser.Malformed { return "bad response" }
        guard error.map(isConnectionLoss) ?? true else { return "other" }
        return answerStarted ? "reset after response started" : "reset before response"
    }

    /// Whether `error` means the peer closed or reset the connection.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let code = errnoCode(of: error) else { return false }
        return [ECONNRESET, EPIPE].contains(code)
    }

    private static func errnoCode(of error: any Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let connection = error as? NIOConnectionError,
            let io = connection.connectionErrors.lazy.compactMap({ $0.error as? IOError }).first
        {
            return io.errnoCode
        }
        return nil
    }

    /// One line for people: what failed, and where.
    static func words(for error: any Error, target: ProbeTarget) -> String {
        let place = target.authority
        switch error {
        case let io as IOError:
            return "\(place): \(String(cString: strerror(io.errnoCode)).lowercased())"
        case let connection as NIOConnectionError:
            if let first = connection.connectionErrors.first, let io = first.error as? IOError {
                return "\(place): \(String(cString: strerror(io.errnoCode)).lowercased())"
            }
            if let dns = connection.dnsAAAAError ?? connection.dnsAError { return "\(place): cannot resolve: \(dns)" }
            return "\(place): cannot connect"
        case ChannelError.connectTimeout(let amount):
            return "\(place): connect timed out after \(amount.nanoseconds / 1_000_000) ms"
        case let malformed as ProbeResponseParser.Malformed:
            return "\(place): bad HTTP answer (\(malformed))"
        default:
            return "\(place): \(error)"
        }
    }
}
