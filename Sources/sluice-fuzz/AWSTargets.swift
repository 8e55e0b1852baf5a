import AWS
import Foundation

extension FuzzTarget {
    /// A request in the SigV4 suite's `.req` form (request line, headers, blank line, body) is signed
    /// twice with one clock: the same well-formed Authorization header both times.
    static let sigv4 = FuzzTarget(
        name: "sigv4", summary: "requests → SigV4 canonical form and signature",
        seeds: ["../shared/data/sigv4-testsuite"], maxLength: 512
    ) { input in
        guard var request = signableRequest(String(decoding: input, as: UTF8.self)) else { return }
        var again = request
        fuzzSigner.sign(&request, at: fuzzSigningDate)
        fuzzSigner.sign(&again, at: fuzzSigningDate)
        let authorization = request.headerValues("Authorization")
        guard authorization.count == 1, authorization == again.headerValues("Authorization") else {
            violated("signing the same request twice gave \(authorization) and \(again.headerValues("Authorization"))")
        }
        let header = authorization[0]
        let prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="
        guard header.hasPrefix(prefix), let signature = header.split(separator: "=").last, signature.count == 64,
              signature.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            violated("a malformed Authorization header: \(header.debugDescription)")
        }
    }

    /// Whatever a server sends back as an error is read into a code and a message a person can use.
    static let errorResponses = FuzzTarget(
        name: "errors", summary: "XML and JSON error responses → AWSError",
        seeds: ["Sources/sluice-fuzz/Seeds/errors"], maxLength: 1024
    ) { input in
        for status in [400, 503] {
            let error = ErrorResponse.decode(status: status, headers: [(name: "x-amzn-RequestId", value: "fuzz")],
                                             body: input, service: "fuzz", operation: "Fuzz")
            let code = error.code.description
            guard !code.isEmpty, !code.contains(where: { $0 == "#" || $0 == ":" }) else {
                violated("error code \(code.debugDescription) from \(String(decoding: input, as: UTF8.self).debugDescription)")
            }
            _ = error.description
        }
    }
}

private let fuzzSigner = SigV4Signer(
    credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1", service: "service")
private let fuzzSigningDate = Date(timeIntervalSince1970: 1_440_938_160)

/// `METHOD TARGET [HTTP/1.1]`, `name:value` header lines, a blank line, the body.
private func signableRequest(_ text: String) -> AWSHTTPRequest? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let requestLine = lines.first else { return nil }
    var words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
    if words.count > 2, words.last?.hasPrefix("HTTP/") == true { words.removeLast() }
    guard let method = words.first, !method.isEmpty else { return nil }
    let target = words.dropFirst().joined(separator: " ")
    let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let path = pathAndQuery.first.map(String.init) ?? "/"
    let query: [(name: String, value: String)] = pathAndQuery.count > 1
        ? pathAndQuery[1].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        : []
    var headers: [(name: String, value: String)] = []
    var index = 1
    while index < lines.count, !lines[index].isEmpty {
        let parts = lines[index].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        headers.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        index += 1
    }
    let body = lines.dropFirst(index + 1).joined(separator: "\n")
    return AWSHTTPRequest(method: String(method), host: "example.amazonaws.com", path: path.hasPrefix("/") ? path : "/" + path,
                          query: query, headers: headers, body: Array(body.utf8))
}
