import Foundation

/// Plain HTTP for credential endpoints that are not signed AWS APIs (the container and
/// instance metadata endpoints, the SSO portal), each request bounded by its own timeout.
enum CredentialHTTP {
    struct Failure: Error {
        let reason: String
    }

    static func send(_ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                     timeout: Duration) async throws -> HTTPResponseParts {
        guard let components = URLComponents(string: url), let host = components.host, let scheme = components.scheme else {
            throw Failure(reason: "'\(url)' is not a URL")
        }
        var request = AWSHTTPRequest(method: method, scheme: scheme, host: host, port: components.port,
                                     path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
                                     query: (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") },
                                     headers: headers, body: body)
        request.headers.insert((name: "Host", value: request.authority), at: 0)
        request.headers.append((name: "User-Agent", value: "sluice"))
        do {
            return try await Transport.send(request, timeout: timeout)
        } catch TransportFailure.timedOut {
            throw Failure(reason: "no answer from \(url) within \(timeout)")
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
