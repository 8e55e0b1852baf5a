import XCTest
@testable import CopilotRules

final class PipelineNameRuleTests: XCTestCase {
    func testNameIsRequiredAndMadeOfStackNameCharacters() throws {
        XCTAssertEqual(try findings(replacing("name: shop\n", "")), ["1:1 error: the pipeline has no name"])
        XCTAssertEqual(try findings(replacing("name: shop", "name: 9shop")),
                       ["1:7 error: pipeline name 9shop must start with a letter and hold only letters, digits and hyphens"])
        XCTAssertEqual(try constraints(replacing("name: shop", "name: shop_main")), [.name(.invalidCharacters(name: "shop_main"))])
    }

    /// CodePipeline allows pipeline names of at most 100 characters, and Copilot refuses longer ones.
    func testAPipelineNameLongerThanCodePipelineAllowsIsAnError() throws {
        let long = "p" + String(repeating: "a", count: 100)
        XCTAssertEqual(try findings(replacing("name: shop", "name: \(long)")),
                       ["1:7 error: pipeline name \(long) is longer than 100 characters"])
        XCTAssertEqual(try findings(replacing("name: shop", "name: " + String(long.dropLast()))), [])
    }

    func testStackNameFitsCloudFormationsLimit() throws {
        let application = String(repeating: "a", count: 60)
        let workspace = try workspace(application, environments: ["test"], self)
        let longName = String(repeating: "p", count: 60)
        let found = try validation(replacing("name: shop", "name: \(longName)"), workspace: workspace).diagnostics
        XCTAssertEqual(found.map(\.constraint), [.name(.stackNameTooLong(application: application, name: longName))])
        XCTAssertEqual(found.first?.message, "the stack name pipeline-\(application)-\(longName) is longer than 128 characters")
        XCTAssertEqual(found.first?.hint, "shorten the pipeline name to at most 58 characters")
        XCTAssertEqual(try constraints(replacing("name: shop", "name: \(String(repeating: "p", count: 58))"), workspace: workspace), [],
                       "58 + 70 = 128 fits")
    }

    /// Copilot asks for a name; sluice offers REPO-BRANCH as a name the rule allows.
    func testTheDefaultNameIsRepoBranchAsAPipelineNameMayBe() {
        XCTAssertEqual(PipelineNameRule.defaultName(repository: "api", branch: "main"), "api-main")
        XCTAssertEqual(PipelineNameRule.defaultName(repository: "Api", branch: "release/2.x"), "api-release-2-x")
        XCTAssertEqual(PipelineNameRule.defaultName(repository: "2048", branch: "main"), "pipeline-2048-main")
    }
}
