import Foundation
import XCTest
import TestSupport

/// A pipeline's overrides (copilot/pipelines/NAME/overrides) through the real binary against moto:
/// `show template` and `push` deploy the overridden template, never the plain one.
extension AWSEndToEndTests {
    static let overridden = ["source set github acme/shop", "stage add test", "save"]

    func writeOverrides(_ files: [String: String]) throws {
        let directory = workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
    }

    func testYAMLPatchesChangeTheTemplateShownAndPushed() throws {
        try writeOverrides(["cfn.patches.yml": """
            # Longer builds, the stack's name in the build, a topic beside the pipeline, no local cache.
            - op: replace
              path: /Resources/BuildProject/Properties/TimeoutInMinutes
              value: 30
            - op: add
              path: /Resources/BuildProject/Properties/Environment/EnvironmentVariables/-
              value:
                Name: STACK
                Value: !Sub "${AWS::StackName}"
            - op: add
              path: /Resources/ReleaseTopic
              value:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !Join ["-", [releases, !Ref "AWS::StackName"]]
            - op: remove
              path: /Resources/BuildProject/Properties/Cache

            """])
        let setUp = try sluice([useMoto] + Self.overridden)
        XCTAssertEqual(setUp.status, 0, setUp.stdout + setUp.stderr)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], shown.stdout)
        XCTAssertEqual(template["Description"] as? String, "CodePipeline for demo using AWS Copilot with YAML patches.")
        let resources = try XCTUnwrap(template["Resources"] as? [String: Any])
        let build = try XCTUnwrap((resources["BuildProject"] as? [String: Any])?["Properties"] as? [String: Any])
        XCTAssertEqual(build["TimeoutInMinutes"] as? Int, 30)
        XCTAssertNil(build["Cache"])
        let variables = try XCTUnwrap((build["Environment"] as? [String: Any])?["EnvironmentVariables"] as? [[String: Any]])
        XCTAssertEqual(variables.last?["Name"] as? String, "STACK")
        XCTAssertEqual(variables.last?["Value"] as? [String: String], ["Fn::Sub": "${AWS::StackName}"])
        let topic = try XCTUnwrap(resources["ReleaseTopic"] as? [String: Any])
        XCTAssertEqual(topic["Type"] as? String, "AWS::SNS::Topic")
        XCTAssertEqual(String(data: try JSONSerialization.data(withJSONObject: topic, options: .sortedKeys), encoding: .utf8),
                       #"{"Properties":{"DisplayName":{"Fn::Join":["-",["releases",{"Ref":"AWS::StackName"}]]}},"Type":"AWS::SNS::Topic"}"#)

        let scratch = try TemporaryDirectory("sluice-overridden")
        defer { scratch.remove() }
        let file = scratch.url.appendingPathComponent("overridden.json")
        try Data(shown.stdout.utf8).write(to: file)
        try AWSTemplateTests.assertCfnLintFindsNoError([file.path])

        // The deployed stack is the overridden template, and a plan is made from the overridden template.
        let pushed = try sluice(["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.contains("+ ReleaseTopic"), pushed.stdout)
        let deployed = try cli.json(["cloudformation", "get-template", "--stack-name", "pipeline-demo-shop-main"])
        XCTAssertTrue("\(deployed["TemplateBody"] ?? "")".contains("ReleaseTopic"), "\(deployed)")
        let patches = workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides/cfn.patches.yml")
        try (String(contentsOf: patches, encoding: .utf8) + "- op: remove\n  path: /Resources/ReleaseTopic\n")
            .write(to: patches, atomically: true, encoding: .utf8)
        let planned = try sluice(["push --dry-run"])
        XCTAssertEqual(planned.status, 0, planned.stdout + planned.stderr)
        XCTAssertTrue(planned.stdout.contains("- ReleaseTopic"), planned.stdout)
        XCTAssertTrue(planned.stdout.contains("Dry run: nothing was deployed."), planned.stdout)
    }

    func testAPatchThatDoesNotApplyStopsThePushAtItsLine() throws {
        try writeOverrides(["cfn.patches.yml": """
            - op: add
              path: /Resources/BuildProject/Properties/TimeoutInMinutes
              value: 30
            - op: replace
              path: /Resources/NoSuchResource/Properties
              value: {}

            """])
        let result = try sluice([useMoto] + Self.overridden + ["push --yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("copilot/pipelines/shop-main/overrides/cfn.patches.yml:4:3: "), result.stderr)
        XCTAssertTrue(result.stderr.contains(#"unable to apply the "replace" patch at index 1: key "/Resources": "NoSuchResource" not found in map"#),
                      result.stderr)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0,
                          "nothing was deployed")
    }

    func testACDKOverrideWithoutNodeIsAnErrorNamingWhatIsMissing() throws {
        try writeOverrides(["cdk.json": #"{"app": "npx ts-node --prefer-ts-exts bin/override.ts"}"# + "\n",
                            "package.json": #"{"name": "override", "devDependencies": {"aws-cdk": "2.130.0"}}"# + "\n"])
        let noPrograms = try TemporaryDirectory("sluice-empty-path")
        defer { noPrograms.remove() }
        let result = try sluice([useMoto] + Self.overridden + ["push --yes"], environment: ["PATH": noPrograms.path])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("copilot/pipelines/shop-main/overrides: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("this pipeline's overrides are a CDK application "
                                             + "(cdk.json), which needs Node.js and npm or yarn; not on PATH: node, npm (or yarn)"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("sluice deploys no pipeline without its overrides"), result.stderr)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0,
                          "nothing was deployed")
    }
}
