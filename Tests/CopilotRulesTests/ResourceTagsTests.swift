import XCTest
@testable import CopilotRules

final class ResourceTagsTests: XCTestCase {
    /// The application's tags, then Copilot's own, which win; a legacy pipeline has no pipeline tag.
    func testPipelineStackTagsAreCopilots() {
        let application = CopilotApplication(name: "shop", account: "1", tags: ["team": "a", "copilot-application": "other"])
        XCTAssertEqual(ResourceTags.pipelineStack(application: application, pipeline: "main", isLegacy: false),
                       ["team": "a", "copilot-application": "shop", "copilot-pipeline": "main"])
        XCTAssertEqual(ResourceTags.pipelineStack(application: application, pipeline: "main", isLegacy: true),
                       ["team": "a", "copilot-application": "shop"])
    }

    func testALegacyPipelineIsTaggedWithItsApplicationOnly() {
        XCTAssertTrue(ResourceTags.marksLegacyPipeline([("copilot-application", "shop")], application: "shop"))
        XCTAssertFalse(ResourceTags.marksLegacyPipeline([("copilot-application", "shop"), ("copilot-pipeline", "main")], application: "shop"))
        XCTAssertFalse(ResourceTags.marksLegacyPipeline([("copilot-application", "other")], application: "shop"))
    }

    func testTokenSecretsAreTaggedWithTheirPipeline() {
        XCTAssertEqual(ResourceTags.tokenSecret(application: "shop", pipeline: "main"), ["copilot-application": "shop", "copilot-pipeline": "main"])
        XCTAssertEqual(ResourceTags.tokenSecret(application: "shop", pipeline: nil), ["copilot-application": "shop"])
    }
}
