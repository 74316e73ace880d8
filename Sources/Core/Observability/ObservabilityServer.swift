import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `/metrics`, `/healthz` and `/readyz` over HTTP/1.1 for one `EngineObservation`.
package final class ObservabilityServer: Sendable {
    /// The address it really listens on (`host:port`, with the port the system picked for port 0).
    package let address: String
    /// The port it listens on.
    package let port: Int
    private let channel: any Channel

    private init(address: String, port: Int, channel: any Channel) {
        self.address = address
        self.port = port
        self.channel = channel
    }

    /// Starts serving on `listen` (`HOST:PORT`, `[v6]:PORT`; port 0 picks a free one).
    /// - Throws: `ObservabilityServerError` naming the address when it is malformed or cannot be bound.
    package static func start(listen: String, observation: EngineObservation) async throws -> ObservabilityServer {
        let (host, port) = try parse(listen)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ObservabilityHandler(observation: observation))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw ObservabilityServerError("cannot listen on \(listen) for metrics: \(error)")
        }
        let boundPort = channel.localAddress?.port ?? port
        let address = host.contains(":") ? "[\(host)]:\(boundPort)" : "\(host):\(boundPort)"
        return ObservabilityServer(address: address, port: boundPort, channel: channel)
    }

    /// Stops listening.
    package func stop() async {
        try? await channel.close()
    }

    /// `HOST:PORT` or `[V6]:PORT` into its parts.
    /// - Throws: `ObservabilityServerError` quoting the text.
    package static func parse(_ listen: String) throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ObservabilityServerError(
                "invalid listen address \(String(reflecting: listen)): use HOST:PORT, e.g. 127.0.0.1:9100")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// The metrics endpoint could not start.
package struct ObservabilityServerError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Answers one connection's requests in order.
final class ObservabilityHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let observation: EngineObservation
    private var head: HTTPRequestHead?

    init(observation: EngineObservation) {
        self.observation = observation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let observation = self.observation
            let path = String(head.uri.prefix { $0 != "?" })
            let promise = context.eventLoop.makePromise(of: Response.self)
            promise.completeWithTask { await Self.respond(to: path, method: head.method, observation: observation) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.write(response, for: head, context: context)
            }
        }
    }

    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: String
    }

    static func respond(to path: String, method: HTTPMethod, observation: EngineObservation) async -> Response {
        guard method == .GET || method == .HEAD else {
            return Response(status: 405, contentType: "text/plain; charset=utf-8", body: "use GET\n")
        }
        switch path {
        case "/metrics":
            return Response(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: await observation.scrape())
        case "/healthz":
            let answer = await observation.health()
            return Response(status: answer.status, contentType: "text/plain; charset=utf-8", body: answer.body)
        case "/readyz":
            let answer = await observation.readiness()
            return Response(status: answer.status, contentType: "text/plain; charset=utf-8", body: answer.body)
        default:
            return Response(
                status: 404, contentType: "text/plain; charset=utf-8",
                body: "not found: try /metrics, /healthz, /readyz\n")
        }
    }

    private func write(_ response: Response, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.utf8.count))
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        if head.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))),
                promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !head.isKeepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
