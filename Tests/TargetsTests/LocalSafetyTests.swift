import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// Nothing lost on the local target (issue 12): what a script saved stays when a later
/// command fails.
extension LocalEndToEndTests {
    /// The script: `save` and `push` commit, so the failing `watch` puts nothing back,
    /// and `logs test` (which the failure's hint suggests) finds the pipeline and its runs.
    func testAFailingRunKeepsWhatTheScriptSaved() throws {
        let manifest = workspace.appendingPathComponent("copilot/pipeline.yml")
        let result = try sluice(["-c", "source set github https://github.com/acme/api; build buildspec buildspec.yml; "
                                     + "stage add test; test add test \"false\"; save; push --yes; watch"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertFalse(result.stderr.contains("rolled back"), result.stderr)
        let saved = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(saved.contains("- 'false'"), "the saved edit vanished from disk:\n\(saved)")

        let logs = try sluice(["logs", "test"])
        XCTAssertEqual(logs.status, 0, logs.stdout + logs.stderr)
        XCTAssertTrue(logs.stdout.contains("Running command false"), logs.stdout)
    }

    /// Only what came after the last save goes back, and the failure says so.
    func testAFailingScriptPutsBackOnlyWhatCameAfterItsLastSave() throws {
        try writePipeline(testCommands: ["make test"])
        let manifest = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        let result = try sluice(["-c", "test add test \"echo saved\"; save; target aws region us-west-2; test add test \"echo unsaved\"; approval on nowhere"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let saved = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(saved.contains("echo saved"), saved)
        XCTAssertFalse(saved.contains("echo unsaved"), saved)
        XCTAssertTrue(result.stderr.contains("rolled back: .sluice/target.json removed (the script created it)"), result.stderr)
        XCTAssertFalse(result.stderr.contains("rolled back: copilot/pipelines/release/manifest.yml"), result.stderr)
        XCTAssertTrue(result.stderr.contains("not saved: the edits to copilot/pipelines/release/manifest.yml after its last save"),
                      result.stderr)
    }
}
