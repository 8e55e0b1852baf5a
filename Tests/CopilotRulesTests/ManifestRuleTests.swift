import XCTest
@testable import CopilotRules

/// Every constraint is a case of a rule with its severity, message and hint.
final class ManifestRuleTests: XCTestCase {
    func testAConstraintSpeaksWithItsRulesWords() {
        let constraints: [ManifestConstraint] = [
            .version(.missing), .name(.missing), .source(.missingRepository), .stage(.noStages),
            .dependency(.cycle(["a", "a"], list: .deployments, stage: "test")), .unknownKey(.unknownKey(path: "x")),
        ]
        XCTAssertEqual(constraints.map(\.rule.severity), [.error, .error, .error, .warning, .error, .warning])
        XCTAssertEqual(constraints.map(\.rule.message), [
            "version is missing", "the pipeline has no name", "the source has no repository",
            "the pipeline has no stages; it would build but deploy nowhere",
            "deployments of stage test depend on each other in a cycle: a → a",
            "x is not a pipeline manifest setting; Copilot ignores it",
        ])
        XCTAssertTrue(constraints.allSatisfy { $0.rule.hint != nil })
    }
}
