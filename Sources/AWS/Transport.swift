// No type of async-http-client or NIO appears in a public declaration of this module: the
// HTTP stack can change without touching any caller.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A response as the protocols read it.
struct HTTPResponseParts: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]
}

/// Failures with no HTTP response.
enum TransportFailure: Error {
    case timedOut
    case connection(String)
    case cancelled
}

/// Sends one request. The HTTP client (its event loops and connection pool) is made on the
/// first call in the process and kept for its life, so a shell that never calls AWS never
/// starts it.
enum Transport {
    /// Responses larger than this are refused rather than buffered.
    static let maximumBodyBytes = 32 << 20

    static func send(_ request: AWSHTTPRequest, timeout: Duration) async throws -> HTTPResponseParts {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await sharedHTTPClient.execute(outgoing, timeout: .nanoseconds(nanoseconds))
            let body = try await response.body.collect(upTo: maximumBodyBytes)
            return HTTPResponseParts(status: Int(response.status.code),
                                     headers: response.headers.map { (name: $0.name, value: $0.value) },
                                     body: Array(buffer: body))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw Task.isCancelled ? TransportFailure.cancelled : TransportFailure.timedOut
        } catch let error as HTTPClientError where error == .cancelled {
            throw TransportFailure.cancelled
        } catch is CancellationError {
            throw TransportFailure.cancelled
        } catch {
            if Task.isCancelled { throw TransportFailure.cancelled }
            throw TransportFailure.connection(reason(error))
        }
    }

    /// A system error as its plain sentence (`Connection refused`), not NIO's debugging form.
    static func reason(_ error: Error) -> String {
        if let io = error as? IOError, let text = strerror(io.errnoCode) { return String(cString: text) }
        return String(describing: error)
    }
}

/// Made on first use (a global's initialiser runs lazily) and never shut down: it lives as
/// long as the process. No redirects, no proxies, no decompression: AWS APIs need none.
private let sharedHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: .init(connect: .seconds(10)),
        proxy: nil,
        decompression: .disabled)
    configuration.httpVersion = .http1Only
    // A refused connection fails the attempt at once; our retry policy decides what follows
    // (by default the pool would keep reconnecting until the connect timeout).
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
