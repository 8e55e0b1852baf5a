import AWS
import Foundation
import TestSupport
import XCTest

/// `whoami` through the `sluice` binary says how the credentials were obtained and when they
/// expire: an assume-role profile whose source profile has keys, against moto's STS.
final class AWSWhoamiChainTests: XCTestCase {
    func testWhoamiShowsTheChainAndTheExpiry() async throws {
        let moto: MotoServer
        do { moto = try MotoServer.shared() } catch { throw XCTSkip("moto is not installed (scripts/test installs it)") }
        let user = try await moto.reset()
        try await moto.makeRole("deployer")

        let home = try TemporaryDirectory("sluice-whoami-chain")
        defer { home.remove() }
        let aws = home.url.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try "[base]\naws_access_key_id = \(user.accessKeyID)\naws_secret_access_key = \(user.secretAccessKey)\n"
            .write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = base\nrole_session_name = chain\nduration_seconds = 3600\n"
            .write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)

        // COLUMNS: the report's content, not its wrapping.
        let environment = ["HOME": home.path, "AWS_PROFILE": "dev", "AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION": moto.region, "NO_COLOR": "1",
                           "COLUMNS": "1000"]
        let removed = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"]
        let result = try runProcess(sluiceBinary, ["-c", "trace on; whoami"], environment: environment, removingEnvironment: removed, timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("arn          arn:aws:sts::123456789012:assumed-role/deployer/chain\n"), result.stdout)
        XCTAssertNotNil(result.stdout.range(of: #"credentials  \*\*\*\*[A-Z0-9]{4}  \(profile dev → source_profile base → shared credentials file [^\n]*/\.aws/credentials \[base\] → role arn:aws:iam::123456789012:role/deployer\)\n"#,
                                            options: .regularExpression), result.stdout)
        XCTAssertNotNil(result.stdout.range(of: #"expires      \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \(in 5\d min; refreshed before then\)\n"#,
                                            options: .regularExpression), result.stdout)
        // The role was assumed by a traced call of its own, before the identity was asked.
        let traced = result.stderr.split(separator: "\n").filter { $0.hasPrefix("trace: ") }.map { $0.split(separator: " ")[2] }
        XCTAssertEqual(traced, ["AssumeRole", "GetCallerIdentity"], result.stderr)

        // The same for a program: identity, account, the source and chain, region and profile with where each came from, expiry.
        let json = try runProcess(sluiceBinary, ["-c", "whoami --json"], environment: environment, removingEnvironment: removed, timeout: 60)
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(report["account"] as? String, "123456789012")
        XCTAssertEqual(report["arn"] as? String, "arn:aws:sts::123456789012:assumed-role/deployer/chain")
        XCTAssertEqual(report["profile"] as? [String: String], ["value": "dev", "source": "environment (AWS_PROFILE)"])
        XCTAssertEqual(report["region"] as? [String: String], ["value": moto.region, "source": "environment (AWS_REGION)"])
        let credentials = try XCTUnwrap(report["credentials"] as? [String: Any])
        XCTAssertEqual(credentials["source"] as? String, "assume-role", "botocore's name for the kind of source")
        XCTAssertEqual(credentials["chain"] as? [String], ["profile dev", "source_profile base", "shared credentials file \(home.path)/.aws/credentials [base]",
                                                          "role arn:aws:iam::123456789012:role/deployer"])
        let expires = try XCTUnwrap(credentials["expires"] as? String)
        XCTAssertNotNil(expires.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression), expires)
        XCTAssertEqual((credentials["accessKey"] as? String)?.count, 8, "****ABCD, never the whole key")
        XCTAssertEqual((report["endpoints"] as? [String: Any])?.count, 12)
        XCTAssertFalse(json.stdout.contains(user.secretAccessKey))
    }
}
