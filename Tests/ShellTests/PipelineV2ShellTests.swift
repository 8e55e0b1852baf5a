import Foundation
import XCTest

/// The V2 commands through the binary: they write the overrides' patches surgically (a hand-written
/// comment and patch stay), `undo` takes an edit back, and a setting the rule book refuses is refused
/// with its reason before anything is written.
final class PipelineV2ShellTests: XCTestCase {
    static let handWritten = """
        # Our own patch: longer builds.
        - op: replace
          path: /Resources/BuildProject/Properties/TimeoutInMinutes
          value: 30

        """

    func testTheV2CommandsEditThePatchesSurgically() throws {
        try assertGolden("v2-editing", fixture: .quickstartWith(["copilot/pipelines/shop-main/overrides/cfn.patches.yml": Self.handWritten]), [
            .script("source set github acme/shop; stage add test; stage add prod; save"),
            .script("""
                trigger add push branches main paths services/api/** exclude-paths docs/**
                mode queued
                var add REGION default eu-west-1
                stage on-failure prod rollback
                var add TAG
                undo
                trigger ls
                var ls
                show
                """),
            .script("stage on-failure prod rollback; mode parallel"),
            .script("stage on-failure Source rollback"),
            .script("var add 'bad name'"),
            .script("release var NOPE"),
        ], files: ["copilot/pipelines/shop-main/overrides/cfn.patches.yml"])
    }

    func testTriggersAreRefusedForCodeCommitWithTheReason() throws {
        try assertGolden("v2-codecommit-trigger", [
            .script("source set codecommit https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop; stage add test; save"),
            .script("trigger add push branches main"),
        ], files: ["copilot/pipelines/shop-main/overrides/cfn.patches.yml"])
    }

    static let patchesPath = "copilot/pipelines/shop-main/overrides/cfn.patches.yml"
    static let staging = "name: staging\ntype: Environment\n"

    /// A stage's on-failure and gate patches address it by its position among CodePipeline's stages; moving,
    /// adding or removing another stage moves them with it (a removed stage's go with it), in the same edit:
    /// one `undo` takes back the manifest and the patches together.
    func testStageSettingsFollowTheirStageWhenStagesMove() throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/environments/staging/manifest.yml": Self.staging]))
        _ = try succeed(sandbox, """
            source set github acme/shop; stage add test; stage add prod
            stage on-failure prod rollback; stage gate prod alarm api-5xx; stage on-failure test retry
            save
            """)
        try assertStagePatches(sandbox, onFailure: [3: "ROLLBACK", 2: "RETRY"], gate: 3)

        // Source, Build, DeployTo-prod, DeployTo-test: prod's settings are now the third stage's.
        let moved = try succeed(sandbox, "stage move prod before test; show")
        XCTAssertTrue(moved.contains("stage prod on failure: rollback"), moved)
        XCTAssertTrue(moved.contains("stage test on failure: retry"), moved)
        try assertStagePatches(sandbox, onFailure: [2: "ROLLBACK", 3: "RETRY"], gate: 2)

        // A stage added before prod: prod is the fourth stage (Source, Build, staging, prod, test).
        let added = try succeed(sandbox, "stage add staging before prod; show")
        XCTAssertTrue(added.contains("stage prod on failure: rollback"), added)
        XCTAssertTrue(added.contains("stage prod enters only while alarm api-5xx is not in ALARM"), added)
        XCTAssertFalse(added.contains("stage staging on failure"), added)
        try assertStagePatches(sandbox, onFailure: [3: "ROLLBACK", 4: "RETRY"], gate: 3)

        // Undo takes back the move in both files at once.
        let beforeMove = sandbox.snapshot()
        XCTAssertTrue(try succeed(sandbox, "stage move prod after test; undo").contains("undid: moved stage prod after test"))
        XCTAssertEqual(sandbox.snapshot(), beforeMove, "undo left the manifest or the patches moved")

        // Removing a stage removes its settings, and says so; undo brings both back.
        XCTAssertTrue(try succeed(sandbox, "stage rm test; save").contains("removed stage test and its on-failure setting"))
        XCTAssertFalse(try XCTUnwrap(sandbox.read(Self.patchesPath)).contains("RETRY"))
        try assertStagePatches(sandbox, onFailure: [3: "ROLLBACK"], gate: 3)
        let beforeRemoval = sandbox.snapshot()
        let restored = try succeed(sandbox, "stage rm prod; undo")
        XCTAssertTrue(restored.contains("removed stage prod and its on-failure setting and gate"), restored)
        XCTAssertTrue(restored.contains("undid: removed stage prod and its on-failure setting and gate"), restored)
        XCTAssertEqual(sandbox.snapshot(), beforeRemoval, "undo did not bring back prod's stage and its settings")
    }

    /// Runs `script`, which must succeed; returns its output flattened.
    private func succeed(_ sandbox: Sandbox, _ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try sandbox.run(.script(script))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        return result.stdout.flattened
    }

    /// The patches set each on-failure result at its stage position, and the gate at `gate`.
    private func assertStagePatches(_ sandbox: Sandbox, onFailure: [Int: String], gate: Int,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try XCTUnwrap(sandbox.read(Self.patchesPath), file: file, line: line)
        for (index, result) in onFailure {
            XCTAssertTrue(text.contains("\(PipelineV2ShellTests.stages)/\(index)/OnFailure\n  value:\n    Result: \(result)"), text, file: file, line: line)
        }
        XCTAssertTrue(text.contains("\(PipelineV2ShellTests.stages)/\(gate)/BeforeEntry"), text, file: file, line: line)
    }

    static let stages = "/Resources/Pipeline/Properties/Stages"

    /// `notify add … sns` and `notify rm` of a rule are edits like the others: written by `save` with the
    /// manifest, taken back by `undo`.
    func testSNSNotificationsAreEditsUndoTakesBack() throws {
        let sandbox = try Sandbox(.quickstart)
        let topic = "arn:aws:sns:us-east-1:123456789012:releases"
        XCTAssertEqual(try sandbox.run(.script("source set github acme/shop; stage add test; save")).status, 0)
        let undone = try sandbox.run(.script("notify add failures sns \(topic); undo; notify ls"))
        XCTAssertEqual(undone.status, 0, undone.stdout + undone.stderr)
        XCTAssertTrue(undone.stdout.flattened.contains("undid: shop-main notifies SNS topic \(topic) of failures"), undone.stdout)
        XCTAssertTrue(undone.stdout.flattened.contains("shop-main notifies nobody"), undone.stdout)
        XCTAssertNil(sandbox.read(Self.patchesPath))

        let added = try sandbox.run(.script("notify add failures sns \(topic); save"))
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.flattened.contains("saved copilot/pipelines/shop-main/overrides/cfn.patches.yml"), added.stdout)
        XCTAssertTrue(try XCTUnwrap(sandbox.read(Self.patchesPath)).contains("AWS::CodeStarNotifications::NotificationRule"))

        let kept = try sandbox.run(.script("notify rm 1; undo; save; notify ls"))
        XCTAssertEqual(kept.status, 0, kept.stdout + kept.stderr)
        XCTAssertTrue(kept.stdout.flattened.contains("undid: removed: failures → SNS topic \(topic)"), kept.stdout)
        XCTAssertTrue(kept.stdout.flattened.contains("1. failures → SNS topic \(topic)"), kept.stdout)
        XCTAssertTrue(try XCTUnwrap(sandbox.read(Self.patchesPath)).contains("AWS::CodeStarNotifications::NotificationRule"))
    }
}
