import Foundation
import XCTest
import TestSupport

/// Copilot's pipeline commands sluice lacked (issue 23, difference 12), through the real binary against moto:
/// `pipeline deploy --diff`, `pipeline show --resources`, `pipeline package` and `pipeline override`, each under
/// Copilot's words and sluice's own.
extension AWSApplicationEndToEndTests {
    private var stackName: String { "pipeline-demo-shop-main" }

    /// A pipeline deployed to stage test, its manifest saved.
    private func deployShopMain() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test", "prod"]) }
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
    }

    /// `push --diff`: a unified diff of the deployed template against the new one, before the plan; `No changes.` when
    /// they match (the deployed template read as sluice writes templates, so no line differs only in how it was written).
    func testPushDiffShowsTheDeployedTemplateAgainstTheNewOne() async throws {
        try await deployShopMain()
        let unchanged = try sluice(["push --diff --dry-run"])
        XCTAssertEqual(unchanged.status, 0, unchanged.stdout + unchanged.stderr)
        XCTAssertTrue(unchanged.stdout.contains("No changes."), unchanged.stdout)
        XCTAssertFalse(unchanged.stdout.contains("@@"), unchanged.stdout)

        let diffed = try sluice(["stage add prod", "save", "pipeline deploy --diff --dry-run"])
        XCTAssertEqual(diffed.status, 0, diffed.stdout + diffed.stderr)
        let lines = diffed.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("--- a/\(stackName) (deployed)"), diffed.stdout)
        XCTAssertTrue(lines.contains("+++ b/\(stackName)"), diffed.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("@@ -") }, diffed.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("+") && $0.contains("\"Name\": \"DeployTo-prod\"") }, diffed.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("-") && $0.contains("DeployTo-test") }, diffed.stdout)
        // The diff comes before the change set's plan, and the dry run deploys nothing.
        let diffAt = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("+++ ") })
        let planAt = try XCTUnwrap(lines.firstIndex { $0.contains("Plan for stack \(stackName)") }, diffed.stdout)
        XCTAssertLessThan(diffAt, planAt)
        XCTAssertTrue(diffed.stdout.contains("Dry run: nothing was deployed."), diffed.stdout)

        // A script without --yes sees the diff, then is told what to write; with --yes it deploys.
        let unasked = try sluice(["push --diff"])
        XCTAssertNotEqual(unasked.status, 0, unasked.stdout + unasked.stderr)
        XCTAssertTrue(unasked.stdout.contains("+++ b/\(stackName)"), unasked.stdout)
        let deployed = try sluice(["push --diff --yes"])
        XCTAssertEqual(deployed.status, 0, deployed.stdout + deployed.stderr)
        XCTAssertTrue(try deployedTemplate().description.contains("DeployTo-prod"))
        let after = try sluice(["push --diff --dry-run"])
        XCTAssertTrue(after.stdout.contains("No changes."), after.stdout)
    }

    /// A pipeline never deployed is diffed against nothing, as Copilot diffs against an empty template.
    func testPushDiffOfANewPipelineIsAgainstNothing() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let diffed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test",
                                 "push --diff --dry-run"])
        XCTAssertEqual(diffed.status, 0, diffed.stdout + diffed.stderr)
        let lines = diffed.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("--- /dev/null"), diffed.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("+") && $0.contains("AWS::CodePipeline::Pipeline") }, diffed.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("-") && !$0.hasPrefix("---") }, diffed.stdout)
    }

    /// On the local target there is no template to compare: `push --diff` says so and pushes nothing.
    func testPushDiffOnTheLocalTargetIsRefused() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let refused = try sluice(["source set github acme/shop", "stage add test", "push --diff --yes"])
        XCTAssertNotEqual(refused.status, 0, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("`push --diff` compares CloudFormation templates, and the local target deploys none"),
                      refused.stderr)
    }

    /// `pipeline show --resources`: each resource of the pipeline's stack with its type and physical ID, as Copilot's.
    func testPipelineShowResourcesListsTheStacksResources() async throws {
        try await deployShopMain()
        let plain = try sluice(["pipeline show"])
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)
        XCTAssertFalse(plain.stdout.contains("Resources"), plain.stdout)
        let shown = try sluice(["pipeline show --resources"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.firstIndex(of: "Resources"), shown.stdout)
        let rows = lines[(header + 1)...]
        let resources = try stackResources(stackName)
        XCTAssertEqual(rows.count, resources.count, shown.stdout)
        let pipeline = try XCTUnwrap(resources.first { $0["LogicalResourceId"] as? String == "Pipeline" })
        let id = try XCTUnwrap(pipeline["PhysicalResourceId"] as? String)
        XCTAssertTrue(rows.contains { $0.hasPrefix("    AWS::CodePipeline::Pipeline ") && $0.hasSuffix(" \(id)") }, shown.stdout)
        XCTAssertTrue(rows.contains { $0.hasPrefix("    AWS::IAM::Role ") }, shown.stdout)
    }

    /// `pipeline package`: the template push deploys, on stdout or in the directory named, as Copilot names the file.
    func testPipelinePackageWritesTheTemplatePushDeploys() async throws {
        try await deployShopMain()
        let printed = try sluice(["pipeline package"])
        XCTAssertEqual(printed.status, 0, printed.stdout + printed.stderr)
        let printedObject = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(NSDictionary(dictionary: printedObject), NSDictionary(dictionary: try deployedTemplate(stackName)))

        let missing = try sluice(["pipeline package output-dir infrastructure"])
        XCTAssertNotEqual(missing.status, 0, missing.stdout + missing.stderr)
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent("infrastructure"), withIntermediateDirectories: false)
        let written = try sluice(["pipeline package output-dir infrastructure"])
        XCTAssertEqual(written.status, 0, written.stdout + written.stderr)
        XCTAssertTrue(written.stdout.contains("wrote infrastructure/\(stackName).stack.yml"), written.stdout)
        let file = try String(contentsOf: workspace.appendingPathComponent("infrastructure/\(stackName).stack.yml"), encoding: .utf8)
        XCTAssertEqual(file, printed.stdout)
    }

    /// `pipeline override`: Copilot's YAML patch scaffold, applied as Copilot applies it (its examples are comments, so the
    /// template is unchanged until a patch is written; one written there changes what `pipeline package` prints); a
    /// directory that holds anything is left alone.
    func testPipelineOverrideScaffoldsYAMLPatchesThatPushApplies() async throws {
        try await deployShopMain()
        let before = try sluice(["pipeline package"])
        let scaffolded = try sluice(["pipeline override tool yamlpatch"])
        XCTAssertEqual(scaffolded.status, 0, scaffolded.stdout + scaffolded.stderr)
        let directory = workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["README.md", "cfn.patches.yml"])
        // As Copilot's, the template's description says it is patched; nothing else changes.
        func parsed(_ text: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        var scaffoldedTemplate = try parsed(try sluice(["pipeline package"]).stdout)
        var beforeTemplate = try parsed(before.stdout)
        XCTAssertTrue((scaffoldedTemplate.removeValue(forKey: "Description") as? String)?.hasSuffix(" with YAML patches.") == true)
        beforeTemplate["Description"] = nil
        XCTAssertEqual(NSDictionary(dictionary: scaffoldedTemplate), NSDictionary(dictionary: beforeTemplate))
        let changed = try sluice(["push --diff --dry-run"]).stdout.split(separator: "\n")
            .filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
        XCTAssertEqual(changed.count, 2, "\(changed)")
        XCTAssertTrue(changed.allSatisfy { $0.contains("\"Description\"") }, "\(changed)")

        let patches = directory.appendingPathComponent("cfn.patches.yml")
        let scaffold = try String(contentsOf: patches, encoding: .utf8)
        // The scaffold's first example, uncommented.
        let example = scaffold.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.contains("op: replace") }.prefix(3).map { String($0.dropFirst(2)) }.joined(separator: "\n")
        try (scaffold + example + "\n").write(to: patches, atomically: true, encoding: .utf8)
        let patched = try sluice(["pipeline package"])
        XCTAssertEqual(patched.status, 0, patched.stdout + patched.stderr)
        XCTAssertTrue(patched.stdout.contains("BUILD_GENERAL1_MEDIUM"), patched.stdout)
        let diffed = try sluice(["push --diff --dry-run"])
        XCTAssertTrue(diffed.stdout.split(separator: "\n").contains { $0.hasPrefix("+") && $0.contains("BUILD_GENERAL1_MEDIUM") }, diffed.stdout)

        let again = try sluice(["pipeline override shop-main"])
        XCTAssertNotEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("copilot/pipelines/shop-main/overrides is not empty"), again.stderr)
        XCTAssertTrue(try String(contentsOf: patches, encoding: .utf8).contains(example))
    }
}
