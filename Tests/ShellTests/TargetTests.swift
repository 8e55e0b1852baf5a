import XCTest

/// `target` and the commands that act through it.
final class TargetTests: XCTestCase {
    func testTargetChoiceIsRememberedInDotSluice() throws {
        try assertGolden("target", [
            .script("target"),
            .script("target aws profile dev region us-west-2 endpoint http://127.0.0.1:4566"),
            .script("target; target aws profile dev region us-west-2 endpoint http://127.0.0.1:4566"),
            .script("target local"),
        ], files: [".sluice/.gitignore", ".sluice/target.json"])
    }
}
