import Foundation
import TestSupport
import XCTest

/// `push --diff` at a terminal, against moto: as Copilot's `pipeline deploy --diff`, the diff is followed by
/// "Continue with the deployment?"; no leaves the stack as it was, yes deploys without asking a second time.
final class AWSPushDiffPromptTests: AWSMotoTestCase {
    func testTheDiffIsFollowedByCopilotsQuestionAndItsAnswerStands() async throws {
        let (cli, home, workspace) = try await prepareQuickstart()
        defer { home.remove() }
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        let setup = try runProcess(sluiceBinary, ["-c", "target aws endpoint \(try XCTUnwrap(Self.moto).endpoint); source set github acme/shop; "
                                                  + "stage add test; push --yes; stage add prod; save"],
                                   environment: environment, directory: workspace)
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
        func deployedStages() throws -> Int {
            let body = try cli.json(["cloudformation", "get-template", "--stack-name", "pipeline-demo-shop-main"])["TemplateBody"]
            return "\(body ?? "")".components(separatedBy: "DeployTo-").count - 1
        }
        let before = try deployedStages()

        environment.merge(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
                           "XDG_STATE_HOME": home.path + "/state", "EDITRC": "/dev/null", "TERM": "xterm", "LANG": "C.UTF-8"]) { _, new in new }
        let shell = try PseudoTerminal(sluiceBinary, directory: workspace, environment: environment)
        try shell.expectPrompt()
        shell.send("push --diff\r")
        let declined = try shell.expect("Continue with the deployment? [y/N]", timeout: 60)
        XCTAssertTrue(declined.contains("+++ b/pipeline-demo-shop-main"), declined)
        XCTAssertFalse(declined.contains("Plan for stack"), "the question comes after the diff, before the change set: \(declined)")
        shell.send("n\r")
        try shell.expect("Nothing was deployed.")
        try shell.expectPrompt()
        XCTAssertEqual(try deployedStages(), before)

        shell.send("push --diff\r")
        try shell.expect("Continue with the deployment? [y/N]", timeout: 60)
        shell.send("y\r")
        let deployed = try shell.expect("pushed shop-main to the aws target", timeout: 120)
        XCTAssertFalse(deployed.contains("Deploy these changes"), "asked twice: \(deployed)")
        try shell.expectPrompt()
        XCTAssertGreaterThan(try deployedStages(), before)
        shell.send("\u{04}")
        XCTAssertEqual(try shell.waitForExit(), 0)
    }
}
