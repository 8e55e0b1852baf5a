import Foundation
import TestSupport
import XCTest

/// Hostile files through the binary (issue 27): YAML whose aliases expand without end, nesting past
/// YAML readers' limit, names past CodePipeline's. Each run is bounded here too (memory and time), so
/// a regression fails the test instead of the machine.
final class HostileFileTests: XCTestCase {
    /// Ten levels of ten aliases each: ten billion nodes once expanded, in 600 bytes.
    static let aliasLevels: [String] = {
        var levels = ["x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<10 {
            levels.append("x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return levels
    }()

    /// A pipeline manifest of the quickstart's repository (six lines) followed by `body`.
    static func manifest(_ body: String) -> String {
        "name: api-main\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: https://github.com/acme/api\n" + body
    }

    /// A pipeline manifest with the bomb after its source (line 7 on).
    static let bombManifest = manifest(aliasLevels.joined(separator: "\n") + "\nstages:\n  - name: test\n")

    /// Runs `sluice -c SCRIPT` in `sandbox` with at most 2 GB of address space.
    private func bounded(_ sandbox: Sandbox, _ script: String, environment: [String: String] = [:]) throws -> ProcessResult {
        var variables = ["HOME": sandbox.home.path, "XDG_STATE_HOME": sandbox.home.path + "/state", "NO_COLOR": "1", "TERM": "dumb"]
        variables.merge(environment) { $1 }
        return try runProcess("/bin/sh", ["-c", #"ulimit -v 2097152; exec "$0" -c "$1""#, sluiceBinary, script],
                              environment: variables, directory: sandbox.root.url, timeout: 60)
    }

    func testAnAliasBombInTheManifestIsRefusedAtItsFirstAliasByEveryCommand() throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": Self.bombManifest]))
        for command in ["show", "validate", "stage add prod", "explain", "show graph", "stage ls"] {
            let result = try bounded(sandbox, command)
            XCTAssertEqual(result.status, 1, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.flattened.contains("copilot/pipeline.yml:8:10: aliases (*a0) are not supported in a pipeline manifest"),
                          "\(command): \(result.stderr)")
        }
        XCTAssertEqual(sandbox.read("copilot/pipeline.yml"), Self.bombManifest)
    }

    /// A buildspec may use aliases (CodeBuild reads them); one that expands past a million nodes is refused
    /// where the count passes, and one with a few aliases is read as usual.
    func testAnAliasBombInABuildspecIsRefusedWhereItPassesTheLimit() throws {
        let pipeline = WorkspaceSafetyTests.savedPipeline
        let bomb = "version: 0.2\n" + Self.aliasLevels.joined(separator: "\n") + "\nphases:\n  build:\n    commands: *a9\n"
        let sandbox = try Sandbox(.quickstartWith(pipeline.merging(["copilot/buildspec.yml": bomb]) { $1 }))
        let result = try bounded(sandbox, "explain buildspec")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("copilot/buildspec.yml:7:"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("the aliases up to here expand the document to more than a million nodes"), result.stderr)

        let anchored = """
            version: 0.2
            env:
              variables: &common
                STAGE: test
            phases:
              build:
                commands:
                  - echo build
            x-copy: *common

            """
        try sandbox.write(anchored, to: "copilot/buildspec.yml")
        let read = try bounded(sandbox, "explain buildspec")
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertTrue(read.stdout.contains("echo build"), read.stdout)
    }

    /// libyaml's own text ("…set with yaml_set_max_nest_level())") is said in words, without its stray parenthesis.
    func testNestingPastYAMLsLimitIsSaidPlainly() throws {
        let deep = Self.manifest("x: " + String(repeating: "[", count: 1100) + String(repeating: "]", count: 1100) + "\n")
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": deep]))
        let result = try bounded(sandbox, "validate")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("copilot/pipeline.yml:7:"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("collections are nested more than 1,000 levels deep here"), result.stderr)
        XCTAssertFalse(result.stderr.contains("yaml_set_max_nest_level"), result.stderr)
        XCTAssertFalse(result.stderr.contains("())"), result.stderr)
    }

    /// An environment named with 200 characters makes a 209-character CodePipeline stage name, which
    /// CodePipeline refuses (at most 100): validate says so, at the stage.
    func testAStageNameLongerThanCodePipelineTakesIsAnError() throws {
        let name = "e" + String(repeating: "nv", count: 100)
        XCTAssertEqual(name.count, 201)
        let sandbox = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline.merging([
            "copilot/environments/\(name)/manifest.yml": "name: \(name)\ntype: Environment\n",
        ]) { $1 }))
        let added = try sandbox.run(.sluice("-c", "stage add \(name)"))
        XCTAssertEqual(added.status, 0, added.stderr)
        let result = try sandbox.run(.sluice("-c", "validate"))
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).contains("copilot/pipeline.yml:"), result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).flattened.contains("210 characters; CodePipeline allows at most 100"), result.stdout + result.stderr)
        let pushed = try sandbox.run(.sluice("-c", "push --dry-run"))
        XCTAssertEqual(pushed.status, 1, pushed.stdout + pushed.stderr)
    }
}
