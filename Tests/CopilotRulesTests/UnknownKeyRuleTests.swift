import XCTest
@testable import CopilotRules

final class UnknownKeyRuleTests: XCTestCase {
    func testUnknownKeysAreWarnings() throws {
        XCTAssertEqual(try findings(validManifest + "\n    deploy: []"), ["9:5 warning: stages[0].deploy is not a pipeline manifest setting; Copilot ignores it"])
        XCTAssertEqual(try constraints(validManifest + "\n    deploy: []"), [.unknownKey(.unknownKey(path: "stages[0].deploy"))])
        XCTAssertNotNil(try validation(validManifest + "\n    deploy: []").manifest, "a warning leaves the manifest valid")
    }
}
