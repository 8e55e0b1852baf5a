import XCTest
@testable import CopilotRules

/// Copilot's names for an application's stacks (stack/name.go).
final class StackNamesTests: XCTestCase {
    func testStackNamesAreCopilots() {
        XCTAssertEqual(StackNames.pipeline(application: "shop", pipeline: "main"), "pipeline-shop-main")
        XCTAssertEqual(StackNames.applicationStackSet("shop"), "shop-infrastructure")
        XCTAssertEqual(StackNames.workload(application: "shop", environment: "test", workload: "api"), "shop-test-api")
        XCTAssertEqual(StackNames.templateObjectKey(stack: "pipeline-shop-main"), "pipeline-shop-main.pipeline.stack.yml")
        XCTAssertEqual(StackNames.maxLength, 128)
    }
}
