import Foundation
import NIOCore
import NIOPosix

/// One probe run on one event loop: `slots` keep-alive connections, each sending its next GET once the previous
/// answer is complete, until `total` requests have been answered or have failed.
///
/// Everything here is confined to `loop` (all channels live on it, so no state is shared between threads); the
/// samples go into an array reserved up front, and the tally is done once at the end by the caller.
final class ProbeRun {
    let loop: any EventLoop
    let target: ProbeTarget
    let address: SocketAddress?
    let timeout: TimeAmount
    /// The one GET every request repeats, encoded once (writing the same buffer again copies nothing).
    let request: ByteBuffer
    private let total: Int
    private var unclaimed: Int
    private(set) var samples: [ProbeSample]
    /// The first error of each kind, in words, for the report.
    private(set) var details: [String: String] = [:]
    private var slots: [ProbeSlot] = []
    private var watchdog: Scheduled<Void>?
    private var sweep = TimeAmount.milliseconds(100)
    private let done: EventLoopPromise<Void>

    /// - Parameter address: the resolved address when the host is an IP literal; `nil` resolves `target.host` on
    ///   every connect.
    init(loop: any EventLoop, target: ProbeTarget, address: SocketAddress?, total: Int, timeout: TimeAmount) {
        self.loop = loop
        self.target = target
        self.address = address
        self.timeout = timeout
        self.request = ByteBuffer(
            string: "GET \(target.path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUser-Agent: switchboard-probe\r\n\r\n"
        )
        self.total = total
        self.unclaimed = total
        self.samples = []
        self.samples.reserveCapacity(total)
        self.done = loop.makePromise()
    }

    /// Opens `concurrency` connections and starts sending; the future completes when every request is accounted for.
    func start(concurrency: Int) -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        // A coarse sweep instead of one scheduled timer per request: a request (or connect) older than `timeout`
        // counts as a timeout within a tenth of a second or so.
        sweep = .milliseconds(max(10, min(100, timeout.nanoseconds / 10_000_000)))
        scheduleSweep()
        slots = (0..<concurrency).map { _ in ProbeSlot(run: self) }
        for slot in slots { slot.next() }
        return done.futureResult
    }

    private func scheduleSweep() {
        watchdog = loop.assumeIsolated().scheduleTask(in: sweep) { [self] in
            let deadline = NIODeadline.now() - timeout
            for slot in slots { slot.expire(olderThan: deadline) }
            if watchdog != nil { scheduleSweep() }
        }
    }

    /// Takes one request from the budget; `false` when none is left.
    func claim() -> Bool {
        guard unclaimed > 0 else { return false }
        unclaimed -= 1
        return true
    }

    /// Records the outcome of one claimed request that started at `start`.
    func record(_ outcome: ProbeSample.Outcome, since start: NIODeadline, detail: @autoclosure () -> String? = nil) {
        let nanoseconds = NIODeadline.now().uptimeNanoseconds &- start.uptimeNanoseconds
        samples.append(ProbeSample(outcome, milliseconds: Double(nanoseconds) / 1_000_000))
        if case .failed(let kind) = outcome, details[kind] == nil, let words = detail() { details[kind] = words }
        if samples.count == total { finish() }
    }

    private func finish() {
        watchdog?.cancel()
        watchdog = nil
        // The slots hold the run; letting go of them here breaks the cycle once their connections are closed.
        for slot in slots { slot.close() }
        slots = []
        done.succeed(())
    }
}

/// One concurrency slot: at most one connection and one request in flight at a time. A connection that fails or
/// closes is replaced for the slot's next request.
final class ProbeSlot {
    private let run: ProbeRun
    private var channel: (any Channel)?
    /// Tells this slot's current connection from stale ones (events of a closed connection are ignored).
    private var generation = 0
    /// When the request in flight started (including its connect, for the first request of a connection).
    private var started: NIODeadline?
    private var connecting = false

    init(run: ProbeRun) {
        self.run = run
    }

    /// Sends the next request on the open connection, or connects for it; does nothing when the budget is spent.
    func next() {
        guard run.claim() else {
            close()
            return
        }
        started = NIODeadline.now()
        if let channel {
            send(on: channel)
        } else {
            connect()
        }
    }

    private func connect() {
        generation += 1
        let generation = self.generation
        connecting = true
        let bound = NIOLoopBound(self, eventLoop: run.loop)
        let bootstrap = ClientBootstrap(group: run.loop)
            .connectTimeout(run.timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ProbeHandler(slot: bound.value, generation: generation))
                }
            }
        let future: EventLoopFuture<any Channel>
        if let address = run.address {
            future = bootstrap.connect(to: address)
        } else {
            future = bootstrap.connect(host: run.target.host, port: run.target.port)
        }
        future.hop(to: run.loop).assumeIsolated().whenComplete { [self] result in
            guard generation == self.generation, connecting else {
                // Timed out meanwhile: this connection is not wanted any more.
                if case .success(let late) = result { late.close(promise: nil) }
                return
            }
            connecting = false
            switch result {
            case .success(let channel):
                self.channel = channel
                send(on: channel)
            case .failure(let error):
                fail(
                    kind: ProbeErrorKind.ofConnect(error), detail: ProbeErrorKind.words(for: error, target: run.target))
            }
        }
    }

    private func send(on channel: any Channel) {
        channel.writeAndFlush(run.request, promise: nil)
    }

    /// A whole answer arrived; the next request goes out on the same connection unless the server closes it.
    func answered(_ answer: ProbeResponseParser.Answer, generation: Int) {
        guard generation == self.generation, let start = started else { return }
        started = nil
        run.record(.answered(status: answer.status, handler: answer.handler), since: start)
        if !answer.keepAlive { drop() }
        next()
    }

    /// The connection failed or closed under the request in flight (or while idle, which is not an error).
    func lost(generation: Int, error: (any Error)?) {
        guard generation == self.generation else { return }
        channel?.close(promise: nil)
        channel = nil
        self.generation += 1
        guard started != nil else { return }
        let kind = error.map(ProbeErrorKind.ofExchange) ?? "connection closed"
        let detail =
            error.map { ProbeErrorKind.words(for: $0, target: run.target) }
            ?? "\(run.target.authority) closed the connection"
        fail(kind: kind, detail: detail)
    }

    /// Counts the request in flight as a `timeout` when it started before `deadline`, and drops its connection.
    func expire(olderThan deadline: NIODeadline) {
        guard let start = started, start < deadline else { return }
        connecting = false
        drop()
        fail(kind: "timeout", detail: "no answer within \(run.timeout.nanoseconds / 1_000_000) ms")
    }

    /// Closes the connection for good (the run is over).
    func close() {
        drop()
    }

    private func drop() {
        generation += 1
        channel?.close(promise: nil)
        channel = nil
    }

    private func fail(kind: String, detail: String) {
        guard let start = started else { return }
        started = nil
        run.record(.failed(kind: kind), since: start, detail: detail)
        // Not from inside the failing callback: a refused connect can fail synchronously, and a long run against a
        // closed port would otherwise recurse once per request.
        run.loop.assumeIsolated().execute { [self] in next() }
    }
}

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
        do {
            // A body without a length runs up to the close: the close completes it.
            if let answer = try parser.close() { slot.answered(answer, generation: generation) }
            slot.lost(generation: generation, error: nil)
        } catch {
            slot.lost(generation: generation, error: error)
        }
    }
}

/// The short words a probe reports errors by.
enum ProbeErrorKind {
    /// A connect that failed: `timeout` when it took too long, else `connect` (refused, unreachable, unresolvable).
    static func ofConnect(_ error: any Error) -> String {
        if case ChannelError.connectTimeout = error { return "timeout" }
        return "connect"
    }

    /// An error on an open connection.
    static func ofExchange(_ error: any Error) -> String {
        if error is ProbeResponseParser.Malformed { return "bad response" }
        if let io = error as? IOError, [ECONNRESET, EPIPE].contains(io.errnoCode) { return "connection closed" }
        return "other"
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
