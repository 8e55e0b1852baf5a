import Foundation
import TestSupport
import XCTest

/// The one error model through the binary: every error is a message, a hint and a location,
/// printed in one form at the prompt and in scripts, and as one JSON object with `--json`.
final class ErrorModelTests: XCTestCase {
    func testWithJSONAnErrorIsOneObjectWithMessageHintAndLocation() throws {
        let sandbox = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
        let result = try sandbox.run(.sluice("--json", "-c", "stage ls; test ls nowhere"))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, "stage ls printed its JSON: \(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any], result.stderr)
        let error = try XCTUnwrap(object["error"] as? [String: Any], result.stderr)
        XCTAssertEqual(error["message"] as? String, "no stage nowhere in the pipeline")
        XCTAssertEqual(error["hint"] as? String, "stages are: test, prod")
        let location = try XCTUnwrap(error["location"] as? [String: Any], result.stderr)
        XCTAssertEqual(location["file"] as? String, "<command line>")
        XCTAssertEqual(location["line"] as? Int, 1)
        XCTAssertEqual(location["column"] as? Int, 19)
    }

    func testSluicesOwnUsageErrorsAreReportedInTheSameForm() throws {
        let sandbox = try Sandbox(.quickstart)
        let text = try sandbox.run(.sluice("--bogus"))
        XCTAssertEqual(text.status, 2)
        XCTAssertEqual(text.stderr, "sluice: error: unknown option --bogus\n  hint: `sluice --help` shows the ways to run sluice\n")
        let json = try sandbox.run(.sluice("--json", "--bogus"))
        XCTAssertEqual(json.status, 2)
        XCTAssertEqual(json.stderr, #"{"error":{"hint":"`sluice --help` shows the ways to run sluice","location":{"file":"sluice"},"message":"unknown option --bogus"}}"# + "\n")
    }
}
