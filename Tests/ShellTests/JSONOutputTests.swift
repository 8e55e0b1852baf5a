import Foundation
import TestSupport
import XCTest

/// `--json` as the command table decides it: every command that prints data prints JSON (as
/// `CMD --json` or under `sluice --json`), and any other refuses it, saying which commands can.
final class JSONOutputTests: XCTestCase {
    private func sandboxWithStages() throws -> Sandbox {
        let sandbox = try Sandbox(.quickstart)
        let setUp = try sandbox.run(.sluice("-c", "source set github acme/api; stage add test; test add test 'make test'; stage add prod"))
        XCTAssertEqual(setUp.status, 0, setUp.stderr)
        return sandbox
    }

    private func json(_ result: ProcessResult, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func testStageLsTestLsValidateSourceAndPipelineLsPrintJSON() throws {
        let sandbox = try sandboxWithStages()
        for arguments in [["stage", "ls", "--json"], ["--json", "stage", "ls"]] {
            let stages = try XCTUnwrap(try json(sandbox.run(Step(arguments: arguments))) as? [[String: Any]])
            XCTAssertEqual(stages.map { $0["name"] as? String }, ["test", "prod"], "\(arguments)")
            XCTAssertEqual(stages.first?["testCommands"] as? [String], ["make test"])
        }
        XCTAssertEqual(try json(sandbox.run(.sluice("test", "ls", "test", "--json"))) as? [String], ["make test"])
        let validated = try XCTUnwrap(try json(sandbox.run(.sluice("--json", "validate"))) as? [String: Any])
        XCTAssertEqual(validated["file"] as? String, "copilot/pipeline.yml")
        XCTAssertEqual(validated["valid"] as? Bool, true)
        XCTAssertNotNil(validated["findings"] as? [Any])
        let source = try XCTUnwrap(try json(sandbox.run(.sluice("source", "show", "--json"))) as? [String: Any])
        XCTAssertEqual(source["repository"] as? String, "https://github.com/acme/api")
        XCTAssertEqual(source["branch"] as? String, "main")
        let pipelines = try XCTUnwrap(try json(sandbox.run(.sluice("pipeline", "ls", "--json"))) as? [[String: Any]])
        XCTAssertEqual(pipelines.first?["name"] as? String, "api-main")
    }

    func testValidateWithErrorsPrintsTheFindingsAndFails() throws {
        let sandbox = try sandboxWithStages()
        let manifest = try XCTUnwrap(sandbox.read("copilot/pipeline.yml"))
        try sandbox.write(manifest.replacingOccurrences(of: "version: 1", with: "version: 2"), to: "copilot/pipeline.yml")
        let result = try sandbox.run(.sluice("validate", "--json"))
        XCTAssertEqual(result.status, 1, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        XCTAssertEqual(report["valid"] as? Bool, false)
        let finding = try XCTUnwrap((report["findings"] as? [[String: Any]])?.first)
        XCTAssertEqual(finding["severity"] as? String, "error")
        XCTAssertEqual(finding["message"] as? String, "version 2 is not supported; Copilot knows only version 1")
        XCTAssertEqual((finding["location"] as? [String: Any])?["line"] as? Int, 9)
    }

    func testACommandWithoutAJSONFormRefusesIt() throws {
        let sandbox = try sandboxWithStages()
        let flag = try sandbox.run(.sluice("-c", "stage add staging --json"))
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.hasPrefix("<command line>:1:19: error: `stage add` has no JSON form\n  hint: --json works with `pipeline ls`, `source show`, `stage ls`,"),
                      flag.stderr)
        let global = try sandbox.run(.sluice("--json", "-c", "show"))
        XCTAssertEqual(global.status, 2)
        XCTAssertEqual(global.stdout, "")
        let error = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(global.stderr.utf8)) as? [String: Any])?["error"] as? [String: Any])
        XCTAssertEqual(error["message"] as? String, "`show` has no JSON form (sluice --json)")
    }
}
