import Errors
import Foundation

/// A failed AWS call, described for a person: which call, what AWS (or the network) said,
/// and what to try.
public struct AWSError: ReportableError, Sendable {
    /// The service id, e.g. `CloudFormation`.
    public let service: String
    public let operation: String
    /// AWS's error code (`ValidationError`, `SignatureDoesNotMatch`), or one of ours for failures
    /// with no response: `ConnectionFailed`, `TimedOut`, `Cancelled`, `InvalidResponse`.
    public let code: AWSErrorCode
    public let message: String
    public let httpStatus: Int?
    public let requestID: String?
    /// How many times the request was sent.
    public let attempts: Int
    /// Where the request went, for failures with no response.
    public let endpoint: String?

    public init(service: String, operation: String, code: AWSErrorCode, message: String, httpStatus: Int? = nil,
                requestID: String? = nil, attempts: Int = 1, endpoint: String? = nil) {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.attempts = attempts
        self.endpoint = endpoint
    }

    public var problem: Problem { Problem(summary, hint: hint) }

    /// Which call failed, what AWS (or the network) said, where and after how many attempts.
    public var summary: String {
        var text = "\(service) \(operation) failed: \(code)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        if let endpoint { text += " [\(endpoint)]" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }

    public var hint: String? {
        switch code {
        case .signatureDoesNotMatch:
            return "the secret access key does not belong to the access key id; check the credentials `whoami` reports"
        case .invalidClientTokenId, .unrecognizedClientException:
            return "AWS does not know this access key id; check the credentials `whoami` reports"
        case .expiredToken, .expiredTokenException, .requestExpired:
            return "the session token has expired; refresh the credentials"
        case .accessDenied, .accessDeniedException:
            return "the identity `whoami` shows lacks an IAM permission for \(operation)"
        case .timedOut, .connectionFailed:
            return "check the endpoint (`whoami` lists them) and the network"
        default:
            return nil
        }
    }

    /// The service asked to slow down.
    public var isThrottling: Bool { httpStatus == 429 || code.isThrottling }
}

/// Reads an error response, whatever its form: JSON with `__type` (which may carry a namespace
/// before `#` or a URL after `:`) and `message`/`Message`, the `X-Amzn-ErrorType` header, an
/// XML `<Error>` (even from a JSON service), or anything else (moto's HTML 500 page).
public enum ErrorResponse {
    public static func decode(status: Int, headers: [(name: String, value: String)], body: [UInt8],
                       service: String, operation: String) -> AWSError {
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        var requestID = header("x-amzn-requestid") ?? header("x-amz-request-id")
        var code: String?
        var message: String?
        // A JSON error is an object, an XML one an element: the first character (after white space and
        // a byte-order mark) says which parser to ask.
        let first = body.first { byte in
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: return false
            default: return true
            }
        }
        if first == UInt8(ascii: "{"), let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            code = object["__type"] as? String ?? object["code"] as? String ?? object["Code"] as? String
            message = object["message"] as? String ?? object["Message"] as? String ?? object["errorMessage"] as? String
        } else if first == UInt8(ascii: "<"), let root = try? XMLNode.parse(body), let error = root.descendant("Error") {
            code = error.child("Code")?.text
            message = error.child("Message")?.text
            requestID = requestID ?? root.descendant("RequestId")?.text ?? root.descendant("RequestID")?.text
        }
        if code == nil { code = header("x-amzn-errortype") }
        return AWSError(
            service: service, operation: operation,
            // An empty code (`"__type": ""`, a bare namespace) says nothing: the status decides, as for none.
            code: code.map(sanitize).flatMap { $0.isEmpty ? nil : AWSErrorCode($0) } ?? (status >= 500 ? .internalFailure : .unknownError),
            message: message ?? summary(of: body.prefix(300), status: status),
            httpStatus: status, requestID: requestID)
    }

    /// `aws.protocols#ThrottlingException` and `ThrottlingException:http://…` are both `ThrottlingException`.
    static func sanitize(_ code: String) -> String {
        var code = Substring(code)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingCharacters(in: .whitespaces)
    }

    /// A one-line summary of a body that is not an AWS error: an HTML title, or the first line of its text.
    /// Searched as bytes: the tags and line breaks are found by their UTF-8 bytes (no byte of a longer
    /// character is ASCII), and only the line shown is decoded.
    static func summary(of body: ArraySlice<UInt8>, status: Int) -> String {
        let open = Array("<title>".utf8), close = Array("</title>".utf8)
        if let start = firstIndex(of: open, in: body, from: body.startIndex),
           let end = firstIndex(of: close, in: body, from: start + open.count) {
            return "the endpoint answered with an HTML page: " + String(decoding: body[(start + open.count)..<end], as: UTF8.self)
        }
        var start = body.startIndex
        while start < body.endIndex, let length = lineBreakLength(in: body, at: start) { start += length }
        var end = start
        while end < body.endIndex, lineBreakLength(in: body, at: end) == nil { end += 1 }
        return start == end ? "the endpoint answered HTTP \(status) with no error document"
            : "the endpoint answered: \(String(decoding: body[start..<end], as: UTF8.self))"
    }

    /// The length of the line break at `index`, if one starts there: `Character.isNewline`'s scalars
    /// (LF, VT, FF, CR, NEL, LS, PS) in UTF-8.
    private static func lineBreakLength(in bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        switch bytes[index] {
        case 0x0A...0x0D: return 1
        case 0xC2 where index + 1 < bytes.endIndex && bytes[index + 1] == 0x85: return 2
        case 0xE2 where index + 2 < bytes.endIndex && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
            return 3
        default: return nil
        }
    }

    /// Where `pattern` first occurs in `bytes` at or after `start`.
    private static func firstIndex(of pattern: [UInt8], in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= bytes.endIndex {
            guard let first = bytes[index...(bytes.endIndex - pattern.count)].firstIndex(of: pattern[0]) else { return nil }
            var matched = 1
            while matched < pattern.count, bytes[first + matched] == pattern[matched] { matched += 1 }
            if matched == pattern.count { return first }
            index = first + 1
        }
        return nil
    }
}
