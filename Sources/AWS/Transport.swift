// No type of async-http-client or NIO appears in a public declaration of this module: the
// HTTP stack can change without touching any caller.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A response as the protocols read it.
struct HTTPResponseParts: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]
}

/// Failures with no HTTP response.
enum TransportFailure: Error {
    case connectTimedOut(Duration)
    case readTimedOut(Duration)
    case connection(String)
    case cancelled
}

/// How one request travels: directly or through a proxy, trusting the system's certificate
/// authorities or a bundle's, with the connect and read timeouts of an attempt (nil: none).
struct Route: Hashable, Sendable {
    var proxy: ProxyServer?
    var caBundle: String?
    var connectTimeout: Duration?
    var readTimeout: Duration?
}

/// Sends one request. An HTTP client (its event loops and connection pool) is made for each
/// route on its first request in the process and kept for its life, so a shell that never calls
/// AWS never starts one; a process uses one or two routes (AWS, a metadata endpoint).
enum Transport {
    /// Responses larger than this are refused rather than buffered.
    static let maximumBodyBytes = 32 << 20

    static func send(_ request: AWSHTTPRequest, over route: Route) async throws -> HTTPResponseParts {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        do {
            // The connect timeout bounds the connection, the read timeout every wait for bytes
            // after the request is sent (the head and each part of the body); the call has no deadline of its own.
            let response = try await client(for: route).execute(outgoing, deadline: .distantFuture)
            let body = try await response.body.collect(upTo: maximumBodyBytes)
            // A cancelled body stream ends early rather than throwing: the bytes are not the whole answer.
            if Task.isCancelled { throw TransportFailure.cancelled }
            return HTTPResponseParts(status: Int(response.status.code),
                                     headers: response.headers.map { (name: $0.name, value: $0.value) },
                                     body: Array(buffer: body))
        } catch let failure as TransportFailure {
            throw failure
        } catch let error as HTTPClientError where error == .connectTimeout || error == .httpProxyHandshakeTimeout
                    || error == .tlsHandshakeTimeout || error == .getConnectionFromPoolTimeout {
            throw Task.isCancelled ? TransportFailure.cancelled : TransportFailure.connectTimedOut(route.connectTimeout ?? Self.unlimited)
        } catch let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded {
            throw Task.isCancelled ? TransportFailure.cancelled : TransportFailure.readTimedOut(route.readTimeout ?? Self.unlimited)
        } catch let error as HTTPClientError where error == .cancelled {
            throw TransportFailure.cancelled
        } catch let error as HTTPClientError where error == .proxyAuthenticationRequired || error == .invalidProxyResponse {
            let proxy = route.proxy.map { "the proxy \($0.display) (\($0.variable))" } ?? "the proxy"
            throw TransportFailure.connection(error == .proxyAuthenticationRequired
                ? "\(proxy) asks for credentials it was not given or refused them (HTTP 407)"
                : "\(proxy) refused to open a tunnel (CONNECT) to \(request.host)")
        } catch is CancellationError {
            throw TransportFailure.cancelled
        } catch {
            if Task.isCancelled { throw TransportFailure.cancelled }
            throw TransportFailure.connection(reason(error, route: route))
        }
    }

    /// Stands for "no limit" where the HTTP client needs one (a connect timeout of 0): a day.
    static let unlimited: Duration = .seconds(86_400)

    /// A system error as its plain sentence (`Connection refused`), not NIO's debugging form.
    static func reason(_ error: Error, route: Route) -> String {
        if let io = error as? IOError, let text = strerror(io.errnoCode) { return String(cString: text) }
        if let http = error as? HTTPClientError, http == .remoteConnectionClosed { return "the server closed the connection before the whole answer" }
        if error is NIOSSLError || error is BoringSSLError {
            let trusted = route.caBundle.map { "the certificates in \($0)" } ?? "the system's certificates"
            return "TLS handshake failed (\(error)); the server's certificate must chain to \(trusted)"
        }
        return String(describing: error)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var clients: [Route: HTTPClient] = [:]

    /// The route's client, made on first use and never shut down: it lives as long as the process.
    /// No redirects, no decompression: AWS APIs need none.
    private static func client(for route: Route) -> HTTPClient {
        lock.lock()
        defer { lock.unlock() }
        if let client = clients[route] { return client }
        var tls: TLSConfiguration?
        if let caBundle = route.caBundle {
            var bundle = TLSConfiguration.makeClientConfiguration()
            bundle.trustRoots = .file(caBundle)
            tls = bundle
        }
        var proxy: HTTPClient.Configuration.Proxy?
        if let server = route.proxy {
            var authorization: HTTPClient.Authorization?
            if let username = server.username, let password = server.password, !username.isEmpty, !password.isEmpty {
                authorization = .basic(username: username, password: password)
            }
            proxy = .server(host: server.host, port: server.port, authorization: authorization)
        }
        func amount(_ duration: Duration?) -> TimeAmount? {
            duration.map { .nanoseconds($0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000) }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: amount(route.connectTimeout ?? unlimited), read: amount(route.readTimeout)),
            proxy: proxy,
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        // A refused connection fails the attempt at once; our retry policy decides what follows
        // (by default the pool would keep reconnecting until the connect timeout).
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        clients[route] = client
        return client
    }
}
