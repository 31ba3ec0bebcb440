import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as the local server saw it.
struct SeenRequest: Sendable {
    let method: String
    /// The request target as sent: path and query.
    let uri: String
    let headers: HTTPHeaders

    /// The path without `?query`: what Kalshi's signature covers.
    var path: String { String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
    /// Query items, decoded (`%XX` → bytes).
    var query: [String: String] {
        let parts = uri.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return [:] }
        var items: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            items[String(kv[0])] = kv.count > 1 ? String(kv[1]).removingPercentEncodingForTest : ""
        }
        return items
    }
}

/// What the local server answers.
struct StubResponse: Sendable {
    var status: Int = 200
    var headers: [(String, String)] = []
    var body: String = "{}"
    /// Read the request and never answer (for timeouts).
    var silent = false

    static func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> StubResponse {
        StubResponse(status: status, headers: headers, body: body)
    }
    static let noAnswer = StubResponse(silent: true)
}

/// A loopback HTTP/1.1 server on SwiftNIO playing Kalshi's REST side: it records every request
/// and answers with `respond`, which tests script (by path, query, count, headers).
final class LocalKalshiServer: Sendable {
    typealias Responder = @Sendable (SeenRequest) -> StubResponse

    private let channel: any Channel
    let port: Int
    private let log = Mutex<[SeenRequest]>([])

    /// The API root as Kalshi spells it, so signed paths start with `/trade-api/v2`.
    var baseURL: String { "http://127.0.0.1:\(port)/trade-api/v2" }
    var requests: [SeenRequest] { log.withLock { $0 } }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    static func start(_ respond: @escaping Responder) async throws -> LocalKalshiServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler { request in
                        box.server?.log.withLock { $0.append(request) }
                        return respond(request)
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = LocalKalshiServer(channel: channel, port: channel.localAddress!.port!)
        box.set(server)
        return server
    }

    func close() async throws {
        try await channel.close()
    }

    /// Lets the handlers reach the server created after the bootstrap.
    private final class ServerBox: Sendable {
        private let value = Mutex<LocalKalshiServer?>(nil)
        var server: LocalKalshiServer? { value.withLock { $0 } }
        func set(_ server: LocalKalshiServer) { value.withLock { $0 = server } }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: @Sendable (SeenRequest) -> StubResponse
        var head: HTTPRequestHead?

        init(_ respond: @escaping @Sendable (SeenRequest) -> StubResponse) { self.respond = respond }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                let response = respond(SeenRequest(method: head.method.rawValue, uri: head.uri, headers: head.headers))
                if response.silent { return }
                var headers = HTTPHeaders(response.headers)
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                let status = HTTPResponseStatus(statusCode: response.status)
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

extension String {
    /// `%XX` decoding without Foundation's URL machinery (what a server does to a query value).
    var removingPercentEncodingForTest: String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
