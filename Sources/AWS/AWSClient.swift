import Crypto
import Foundation

/// One finished AWS call, for `trace`: never a secret, a token or a signature.
public struct AWSCallRecord: Sendable, Equatable {
    public let service: String
    public let operation: String
    /// The last response's status; nil when none came (timeout, connection failure).
    public let httpStatus: Int?
    /// Seconds from the first attempt to the outcome, backoff included.
    public let latency: Double
    /// Attempts after the first.
    public let retries: Int
    /// The error code when the call failed.
    public let errorCode: String?

    /// One line for `trace`: `STS GetCallerIdentity 200 12 ms`, `SSM GetParameter 400 ParameterNotFound 8 ms (2 retries)`.
    public var summary: String {
        var parts = ["\(service) \(operation)"]
        if let httpStatus { parts.append(String(httpStatus)) }
        if let errorCode { parts.append(errorCode) }
        parts.append("\(Int((latency * 1000).rounded())) ms")
        if retries > 0 { parts.append("(\(retries) \(retries == 1 ? "retry" : "retries"))") }
        return parts.joined(separator: " ")
    }
}

/// When and how often to try again: botocore's "standard" mode — exponential backoff with
/// full jitter, bounded both in attempts and in total time.
public struct RetryPolicy: Sendable {
    public var maximumAttempts: Int
    /// The first backoff's upper bound; each later one doubles, up to `maximumBackoff`.
    public var baseDelay: Double
    public var maximumBackoff: Double
    /// No attempt starts after this many seconds from the first.
    public var totalTimeLimit: Double

    public init(maximumAttempts: Int = 3, baseDelay: Double = 0.5, maximumBackoff: Double = 20, totalTimeLimit: Double = 60) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumBackoff = maximumBackoff
        self.totalTimeLimit = totalTimeLimit
    }

    public static let standard = RetryPolicy()

    /// The pause before attempt `attempt + 1` (attempt counts from 1): uniform in [0, cap).
    func backoff(afterAttempt attempt: Int, random: Double) -> Double {
        min(maximumBackoff, baseDelay * pow(2, Double(attempt - 1))) * random
    }
}

/// Signs and sends calls to AWS services, retrying transient failures.
public final class AWSClient: Sendable {
    public let configuration: AWSConfiguration
    public let retryPolicy: RetryPolicy
    /// Each attempt's bound, from sending the request to the last byte of the response.
    public let attemptTimeout: Duration
    private let observer: (@Sendable (AWSCallRecord) -> Void)?
    /// False for the calls whose proof is a token, not a signature (AssumeRoleWithWebIdentity).
    let signs: Bool

    public convenience init(configuration: AWSConfiguration, retryPolicy: RetryPolicy = .standard,
                            attemptTimeout: Duration = .seconds(20), observer: (@Sendable (AWSCallRecord) -> Void)? = nil) {
        self.init(configuration: configuration, retryPolicy: retryPolicy, attemptTimeout: attemptTimeout, observer: observer, signs: true)
    }

    init(configuration: AWSConfiguration, retryPolicy: RetryPolicy = .standard, attemptTimeout: Duration = .seconds(20),
         observer: (@Sendable (AWSCallRecord) -> Void)? = nil, signs: Bool) {
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.attemptTimeout = attemptTimeout
        self.observer = observer ?? configuration.callObserver
        self.signs = signs
    }

    /// Calls any operation of `service`: `input` and `Output` follow the operation's shapes in
    /// botocore's service model, with Swift member names (`StackName` is `stackName`).
    public func call<Input: Encodable, Output: Decodable>(_ service: AWSService, _ operation: String,
                                                           _ input: Input) async throws -> Output {
        switch service.wireProtocol {
        case .json: return try await json(service, operation, input)
        case .query: return try await query(service, operation, input)
        case .rest: preconditionFailure("\(service.serviceID) is a REST service: call `rest`")
        }
    }

    /// A REST call (S3): `method` on `path` under the service's endpoint, the payload's SHA-256
    /// signed in `x-amz-content-sha256` as S3 requires; the response's headers and body as they came.
    public func rest(_ service: AWSService, _ operation: String, method: String, path: String,
                     headers: [(name: String, value: String)] = [], body: [UInt8] = []) async throws -> (headers: [(name: String, value: String)], body: [UInt8]) {
        let digest = SigV4Signer.hex(SHA256.hash(data: body))
        let response = try await send(service, operation, method: method, path: path, body: body,
                                      headers: headers + [(name: "x-amz-content-sha256", value: digest)])
        return (response.headers, response.body)
    }

    /// A JSON 1.0/1.1 call: `X-Amz-Target: PREFIX.Operation`, JSON in and out.
    private func json<Input: Encodable, Output: Decodable>(_ service: AWSService, _ operation: String, _ input: Input) async throws -> Output {
        guard case .json(let version, let targetPrefix, let pascalCaseMembers) = service.wireProtocol else {
            preconditionFailure("\(service.serviceID) is not a JSON service")
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        if pascalCaseMembers { encoder.keyEncodingStrategy = .custom { MemberName.wireKey($0.last!) } }
        let body = try Array(encoder.encode(input))
        let response = try await send(service, operation, body: body, headers: [
            (name: "Content-Type", value: "application/x-amz-json-\(version)"),
            (name: "X-Amz-Target", value: "\(targetPrefix).\(operation)"),
        ])
        return try decodeBody(service, operation, response) { body in
            let decoder = JSONDecoder()
            // Only PascalCase services are renamed: camelCase ones hold maps (action configuration)
            // whose keys must stay as they are.
            if pascalCaseMembers { decoder.keyDecodingStrategy = .custom { MemberName.swiftKey($0.last!) } }
            decoder.dateDecodingStrategy = .custom(Self.decodeTimestamp)
            return try decoder.decode(Output.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        }
    }

    /// A Query call: a form-encoded `Action`/`Version` body, the `<OperationResult>` of an XML response.
    private func query<Input: Encodable, Output: Decodable>(_ service: AWSService, _ operation: String, _ input: Input) async throws -> Output {
        guard case .query(let apiVersion) = service.wireProtocol else {
            preconditionFailure("\(service.serviceID) is not a Query service")
        }
        let parameters = [(name: "Action", value: operation), (name: "Version", value: apiVersion)] + (try QueryCoding.parameters(input))
        // Spaces as `+`, as botocore's urlencode writes them: moto checks the signature of the
        // body it re-encodes from the parsed form, so it must come out byte for byte the same.
        func formEncode(_ text: String) -> String { SigV4Signer.percentEncode(text).replacingOccurrences(of: "%20", with: "+") }
        let body = parameters.map { formEncode($0.name) + "=" + formEncode($0.value) }.joined(separator: "&")
        let response = try await send(service, operation, body: Array(body.utf8), headers: [
            (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
        ])
        return try decodeBody(service, operation, response) { body in
            let root = try XMLNode.parse(body)
            return try QueryCoding.decode(Output.self, from: root.child("\(operation)Result") ?? XMLNode(name: "\(operation)Result"))
        }
    }

    private func decodeBody<Output>(_ service: AWSService, _ operation: String, _ response: HTTPResponseParts,
                                    _ decode: ([UInt8]) throws -> Output) throws -> Output {
        do { return try decode(response.body) } catch {
            throw AWSError(service: service.serviceID, operation: operation, code: .invalidResponse,
                           message: "the response does not have the expected shape: \(Self.describe(error))",
                           httpStatus: response.status, requestID: Self.requestID(response.headers))
        }
    }

    /// Signs, sends and retries; returns a 2xx response or throws an `AWSError`.
    func send(_ service: AWSService, _ operation: String, method: String = "POST", path: String = "", body: [UInt8],
              headers: [(name: String, value: String)]) async throws -> HTTPResponseParts {
        let endpoint = configuration.endpoint(for: service).value
        guard let url = URLComponents(string: endpoint), let host = url.host, let scheme = url.scheme else {
            throw AWSError(service: service.serviceID, operation: operation, code: .invalidEndpoint,
                           message: "'\(endpoint)' is not a URL (from \(configuration.endpoint(for: service).source))")
        }
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            // A REST path goes under the endpoint's own path (without its trailing slash).
            let fullPath = path.isEmpty ? url.percentEncodedPath
                : (url.percentEncodedPath.hasSuffix("/") ? String(url.percentEncodedPath.dropLast()) : url.percentEncodedPath) + path
            var request = AWSHTTPRequest(method: method, scheme: scheme, host: host, port: url.port,
                                         path: fullPath.isEmpty ? "/" : fullPath, headers: headers, body: body)
            // Sent as signed, so the HTTP client does not write its own.
            request.headers.insert((name: "Host", value: request.authority), at: 0)
            if signs {
                // Asked on every attempt: a refresh between retries is picked up.
                let credentials = try await configuration.currentCredentials().credentials
                SigV4Signer(credentials: credentials, region: configuration.region.value, service: service.signingName)
                    .sign(&request, at: Date())
            }
            request.headers.append((name: "User-Agent", value: "sluice"))
            var failure: AWSError
            do {
                let response = try await Transport.send(request, timeout: attemptTimeout)
                if (200..<300).contains(response.status) {
                    report(service, operation, status: response.status, started: started, attempt: attempt, error: nil)
                    return response
                }
                failure = ErrorResponse.decode(status: response.status, headers: response.headers, body: response.body,
                                               service: service.serviceID, operation: operation)
            } catch let transport as TransportFailure {
                switch transport {
                case .cancelled:
                    failure = AWSError(service: service.serviceID, operation: operation, code: .cancelled,
                                       message: "the call was interrupted", attempts: attempt, endpoint: endpoint)
                    report(service, operation, status: nil, started: started, attempt: attempt, error: failure.code.description)
                    throw failure
                case .timedOut:
                    failure = AWSError(service: service.serviceID, operation: operation, code: .timedOut,
                                       message: "no complete response within \(attemptTimeout)", endpoint: endpoint)
                case .connection(let reason):
                    failure = AWSError(service: service.serviceID, operation: operation, code: .connectionFailed,
                                       message: reason, endpoint: endpoint)
                }
            }
            let elapsed = Self.seconds(ContinuousClock.now - started)
            let pause = retryPolicy.backoff(afterAttempt: attempt, random: Double.random(in: 0..<1))
            guard failure.isRetryable, attempt < retryPolicy.maximumAttempts, elapsed + pause < retryPolicy.totalTimeLimit else {
                let final = AWSError(service: failure.service, operation: operation, code: failure.code, message: failure.message,
                                     httpStatus: failure.httpStatus, requestID: failure.requestID, attempts: attempt,
                                     endpoint: failure.endpoint)
                report(service, operation, status: final.httpStatus, started: started, attempt: attempt, error: final.code.description)
                throw final
            }
            do { try await Task.sleep(for: .seconds(pause)) } catch {
                let cancelled = AWSError(service: service.serviceID, operation: operation, code: .cancelled,
                                         message: "the call was interrupted while waiting to retry", attempts: attempt)
                report(service, operation, status: nil, started: started, attempt: attempt, error: cancelled.code.description)
                throw cancelled
            }
        }
    }

    private func report(_ service: AWSService, _ operation: String, status: Int?, started: ContinuousClock.Instant,
                        attempt: Int, error: String?) {
        let record = AWSCallRecord(service: service.serviceID, operation: operation, httpStatus: status,
                                   latency: Self.seconds(ContinuousClock.now - started), retries: attempt - 1, errorCode: error)
        observer?(record)
    }

    /// AWS sends epoch seconds in JSON; moto sometimes an ISO-8601 string. Both are read.
    @Sendable static func decodeTimestamp(_ decoder: Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
        let text = try container.decode(String.self)
        guard let date = AWSTimestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a timestamp")
        }
        return date
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func requestID(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { ["x-amzn-requestid", "x-amz-request-id"].contains($0.name.lowercased()) }?.value
    }

    /// A decoding error as one line: which field, what was wrong.
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}
