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
}
