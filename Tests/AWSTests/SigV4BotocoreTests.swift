@testable import AWS
import Foundation
import TestSupport
import XCTest

/// Thousands of generated requests, signed by our signer and by botocore's SigV4Auth
/// (Tests/Harness/botocore_sign.py, one python3 for the whole batch): every Authorization
/// header must be identical.
final class SigV4BotocoreTests: XCTestCase {
    static let requestCount = 4000

    func testSignaturesMatchBotocore() throws {
        var random = SplitMix64(seed: 0x5109_CE5)
        let cases = (0..<Self.requestCount).map { _ in GeneratedRequest(using: &random) }
        let input = try cases.map { String(decoding: try JSONSerialization.data(withJSONObject: $0.botocoreSpec), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        let script = packageRoot.appendingPathComponent("Tests/Harness/botocore_sign.py").path
        let result = try runProcess("/usr/bin/env", ["python3", script], input: input, timeout: 300)
        XCTAssertEqual(result.status, 0, "botocore_sign.py failed (python3 with botocore is needed; scripts/test installs it): \(result.stderr)")
        let answers = result.stdout.split(separator: "\n")
        XCTAssertEqual(answers.count, cases.count)

        var mismatches = 0
        for (generated, answer) in zip(cases, answers) {
            let reference = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as! [String: String]
            var request = generated.request
            generated.signer.sign(&request, at: generated.date)
            let ours = request.headerValues("Authorization").first
            if ours != reference["authorization"] {
                mismatches += 1
                if mismatches <= 3 {
                    request.removeHeaders("Authorization")
                    XCTFail("""
                        signatures differ for \(generated.botocoreSpec)
                        ours:     \(ours ?? "none")
                        botocore: \(reference["authorization"] ?? "none")
                        our canonical request:
                        \(SigV4Signer.canonicalRequest(request))
                        botocore's:
                        \(reference["canonical"] ?? "")
                        """)
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(mismatches) of \(cases.count) signatures differ from botocore's")
    }
}

/// A random request with the awkward parts SigV4 must canonicalise: odd-cased and lower-case
/// methods, paths with dot segments, empty segments, reserved, percent-encoded and non-ASCII
/// characters, repeated and odd-cased query names, repeated and folded headers, headers that
/// must not be signed, empty/text/binary bodies, session tokens, ports default or not.
struct GeneratedRequest {
    let request: AWSHTTPRequest
    let signer: SigV4Signer
    let date: Date
    /// Half the cases hand botocore the query as `params` (it encodes them), half inside the URL.
    let queryInURL: Bool

    static let methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "post", "Get"]
    static let endpoints: [(scheme: String, host: String, port: Int?)] = [
        ("https", "example.amazonaws.com", nil), ("http", "127.0.0.1", 5000), ("https", "Sts.US-East-1.AmazonAWS.com", nil),
        ("http", "localhost", 80), ("https", "cloudformation.eu-west-1.amazonaws.com", 443), ("https", "host.example", 8443),
    ]
    static let segments = [
        "a", "Path", "with-dash_and.dot~", ".", "..", "", "$delete", "!'()*", "+,;=", ":@", "%2F", "%20", "%25",
        "é", "ሴ", "😀", "a b", "&", "1", "UPPER", "~user",
    ]
    static let queryNames = ["Param", "param", "PARAM", "a", "a-b", "a.b", "Z", "ሴ", "key with space", "k=v", "", "Action", "x&y"]
    static let queryValues = ["", "value", "Value", "a b", "a+b", "ü", "/path", "%41", "*", "~", "1", "=", "😀"]
    static let headerNames = [
        "My-Header", "my-header", "MY-HEADER", "X-Custom", "x-amz-meta-Thing", "Content-Type", "X-Amz-Target",
        "User-Agent", "Expect", "X-Amzn-Trace-Id", "Connection", "Transfer-Encoding", "Accept",
    ]
    static let headerValues = [
        "v", "  padded  ", "a\tb", "multi\r\n  line", "A  B   C", "", "x,y", "application/x-amz-json-1.1",
        "CodePipeline_20150709.GetPipeline", "text/plain; charset=utf-8", "\tlead",
    ]
    static let services = ["cloudformation", "sts", "codepipeline", "ssm", "secretsmanager", "codestar-connections", "tagging", "service"]
    static let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]

    init(using random: inout SplitMix64) {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func count(_ upTo: Int) -> Int { Int(random.next() % UInt64(upTo + 1)) }
        func text(_ alphabet: String, _ length: Int) -> String {
            let characters = Array(alphabet)
            return String((0..<length).map { _ in pick(characters) })
        }

        let endpoint = pick(Self.endpoints)
        var path = "/" + (0..<count(5)).map { _ in pick(Self.segments) }.joined(separator: "/")
        if random.next() % 4 == 0 { path += "/" }
        var headers = (0..<count(5)).map { _ in (name: pick(Self.headerNames), value: pick(Self.headerValues)) }
        if random.next() % 8 == 0 { headers.append((name: "HOST", value: endpoint.host.lowercased())) }
        let body: [UInt8]
        switch random.next() % 3 {
        case 0: body = []
        case 1: body = Array(text("{}\":abcXYZ 0123,\n", count(80)).utf8)
        default: body = (0..<count(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        request = AWSHTTPRequest(
            method: pick(Self.methods), scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port, path: path,
            query: (0..<count(5)).map { _ in (name: pick(Self.queryNames), value: pick(Self.queryValues)) },
            headers: headers, body: body)
        let keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        let secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let credentials = AWSCredentials(
            accessKeyID: "AKIA" + text(keyAlphabet, 16), secretAccessKey: text(secretAlphabet, 40),
            sessionToken: random.next() % 3 == 0 ? text(secretAlphabet + "=", 40 + count(200)) : nil)
        signer = SigV4Signer(credentials: credentials, region: pick(Self.regions), service: pick(Self.services))
        // Whole seconds from 2000 to 2040: the signature's clock resolution.
        date = Date(timeIntervalSince1970: Double(946_684_800 + Int(random.next() % 1_262_304_000)))
        queryInURL = random.next() % 2 == 0
    }

    /// The same request as botocore_sign.py reads it.
    var botocoreSpec: [String: Any] {
        let portPart = request.port.map { ":\($0)" } ?? ""
        var url = "\(request.scheme)://\(request.host)\(portPart)\(request.path)"
        if queryInURL, !request.query.isEmpty { url += "?" + request.encodedQuery }
        return [
            "method": request.method, "url": url,
            "params": queryInURL || request.query.isEmpty ? NSNull() : request.query.map { [$0.name, $0.value] },
            "headers": request.headers.map { [$0.name, $0.value] },
            "body": SigV4Signer.hex(request.body),
            "accessKey": signer.credentials.accessKeyID, "secretKey": signer.credentials.secretAccessKey,
            "token": signer.credentials.sessionToken.map { $0 as Any } ?? NSNull(),
            "service": signer.service, "region": signer.region, "time": Int(date.timeIntervalSince1970),
        ]
    }
}

/// A small deterministic generator, so a failure reproduces exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
