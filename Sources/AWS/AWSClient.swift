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

/// Signs and sends calls to AWS services, retrying transient failures by the configuration's
/// retry mode. Like a botocore client it keeps the standard mode's retry quota and the adaptive
/// mode's rate limit for the calls it makes.
public final class AWSClient: Sendable {
    public let configuration: AWSConfiguration
    public let retryPolicy: RetryPolicy
    private let observer: (@Sendable (AWSCallRecord) -> Void)?
    /// False for the calls whose proof is a token, not a signature (AssumeRoleWithWebIdentity).
    let signs: Bool
    private let quota = RetryQuota()
    private let rateLimiter: ClientRateLimiter?

    /// `retryPolicy` defaults to the configuration's retry settings.
    public convenience init(configuration: AWSConfiguration, retryPolicy: RetryPolicy? = nil,
                            observer: (@Sendable (AWSCallRecord) -> Void)? = nil) {
        self.init(configuration: configuration, retryPolicy: retryPolicy, observer: observer, signs: true)
    }

    init(configuration: AWSConfiguration, retryPolicy: RetryPolicy? = nil,
         observer: (@Sendable (AWSCallRecord) -> Void)? = nil, signs: Bool) {
        self.configuration = configuration
        let policy = retryPolicy ?? RetryPolicy(configuration.network.retry.value)
        self.retryPolicy = policy
        self.observer = observer ?? configuration.callObserver
        self.signs = signs
        rateLimiter = policy.settings.mode == .adaptive ? ClientRateLimiter() : nil
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
    public func rest(_ service: AWSService, _ operation: String, method: String, path: String, query: [(name: String, value: String)] = [],
                     headers: [(name: String, value: String)] = [], body: [UInt8] = []) async throws -> (headers: [(name: String, value: String)], body: [UInt8]) {
        let digest = SigV4Signer.hex(Digest.sha256(body))
        let response = try await send(service, operation, method: method, path: path, query: query, body: body,
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
    func send(_ service: AWSService, _ operation: String, method: String = "POST", path: String = "",
              query: [(name: String, value: String)] = [], body: [UInt8],
              headers: [(name: String, value: String)]) async throws -> HTTPResponseParts {
        let endpoint = configuration.endpoint(for: service).value
        guard let url = URLComponents(string: endpoint), let host = url.host, let scheme = url.scheme else {
            throw AWSError(service: service.serviceID, operation: operation, code: .invalidEndpoint,
                           message: "'\(endpoint)' is not a URL (from \(configuration.endpoint(for: service).source))")
        }
        let route = configuration.network.route(scheme: scheme, host: host, port: url.port)
        let started = ContinuousClock.now
        var attempt = 0
        // Quota units the last retry took; a success gives them back (1 when there was no retry).
        var retryCost: Int?
        while true {
            attempt += 1
            // A REST path goes under the endpoint's own path (without its trailing slash).
            let fullPath = path.isEmpty ? url.percentEncodedPath
                : (url.percentEncodedPath.hasSuffix("/") ? String(url.percentEncodedPath.dropLast()) : url.percentEncodedPath) + path
            var request = AWSHTTPRequest(method: method, scheme: scheme, host: host, port: url.port,
                                         path: fullPath.isEmpty ? "/" : fullPath, query: query, headers: headers, body: body)
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
                try await rateLimiter?.beforeSending()
                let response = try await Transport.send(request, over: route)
                if (200..<300).contains(response.status) {
                    await rateLimiter?.afterAttempt(throttled: false)
                    await quota.release(retryCost ?? RetryQuota.noRetryIncrement)
                    report(service, operation, status: response.status, started: started, attempt: attempt, error: nil)
                    return response
                }
                failure = ErrorResponse.decode(status: response.status, headers: response.headers, body: response.body,
                                               service: service.serviceID, operation: operation)
            } catch let transport as TransportFailure {
                switch transport {
                case .cancelled:
                    throw cancelled(service, operation, attempt: attempt, started: started, endpoint: endpoint, while: "the call was interrupted")
                case .connectTimedOut(let limit):
                    failure = AWSError(service: service.serviceID, operation: operation, code: .timedOut,
                                       message: "no connection within \(limit)\(Self.via(route))", endpoint: endpoint)
                case .readTimedOut(let limit):
                    failure = AWSError(service: service.serviceID, operation: operation, code: .timedOut,
                                       message: "nothing read for \(limit) (the read timeout)", endpoint: endpoint)
                case .connection(let reason):
                    failure = AWSError(service: service.serviceID, operation: operation, code: .connectionFailed,
                                       message: reason + Self.via(route), endpoint: endpoint)
                }
            } catch {
                throw cancelled(service, operation, attempt: attempt, started: started, endpoint: endpoint, while: "the call was interrupted")
            }
            await rateLimiter?.afterAttempt(throttled: failure.code.isThrottling)
            var spent = false
            if retryPolicy.retries(failure, service: service), attempt < retryPolicy.settings.maxAttempts {
                let cost = failure.code == .timedOut ? RetryQuota.timeoutRetryCost : RetryQuota.retryCost
                let admitted = retryPolicy.settings.mode == .legacy ? true : await quota.acquire(cost)
                if admitted {
                    retryCost = cost
                    do { try await Task.sleep(for: .seconds(retryPolicy.backoff(afterAttempt: attempt, random: Double.random(in: 0..<1)))) } catch {
                        throw cancelled(service, operation, attempt: attempt, started: started, endpoint: nil,
                                        while: "the call was interrupted while waiting to retry")
                    }
                    continue
                }
                spent = true
            }
            let final = AWSError(service: failure.service, operation: operation, code: failure.code,
                                 message: failure.message + (spent ? " (not retried: the client's retry quota is spent)" : ""),
                                 httpStatus: failure.httpStatus, requestID: failure.requestID, attempts: attempt, endpoint: failure.endpoint)
            report(service, operation, status: final.httpStatus, started: started, attempt: attempt, error: final.code.description)
            throw final
        }
    }

    /// ` through the proxy …` when the request went through one.
    private static func via(_ route: Route) -> String {
        route.proxy.map { " (through the proxy \($0.display) from \($0.variable))" } ?? ""
    }

    private func cancelled(_ service: AWSService, _ operation: String, attempt: Int, started: ContinuousClock.Instant,
                           endpoint: String?, while what: String) -> AWSError {
        let error = AWSError(service: service.serviceID, operation: operation, code: .cancelled, message: what, attempts: attempt,
                             endpoint: endpoint)
        report(service, operation, status: nil, started: started, attempt: attempt, error: error.code.description)
        return error
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
