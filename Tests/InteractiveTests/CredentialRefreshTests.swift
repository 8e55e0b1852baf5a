import AWS
import Foundation
import TestSupport
import XCTest

/// A long session at the prompt whose credentials (from the container endpoint of
/// Tests/Harness/credential_endpoints.py) enter the mandatory refresh window: the next command
/// signs with fresh keys, and the old key — deleted in moto meanwhile — is never used again.
final class CredentialRefreshTests: PseudoTerminalTestCase {
    func testExpiringCredentialsAreReplacedBetweenCommands() async throws {
        let moto = try MotoServer.shared()
        let first = try await moto.reset()
        let endpoints = try CredentialEndpoints()
        defer { endpoints.stop() }
        struct Created: Decodable { struct Key: Decodable { let accessKeyId: String, secretAccessKey: String }; let accessKey: Key }
        let created: Created = try await AWSClient(configuration: try moto.configuration())
            .call(.iam, "CreateAccessKey", ["UserName": "sluice-test"])
        let second = AWSCredentials(accessKeyID: created.accessKey.accessKeyId, secretAccessKey: created.accessKey.secretAccessKey)
        // Valid for 10 minutes and 2 seconds: two seconds from now they must be refreshed.
        try await endpoints.serve(first, expiring: Date(timeIntervalSinceNow: 602))

        let shell = try start(environment: [
            "AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION": moto.region, "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.endpoint + "/container/credentials",
        ])
        try shell.expectPrompt()
        try shell.enter("target aws", expecting: "target: aws")
        try shell.enter("whoami", expecting: "credentials  ****\(first.accessKeyID.suffix(4))  (container credentials")

        try await endpoints.serve(second, expiring: Date(timeIntervalSinceNow: 3600))
        try await Task.sleep(for: .seconds(2.5))
        let _: AWSEmptyShape = try await AWSClient(configuration: try moto.configuration(credentials: second))
            .call(.iam, "DeleteAccessKey", ["UserName": "sluice-test", "AccessKeyId": first.accessKeyID])

        try shell.enter("whoami", expecting: "credentials  ****\(second.accessKeyID.suffix(4))  (container credentials")
        try exit(shell)
        XCTAssertFalse(shell.transcript.contains("error"), shell.transcript)
    }
}
