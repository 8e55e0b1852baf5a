import Foundation
import XCTest
import TestSupport

/// CodePipeline V2 through the real binary against moto (issue 24's "what must show"): the settings a
/// script makes land in the overrides' patches, `show template` carries exactly them (cfn-lint clean),
/// `push` stores them (read back with the aws CLI), and `release var` runs with its variables.
extension AWSEndToEndTests {
    static let v2Script = [
        "source set github acme/shop", "stage add test", "stage add prod",
        "trigger add push branches main paths services/api/** exclude-paths docs/**",
        "mode queued",
        "var add REGION default eu-west-1 description 'where to deploy'",
        "stage on-failure prod rollback",
        "save",
    ]

    func testTheV2ScriptRendersExactlyItsSettingsAndPushStoresThem() throws {
        let setUp = try sluice([useMoto] + Self.v2Script)
        XCTAssertEqual(setUp.status, 0, setUp.stdout + setUp.stderr)
        let patches = try String(contentsOf: workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides/cfn.patches.yml"),
                                 encoding: .utf8)
        XCTAssertTrue(patches.contains("path: /Resources/Pipeline/Properties/Triggers"), patches)

        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let pipeline = try XCTUnwrap(((template["Resources"] as? [String: Any])?["Pipeline"] as? [String: Any])?["Properties"] as? [String: Any])
        XCTAssertEqual(pipeline["PipelineType"] as? String, "V2")
        XCTAssertEqual(pipeline["ExecutionMode"] as? String, "QUEUED")
        XCTAssertEqual(try Self.canonical(pipeline["Triggers"]), try Self.canonical([[
            "ProviderType": "CodeStarSourceConnection",
            "GitConfiguration": [
                "SourceActionName": "SourceCodeFor-demo",
                "Push": [["Branches": ["Includes": ["main"]],
                          "FilePaths": ["Includes": ["services/api/**"], "Excludes": ["docs/**"]]]],
            ],
        ]]))
        XCTAssertEqual(try Self.canonical(pipeline["Variables"]),
                       try Self.canonical([["Name": "REGION", "DefaultValue": "eu-west-1", "Description": "where to deploy"]]))
        let stages = try XCTUnwrap(pipeline["Stages"] as? [[String: Any]])
        XCTAssertEqual(stages.map { $0["Name"] as? String }, ["Source", "Build", "DeployTo-test", "DeployTo-prod"])
        XCTAssertEqual(stages[3]["OnFailure"] as? [String: String], ["Result": "ROLLBACK"])
        for stage in stages.dropLast() {
            XCTAssertNil(stage["OnFailure"], "\(stage)")
            XCTAssertNil(stage["BeforeEntry"], "\(stage)")
        }
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: shown.stdout)

        let pushed = try sluice(["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let name = try XCTUnwrap((try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]])?.first?["name"] as? String)
        let stored = try XCTUnwrap(try cli.json(["codepipeline", "get-pipeline", "--name", name])["pipeline"] as? [String: Any])
        XCTAssertEqual(stored["pipelineType"] as? String, "V2")
        XCTAssertEqual(stored["executionMode"] as? String, "QUEUED")
        let gitConfiguration = try XCTUnwrap(((stored["triggers"] as? [[String: Any]])?.first)?["gitConfiguration"] as? [String: Any])
        XCTAssertEqual(try Self.canonical(gitConfiguration["push"]),
                       try Self.canonical([["branches": ["includes": ["main"]],
                                            "filePaths": ["includes": ["services/api/**"], "excludes": ["docs/**"]]]]))
        XCTAssertEqual(try Self.canonical(stored["variables"]),
                       try Self.canonical([["name": "REGION", "defaultValue": "eu-west-1", "description": "where to deploy"]]))
        let storedStages = try XCTUnwrap(stored["stages"] as? [[String: Any]])
        XCTAssertEqual(storedStages.last?["onFailure"] as? [String: String], ["result": "ROLLBACK"])

        // A release with a variable: CodePipeline resolves it (read back with the aws CLI), and history shows it.
        let released = try sluice(["release var REGION=us-west-2"])
        XCTAssertEqual(released.status, 0, released.stdout + released.stderr)
        let summaries = try cli.json(["codepipeline", "list-pipeline-executions", "--pipeline-name", name])["pipelineExecutionSummaries"]
        let newest = try XCTUnwrap((summaries as? [[String: Any]])?.first?["pipelineExecutionId"] as? String)
        let execution = try XCTUnwrap(try cli.json(["codepipeline", "get-pipeline-execution", "--pipeline-name", name,
                                                    "--pipeline-execution-id", newest])["pipelineExecution"] as? [String: Any])
        XCTAssertEqual(try Self.canonical(execution["variables"]), try Self.canonical([["name": "REGION", "resolvedValue": "us-west-2"]]))
        let history = try sluice(["history \(newest)"])
        XCTAssertEqual(history.status, 0, history.stdout + history.stderr)
        XCTAssertTrue(history.stdout.contains("Variables   REGION=us-west-2"), history.stdout)
        XCTAssertTrue(history.stdout.contains("started by StartPipelineExecution"), history.stdout)

        // What CodePipeline refuses is refused, with its reason.
        let unknown = try sluice(["release var STAGE=prod"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("STAGE"), unknown.stderr)
    }

    /// JSON text with sorted keys: two values compared whatever their key order.
    static func canonical(_ value: Any?) throws -> String {
        let value = try XCTUnwrap(value)
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}
