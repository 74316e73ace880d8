import Foundation
import NIOCore
import NIOPosix

/// How long a probe runs: a number of requests, or a duration after which no new request starts.
package enum ProbeBudget: Sendable, Hashable {
    case requests(Int)
    case duration(Duration)
}

/// One probe run on one event loop: `slots` keep-alive connections, each sending its next GET once the previous
/// answer is complete, until the budget is spent and every request sent has been answered or has failed.
///
/// Everything here is confined to `loop` (all channels live on it, so no state is shared between threads); the
/// samples go into an array, and the tally is done once at the end by the caller.
final class ProbeRun {
    let loop: any EventLoop
    let target: ProbeTarget
    let address: SocketAddress?
    let timeout: TimeAmount
    /// The one GET every request repeats, encoded once (writing the same buffer again copies nothing).
    let request: ByteBuffer
    private var unclaimed: Int
    private let deadline: NIODeadline?
    private let begin: NIODeadline
    /// Requests claimed and not yet recorded.
    private var outstanding = 0
    private var finished = false
    private(set) var samples: [ProbeSample] = []
    /// Requests sent again on a fresh connection (see `ProbeSlot.lost`).
    private(set) var retried = 0
    /// The first `ProbeRun.incidentLimit` failures and retries, each with its connection's facts.
    private(set) var failures: [ProbeIncident] = []
    private(set) var retries: [ProbeIncident] = []
    static let incidentLimit = 100
    /// The first error of each kind, in words, for the report.
    private(set) var details: [String: String] = [:]
    private var slots: [ProbeSlot] = []
    private var watchdog: Scheduled<Void>?
    private var sweep = TimeAmount.milliseconds(100)
    private let done: EventLoopPromise<Void>

    /// - Parameter address: the resolved address when the host is an IP literal; `nil` resolves `target.host` on
    ///   every connect.
    init(loop: any EventLoop, target: ProbeTarget, address: SocketAddress?, budget: ProbeBudget, timeout: TimeAmount) {
        self.loop = loop
        self.target = target
        self.address = address
        self.timeout = timeout
        self.request = ByteBuffer(
            string: "GET \(target.path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUser-Agent: switchboard-probe\r\n\r\n"
        )
        let begin = NIODeadline.now()
        self.begin = begin
        switch budget {
        case .requests(let total):
            unclaimed = total
            deadline = nil
        case .duration(let duration):
            unclaimed = Int.max
            let (seconds, attoseconds) = duration.components
            deadline = begin + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        self.done = loop.makePromise()
        if case .requests(let total) = budget { samples.reserveCapacity(min(total, 1 << 20)) }
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

    /// Takes one request from the budget; `false` when none is left (and the run ends once nothing is in flight).
    func claim() -> Bool {
        let spent = unclaimed == 0 || deadline.map { NIODeadline.now() >= $0 } ?? false
        guard !spent else {
            if outstanding == 0 { finish() }
            return false
        }
        unclaimed -= 1
        outstanding += 1
        return true
    }

    /// Counts one request sent a second time; `incident` says why.
    func countRetry(_ incident: @autoclosure () -> ProbeIncident) {
        retried += 1
        if retries.count < Self.incidentLimit { retries.append(incident()) }
    }

    /// Milliseconds since the run began, for incidents.
    func elapsedMilliseconds() -> Double {
        (Double(NIODeadline.now().uptimeNanoseconds &- begin.uptimeNanoseconds) / 1_000).rounded() / 1_000
    }

    /// Records the outcome of one claimed request that started at `start`.
    func record(
        _ outcome: ProbeSample.Outcome, since start: NIODeadline, incident: @autoclosure () -> ProbeIncident? = nil
    ) {
        let now = NIODeadline.now()
        let nanoseconds = now.uptimeNanoseconds &- start.uptimeNanoseconds
        let second = Int((now.uptimeNanoseconds &- begin.uptimeNanoseconds) / 1_000_000_000)
        samples.append(ProbeSample(outcome, milliseconds: Double(nanoseconds) / 1_000_000, second: second))
        if case .failed(let kind) = outcome, details[kind] == nil || failures.count < Self.incidentLimit,
            let incident = incident()
        {
            if details[kind] == nil { details[kind] = incident.detail }
            if failures.count < Self.incidentLimit { failures.append(incident) }
        }
        outstanding -= 1
        if outstanding == 0, unclaimed == 0 { finish() }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
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
    /// Requests sent on the current connection, the one in flight included.
    private var sentOnConnection = 0
    /// Whether any byte of the answer to the request in flight has arrived.
    private var answerStarted = false
    /// Whether the request in flight is already a second attempt.
    private var isRetry = false
    /// The probe's port of the current connection.
    private var localPort: Int?

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
        isRetry = false
        sendOrConnect()
    }

    private func sendOrConnect() {
        answerStarted = false
        if let channel {
            send(on: channel)
        } else {
            connect()
        }
    }

    private func connect() {
        generation += 1
        sentOnConnection = 0
        localPort = nil
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
                localPort = channel.localAddress?.port
                send(on: channel)
            case .failure(let error):
                fail(
                    kind: ProbeErrorKind.ofConnect(error), detail: ProbeErrorKind.words(for: error, target: run.target))
            }
        }
    }

    private func send(on channel: any Channel) {
        sentOnConnection += 1
        channel.writeAndFlush(run.request, promise: nil)
    }

    /// Bytes arrived on the connection of `generation`: the answer in flight has started.
    func received(generation: Int) {
        guard generation == self.generation else { return }
        answerStarted = true
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
    ///
    /// A GET whose reused keep-alive connection closed before any byte of its answer is sent once more on a fresh
    /// connection, as HTTP clients do (RFC 9110 §9.2.2): the server may have closed the idle connection just as the
    /// request was written (nginx's old workers do so on every reload). The retry is counted, never hidden.
    func lost(generation: Int, error: (any Error)?) {
        guard generation == self.generation else { return }
        let reused = sentOnConnection > 1
        // `drop` makes the connection stale before closing it: closing fires its `channelInactive` at once, and a
        // live generation there would handle this loss a second time (after a reset, NIO reports `errorCaught` and
        // then the close: one retry and one failure for a single request).
        drop()
        guard started != nil else { return }
        let kind = ProbeErrorKind.ofExchange(error, answerStarted: answerStarted)
        let detail =
            error.map { ProbeErrorKind.words(for: $0, target: run.target) }
            ?? "\(run.target.authority) closed the connection"
        if reused, !answerStarted, !isRetry, error.map(ProbeErrorKind.isConnectionLoss) ?? true {
            run.countRetry(incident(kind: kind, detail: detail))
            isRetry = true
            sendOrConnect()
            return
        }
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

    /// Closes the current connection; its events from now on are stale.
    private func drop() {
        generation += 1
        let closing = channel
        channel = nil
        closing?.close(promise: nil)
    }

    private func incident(kind: String, detail: String) -> ProbeIncident {
        ProbeIncident(
            milliseconds: run.elapsedMilliseconds(), kind: kind, requestOnConnection: sentOnConnection,
            secondAttempt: isRetry, localPort: localPort, detail: detail)
    }

    private func fail(kind: String, detail: String) {
        guard let start = started else { return }
        started = nil
        run.record(.failed(kind: kind), since: start, incident: incident(kind: kind, detail: detail))
        // Not from inside the failing callback: a refused connect can fail synchronously, and a long run against a
        // closed port would otherwise recurse once per request.
        run.loop.assumeIsolated().execute { [self] in next() }
    }
}
