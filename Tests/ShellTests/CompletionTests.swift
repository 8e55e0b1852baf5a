import Foundation
import Shell
import TestSupport
import XCTest

/// Session.completions: what Tab offers, from the table and the session's workspace.
final class CompletionTests: XCTestCase {
    func testCandidatesComeFromTheTableAndTheWorkspace() throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": """
            name: api-main
            version: 1
            source:
              provider: GitHub
              properties:
                repository: https://github.com/acme/api
            stages:
              - name: test
                test_commands: [make test, make lint]
              - name: prod
            """]))
        let session = Session(mode: .interactive, workingDirectory: sandbox.root.url, environment: [:],
                              output: Output(environment: ["NO_COLOR": "1"]))
        XCTAssertEqual(session.completions(after: [], prefix: "st").candidates, ["stage", "status", "stop"])
        XCTAssertEqual(session.completions(after: ["stage"], prefix: "").candidates, ["add", "gate", "ls", "move", "on-failure", "rm"])
        XCTAssertEqual(session.completions(after: ["stage", "add"], prefix: "").candidates, ["prod", "test"])
        XCTAssertEqual(session.completions(after: ["stage", "add"], prefix: "").kind, .environment)
        XCTAssertEqual(session.completions(after: ["approval", "on"], prefix: "p").candidates, ["prod"])
        XCTAssertEqual(session.completions(after: ["test", "rm", "test"], prefix: "").candidates, ["1", "2"])
        XCTAssertEqual(session.completions(after: ["pipeline", "use"], prefix: "").candidates, ["api-main"])
        XCTAssertEqual(session.completions(after: ["run"], prefix: "cop").candidates, ["copilot/"])
        XCTAssertEqual(session.completions(after: ["run"], prefix: "copilot/environments/").candidates,
                       ["copilot/environments/prod/", "copilot/environments/test/"])
        XCTAssertEqual(session.completions(after: ["push"], prefix: "--").candidates, ["--allow-downgrade", "--diff", "--dry-run", "--yes"])
        XCTAssertEqual(session.completions(after: ["stage", "add", "prod"], prefix: "").candidates, ["after", "before"])
        XCTAssertEqual(session.completions(after: ["stage", "add", "prod", "after"], prefix: "").candidates, ["prod", "test"])
        XCTAssertEqual(session.completions(after: ["help"], prefix: "sta").candidates, ["stage", "status"])
        XCTAssertEqual(session.applicationName, "demo")
        XCTAssertEqual(session.pipelineName, "api-main")
        XCTAssertEqual(session.targetKind, "local")
        XCTAssertFalse(session.hasUnsavedEdits)
    }

    func testAnEntryRunsInTheSessionAndMarksItDirty() async throws {
        let sandbox = try Sandbox(.quickstart)
        let session = Session(mode: .interactive, workingDirectory: sandbox.root.url, environment: [:],
                              output: Output(environment: ["NO_COLOR": "1"]))
        let succeeded = await session.run(entry: "source set github acme/api; stage add test")
        XCTAssertTrue(succeeded)
        XCTAssertTrue(session.hasUnsavedEdits)
        XCTAssertEqual(session.pipelineName, "api-main")
        XCTAssertNil(sandbox.read("copilot/pipeline.yml"), "interactive edits wait for save")
        let failed = await session.run(entry: "stage add nowhere")
        XCTAssertFalse(failed)
        let saved = await session.run(entry: "save")
        XCTAssertTrue(saved)
        XCTAssertFalse(session.hasUnsavedEdits)
        XCTAssertNotNil(sandbox.read("copilot/pipeline.yml"))
    }

    func testCancellingTheTaskStopsTheEntry() async throws {
        let sandbox = try Sandbox(.quickstart)
        let session = Session(mode: .interactive, workingDirectory: sandbox.root.url, environment: [:],
                              output: Output(environment: ["NO_COLOR": "1"]))
        let entry = (0..<5_000).map { "set V\($0) x" }.joined(separator: "; ") + "; set DONE yes"
        let task = Task { await session.run(text: entry, file: "<prompt>") }
        task.cancel()
        let outcome = await task.value
        XCTAssertEqual(outcome, .cancelled)
        XCTAssertNil(session.variables["DONE"], "the commands after the cancellation did not run")
        let next = await session.run(entry: "set AFTER yes")
        XCTAssertTrue(next, "the session answers after a cancelled entry")
    }
}
