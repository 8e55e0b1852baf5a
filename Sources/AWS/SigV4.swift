import Foundation

/// An access key pair, with the session token that temporary credentials carry.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// An HTTP request as it goes on the wire: what the signer reads and the transport sends.
public struct AWSHTTPRequest: Sendable {
    public var method: String
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int?
    /// The path as written in the request line (percent-encoded as the caller chose).
    public var path: String
    /// Query items, not yet encoded; order is kept for the wire, the signature sorts them.
    public var query: [(name: String, value: String)]
    /// Header fields in order; repeated names are allowed and kept.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, scheme: String = "https", host: String, port: Int? = nil, path: String = "/",
                query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
                body: [UInt8] = []) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The Host header value: lower-cased host, with the port unless it is the scheme's default.
    public var authority: String {
        let lowered = host.lowercased()
        guard let port, port != (scheme.lowercased() == "https" ? 443 : 80) else { return lowered }
        return "\(lowered):\(port)"
    }

    /// The query string as sent: each name and value percent-encoded, in the caller's order.
    public var encodedQuery: String {
        query.map { "\(SigV4Signer.percentEncode($0.name))=\(SigV4Signer.percentEncode($0.value))" }
            .joined(separator: "&")
    }

    public var url: String {
        let portPart = port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(portPart)\(path)" + (query.isEmpty ? "" : "?\(encodedQuery)")
    }

    /// The values of every header named `name` (case-insensitively), in order.
    public func headerValues(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    public mutating func removeHeaders(_ name: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
    }
}

/// AWS Signature Version 4 (header form), with the same canonicalisation as botocore's
/// `SigV4Auth`: every header present is signed except the hop-by-hop and proxy-mangled ones,
/// the path is dot-segment-normalised and encoded once more, and the session token is signed.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name (credential scope service), e.g. `cloudformation`.
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Headers never signed: proxies and HTTP clients add, drop or rewrite them in flight.
    static let unsignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (with temporary credentials) and `Authorization`.
    public func sign(_ request: inout AWSHTTPRequest, at date: Date) {
        let timestamp = Self.timestamp(date)
        request.removeHeaders("Authorization")
        request.removeHeaders("X-Amz-Date")
        request.headers.append((name: "X-Amz-Date", value: timestamp))
        if let token = credentials.sessionToken {
            request.removeHeaders("X-Amz-Security-Token")
            request.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        // Canonicalised once: the signature and the Authorization header both list them.
        let headers = Self.canonicalHeaders(request)
        let signature = signature(of: Self.canonicalRequest(request, headers: headers), timestamp: timestamp)
        request.headers.append((name: "Authorization", value: authorization(headers, timestamp: timestamp, signature: signature)))
    }

    func authorization(_ headers: [(name: String, value: String)], timestamp: String, signature: String) -> String {
        "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(timestamp)), "
            + "SignedHeaders=\(headers.map(\.name).joined(separator: ";")), Signature=\(signature)"
    }

    func scope(_ timestamp: String) -> String {
        "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request"
    }

    func signature(of canonicalRequest: String, timestamp: String) -> String {
        let toSign = stringToSign(canonicalRequest, timestamp: timestamp)
        let key = Self.signingKeys.key(secret: credentials.secretAccessKey, scope: scope(timestamp)) {
            var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
            for part in [String(timestamp.prefix(8)), region, service, "aws4_request"] {
                key = Digest.hmacSHA256(key: key, Array(part.utf8))
            }
            return key
        }
        return Self.hex(Digest.hmacSHA256(key: key, Array(toSign.utf8)))
    }

    /// A day's key for a region and service (four HMACs) signs every request of that scope.
    static let signingKeys = SigningKeyCache()

    func stringToSign(_ canonicalRequest: String, timestamp: String) -> String {
        ["AWS4-HMAC-SHA256", timestamp, scope(timestamp),
         Self.hex(Digest.sha256(Array(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    static func canonicalRequest(_ request: AWSHTTPRequest) -> String {
        canonicalRequest(request, headers: canonicalHeaders(request))
    }

    static func canonicalRequest(_ request: AWSHTTPRequest, headers: [(name: String, value: String)]) -> String {
        let pairs: [(name: String, value: String)] = request.query.map { (percentEncode($0.name), percentEncode($0.value)) }
        let sorted = pairs.sorted { $0.name != $1.name ? $0.name < $1.name : $0.value < $1.value }
        let query = sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
        return [
            request.method.uppercased(),
            percentEncode(normalizedPath(request.path), keepingSlashes: true),
            query,
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            headers.map(\.name).joined(separator: ";"),
            request.body.isEmpty ? emptyBodyHash : hex(Digest.sha256(request.body)),
        ].joined(separator: "\n")
    }

    static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Lower-cased names in order, each with its values trimmed, inner whitespace runs
    /// collapsed, and repeats joined by commas. Host comes from the URL when not given.
    static func canonicalHeaders(_ request: AWSHTTPRequest) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            guard !unsignedHeaders.contains(name) else { continue }
            values[name, default: []].append(collapsingWhitespace(header.value))
        }
        if values["host"] == nil { values["host"] = [request.authority] }
        return values.keys.sorted().map { (name: $0, value: values[$0]!.joined(separator: ",")) }
    }

    /// Python's `" ".join(value.split())` for ASCII whitespace (folded lines included).
    /// By UTF-8 bytes: these are all ASCII, and no byte of a longer character is ASCII.
    static func collapsingWhitespace(_ value: String) -> String {
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(value.utf8.count)
        var spaceDue = false
        for byte in value.utf8 {
            if byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte) {
                spaceDue = !collapsed.isEmpty
                continue
            }
            if spaceDue {
                collapsed.append(0x20)
                spaceDue = false
            }
            collapsed.append(byte)
        }
        return String(decoding: collapsed, as: UTF8.self)
    }

    /// RFC 3986 dot-segment removal, with empty segments dropped as AWS expects.
    static func normalizedPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return leading + segments.joined(separator: "/") + trailing
    }

    /// Percent-encodes every UTF-8 byte except the RFC 3986 unreserved characters (and `/` if asked).
    public static func percentEncode(_ text: String, keepingSlashes: Bool = false) -> String {
        var encoded = [UInt8]()
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                encoded.append(byte)
            default:
                encoded.append(UInt8(ascii: "%"))
                encoded.append(upperHexDigits[Int(byte >> 4)])
                encoded.append(upperHexDigits[Int(byte & 0xF)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(lowerHexDigits[Int(byte >> 4)])
            out.append(lowerHexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerHexDigits = Array("0123456789abcdef".utf8)

    /// `YYYYMMDDTHHMMSSZ` in UTC, computed directly (a DateFormatter costs more than the signature).
    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let civil = CivilDate(daysSinceEpoch: secondOfDay < 0 ? days - 1 : days)
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(civil.year, 4) + pad(civil.month, 2) + pad(civil.day, 2) + "T"
            + pad(second / 3600, 2) + pad(second / 60 % 60, 2) + pad(second % 60, 2) + "Z"
    }
}

/// A proleptic Gregorian date from a day count (Howard Hinnant's days-from-civil inverse).
struct CivilDate {
    var year: Int, month: Int, day: Int

    init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}

/// The signing keys derived so far, by secret and credential scope (`DAY/REGION/SERVICE/aws4_request`).
/// A process signs with few scopes a day; the cache is emptied when it holds more than it should.
final class SigningKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: [UInt8]] = [:]
    private let capacity = 32

    func key(secret: String, scope: String, derive: () -> [UInt8]) -> [UInt8] {
        let name = scope + "\n" + secret
        lock.lock()
        defer { lock.unlock() }
        if let key = keys[name] { return key }
        if keys.count >= capacity { keys.removeAll() }
        let key = derive()
        keys[name] = key
        return key
    }
}
