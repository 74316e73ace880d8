import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The article's `tutum/hello-world` backend: a small HTTP/1.1 server (keep-alive) that answers a page naming
/// itself, and `GET /health` with 200.
package final class HelloServer: Sendable {
    /// The name the page shows (defaults to `host:port`).
    package let name: String
    /// The address the server really listens on (`host:port`, with the port the system picked for port 0).
    package let address: String
    /// The port it listens on.
    package let port: Int
    private let channel: any Channel
    private let connections: HelloConnections

    private init(name: String, address: String, port: Int, channel: any Channel, connections: HelloConnections) {
        self.name = name
        self.address = address
        self.port = port
        self.channel = channel
        self.connections = connections
    }

    /// Starts a server on `host:port` (port 0 picks a free one).
    /// - Parameter name: what the page says; `nil` uses the bound `host:port`.
    package static func start(host: String, port: Int, name: String? = nil) async throws -> HelloServer {
        let box = NameBox()
        let connections = HelloConnections()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        HelloHandler(name: box.name, connections: connections))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw HelloServerError(address: "\(host):\(port)", reason: "\(error)")
        }
        let boundPort = channel.localAddress?.port ?? port
        let address = host.contains(":") ? "[\(host)]:\(boundPort)" : "\(host):\(boundPort)"
        let server = HelloServer(
            name: name ?? address, address: address, port: boundPort, channel: channel, connections: connections)
        box.name = server.name
        return server
    }

    /// Stops listening and closes the server socket.
    package func stop() async {
        try? await channel.close()
    }

    /// The requests being answered now.
    package var requestsInFlight: Int { connections.busyCount }

    /// Stops accepting connections, closes the idle ones, and returns once every request in flight has been answered
    /// (each connection closes after its answer, which says `Connection: close`). Cancelling it closes whatever is
    /// left at once.
    package func finishInFlight() async {
        try? await channel.close()
        connections.startDraining()
        while connections.openCount > 0, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        connections.closeAll()
    }
}

/// The page name, set once right after binding (before any connection can be served).
private final class NameBox: @unchecked Sendable {
    var name = ""
}

/// The open connections of one server and which of them are answering a request; shared by the connections'
/// handlers (on several event loops), hence the lock.
// @unchecked: every access to `state` goes through `lock`.
final class HelloConnections: @unchecked Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var busy: Set<ObjectIdentifier> = []
        var draining = false
    }
    private let lock = NSLock()
    private var state = State()

    var openCount: Int { lock.withLock { state.open.count } }
    var busyCount: Int { lock.withLock { state.busy.count } }
    var draining: Bool { lock.withLock { state.draining } }

    /// A new connection; closed at once when the server is draining.
    func opened(_ channel: any Channel) {
        let refused = lock.withLock { () -> Bool in
            if state.draining { return true }
            state.open[ObjectIdentifier(channel)] = channel
            return false
        }
        if refused { channel.close(promise: nil) }
    }

    func closed(_ channel: any Channel) {
        lock.withLock {
            state.open[ObjectIdentifier(channel)] = nil
            _ = state.busy.remove(ObjectIdentifier(channel))
        }
    }

    func busy(_ channel: any Channel, _ busy: Bool) {
        lock.withLock {
            if busy {
                _ = state.busy.insert(ObjectIdentifier(channel))
            } else {
                _ = state.busy.remove(ObjectIdentifier(channel))
            }
        }
    }

    /// From now on every answer closes its connection; idle connections are closed now.
    func startDraining() {
        let idle = lock.withLock { () -> [any Channel] in
            state.draining = true
            return state.open.filter { !state.busy.contains($0.key) }.map(\.value)
        }
        for channel in idle { channel.close(promise: nil) }
    }

    func closeAll() {
        let all = lock.withLock { Array(state.open.values) }
        for channel in all { channel.close(promise: nil) }
    }
}

/// A hello server could not start.
package struct HelloServerError: Error, Sendable, CustomStringConvertible {
    package var address: String
    package var reason: String
    package var description: String { "cannot listen on \(address): \(reason)" }
}

/// Answers each request on one connection.
final class HelloHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private let connections: HelloConnections
    private var head: HTTPRequestHead?

    init(name: String, connections: HelloConnections) {
        self.name = name
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.opened(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            connections.busy(context.channel, true)
        case .body:
            break
        case .end:
            guard let head else { return }
            respond(context: context, to: head)
            self.head = nil
        }
    }

    private func respond(context: ChannelHandlerContext, to head: HTTPRequestHead) {
        let page = HelloPage.answer(path: head.uri, name: name)
        guard page.delayMilliseconds > 0 else {
            send(page, context: context, to: head)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(page.delayMilliseconds))) {
            [self] in
            guard context.channel.isActive else { return }
            send(page, context: context, to: head)
        }
    }

    private func send(_ page: HelloPage, context: ChannelHandlerContext, to head: HTTPRequestHead) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: page.contentType)
        headers.add(name: "Content-Length", value: String(page.body.utf8.count))
        // Draining: this answer is the connection's last, and says so.
        let keepAlive = head.isKeepAlive && !connections.draining
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: page.status)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        if head.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: page.body)))),
                promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        let channel = context.channel
        let connections = connections
        written.whenComplete { _ in
            connections.busy(channel, false)
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
