import Foundation
import TestSupport
import XCTest

/// The network as companies have it, through the `sluice` binary: moto behind an HTTPS front
/// whose certificate only a CA bundle vouches for, reached through an HTTP proxy that wants
/// credentials (Tests/Harness/proxy_stand_ins.py), compared with the `aws` CLI in the same
/// setting; and a server that stalls in the middle of an answer (Tests/Harness/fault_proxy.py).
final class NetworkTests: XCTestCase {
    nonisolated(unsafe) static var standIns: ProxyStandIns?
    nonisolated(unsafe) static var faults: FaultProxy?
    var moto: MotoServer!
    var user: AWSCredentialsText!
    var home: TemporaryDirectory!

    struct AWSCredentialsText { let key: String, secret: String }

    override class func tearDown() {
        standIns?.stop()
        faults?.stop()
        standIns = nil
        faults = nil
        super.tearDown()
    }

    override func setUp() async throws {
        moto = try MotoServer.shared()
        let credentials = try await moto.reset()
        user = AWSCredentialsText(key: credentials.accessKeyID, secret: credentials.secretAccessKey)
        if Self.standIns == nil { Self.standIns = try ProxyStandIns(upstream: moto.endpoint) }
        if Self.faults == nil { Self.faults = try FaultProxy(upstream: moto.endpoint) }
        try await standIns.reset()
        home = try TemporaryDirectory("sluice-network")
    }

    override func tearDown() { home?.remove() }

    var standIns: ProxyStandIns { Self.standIns! }
    var faults: FaultProxy { Self.faults! }

    /// Only what the case sets, moto's user's keys and a region: nothing from this machine.
    func environment(_ extra: [String: String]) -> [String: String] {
        ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1",
         "AWS_ACCESS_KEY_ID": user.key, "AWS_SECRET_ACCESS_KEY": user.secret, "AWS_DEFAULT_REGION": "us-east-1",
         "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""].merging(extra) { $1 }
    }

    func sluice(_ environment: [String: String], _ script: String = "whoami --json") throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + [sluiceBinary, "-c", script], timeout: 120)
    }

    func awsCLI(_ environment: [String: String]) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + ["aws", "sts", "get-caller-identity", "--output", "json"],
                       timeout: 120)
    }

    func identity(_ result: ProcessResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout, file: file, line: line)
    }

    var hostAndPort: String { String(standIns.httpsEndpoint.dropFirst("https://".count)) }

    func testEveryRequestGoesThroughTheProxyAsCONNECTToTheEndpointsHost() async throws {
        try await standIns.reset(requiring: "corp-user:p@ss word")
        let proxy = standIns.proxyEndpoint.replacingOccurrences(of: "http://", with: "http://corp-user:p%40ss%20word@")
        let environment = environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile, "HTTPS_PROXY": proxy])
        let report = try identity(try sluice(environment))
        XCTAssertEqual(report["arn"] as? String, "arn:aws:iam::123456789012:user/sluice-test")
        let network = try XCTUnwrap(report["network"] as? [String: Any])
        XCTAssertEqual(network["proxy"] as? String, "https via http://***:***@127.0.0.1:\(standIns.proxyEndpoint.split(separator: ":").last!) (HTTPS_PROXY)",
                       "the proxy is shown without its credentials")
        XCTAssertEqual((network["caBundle"] as? [String: Any])?["source"] as? String, "environment (AWS_CA_BUNDLE)")
        let ours = try await standIns.requests()
        XCTAssertFalse(ours.isEmpty)
        let authorization = "Basic " + Data("corp-user:p@ss word".utf8).base64EncodedString()
        let expected = ProxyStandIns.Request(method: "CONNECT", target: hostAndPort, authorization: authorization)
        XCTAssertEqual(ours, Array(repeating: expected, count: ours.count),
                       "every request went through the proxy as CONNECT to the endpoint, with the proxy's credentials")

        // The AWS CLI in the same setting: the same identity, the same requests at the proxy.
        try await standIns.reset(requiring: "corp-user:p@ss word")
        let cli = try identity(try awsCLI(environment))
        XCTAssertEqual(cli["Arn"] as? String, report["arn"] as? String)
        let theirs = try await standIns.requests()
        XCTAssertEqual(theirs.first, expected)
    }

    func testNoProxyAndTheSchemesProxyAreHonouredInBothCases() async throws {
        let dead = "http://127.0.0.1:1"
        // NO_PROXY names the endpoint's host: nothing goes to the proxy (here a dead one).
        for noProxy in [["NO_PROXY": "localhost"], ["no_proxy": ".localhost,example.com"], ["NO_PROXY": "*"], ["no_proxy": hostAndPort]] {
            let environment = environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile,
                                           "HTTPS_PROXY": dead].merging(noProxy) { $1 })
            _ = try identity(try sluice(environment))
            _ = try identity(try awsCLI(environment))
        }
        // The lower-case name wins over the upper-case one, as in botocore (urllib).
        let lower = environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile,
                                 "HTTPS_PROXY": dead, "https_proxy": standIns.proxyEndpoint])
        _ = try identity(try sluice(lower))
        let requests = try await standIns.requests()
        XCTAssertEqual(requests.map(\.method), ["CONNECT"])
        // An https endpoint does not use HTTP_PROXY.
        _ = try identity(try sluice(environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile, "HTTP_PROXY": dead])))
    }

    func testAProxyThatRefusesTheCredentialsAndAnUntrustedCertificateAreClearErrors() async throws {
        try await standIns.reset(requiring: "corp-user:right")
        let wrong = standIns.proxyEndpoint.replacingOccurrences(of: "http://", with: "http://corp-user:wrong@")
        let refused = try sluice(environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile,
                                              "HTTPS_PROXY": wrong, "AWS_MAX_ATTEMPTS": "1"]), "whoami")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.flattened.contains("the proxy http://***:***@127.0.0.1"), refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("(HTTP 407)"), refused.stderr)
        XCTAssertFalse(refused.stderr.flattened.contains("wrong"), "the proxy's password is never printed: \(refused.stderr)")
        let cli = try awsCLI(environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CA_BUNDLE": standIns.caFile, "HTTPS_PROXY": wrong,
                                          "AWS_MAX_ATTEMPTS": "1"]))
        XCTAssertNotEqual(cli.status, 0, "the AWS CLI fails too")

        try await standIns.reset()
        let untrusted = try sluice(environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_MAX_ATTEMPTS": "1"]), "whoami")
        XCTAssertNotEqual(untrusted.status, 0)
        XCTAssertTrue(untrusted.stderr.flattened.contains("TLS handshake failed"), untrusted.stderr)
        XCTAssertTrue(untrusted.stderr.flattened.contains("the system's certificates"), untrusted.stderr)
        XCTAssertNotEqual(try awsCLI(environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_MAX_ATTEMPTS": "1"])).status, 0)
    }

    func testTheProfilesCABundleAndAMissingOne() throws {
        try "[default]\nca_bundle = \(standIns.caFile)\n".write(to: home.url.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let environment = environment(["AWS_ENDPOINT_URL": standIns.httpsEndpoint, "AWS_CONFIG_FILE": home.path + "/config"])
        let report = try identity(try sluice(environment))
        let caBundle = try XCTUnwrap((report["network"] as? [String: Any])?["caBundle"] as? [String: Any])
        XCTAssertEqual(caBundle["value"] as? String, standIns.caFile)
        XCTAssertEqual(caBundle["source"] as? String, "config file \(home.path)/config [default]")
        _ = try identity(try awsCLI(environment))

        let missing = try sluice(environment.merging(["AWS_CA_BUNDLE": home.path + "/none.pem"]) { $1 }, "whoami")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.flattened.contains("CA bundle '\(home.path)/none.pem' from environment (AWS_CA_BUNDLE) is not usable"), missing.stderr)
    }

    /// A connection that never completes costs the connect timeout on each attempt: the
    /// attempts made and the timeout reached are what sluice reports; the time taken is at
    /// least the timeouts waited (a load can only lengthen it, so no upper window: a timeout
    /// not applied would run into this test's 120 s bound instead).
    func testAConnectionThatNeverCompletesCostsTheConnectTimeoutOnEachAttempt() throws {
        try "[default]\ncli_connect_timeout = 1\nmax_attempts = 2\n".write(to: home.url.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let started = Date()
        let result = try sluice(environment(["AWS_ENDPOINT_URL": standIns.unconnectableEndpoint, "AWS_CONFIG_FILE": home.path + "/config"]), "whoami")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.flattened.contains("STS GetCallerIdentity failed: TimedOut: no connection within 1.0 seconds [\(standIns.unconnectableEndpoint)] after 2 attempts"),
                      result.stderr)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 2, "two 1 s connects were waited")
    }

    /// Headers and part of the body, then nothing: each attempt ends after the read timeout, so
    /// the whole call costs the read timeout times the attempts (plus the backoff between): the
    /// server saw exactly those attempts, sluice names the timeout reached, and the time taken is
    /// at least the timeouts waited (no upper window, which a loaded machine breaks).
    func testAServerThatStallsMidBodyCostsAtMostTheReadTimeoutTimesTheAttempts() async throws {
        try "[default]\ncli_read_timeout = 1\nmax_attempts = 3\nretry_mode = standard\n"
            .write(to: home.url.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try await faults.plan(["stall", "stall", "stall", "stall"])
        let started = Date()
        let result = try sluice(environment(["AWS_ENDPOINT_URL": faults.endpoint, "AWS_CONFIG_FILE": home.path + "/config"]), "whoami")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.flattened.contains("STS GetCallerIdentity failed: TimedOut: nothing read for 1.0 seconds (the read timeout)"),
                      result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("after 3 attempts"), result.stderr)
        let requests = try await faults.requestCount()
        XCTAssertEqual(requests, 3)
        XCTAssertGreaterThanOrEqual(elapsed, 3, "3 × 1 s of reading were waited")
    }
}
