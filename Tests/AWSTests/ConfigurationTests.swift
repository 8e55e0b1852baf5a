@testable import AWS
import Errors
import Foundation
import TestSupport
import XCTest

/// Credentials, region and endpoints resolved from temporary files and environment variables,
/// checked against what the AWS CLI (`aws configure list`) and botocore (each client's
/// endpoint_url) resolve for exactly the same files and variables.
final class ConfigurationTests: XCTestCase {
    var home: TemporaryDirectory!

    override func setUpWithError() throws {
        home = try TemporaryDirectory("sluice-aws-config")
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        try write(".aws/credentials", """
            [default]
            aws_access_key_id = AKIADEFAULT00000ABCD
            aws_secret_access_key = secretdefault1234
            [dev]
            aws_access_key_id = AKIADEV0000000000DEV
            aws_secret_access_key = secretdev5678
            region = ap-south-1
            """)
        try write(".aws/config", """
            # a comment
            [default]
            region = us-west-2
            [profile dev]
            region = eu-west-1
            [profile cfg]
            region=ca-central-1
            aws_access_key_id: AKIACONFIGFILE00CFG1
            aws_secret_access_key = secretcfg9999
            [profile proc]
            region = eu-north-1
            credential_process = "\(home.path)/creds helper.sh" --flag 'two words'
            [profile local]
            region = us-east-1
            aws_access_key_id = AKIALOCAL00000000LOC
            aws_secret_access_key = secretlocal0000
            endpoint_url = http://127.0.0.1:4566
            services = local-services
            [services local-services]
            secrets_manager =
              endpoint_url = http://127.0.0.1:4567
            sts =
              endpoint_url = http://127.0.0.1:4568
            """)
        try write("creds helper.sh", """
            #!/bin/sh
            [ "$1" = --flag ] && [ "$2" = "two words" ] || { echo "unexpected arguments: $*" >&2; exit 3; }
            echo '{"Version": 1, "AccessKeyId": "AKIAPROCESS00000PROC", "SecretAccessKey": "secretproc4321", "SessionToken": "token"}'
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.url.appendingPathComponent("creds helper.sh").path)
    }

    override func tearDown() { home.remove() }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: home.url.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    /// Only HOME and what a case sets: nothing leaks in from the machine running the tests.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(extra) { $1 }
    }

    // MARK: - Against the AWS CLI

    /// `aws configure list`'s rows: name → (value as shown, type).
    func awsConfigureList(_ environment: [String: String], profile: String?) throws -> [String: (value: String, type: String)] {
        let result = try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + ["aws", "configure", "list"]
                                        + (profile.map { ["--profile", $0] } ?? []))
        XCTAssertEqual(result.status, 0, result.stderr)
        var rows: [String: (String, String)] = [:]
        for line in result.stdout.split(separator: "\n").dropFirst(2) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if fields.count >= 3 { rows[fields[0]] = (fields[1], fields[2]) }
        }
        return rows
    }

    /// The AWS CLI's name for where a value came from.
    func cliType(_ source: String, isRegion: Bool = false) -> String {
        if source.hasPrefix("environment") { return "env" }
        if source.hasPrefix("credential_process") { return "custom-process" }
        if isRegion || source.hasPrefix("config file") { return "config-file" }
        return "shared-credentials-file"
    }

    func assertMatchesCLI(_ extra: [String: String], profile: String? = nil, expectKey: String, expectRegion: String,
                          file: StaticString = #filePath, line: UInt = #line) async throws {
        let environment = environment(extra)
        let ours = try AWSConfiguration.resolve(profile: profile, environment: environment)
        let obtained = try await ours.currentCredentials()
        let source = obtained.chain.last ?? "?"
        let cli = try awsConfigureList(environment, profile: profile)
        XCTAssertEqual(obtained.credentials.accessKeyID, expectKey, file: file, line: line)
        XCTAssertEqual(ours.region.value, expectRegion, file: file, line: line)
        XCTAssertEqual(cli["access_key"]?.value, "****************" + obtained.credentials.accessKeyID.suffix(4), file: file, line: line)
        XCTAssertEqual(cli["access_key"]?.type, cliType(source), "credentials from \(source)", file: file, line: line)
        XCTAssertEqual(cli["secret_key"]?.value.suffix(4), obtained.credentials.secretAccessKey.suffix(4), file: file, line: line)
        XCTAssertEqual(cli["region"]?.value, ours.region.value, file: file, line: line)
        XCTAssertEqual(cli["region"]?.type, cliType(ours.region.source, isRegion: true), "region from \(ours.region.source)",
                       file: file, line: line)
    }

    func testTheDefaultProfileFromBothFiles() async throws {
        try await assertMatchesCLI([:], expectKey: "AKIADEFAULT00000ABCD", expectRegion: "us-west-2")
    }

    func testAWSProfileSelectsAProfileAndTheCredentialsFileRegionWins() async throws {
        // botocore merges the credentials file's profile over the config file's.
        try await assertMatchesCLI(["AWS_PROFILE": "dev"], expectKey: "AKIADEV0000000000DEV", expectRegion: "ap-south-1")
    }

    func testEnvironmentCredentialsAndRegionWinOverAWSProfile() async throws {
        try await assertMatchesCLI(["AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT0ENV1", "AWS_SECRET_ACCESS_KEY": "secretenv",
                              "AWS_DEFAULT_REGION": "us-east-2"],
                             expectKey: "AKIAENVIRONMENT0ENV1", expectRegion: "us-east-2")
    }

    func testAnExplicitProfileIgnoresEnvironmentCredentials() async throws {
        try await assertMatchesCLI(["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT0ENV1", "AWS_SECRET_ACCESS_KEY": "secretenv"], profile: "dev",
                             expectKey: "AKIADEV0000000000DEV", expectRegion: "ap-south-1")
    }

    func testKeysInTheConfigFile() async throws {
        try await assertMatchesCLI(["AWS_PROFILE": "cfg"], expectKey: "AKIACONFIGFILE00CFG1", expectRegion: "ca-central-1")
    }

    func testCredentialProcess() async throws {
        try await assertMatchesCLI(["AWS_PROFILE": "proc"], expectKey: "AKIAPROCESS00000PROC", expectRegion: "eu-north-1")
        let resolved = try AWSConfiguration.resolve(environment: environment(["AWS_PROFILE": "proc"]))
        let obtained = try await resolved.currentCredentials()
        XCTAssertEqual(obtained.credentials.sessionToken, "token")
        XCTAssertNil(obtained.expiration, "no Expiration printed: long-term")
    }

    /// A credential_process that prints an Expiration is run again once its keys are inside the
    /// refresh window: the second call gets the keys the process prints by then.
    func testCredentialProcessWithAnExpirationIsRunAgainBeforeItExpires() async throws {
        let soon = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: RefreshingCredentials.defaultMandatoryWindow + 60))
        try write("keys", "AKIAPROCESSFIRST0001")
        try write("rotating.sh", """
            #!/bin/sh
            echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"$(cat "\(home.path)/keys")\\", \\"SecretAccessKey\\": \\"s\\", \\"SessionToken\\": \\"t\\", \\"Expiration\\": \\"\(soon)\\"}"
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.url.appendingPathComponent("rotating.sh").path)
        try write(".aws/config", "[profile rotating]\nregion = us-east-1\ncredential_process = \(home.path)/rotating.sh\n")
        let configuration = try AWSConfiguration.resolve(environment: environment(["AWS_PROFILE": "rotating"]))
        let first = try await configuration.currentCredentials()
        XCTAssertEqual(first.credentials.accessKeyID, "AKIAPROCESSFIRST0001")
        XCTAssertEqual(first.expiration.map { Int($0.timeIntervalSince1970) }, AWSTimestamp.parse(soon).map { Int($0.timeIntervalSince1970) })
        try write("keys", "AKIAPROCESSSECOND002")
        let second = try await configuration.currentCredentials()
        XCTAssertEqual(second.credentials.accessKeyID, "AKIAPROCESSSECOND002", "inside the 15-minute window the process runs again")
    }

    func testFilesNamedByEnvironmentVariables() async throws {
        let elsewhere = try TemporaryDirectory("sluice-aws-elsewhere")
        defer { elsewhere.remove() }
        try "[ops]\naws_access_key_id = AKIAOTHERFILE000OPS1\naws_secret_access_key = secretops2468\n"
            .write(to: elsewhere.url.appendingPathComponent("creds"), atomically: true, encoding: .utf8)
        try "[profile ops]\nregion = me-south-1\n".write(to: elsewhere.url.appendingPathComponent("conf"), atomically: true, encoding: .utf8)
        try await assertMatchesCLI(["AWS_PROFILE": "ops", "AWS_SHARED_CREDENTIALS_FILE": elsewhere.url.appendingPathComponent("creds").path,
                              "AWS_CONFIG_FILE": elsewhere.url.appendingPathComponent("conf").path],
                             expectKey: "AKIAOTHERFILE000OPS1", expectRegion: "me-south-1")
    }

    func testAWSRegionComesBeforeAWSDefaultRegion() throws {
        // The newer SDKs' order; aws-cli v1 here reads only AWS_DEFAULT_REGION, so no comparison.
        let resolved = try AWSConfiguration.resolve(environment: environment(["AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "us-east-2"]))
        XCTAssertEqual(resolved.region.value, "eu-west-3")
        XCTAssertEqual(resolved.region.source, "environment (AWS_REGION)")
        let explicit = try AWSConfiguration.resolve(region: "il-central-1", environment: environment(["AWS_REGION": "eu-west-3"]))
        XCTAssertEqual(explicit.region.value, "il-central-1")
    }

    // MARK: - Endpoints, against botocore

    /// Each service's endpoint_url as botocore resolves it for the same environment.
    func botocoreEndpoints(_ environment: [String: String]) throws -> [String: String] {
        let names = ["sts", "cloudformation", "codepipeline", "ssm", "secretsmanager", "codecommit", "codestar-connections",
                     "resourcegroupstaggingapi", "codebuild", "logs", "s3", "kms"]
        let program = """
            import json, sys, botocore.session
            session = botocore.session.Session()
            print(json.dumps({name: session.create_client(name).meta.endpoint_url for name in sys.argv[1:]}))
            """
        let result = try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + ["python3", "-c", program] + names)
        XCTAssertEqual(result.status, 0, result.stderr)
        let urls = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String] ?? [:]
        // In AWSService.all's order.
        return Dictionary(uniqueKeysWithValues: zip(AWSService.all.map(\.serviceID), names.map { urls[$0] ?? "?" }))
    }

    func assertEndpointsMatchBotocore(_ extra: [String: String], file: StaticString = #filePath, line: UInt = #line) throws -> AWSConfiguration {
        let environment = environment(extra)
        let ours = try AWSConfiguration.resolve(environment: environment)
        let reference = try botocoreEndpoints(environment)
        for service in AWSService.all {
            // botocore drops a trailing slash and nothing else; so do we not need to.
            XCTAssertEqual(ours.endpoint(for: service).value, reference[service.serviceID],
                           "\(service.serviceID) (ours from \(ours.endpoint(for: service).source))", file: file, line: line)
        }
        return ours
    }

    func testDefaultEndpointsFollowTheRegion() throws {
        let resolved = try assertEndpointsMatchBotocore(["AWS_DEFAULT_REGION": "eu-central-1"])
        XCTAssertEqual(resolved.endpoint(for: .resourceGroupsTagging).value, "https://tagging.eu-central-1.amazonaws.com")
        XCTAssertEqual(resolved.endpoint(for: .sts).source, "AWS default")
    }

    func testEndpointEnvironmentVariables() throws {
        let resolved = try assertEndpointsMatchBotocore([
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:5001",
            "AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS": "http://127.0.0.1:5002",
            "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": "http://127.0.0.1:5003",
        ])
        XCTAssertEqual(resolved.endpoint(for: .secretsManager).source, "environment (AWS_ENDPOINT_URL_SECRETS_MANAGER)")
        XCTAssertEqual(resolved.endpoint(for: .ssm).source, "environment (AWS_ENDPOINT_URL)")
    }

    func testEndpointsFromTheConfigFileServicesSection() throws {
        let resolved = try assertEndpointsMatchBotocore(["AWS_PROFILE": "local"])
        XCTAssertEqual(resolved.endpoint(for: .secretsManager).value, "http://127.0.0.1:4567")
        XCTAssertEqual(resolved.endpoint(for: .sts).value, "http://127.0.0.1:4568")
        XCTAssertEqual(resolved.endpoint(for: .codePipeline).value, "http://127.0.0.1:4566")
        // The environment's global URL comes before the config file's service section.
        _ = try assertEndpointsMatchBotocore(["AWS_PROFILE": "local", "AWS_ENDPOINT_URL": "http://127.0.0.1:6000"])
    }

    func testConfiguredEndpointsCanBeIgnored() throws {
        let resolved = try assertEndpointsMatchBotocore(["AWS_PROFILE": "local", "AWS_ENDPOINT_URL": "http://127.0.0.1:6000",
                                                         "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"])
        XCTAssertEqual(resolved.endpoint(for: .cloudFormation).value, "https://cloudformation.us-east-1.amazonaws.com")
    }

    // MARK: - Failures name what was searched

    func testAMissingProfileNamesBothFiles() {
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: environment(["AWS_PROFILE": "nope"]))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("the AWS profile 'nope' is in neither \(home.path)/.aws/config ([profile nope])"), text)
            XCTAssertTrue(text.contains("\(home.path)/.aws/credentials ([nope])"), text)
        }
    }

    func testNoCredentialsNamesWhereItLooked() async throws {
        let empty = try TemporaryDirectory("sluice-aws-empty")
        defer { empty.remove() }
        // The metadata service is off here: nothing in the chain can be asked.
        let configuration = try AWSConfiguration.resolve(environment: ["HOME": empty.path, "AWS_REGION": "us-east-1",
                                                                       "AWS_EC2_METADATA_DISABLED": "true"])
        do {
            _ = try await configuration.currentCredentials()
            XCTFail("credentials from nowhere")
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("no AWS credentials for profile 'default': searched the environment (AWS_ACCESS_KEY_ID"), text)
            XCTAssertTrue(text.contains("\(empty.path)/.aws/credentials"), text)
            XCTAssertTrue(text.contains("hint: set AWS_ACCESS_KEY_ID"), text)
        }
    }

    func testNoRegionSaysWhichVariablesAndProfile() throws {
        try write(".aws/config", "[default]\noutput = json\n")
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: environment())) { error in
            XCTAssertEqual((error as? any ReportableError)?.problem, Problem(
                "no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and profile 'default' in \(home.path)/.aws/config has no 'region'",
                hint: "export AWS_REGION=us-east-1 (or your region)"))
        }
    }

    func testAFailingCredentialProcessShowsItsError() async throws {
        try write(".aws/config", "[default]\nregion = us-east-1\ncredential_process = /bin/sh -c 'echo token expired >&2; exit 4'\n")
        try write(".aws/credentials", "")
        let configuration = try AWSConfiguration.resolve(environment: environment())
        do {
            _ = try await configuration.currentCredentials()
            XCTFail("a failing credential_process gave credentials")
        } catch {
            XCTAssertEqual(String(describing: error),
                           "credential_process '/bin/sh -c 'echo token expired >&2; exit 4'' exited with status 4: token expired")
        }
    }

    func testAMalformedFileIsReportedWithItsLine() throws {
        try write(".aws/config", "[default]\nregion = us-east-1\n[profile broken\n")
        XCTAssertThrowsError(try AWSConfiguration.resolve(environment: environment())) { error in
            XCTAssertEqual((error as? any ReportableError)?.problem, Problem("a section header needs a closing ']'", hint: "the AWS CLI refuses this file too; fix the line",
                                                                             at: TextLocation(file: "\(home.path)/.aws/config", line: 3)))
        }
    }
}
