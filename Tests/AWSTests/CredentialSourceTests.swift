@testable import AWS
import Errors
import Foundation
import TestSupport
import XCTest

/// Every credential source of the AWS CLI's chain against real servers on loopback, with
/// signature checking on: moto's STS (with `moto_sts_conditions.py`, which enforces the
/// roles' MFA and ExternalId conditions) for AssumeRole and AssumeRoleWithWebIdentity, and
/// Tests/Harness/credential_endpoints.py for the SSO portal, the container endpoint and IMDSv2.
/// botocore (Tests/Harness/botocore_credentials.py) resolves the same files and variables:
/// where a source hands out fixed keys they must be equal; where STS issues fresh keys on each
/// call, the identity they sign as must be.
final class CredentialSourceTests: CredentialStandInsTestCase {
    var home: TemporaryDirectory!
    var user: AWSCredentials!

    override func setUp() async throws {
        try requireStandIns()
        user = try await moto.reset()
        try await endpoints.requireContainerToken("")
        home = try TemporaryDirectory("sluice-credentials")
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".aws/sso/cache"), withIntermediateDirectories: true)
    }

    override func tearDown() { home?.remove() }

    // MARK: - Helpers

    func write(_ path: String, _ text: String) throws {
        try text.write(to: home.url.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    /// HOME, moto for every AWS service and nothing from the machine running the tests; the
    /// metadata service points at the harness so nothing ever reaches a real one.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
         "AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION": moto.region, "AWS_DEFAULT_REGION": moto.region,
         "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoints.endpoint + "/"].merging(extra) { $1 }
    }

    /// Temporary credentials moto accepts (an assumed role's), as metadata endpoints hand out.
    func temporaryCredentials() async throws -> AWSCredentials {
        let role = try await moto.makeRole("instance")
        let answer = try await STS(client: AWSClient(configuration: try moto.configuration()))
            .assumeRole(.init(roleArn: role, roleSessionName: "harness"))
        let issued = try XCTUnwrap(answer.credentials)
        return AWSCredentials(accessKeyID: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken)
    }

    struct Oracle: Decodable {
        let access_key: String?
        let secret_key: String?
        let token: String?
        let method: String?
        let arn: String?
        let error: String?
    }

    func botocore(_ environment: [String: String], profile: String? = nil, mfaCode: String? = nil) throws -> Oracle {
        let script = packageRoot.appendingPathComponent("Tests/Harness/botocore_credentials.py").path
        let arguments = ["-i"] + environment.map { "\($0)=\($1)" } + ["python3", script]
            + (profile.map { ["--profile", $0] } ?? []) + (mfaCode.map { ["--mfa-code", $0] } ?? [])
        let result = try runProcess("/usr/bin/env", arguments, timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONDecoder().decode(Oracle.self, from: Data(result.stdout.utf8))
    }

    /// Ours for the same environment: the credentials, and the ARN moto says they sign as.
    func ours(_ environment: [String: String], profile: String? = nil,
              askSecret: (@Sendable (String) async -> String?)? = nil) async throws -> (ObtainedCredentials, String) {
        let configuration = try AWSConfiguration.resolve(profile: profile, environment: environment, askSecret: askSecret)
        let obtained = try await configuration.currentCredentials()
        let identity = try await STS(client: AWSClient(configuration: configuration)).getCallerIdentity()
        return (obtained, identity.arn ?? "")
    }

    /// Ours and botocore's credentials for `environment` are the keys the harness handed out
    /// (`issued`), botocore got them by `method`, and they sign as the same identity in moto.
    @discardableResult
    func assertSameKeysAsBotocore(_ environment: [String: String], issued: AWSCredentials, method: String,
                                  file: StaticString = #filePath, line: UInt = #line) async throws -> ObtainedCredentials {
        let (obtained, arn) = try await ours(environment)
        let oracle = try botocore(environment)
        XCTAssertEqual(obtained.credentials, issued, file: file, line: line)
        XCTAssertEqual(oracle.access_key, issued.accessKeyID, file: file, line: line)
        XCTAssertEqual(oracle.secret_key, issued.secretAccessKey, file: file, line: line)
        XCTAssertEqual(oracle.token, issued.sessionToken, file: file, line: line)
        XCTAssertEqual(oracle.method, method, file: file, line: line)
        XCTAssertEqual(arn, oracle.arn, file: file, line: line)
        return obtained
    }

    // MARK: - AssumeRole

    func testAssumeRoleThroughASourceProfileChainMatchesBotocore() async throws {
        let middle = try await moto.makeRole("middle")
        let deploy = try await moto.makeRole("deploy", conditions: ["StringEquals": ["sts:ExternalId": "acme-ext"]])
        try write(".aws/credentials", "[base]\naws_access_key_id = \(user.accessKeyID)\naws_secret_access_key = \(user.secretAccessKey)\n")
        try write(".aws/config", """
            [profile middle]
            role_arn = \(middle)
            source_profile = base
            [profile dev]
            role_arn = \(deploy)
            source_profile = middle
            external_id = acme-ext
            role_session_name = dev-session
            duration_seconds = 1800
            """)
        let environment = environment(["AWS_PROFILE": "dev"])
        let (obtained, arn) = try await ours(environment)
        let oracle = try botocore(environment)
        XCTAssertEqual(arn, "arn:aws:sts::123456789012:assumed-role/deploy/dev-session")
        XCTAssertEqual(arn, oracle.arn, "the same role and session as botocore")
        XCTAssertTrue(obtained.credentials.accessKeyID.hasPrefix("ASIA"), "temporary keys from STS")
        XCTAssertEqual(obtained.chain, ["profile dev", "source_profile middle", "source_profile base",
                                        "shared credentials file \(home.path)/.aws/credentials [base]",
                                        "role \(middle)", "role \(deploy)"])
        let lifetime = try XCTUnwrap(obtained.expiration).timeIntervalSinceNow
        XCTAssertTrue((1700...1800).contains(lifetime), "duration_seconds 1800 asked: \(lifetime)")
    }

    func testAWrongExternalIDIsRefusedByTheRole() async throws {
        let deploy = try await moto.makeRole("deploy", conditions: ["StringEquals": ["sts:ExternalId": "acme-ext"]])
        try write(".aws/credentials", "[base]\naws_access_key_id = \(user.accessKeyID)\naws_secret_access_key = \(user.secretAccessKey)\n")
        try write(".aws/config", "[profile dev]\nrole_arn = \(deploy)\nsource_profile = base\nexternal_id = wrong\n")
        do {
            _ = try await ours(environment(["AWS_PROFILE": "dev"]))
            XCTFail("a wrong external_id was accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("STS AssumeRole failed: AccessDenied"), String(describing: error))
        }
    }

    func testMFACodeIsAskedAndSentAndAScriptIsToldWhy() async throws {
        let admin = try await moto.makeRole("admin", conditions: ["Bool": ["aws:MultiFactorAuthPresent": "true"]])
        let serial = "arn:aws:iam::123456789012:mfa/dev"
        try write(".aws/credentials", "[default]\naws_access_key_id = \(user.accessKeyID)\naws_secret_access_key = \(user.secretAccessKey)\n")
        try write(".aws/config", "[profile admin]\nrole_arn = \(admin)\nsource_profile = default\nmfa_serial = \(serial)\nrole_session_name = admin-mfa\n")
        let environment = environment()
        let prompts = PromptLog()
        let (_, arn) = try await ours(environment, profile: "admin") { prompt in prompts.append(prompt); return "123456" }
        XCTAssertEqual(prompts.all, ["Enter MFA code for \(serial): "])
        XCTAssertEqual(arn, try botocore(environment, profile: "admin", mfaCode: "123456").arn)
        do {
            _ = try await ours(environment, profile: "admin")
            XCTFail("a script assumed an MFA role")
        } catch {
            XCTAssertEqual((error as? any ReportableError)?.problem, Problem(
                "profile 'admin' assumes \(admin) with an MFA code (mfa_serial \(serial)), and a script has nobody to ask",
                hint: "run it at a terminal, or export credentials first (`aws sts get-session-token --serial-number …`)"))
        }
    }

    // MARK: - Web identity

    func testWebIdentityFromTheEnvironmentAndFromAProfileMatchBotocore() async throws {
        let ci = try await moto.makeRole("ci")
        try write("token.jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.signature\n")
        let fromVariables = environment(["AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/token.jwt", "AWS_ROLE_ARN": ci,
                                         "AWS_ROLE_SESSION_NAME": "gha-run"])
        let (obtained, arn) = try await ours(fromVariables)
        XCTAssertEqual(arn, "arn:aws:sts::123456789012:assumed-role/ci/gha-run")
        XCTAssertEqual(arn, try botocore(fromVariables).arn)
        XCTAssertEqual(obtained.chain, ["profile default", "web identity (AWS_WEB_IDENTITY_TOKEN_FILE) → role \(ci)"])

        try write(".aws/config", "[profile eks]\nweb_identity_token_file = \(home.path)/token.jwt\nrole_arn = \(ci)\nrole_session_name = pod\n")
        let fromProfile = environment(["AWS_PROFILE": "eks"])
        let (_, profileARN) = try await ours(fromProfile)
        XCTAssertEqual(profileARN, "arn:aws:sts::123456789012:assumed-role/ci/pod")
        XCTAssertEqual(profileARN, try botocore(fromProfile).arn)
    }

    // MARK: - SSO

    func ssoConfig() throws {
        try write(".aws/config", """
            [profile sso]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Developer
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = us-east-1
            [profile legacy]
            sso_start_url = https://legacy.awsapps.com/start
            sso_region = us-east-1
            sso_account_id = 123456789012
            sso_role_name = Developer
            """)
    }

    /// `aws sso login`'s cache file name: the SHA-1 of the session name or start URL (by sha1sum, not our code).
    func cacheName(_ key: String) throws -> String {
        let result = try runProcess("/bin/sh", ["-c", "printf %s \"$1\" | sha1sum", "sh", key])
        return String(result.stdout.prefix(40))
    }

    func writeTokenCache(_ key: String, _ values: [String: String]) throws {
        let name = try cacheName(key)
        try JSONSerialization.data(withJSONObject: values).write(to: home.url.appendingPathComponent(".aws/sso/cache/\(name).json"))
    }

    func ssoEnvironment(_ profile: String) -> [String: String] {
        environment(["AWS_PROFILE": profile, "AWS_ENDPOINT_URL_SSO": endpoints.endpoint, "AWS_ENDPOINT_URL_SSO_OIDC": endpoints.endpoint])
    }

    func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    func testSSOSessionAndLegacyProfilesMatchBotocore() async throws {
        try ssoConfig()
        let issued = try await temporaryCredentials()
        try await endpoints.serve(issued, expiring: Date(timeIntervalSinceNow: 3600))
        try await endpoints.acceptSSO(accessTokens: ["session-token", "legacy-token"], refreshToken: nil)
        try writeTokenCache("corp", ["startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                                     "accessToken": "session-token", "expiresAt": iso(Date(timeIntervalSinceNow: 3600))])
        try writeTokenCache("https://legacy.awsapps.com/start", ["startUrl": "https://legacy.awsapps.com/start", "region": "us-east-1",
                                                                 "accessToken": "legacy-token", "expiresAt": iso(Date(timeIntervalSinceNow: 3600))])
        for profile in ["sso", "legacy"] {
            try await assertSameKeysAsBotocore(ssoEnvironment(profile), issued: issued, method: "sso")
        }
        let sent = try await endpoints.requests().filter { $0.headers["x-amz-sso_bearer_token"] == "session-token" }
        XCTAssertEqual(sent.first?.path, "/federation/credentials?role_name=Developer&account_id=123456789012")
    }

    func testAnSSOTokenCloseToExpiryIsRefreshedAndWrittenBack() async throws {
        try ssoConfig()
        let issued = try await temporaryCredentials()
        try await endpoints.serve(issued, expiring: Date(timeIntervalSinceNow: 3600))
        try await endpoints.acceptSSO(accessTokens: [], refreshToken: "refresh-1")
        try writeTokenCache("corp", ["startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                                     "accessToken": "old-token", "expiresAt": iso(Date(timeIntervalSinceNow: 300)),
                                     "refreshToken": "refresh-1", "clientId": "client", "clientSecret": "secret",
                                     "registrationExpiresAt": iso(Date(timeIntervalSinceNow: 86400))])
        let (obtained, _) = try await ours(ssoEnvironment("sso"))
        XCTAssertEqual(obtained.credentials, issued)
        let name = try cacheName("corp")
        let cached = try JSONSerialization.jsonObject(with: Data(contentsOf: home.url.appendingPathComponent(".aws/sso/cache/\(name).json")))
            as? [String: Any] ?? [:]
        let token = try XCTUnwrap(cached["accessToken"] as? String)
        XCTAssertTrue(token.hasPrefix("refreshed-"), "the refreshed token is written back for the AWS CLI: \(cached)")
        XCTAssertNotEqual(cached["refreshToken"] as? String, "refresh-1")
        XCTAssertEqual(cached["clientId"] as? String, "client", "the registration is kept")
        // botocore reads the refreshed token without refreshing again, and gets the same keys.
        XCTAssertEqual(try botocore(ssoEnvironment("sso")).access_key, issued.accessKeyID)
    }

    func testAnExpiredSSOLoginSaysToLogInAgain() async throws {
        try ssoConfig()
        let expired = iso(Date(timeIntervalSinceNow: -60))
        try writeTokenCache("corp", ["startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                                     "accessToken": "stale", "expiresAt": expired])
        let configuration = try AWSConfiguration.resolve(environment: ssoEnvironment("sso"))
        do {
            _ = try await configuration.currentCredentials()
            XCTFail("an expired SSO token gave credentials")
        } catch {
            XCTAssertEqual((error as? any ReportableError)?.problem,
                           Problem("the SSO login for profile 'sso' has expired (at \(expired))", hint: "run `aws sso login --profile sso`"))
        }
    }

    // MARK: - Container and instance metadata

    func testContainerCredentialsWithATokenFileMatchBotocore() async throws {
        let issued = try await temporaryCredentials()
        try await endpoints.serve(issued, expiring: Date(timeIntervalSinceNow: 3600))
        try await endpoints.requireContainerToken("container-secret")
        try write("container-token", "container-secret")
        let environment = environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.endpoint + "/container/credentials",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home.path + "/container-token"])
        let obtained = try await assertSameKeysAsBotocore(environment, issued: issued, method: "container-role")
        XCTAssertEqual(obtained.chain, ["container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)"])
        try await endpoints.requireContainerToken("another")
        do {
            _ = try await AWSConfiguration.resolve(environment: environment).currentCredentials()
            XCTFail("a wrong authorization token was accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("answered HTTP 401"), String(describing: error))
        }
    }

    func testInstanceMetadataUsesAnIMDSv2TokenAndMatchesBotocore() async throws {
        let issued = try await temporaryCredentials()
        try await endpoints.serve(issued, expiring: Date(timeIntervalSinceNow: 3600))
        let obtained = try await assertSameKeysAsBotocore(environment(), issued: issued, method: "iam-role")
        XCTAssertEqual(obtained.chain, ["EC2 instance metadata (\(endpoints.endpoint)/) role harness-role"])
        let sent = try await endpoints.requests().filter { $0.path.hasPrefix("/latest/") }
        XCTAssertEqual(sent.first?.method, "PUT", "the token first")
        XCTAssertEqual(sent.first?.path, "/latest/api/token")
        XCTAssertTrue(sent.filter { $0.method == "GET" }.allSatisfy { $0.headers["x-aws-ec2-metadata-token"] != nil }, "\(sent)")
    }

    func testAnUnreachableMetadataServiceIsBoundedAndOnlyAskedLast() async throws {
        let blackhole = try await endpoints.blackholePort()
        let environment = environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(blackhole)/"])
        let started = Date()
        do {
            _ = try await AWSConfiguration.resolve(environment: environment).currentCredentials()
            XCTFail("a metadata service that never answers gave credentials")
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("no AWS credentials for profile 'default': searched the environment"), text)
            // The token request's timeout makes it try IMDSv1, as botocore does; that times out too.
            XCTAssertTrue(text.contains("EC2 instance metadata service: no answer from http://127.0.0.1:\(blackhole)/latest/meta-data/iam/security-credentials/"), text)
        }
        // Bounded, not a window a loaded machine breaks: without its 1 s bounds a blackhole would
        // hold each request far longer.
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "two bounded requests of 1 s")

        // With keys earlier in the chain, the metadata service is never asked.
        try await endpoints.serve(user, expiring: Date(timeIntervalSinceNow: 3600))
        _ = try await ours(self.environment(["AWS_ACCESS_KEY_ID": user.accessKeyID, "AWS_SECRET_ACCESS_KEY": user.secretAccessKey]))
        let asked = try await endpoints.requests().filter { $0.path.hasPrefix("/latest/") }
        XCTAssertEqual(asked.count, 0)
    }

    // MARK: - Refresh

    /// The container endpoint hands out keys that enter botocore's mandatory refresh window
    /// (10 minutes before expiry) two seconds after they are issued; the first keys are then
    /// deleted in moto. A long session keeps calling: every call succeeds, signed with the new keys.
    func testCredentialsThatExpireDuringASessionAreRefreshed() async throws {
        let iam = AWSClient(configuration: try moto.configuration())
        struct Created: Decodable { struct Key: Decodable { let accessKeyId: String, secretAccessKey: String }; let accessKey: Key }
        let second: Created = try await iam.call(.iam, "CreateAccessKey", ["UserName": "sluice-test"])
        let replacement = AWSCredentials(accessKeyID: second.accessKey.accessKeyId, secretAccessKey: second.accessKey.secretAccessKey)
        try await endpoints.serve(user, expiring: Date(timeIntervalSinceNow: RefreshingCredentials.defaultMandatoryWindow + 2))
        let configuration = try AWSConfiguration.resolve(environment: environment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.endpoint + "/container/credentials"]))
        let session = STS(client: AWSClient(configuration: configuration))
        let first = try await session.getCallerIdentity()
        let before = try await configuration.currentCredentials()
        XCTAssertEqual(before.credentials.accessKeyID, user.accessKeyID)

        try await endpoints.serve(replacement, expiring: Date(timeIntervalSinceNow: 3600))
        try await Task.sleep(for: .seconds(2.5))
        let _: AWSEmptyShape = try await AWSClient(configuration: try moto.configuration(credentials: replacement))
            .call(.iam, "DeleteAccessKey", ["UserName": "sluice-test", "AccessKeyId": user.accessKeyID])

        let later = try await session.getCallerIdentity()
        XCTAssertEqual(later.arn, first.arn)
        let now = try await configuration.currentCredentials()
        XCTAssertEqual(now.credentials.accessKeyID, replacement.accessKeyID, "signed with the refreshed keys")
        XCTAssertGreaterThan(try XCTUnwrap(now.expiration).timeIntervalSinceNow, 3000)
    }
}

/// The prompts a test's MFA answerer saw.
final class PromptLog: @unchecked Sendable {
    private let lock = NSLock()
    private var prompts: [String] = []
    func append(_ prompt: String) { lock.lock(); prompts.append(prompt); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return prompts }
}
