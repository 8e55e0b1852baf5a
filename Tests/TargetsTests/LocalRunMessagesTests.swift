import Foundation
import TestSupport
import XCTest

/// What sluice says around runs on the local target, through the binary: errors located like
/// every script error, runtime refusals as clear as editing ones, exit statuses that tell.
extension LocalEndToEndTests {
    /// The script's implicit save at its end is located there, like every other script error.
    func testASaveRefusedAtTheEndOfAScriptIsLocated() throws {
        let manifest = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        try writePipeline(testCommands: ["echo '# edited meanwhile' >> '\(manifest.path)'"])
        try commit("pipeline")
        let script = "push --yes\ntest add prod 'make smoke'\n"
        try Data(script.utf8).write(to: workspace.appendingPathComponent("release.sluice"))
        let result = try sluice(["release.sluice"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("release.sluice:3:1: error: copilot/pipelines/release/manifest.yml"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("changed on disk"), result.stderr)
    }
}
