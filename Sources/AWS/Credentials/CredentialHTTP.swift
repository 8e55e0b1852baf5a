import Foundation

/// Plain HTTP for credential endpoints that are not signed AWS APIs (the container and
/// instance metadata endpoints, the SSO portal). `network` gives the proxies and certificates
/// (none: directly, as botocore reaches the container endpoint); `timeout`, when given, bounds
/// both the connection and each read instead of the configured timeouts.
enum CredentialHTTP {
    struct Failure: Error {
        let reason: String
        /// A read or connect timeout rather than a refusal or an HTTP status.
        var timedOut = false
    }

    static func send(_ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                     network: NetworkSettings? = nil, timeout: Duration? = nil) async throws -> HTTPResponseParts {
        guard let components = URLComponents(string: url), let host = components.host, let scheme = components.scheme else {
            throw Failure(reason: "'\(url)' is not a URL")
        }
        var request = AWSHTTPRequest(method: method, scheme: scheme, host: host, port: components.port,
                                     path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
                                     query: (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") },
                                     headers: headers, body: body)
        request.headers.insert((name: "Host", value: request.authority), at: 0)
        request.headers.append((name: "User-Agent", value: "sluice"))
        var route = network?.route(scheme: scheme, host: host, port: components.port) ?? Route()
        if let timeout {
            route.connectTimeout = timeout
            route.readTimeout = timeout
        }
        do {
            return try await Transport.send(request, over: route)
        } catch TransportFailure.connectTimedOut(let limit) {
            throw Failure(reason: "no connection to \(url) within \(limit)", timedOut: true)
        } catch TransportFailure.readTimedOut(let limit) {
            throw Failure(reason: "no answer from \(url) within \(limit)", timedOut: true)
        } catch TransportFailure.connection(let reason) {
            throw Failure(reason: "\(url): \(reason)")
        } catch TransportFailure.cancelled {
            throw CancellationError()
        }
    }

    /// The JSON body of a 2xx response, decoded; anything else is a `Failure` naming the status.
    static func json<Output: Decodable>(_ type: Output.Type, _ response: HTTPResponseParts, from url: String) throws -> Output {
        guard (200..<300).contains(response.status) else {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(reason: "\(url) answered HTTP \(response.status)" + (text.isEmpty ? "" : ": \(text)"))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { try AWSClient.decodeTimestamp($0) }
        do { return try decoder.decode(type, from: Data(response.body)) } catch {
            throw Failure(reason: "\(url) answered with an unexpected shape: \(AWSClient.describe(error))")
        }
    }
}

/// The JSON the container endpoint, instance metadata and credential_process all print.
struct MetadataCredentials: Decodable {
    let AccessKeyId: String
    let SecretAccessKey: String
    let Token: String?
    let SessionToken: String?
    let Expiration: Date?

    var credentials: AWSCredentials {
        // An empty token is no token (some endpoints send "" for long-term keys).
        AWSCredentials(accessKeyID: AccessKeyId, secretAccessKey: SecretAccessKey,
                       sessionToken: [Token, SessionToken].compactMap { $0 }.first { !$0.isEmpty })
    }
}
