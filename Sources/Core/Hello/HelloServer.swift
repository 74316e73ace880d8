import NIOCore
import NIOHTTP1
import NIOPosix

/// The article's `tutum/hello-world` backend: a small HTTP/1.1 server (keep-alive) that answers a page naming
/// itself, and `GET /health` with 200.
public final class HelloServer: Sendable {
    /// The name the page shows (defaults to `host:port`).
    public let name: String
    /// The address the server really listens on (`host:port`, with the port the system picked for port 0).
    public let address: String
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel

    private init(name: String, address: String, port: Int, channel: any Channel) {
        self.name = name
        self.address = address
        self.port = port
        self.channel = channel
    }

    /// Starts a server on `host:port` (port 0 picks a free one).
    /// - Parameter name: what the page says; `nil` uses the bound `host:port`.
    public static func start(host: String, port: Int, name: String? = nil) async throws -> HelloServer {
        let box = NameBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HelloHandler(name: box.name))
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
        let server = HelloServer(name: name ?? address, address: address, port: boundPort, channel: channel)
        box.name = server.name
        return server
    }

    /// Stops listening and closes the server socket.
    public func stop() async {
        try? await channel.close()
    }
}

/// The page name, set once right after binding (before any connection can be served).
private final class NameBox: @unchecked Sendable {
    var name = ""
}

/// A hello server could not start.
public struct HelloServerError: Error, Sendable, CustomStringConvertible {
    public var address: String
    public var reason: String
    public var description: String { "cannot listen on \(address): \(reason)" }
}

/// Answers each request on one connection.
final class HelloHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private var head: HTTPRequestHead?

    init(name: String) {
        self.name = name
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
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
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: page.contentType)
        headers.add(name: "Content-Length", value: String(page.body.utf8.count))
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
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
        if !head.isKeepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
