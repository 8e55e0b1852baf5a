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
        for (name, text) in files {
            let file = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    /// Sets the pipeline up on moto; returns what `show template` prints, parsed.
    func shownTemplate() throws -> (text: String, template: [String: Any]) {
        let setUp = try sluice([useMoto] + Self.overridden)
        XCTAssertEqual(setUp.status, 0, setUp.stdout + setUp.stderr)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        return (shown.stdout, try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], shown.stdout))
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
        let (text, template) = try shownTemplate()
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

        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: text)

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

    /// A CDK override run for real — npm installs the overrides' dependencies, Node runs `cdk synth` —
    /// with a stand-in toolkit package (the aws-cdk package is not on this machine, and the tests download
    /// nothing): it adds a topic and CDK's BootstrapVersion parameter and Rules, which Copilot's clean-up drops.
    func testACDKOverrideTransformsTheTemplateWithNode() throws {
        let standIn = #"""
            #!/usr/bin/env node
            // Stand-in for `cdk synth`: reads the template Copilot (and sluice) writes to .build/in.yml.
            const fs = require("fs");
            const template = JSON.parse(fs.readFileSync(".build/in.yml", "utf8"));
            template.Resources.ReleaseTopic = { Type: "AWS::SNS::Topic", Properties: { DisplayName: process.env.COPILOT_APPLICATION_NAME } };
            template.Parameters = { BootstrapVersion: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/cdk-bootstrap/hnb659fds/version" } };
            template.Rules = { CheckBootstrapVersion: { Assertions: [] } };
            if (process.argv[2] !== "synth" || process.argv[3] !== "--no-version-reporting") process.exit(2);
            console.log(JSON.stringify(template, null, 1));
            """#
        try writeOverrides(["cdk.json": #"{"app": "node bin/override.js"}"# + "\n",
                            "package.json": #"{"name": "override", "version": "1.0.0", "devDependencies": {"aws-cdk": "file:./toolkit"}}"# + "\n",
                            "toolkit/package.json": #"{"name": "aws-cdk", "version": "0.0.0", "bin": {"cdk": "bin/cdk.js"}}"# + "\n",
                            "toolkit/bin/cdk.js": standIn])
        let toolkit = workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides/toolkit/bin/cdk.js")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: toolkit.path)
        let (text, template) = try shownTemplate()
        XCTAssertEqual(template["Description"] as? String, "CodePipeline for demo using AWS Copilot and CDK.")
        XCTAssertNil(template["Parameters"], "the BootstrapVersion parameter is dropped")
        XCTAssertNil(template["Rules"], "CDK's rules are dropped")
        let resources = try XCTUnwrap(template["Resources"] as? [String: Any])
        XCTAssertNotNil(resources["Pipeline"])
        XCTAssertEqual(((resources["ReleaseTopic"] as? [String: Any])?["Properties"] as? [String: String])?["DisplayName"], "demo")
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: text)
    }
}
