import XCTest
@testable import CopilotRules

final class VersionRuleTests: XCTestCase {
    func testVersionMustBeOne() throws {
        XCTAssertEqual(try findings(replacing("version: 1", "version: 2")), ["2:10 error: version 2 is not supported; Copilot knows only version 1"])
        XCTAssertEqual(try constraints(replacing("version: 1", "version: 2")), [.version(.unsupported(2))])
    }

    func testAMissingVersionIsAtTheTop() throws {
        XCTAssertEqual(try findings(replacing("version: 1\n", "")), ["1:1 error: version is missing"])
        XCTAssertEqual(try constraints(replacing("version: 1\n", "")), [.version(.missing)])
        // Written as 0, it is there and not supported; only an absent key is missing.
        XCTAssertEqual(try constraints(replacing("version: 1", "version: 0")), [.version(.unsupported(0))])
    }
}
