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
        let setup = try sandbox.run(.script("""
            source set github acme/shop; stage add test; stage add prod
            stage on-failure prod rollback; stage gate prod alarm api-5xx; stage on-failure test retry
            save
            """))
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
        let set = try XCTUnwrap(sandbox.read(Self.patchesPath))
        XCTAssertTrue(set.contains("/Resources/Pipeline/Properties/Stages/3/OnFailure"), set)
        XCTAssertTrue(set.contains("/Resources/Pipeline/Properties/Stages/3/BeforeEntry"), set)

        // Source, Build, DeployTo-prod, DeployTo-test: prod's settings are now the third stage's.
        let moved = try sandbox.run(.script("stage move prod before test; show"))
        XCTAssertEqual(moved.status, 0, moved.stdout + moved.stderr)
        XCTAssertTrue(moved.stdout.flattened.contains("stage prod on failure: rollback"), moved.stdout)
        XCTAssertTrue(moved.stdout.flattened.contains("stage test on failure: retry"), moved.stdout)
        let afterMove = try XCTUnwrap(sandbox.read(Self.patchesPath))
        XCTAssertTrue(afterMove.contains("/Resources/Pipeline/Properties/Stages/2/OnFailure\n  value:\n    Result: ROLLBACK"), afterMove)
        XCTAssertTrue(afterMove.contains("/Resources/Pipeline/Properties/Stages/2/BeforeEntry"), afterMove)
        XCTAssertTrue(afterMove.contains("/Resources/Pipeline/Properties/Stages/3/OnFailure\n  value:\n    Result: RETRY"), afterMove)

        // A stage added before prod: prod is the fourth stage (Source, Build, staging, prod, test).
        let added = try sandbox.run(.script("stage add staging before prod; show"))
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.flattened.contains("stage prod on failure: rollback"), added.stdout)
        XCTAssertTrue(added.stdout.flattened.contains("stage prod enters only while alarm api-5xx is not in ALARM"), added.stdout)
        XCTAssertFalse(added.stdout.flattened.contains("stage staging on failure"), added.stdout)
        let afterAdd = try XCTUnwrap(sandbox.read(Self.patchesPath))
        XCTAssertTrue(afterAdd.contains("/Resources/Pipeline/Properties/Stages/3/OnFailure\n  value:\n    Result: ROLLBACK"), afterAdd)
        XCTAssertTrue(afterAdd.contains("/Resources/Pipeline/Properties/Stages/4/OnFailure\n  value:\n    Result: RETRY"), afterAdd)

        // Undo takes back the move in both files at once.
        let beforeMove = sandbox.snapshot()
        let undone = try sandbox.run(.script("stage move prod after test; undo"))
        XCTAssertEqual(undone.status, 0, undone.stdout + undone.stderr)
        XCTAssertTrue(undone.stdout.flattened.contains("undid: moved stage prod after test"), undone.stdout)
        XCTAssertEqual(sandbox.snapshot(), beforeMove, "undo left the manifest or the patches moved")

        // Removing a stage removes its settings, and says so; undo brings both back.
        let removed = try sandbox.run(.script("stage rm test; save"))
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("removed stage test and its on-failure setting"), removed.stdout)
        let withoutTest = try XCTUnwrap(sandbox.read(Self.patchesPath))
        XCTAssertFalse(withoutTest.contains("RETRY"), withoutTest)
        XCTAssertTrue(withoutTest.contains("Stages/3/OnFailure\n  value:\n    Result: ROLLBACK"), withoutTest)
        let beforeRemoval = sandbox.snapshot()
        let restored = try sandbox.run(.script("stage rm prod; undo"))
        XCTAssertEqual(restored.status, 0, restored.stdout + restored.stderr)
        XCTAssertTrue(restored.stdout.flattened.contains("removed stage prod and its on-failure setting and gate"), restored.stdout)
        XCTAssertTrue(restored.stdout.flattened.contains("undid: removed stage prod and its on-failure setting and gate"), restored.stdout)
        XCTAssertEqual(sandbox.snapshot(), beforeRemoval, "undo did not bring back prod's stage and its settings")
    }

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
