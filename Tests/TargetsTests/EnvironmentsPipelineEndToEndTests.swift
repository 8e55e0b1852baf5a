import Foundation
import XCTest
import TestSupport

/// Copilot's Environments pipelines made with `pipeline new NAME type environments` and run on both
/// targets through the real binary. The build here is a stand-in for `copilot env package` (this
/// machine has neither copilot nor the ruby Copilot's buildspec needs): it writes each environment's
/// template and configuration where Copilot's does.
enum EnvironmentsPipelineScript {
    static let setup = ["pipeline new environments type environments", "source set github acme/shop",
                        "stage add test", "stage add prod", "approval on prod", "build buildspec ci/environments.yml", "save"]

    static let buildspec = """
        version: 0.2
        phases:
          build:
            commands:
              - mkdir -p infrastructure
              - |
                for env in test prod; do
                  printf 'Description: the %s environment\\nResources: {}\\n' $env > infrastructure/$env.env.yml
                  echo '{"Parameters": {"AppName": "demo"}}' > infrastructure/$env.env.params.json
                done
        artifacts:
          files:
            - "infrastructure/*"

        """

    static func writeBuildspec(in workspace: URL) throws {
        let file = workspace.appendingPathComponent("ci/environments.yml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(buildspec.utf8).write(to: file)
    }
}

extension LocalEndToEndTests {
    func testAnEnvironmentsPipelineDeploysEachEnvironmentsStackLocally() throws {
        try EnvironmentsPipelineScript.writeBuildspec(in: workspace)
        let setup = try sluice(["-c", EnvironmentsPipelineScript.setup.joined(separator: "; ")])
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
        XCTAssertTrue(setup.stdout.flattened.contains("created environments pipeline environments"), setup.stdout)
        XCTAssertTrue(setup.stdout.flattened.contains("added stage test (deploys environment stack demo-test)"), setup.stdout)
        let buildspec = try String(contentsOf: workspace.appendingPathComponent("copilot/buildspec.yml"), encoding: .utf8)
        XCTAssertTrue(buildspec.contains("./copilot-linux env package -n $env --output-dir './infrastructure'"), buildspec)
        try commit("an environments pipeline")

        let run = try sluice(["-c", "push --yes; approve prod"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Succeeded", run.stdout)
        let stages = status["stages"] as? [[String: Any]] ?? []
        XCTAssertEqual(stages.map { ($0["actions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }, [
            ["SourceCodeFor-demo"], ["Build"], ["CreateOrUpdate-deploy-env-test"], ["ApprovePromotionTo-prod", "CreateOrUpdate-deploy-env-prod"],
        ])
        for environment in ["test", "prod"] {
            let deployed = workspace.appendingPathComponent(".sluice/local/deployments/\(environment)/demo-\(environment)/template.yml")
            XCTAssertEqual(try String(contentsOf: deployed, encoding: .utf8), "Description: the \(environment) environment\nResources: {}\n")
        }
    }
}

extension AWSEndToEndTests {
    func testAnEnvironmentsPipelineDeploysOnAWS() throws {
        try EnvironmentsPipelineScript.writeBuildspec(in: workspace)
        let pushed = try sluice([useMoto] + EnvironmentsPipelineScript.setup + ["push --yes", "watch", "approve prod", "watch"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("Plan for stack pipeline-demo-environments (create):"), pushed.stdout)

        let status = try sluice(["status --json"])
        let snapshot = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stdout)
        XCTAssertEqual(snapshot["state"] as? String, "Succeeded", pushed.stdout)
        let actions = (snapshot["stages"] as? [[String: Any]] ?? []).map { ($0["actions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
        XCTAssertEqual(actions.suffix(2), [["CreateOrUpdate-deploy-env-test"], ["ApprovePromotionTo-prod", "CreateOrUpdate-deploy-env-prod"]])

        // Each deploy action updates the environment's own stack with its execution role, from the build's env package output.
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], shown.stdout)
        let stages = ((template["Resources"] as? [String: Any])?["Pipeline"] as? [String: Any])
            .flatMap { ($0["Properties"] as? [String: Any])?["Stages"] as? [[String: Any]] } ?? []
        let deploy = try XCTUnwrap((stages.first { $0["Name"] as? String == "DeployTo-test" }?["Actions"] as? [[String: Any]])?.first)
        let configuration = try XCTUnwrap(deploy["Configuration"] as? [String: String])
        XCTAssertEqual(configuration["StackName"], "demo-test")
        XCTAssertEqual(configuration["TemplatePath"], "BuildOutput::infrastructure/test.env.yml")
        XCTAssertEqual(configuration["TemplateConfiguration"], "BuildOutput::infrastructure/test.env.params.json")
        XCTAssertEqual(configuration["RoleArn"], "arn:aws:iam::123456789012:role/demo-test-CFNExecutionRole")
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: shown.stdout)
    }
}
