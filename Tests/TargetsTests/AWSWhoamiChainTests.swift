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

        let result = try runProcess(sluiceBinary, ["-c", "trace on; whoami"],
                                    environment: ["HOME": home.path, "AWS_PROFILE": "dev", "AWS_ENDPOINT_URL": moto.endpoint,
                                                  "AWS_REGION": moto.region, "NO_COLOR": "1",
                                                  "COLUMNS": "1000"],  // the report's content, not its wrapping
                                    removingEnvironment: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"], timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("arn          arn:aws:sts::123456789012:assumed-role/deployer/chain\n"), result.stdout)
        XCTAssertNotNil(result.stdout.range(of: #"credentials  \*\*\*\*[A-Z0-9]{4}  \(profile dev → source_profile base → shared credentials file [^\n]*/\.aws/credentials \[base\] → role arn:aws:iam::123456789012:role/deployer\)\n"#,
                                            options: .regularExpression), result.stdout)
        XCTAssertNotNil(result.stdout.range(of: #"expires      \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  \(in 5\d min; refreshed before then\)\n"#,
                                            options: .regularExpression), result.stdout)
        // The role was assumed by a traced call of its own, before the identity was asked.
        let traced = result.stderr.split(separator: "\n").filter { $0.hasPrefix("trace: ") }.map { $0.split(separator: " ")[2] }
        XCTAssertEqual(traced, ["AssumeRole", "GetCallerIdentity"], result.stderr)
    }
}
