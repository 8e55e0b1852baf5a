import Foundation
import XCTest
import TestSupport

/// A new CodeStar connection is PENDING until a person completes it in the console; the harness completes it
/// `completedAfter` seconds after it is made (long enough for a slow aws CLI call to see it PENDING on a
/// loaded machine). Copilot's deploy names the connection, says where to complete it, waits for
/// AVAILABLE and retries the Source stage that failed meanwhile: so does `push`, through the real binary.
final class AWSConnectionPendingTests: AWSMotoTestCase {
    var home: TemporaryDirectory!

    static let completedAfter = 12.0

    override class var motoEnvironment: [String: String] { ["SLUICE_MOTO_CONNECTION_SECONDS": "\(completedAfter)"] }

    override func tearDown() { home?.remove() }

    /// The harness as the aws CLI sees it: PENDING when made, AVAILABLE once the person completed it.
    func testTheAWSCLISeesANewConnectionPendingThenAvailable() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        let arn = try XCTUnwrap(try cli.json(["codestar-connections", "create-connection", "--provider-type", "GitHub",
                                              "--connection-name", "acme"])["ConnectionArn"] as? String)
        func status() throws -> String? {
            (try cli.json(["codestar-connections", "get-connection", "--connection-arn", arn])["Connection"] as? [String: Any])?["ConnectionStatus"]
                as? String
        }
        XCTAssertEqual(try status(), "PENDING")
        // The connection was made before that answer: this much later it is complete, however slow the CLI.
        try await Task.sleep(for: .seconds(Self.completedAfter + 0.2))
        XCTAssertEqual(try status(), "AVAILABLE")
    }

    func testPushWaitsForThePendingConnectionThenRetriesTheSourceStage() async throws {
        let cli: AWSCommandLine
        let workspace: URL
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        let pushed = try runProcess(sluiceBinary, ["-c", "target aws endpoint \(Self.moto.endpoint); source set github acme/shop; "
                                                   + "stage add test; push --yes"],
                                    environment: environment, directory: workspace, timeout: 120)
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("ACTION REQUIRED! Go to https://console.aws.amazon.com/codesuite/settings/connections "
                                             + "to update the status of connection "), pushed.stdout)
        XCTAssertTrue(pushed.stdout.flattened.contains(" is AVAILABLE: retried the Source stage of run "), pushed.stdout)
        let pipeline = try XCTUnwrap((try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]])?.first?["name"]
            as? String)
        try await Task.sleep(for: .seconds(1))
        let states = try cli.json(["codepipeline", "get-pipeline-state", "--name", pipeline])["stageStates"] as? [[String: Any]] ?? []
        let source = (states.first { $0["stageName"] as? String == "Source" }?["latestExecution"] as? [String: Any])?["status"] as? String
        XCTAssertEqual(source, "Succeeded", "\(states)")
    }
}
