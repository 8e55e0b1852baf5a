import CopilotRules
import Foundation
import XCTest
import TestSupport
import Manifest
@testable import Targets

/// The V2 settings sluice writes stay ones Copilot v1.34 deploys the same way: the patches file sluice
/// writes, applied with Copilot's patch semantics (TemplatePatching, ported from internal/pkg/override)
/// to the template Copilot renders (its reference testdata), gives the V2 properties sluice's own
/// template has, and reads back as the settings written.
final class PipelineV2CompatibilityTests: XCTestCase {
    /// The settings, on the gh reference case (phonetool, stage test).
    static let settings = PipelineV2(
        executionMode: .queued,
        triggers: [PipelineV2.Trigger(sourceActionName: "SourceCodeFor-phonetool", push: [PipelineV2.PushFilter(
            branches: .init(includes: ["main"]), filePaths: .init(includes: ["services/api/**"], excludes: ["docs/**"]))])],
        variables: [.init(name: "REGION", defaultValue: "eu-west-1", description: "where to deploy")],
        stages: [.init(stage: "DeployTo-test", onFailure: .rollback,
                       beforeEntry: [.deploymentWindow(name: "DeploymentWindow", cron: "* * 9-17 ? * MON-FRI", timeZone: "Europe/Paris")])])

    func testCopilotAppliesTheWrittenPatchesToTheSameV2Properties() throws {
        guard FileManager.default.fileExists(atPath: CopilotParityTests.testdata.path) else {
            if SharedData.isCI { XCTFail("\(CopilotParityTests.reference.path) is absent; CI needs it") }
            throw XCTSkip("\(CopilotParityTests.reference.path) is absent")
        }
        let gh = try XCTUnwrap(try CopilotParityTests.cases().first { $0.name == "gh" })
        let stageNames = PipelinePlan.templateStageNames(gh.manifest, workloads: gh.workloads)
        XCTAssertEqual(stageNames, ["Source", "Build", "DeployTo-test"])

        // What the V2 commands write, into a file a user already keeps a comment and a patch of their own in.
        let own = "# my own\n- op: replace\n  path: /Resources/BuildProject/Properties/TimeoutInMinutes\n  value: 30\n"
        var document = try PatchesDocument(text: own, url: URL(fileURLWithPath: "/w/cfn.patches.yml"), displayPath: "cfn.patches.yml",
                                           onDisk: Data(own.utf8))
        let empty = PipelineV2Overrides(file: "cfn.patches.yml", settings: PipelineV2(), pipelineType: nil, locations: [:], stageNames: stageNames)
        XCTAssertNotNil(try PipelineV2Template.write(Self.settings, over: empty, into: &document))
        XCTAssertTrue(document.text.hasPrefix(own), document.text)
        let patches = document.patches

        // Read back, as sluice reads hand-written patches: the same settings, no problem.
        let read = try XCTUnwrap(PipelineV2Template.read(.yamlPatches(file: "cfn.patches.yml", patches), manifest: gh.manifest,
                                                         application: "phonetool", workloads: gh.workloads))
        XCTAssertEqual(read.settings, Self.settings)
        XCTAssertEqual(read.pipelineType, "V2")
        XCTAssertTrue(read.problems.isEmpty, "\(read.problems.map(\.rule))")

        // Copilot v1.34: its reference template, patched as it patches.
        let reference = try String(contentsOf: CopilotParityTests.testdata.appendingPathComponent(gh.expected), encoding: .utf8)
        let copilot = try TemplatePatching.apply(patches, file: "cfn.patches.yml", to: TemplatePatchTests.parse(reference))
        // sluice: its own rendering of the same case, patched as the aws target patches.
        let sluice = try TemplatePatching.apply(patches, file: "cfn.patches.yml", to: TemplatePatchTests.parse(CopilotParityTests.render(gh)))
        let copilotPipeline = try XCTUnwrap(copilot?["Resources"]?["Pipeline"]?["Properties"])
        let sluicePipeline = try XCTUnwrap(sluice?["Resources"]?["Pipeline"]?["Properties"])
        for property in ["PipelineType", "ExecutionMode", "Triggers", "Variables"] {
            XCTAssertNotNil(copilotPipeline[property], property)
            XCTAssertEqual(copilotPipeline[property], sluicePipeline[property], property)
        }
        XCTAssertEqual(copilotPipeline["PipelineType"], .string("V2"))
        guard case .array(let copilotStages)? = copilotPipeline["Stages"], case .array(let sluiceStages)? = sluicePipeline["Stages"] else {
            return XCTFail("no stages")
        }
        XCTAssertEqual(copilotStages.map { $0["Name"] }, sluiceStages.map { $0["Name"] })
        for (copilotStage, sluiceStage) in zip(copilotStages, sluiceStages) {
            XCTAssertEqual(copilotStage["OnFailure"], sluiceStage["OnFailure"])
            XCTAssertEqual(copilotStage["BeforeEntry"], sluiceStage["BeforeEntry"])
        }
        XCTAssertEqual(copilotStages.last?["OnFailure"], .object([("Result", "ROLLBACK")]))
        // The trigger names Copilot's source action.
        guard case .array(let stages)? = copilotPipeline["Stages"], case .array(let actions)? = stages.first?["Actions"] else { return XCTFail() }
        XCTAssertEqual(actions.first?["Name"], .string("SourceCodeFor-phonetool"))
    }
}
