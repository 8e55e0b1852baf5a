import XCTest
@testable import CopilotRules

/// CodePipeline's limits from botocore's codepipeline model: PipelineVariableName (1-128, [A-Za-z0-9@\-_]+),
/// PipelineVariableValue (1-1000), PipelineVariableDescription (0-200), PipelineVariableDeclarationList (50).
final class VariableRuleTests: XCTestCase {
    func testNamesAndDefaultsFollowCodePipelinesLimits() throws {
        let fine = PipelineV2.Variable(name: "deploy@region_1-a", defaultValue: String(repeating: "v", count: 1000),
                                       description: String(repeating: "d", count: 200))
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(variables: [fine]))), [])
        let variables: [PipelineV2.Variable] = [
            .init(name: "my region"), .init(name: String(repeating: "n", count: 129)), .init(name: "A", defaultValue: ""),
            .init(name: "B", defaultValue: String(repeating: "v", count: 1001)), .init(name: "B"),
            .init(name: "C", description: String(repeating: "d", count: 201)),
        ]
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(variables: variables))), [
            "\(patchesFile):20:3 error: variable name my region holds characters CodePipeline does not allow",
            "\(patchesFile):20:3 error: variable name nnnnnnnnnnnnnnnnnnnn… is 129 characters; CodePipeline allows 128",
            "\(patchesFile):20:3 error: the default value of variable A is empty",
            "\(patchesFile):20:3 error: the default value of variable B is 1001 characters; CodePipeline allows 1000",
            "\(patchesFile):20:3 error: variable B is declared twice",
            "\(patchesFile):20:3 error: the description of variable C is 201 characters; CodePipeline allows 200",
        ])
        let many = (1...51).map { PipelineV2.Variable(name: "V\($0)") }
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(variables: many))),
                       ["\(patchesFile):20:3 error: the pipeline declares 51 variables; CodePipeline allows 50"])
    }

    /// CodePipeline resolves `#{variables.NAME}` in action configuration (a deployment's stack, template, config), not in what CodeBuild runs.
    func testReferencesOnlyWhereCodePipelineResolvesThem() throws {
        let declared = v2Overrides(PipelineV2(variables: [.init(name: "REGION", defaultValue: "eu-west-1")]))
        let deployment = validManifest + "\n    deployments:\n      api:\n        stack_name: api-#{variables.REGION}"
        XCTAssertEqual(try v2Findings(declared, manifest: deployment), [])
        XCTAssertEqual(try v2Findings(declared, manifest: deployment.replacingOccurrences(of: "REGION}", with: "ZONE}")), [
            "<manifest>:11:21 error: stack_name of deployment api of stage test uses #{variables.ZONE}, but the pipeline declares no variable ZONE",
        ].map { $0.replacingOccurrences(of: "<manifest>", with: "<input>") })
        let testCommand = validManifest + "\n    test_commands:\n      - 'echo #{variables.REGION}'"
        XCTAssertEqual(try v2Findings(declared, manifest: testCommand), [
            "<input>:10:9 error: test_commands of stage test uses #{variables.…}, which CodePipeline does not resolve there",
        ])
    }

    func testAReleaseGivesDeclaredVariablesNonEmptyValues() throws {
        let settings = PipelineV2(variables: [.init(name: "REGION", defaultValue: "eu-west-1"), .init(name: "TAG")])
        XCTAssertEqual(try settings.resolveVariables(given: [.init(name: "TAG", value: "v2")]),
                       [.init(name: "REGION", value: "eu-west-1"), .init(name: "TAG", value: "v2")])
        XCTAssertThrowsError(try settings.resolveVariables(given: [])) {
            XCTAssertEqual(($0 as? ReleaseVariableError)?.problem.message, "variable TAG has no default value, and the release gives it none")
        }
        XCTAssertThrowsError(try settings.resolveVariables(given: [.init(name: "TAG", value: "")])) {
            XCTAssertEqual(($0 as? ReleaseVariableError)?.rule, .emptyValue("TAG"))
        }
        XCTAssertThrowsError(try settings.resolveVariables(given: [.init(name: "ZONE", value: "a"), .init(name: "TAG", value: "v2")])) {
            XCTAssertEqual(($0 as? ReleaseVariableError)?.problem.message, "the pipeline declares no variable ZONE")
        }
    }
}
