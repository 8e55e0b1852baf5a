import Errors
import Foundation

/// A JSON document posted to an address outside AWS (a notification's webhook) over the one HTTP
/// stack, through the proxies the environment names as AWS calls are, within `timeout` to connect
/// and again for the answer.
public enum WebPost {
    /// The HTTP status the address answered; throws ``WebPostError`` when it could not be reached.
    public static func json(_ body: Data, to address: String, environment: [String: String],
                            timeout: Duration) async throws -> Int {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw WebPostError.unreachable(address, reason: "not an http:// or https:// address")
        }
        let proxies: ProxySettings
        do {
            proxies = try ProxySettings(environment: environment)
        } catch {
            throw WebPostError.unreachable(address, reason: (error as? any ReportableError)?.problem.message ?? "\(error)")
        }
        let path = url.path.isEmpty ? "/" : url.path
        let request = AWSHTTPRequest(method: "POST", scheme: scheme, host: host, port: url.port, path: path,
                                     query: URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?
                                        .map { (name: $0.name, value: $0.value ?? "") } ?? [],
                                     headers: [(name: "Content-Type", value: "application/json"),
                                               (name: "User-Agent", value: "sluice")],
                                     body: Array(body))
        let route = Route(proxy: proxies.proxy(scheme: scheme, host: host, port: url.port), caBundle: nil,
                          connectTimeout: timeout, readTimeout: timeout)
        do {
            return try await Transport.send(request, over: route).status
        } catch TransportFailure.cancelled {
            throw CancellationError()
        } catch TransportFailure.connectTimedOut, TransportFailure.readTimedOut {
            throw WebPostError.unreachable(address, reason: "no answer within \(Int(timeout.components.seconds)) s")
        } catch TransportFailure.connection(let reason) {
            throw WebPostError.unreachable(address, reason: reason)
        }
    }
}

/// Why a webhook was not reached.
public enum WebPostError: ReportableError, Equatable {
    case unreachable(String, reason: String)

    public var problem: Problem {
        switch self {
        case .unreachable(let address, let reason):
            return Problem("\(address) could not be reached: \(reason)", hint: "check the address, and that the machine can reach it")
        }
    }
}
