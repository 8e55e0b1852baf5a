import Foundation
import TestSupport
import XCTest

/// `whoami` and `trace` in the real `sluice` binary, against a moto server that checks signatures.
final class AWSShellTests: XCTestCase {
    var moto: MotoServer!

    override func setUp() async throws {
        moto = try MotoServer.shared()
        try await moto.reset()
    }

    func sluice(_ script: String, environment: [String: String], in directory: URL? = nil, removing: [String] = []) throws -> ProcessResult {
        let home = try TemporaryDirectory("sluice-aws-shell-home")
        defer { home.remove() }
        // Wide enough that no message wraps: these tests read what is said, not how it is laid out.
        return try runProcess(sluiceBinary, ["-c", script],
                              environment: ["HOME": home.path, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "1000"].merging(environment) { $1 },
                              removingEnvironment: ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE",
                                                    "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"] + Self.endpointVariables + removing,
                              directory: directory, timeout: 60)
    }

    static let endpointVariables = ["STS", "CLOUDFORMATION", "CODEPIPELINE", "SSM", "SECRETS_MANAGER", "CODECOMMIT",
                                    "CODESTAR_CONNECTIONS", "RESOURCE_GROUPS_TAGGING_API", "CODEBUILD", "CLOUDWATCH_LOGS"].map { "AWS_ENDPOINT_URL_\($0)" }

    func testWhoamiShowsTheIdentityAndWhereEverythingCameFrom() throws {
        let credentials = try XCTUnwrap(moto.credentials)
        var environment = moto.environment()
        environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:1"
        let result = try sluice("whoami", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.prefix(6)), [
            "account      123456789012",
            "arn          arn:aws:iam::123456789012:user/sluice-test",
            "profile      default  (default)",
            "region       us-east-1  (environment (AWS_REGION))",
            "credentials  ****\(credentials.accessKeyID.suffix(4))  (environment (AWS_ACCESS_KEY_ID))",
            "expires      never (long-term keys)",
        ])
        XCTAssertEqual(Array(lines[6..<9]), [
            "proxy        none",
            "timeouts     connect 60 s, read 60 s  (AWS CLI default)",
            "retries      standard, 3 attempts  (mode from the AWS CLI v2 default, attempts from the mode's default)",
        ])
        XCTAssertEqual(lines[9], "endpoints:")
        XCTAssertTrue(lines.contains("  STS                          \(moto.endpoint)  (environment (AWS_ENDPOINT_URL))"),
                      result.stdout)
        XCTAssertTrue(lines.contains("  Secrets Manager              http://127.0.0.1:1  (environment (AWS_ENDPOINT_URL_SECRETS_MANAGER))"),
                      result.stdout)
        XCTAssertEqual(lines.count, 10 + 12, "one line per service")
        XCTAssertFalse(result.stdout.contains(credentials.secretAccessKey))
        XCTAssertFalse(result.stdout.contains(credentials.accessKeyID), "only the key id's last four characters")
    }

    func testTheTargetsProfileRegionAndEndpointAreUsed() throws {
        let workspace = try TemporaryDirectory("sluice-aws-shell-workspace")
        defer { workspace.remove() }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart/copilot"),
                                         to: workspace.url.appendingPathComponent("copilot"))
        var environment = moto.environment()
        environment["AWS_ENDPOINT_URL"] = nil
        let result = try sluice("target aws region eu-west-1 endpoint \(moto.endpoint)\nwhoami",
                                environment: environment, in: workspace.url)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("region       eu-west-1  (--region)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  CodePipeline                 \(moto.endpoint)  (--endpoint)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("arn          arn:aws:iam::123456789012:user/sluice-test"), result.stdout)
    }

    func testTraceShowsEachCallOnStderrAndNoSecrets() throws {
        let credentials = try XCTUnwrap(moto.credentials)
        let result = try sluice("trace on\nwhoami\ntrace off\nwhoami", environment: moto.environment())
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("trace on: each AWS call is shown on stderr\n"), result.stdout)
        let traced = result.stderr.split(separator: "\n").filter { $0.hasPrefix("trace: ") }
        XCTAssertEqual(traced.count, 1, "one call traced, the second whoami ran with trace off: \(result.stderr)")
        let line = try XCTUnwrap(traced.first)
        XCTAssertNotNil(line.range(of: #"^trace: STS GetCallerIdentity 200 \d+ ms$"#, options: .regularExpression), String(line))
        for secret in [credentials.secretAccessKey, credentials.accessKeyID, "Signature=", "AWS4-HMAC-SHA256"] {
            XCTAssertFalse(result.stderr.contains(secret) || result.stdout.contains(secret), "\(secret) must never be printed")
        }
    }

    func testAWrongSecretIsAClearError() throws {
        let credentials = try XCTUnwrap(moto.credentials)
        var environment = moto.environment()
        environment["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-for-the-test"
        let result = try sluice("trace on\nwhoami", environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("trace: STS GetCallerIdentity 403 SignatureDoesNotMatch"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<command line>:2:1: error: STS GetCallerIdentity failed: SignatureDoesNotMatch (HTTP 403): The request signature we calculated does not match"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("hint: the secret access key does not belong to the access key id"), result.stderr)
        XCTAssertFalse(result.stderr.contains("wrong-secret-for-the-test"))
        XCTAssertFalse(result.stderr.contains(credentials.accessKeyID))
    }

    func testNoCredentialsSaysWhereItLooked() throws {
        let result = try sluice("whoami", environment: ["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.endpoint,
                                                        "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                                                        "AWS_EC2_METADATA_DISABLED": "true"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("error: no AWS credentials for profile 'default': searched the environment"), result.stderr)
        XCTAssertTrue(result.stderr.contains("hint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), result.stderr)
    }

    /// A copy of the quickstart workspace (application demo, environments test and prod), removed at the end.
    func quickstart() throws -> URL {
        let workspace = try TemporaryDirectory("sluice-aws-shell-workspace")
        addTeardownBlock { workspace.remove() }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart/copilot"),
                                         to: workspace.url.appendingPathComponent("copilot"))
        return workspace.url
    }

    /// `stage add` of an environment only the application has (its SSM parameter, no folder here) asks the
    /// session's target, so `trace` shows the calls (and an MFA code could be asked for): it makes no target of its own.
    func testStageAddOnTheAWSTargetAsksThroughTheSessionsTarget() async throws {
        try await AWSCommandLine(moto: moto).seedCopilotApplication("demo", environments: ["test", "prod", "staging"])
        // A repository for the pipeline the edit starts to track.
        let workspace = try quickstart()
        for git in [["init", "-q"], ["remote", "add", "origin", "https://github.com/acme/api"]] {
            let made = try runProcess("/usr/bin/git", ["-C", workspace.path] + git)
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let result = try sluice("target aws\ntrace on\nstage add staging", environment: moto.environment(), in: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("added stage staging"), result.stdout)
        let traced = result.stderr.split(separator: "\n").filter { $0.hasPrefix("trace: SSM ") }.map { $0.split(separator: " ").prefix(4).joined(separator: " ") }
        XCTAssertEqual(traced, ["trace: SSM GetParameter 200", "trace: SSM GetParametersByPath 200"], result.stderr)
    }

    /// `source set codecommit NAME` places the repository in the region the AWS layer resolves, as the
    /// AWS CLI does: here the profile's `region`, with no AWS_REGION set.
    func testACodeCommitNameIsPlacedInTheProfilesRegion() throws {
        let home = try TemporaryDirectory("sluice-aws-shell-profile")
        defer { home.remove() }
        let config = home.url.appendingPathComponent("config")
        try Data("[default]\nregion = eu-west-3\n".utf8).write(to: config)
        var environment = moto.environment()
        environment["AWS_REGION"] = nil
        environment["AWS_CONFIG_FILE"] = config.path
        let result = try sluice("source set codecommit demo-api\nshow", environment: environment, in: try quickstart(), removing: ["AWS_REGION"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("repository: https://eu-west-3.console.aws.amazon.com/codesuite/codecommit/repositories/demo-api/browse"),
                      result.stdout)
    }

    /// The HTTP stack (async-http-client's event loops, threads named NIO-…) starts on the first
    /// AWS call, never at start-up: watched with strace, which sees every thread being named.
    func testTheHTTPStackStartsOnlyWhenACommandNeedsAWS() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw XCTSkip("strace is not installed; it watches which threads sluice starts")
        }
        func threadNames(_ script: String) throws -> [String] {
            let log = try TemporaryDirectory("sluice-strace")
            defer { log.remove() }
            let trace = log.url.appendingPathComponent("trace").path
            let result = try runProcess("/usr/bin/strace", ["-f", "-qq", "-e", "trace=prctl", "-o", trace, sluiceBinary, "-c", script],
                                        environment: moto.environment(), timeout: 60)
            XCTAssertEqual(result.status, 0, result.stderr)
            let text = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                line.range(of: #"PR_SET_NAME, "[^"]*""#, options: .regularExpression).map { String(line[$0].dropFirst(14).dropLast()) }
            }
        }
        let withoutAWS = try threadNames("echo hi\nhelp trace\nset X 1")
        XCTAssertFalse(withoutAWS.contains { $0.hasPrefix("NIO-") }, "threads started without any AWS call: \(withoutAWS)")
        let withAWS = try threadNames("whoami")
        XCTAssertTrue(withAWS.contains { $0.hasPrefix("NIO-") }, "an AWS call starts the event loops: \(withAWS)")
    }
}
