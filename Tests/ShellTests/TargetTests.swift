import Foundation
import TestSupport
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

/// The local target before anything ran: each command says what to do first.
final class LocalTargetCommandTests: XCTestCase {
    func testCommandsBeforeTheFirstRun() throws {
        try assertGolden("local-before-first-run", [
            .script("source set github acme/api; stage add test; stage add prod; approval on prod"),
            .script("status"),
            .script("status --json"),
            .script("history"),
            .script("watch"),
            .script("release"),
            .script("approve prod"),
            .script("reject prod comment 'not today'"),
            .script("logs test"),
            // A machine without the programs Copilot's buildspec runs: push says so before running anything.
            .script("push --dry-run", environment: ["PATH": "/nonexistent"]),
            .sluice("--json", "history"),
        ])
    }

    func testTargetCommandsNeedAPipeline() throws {
        try assertGolden("target-needs-pipeline", [.script("status"), .script("push --yes")])
    }
}

/// `#!/usr/bin/env sluice`: a script run as a program.
final class ShebangTests: XCTestCase {
    func testAnExecutableScriptRunsThroughEnv() throws {
        let sandbox = try Sandbox(.quickstartWith(["setup.sluice": "#!/usr/bin/env sluice\necho running as a program\nsource set github acme/api\nstage add test\n"]))
        let script = sandbox.root.url.appendingPathComponent("setup.sluice").path
        XCTAssertEqual(chmod(script, 0o755), 0)
        let binDirectory = URL(fileURLWithPath: sluiceBinary).deletingLastPathComponent().path
        let result = try runProcess(script, [], environment: ["PATH": binDirectory + ":/usr/bin:/bin", "NO_COLOR": "1",
                                                              "HOME": sandbox.home.path],
                                    directory: sandbox.root.url)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "running as a program\ncreated pipeline api-main (copilot/pipeline.yml, written on save)\n"
                       + "source: GitHub https://github.com/acme/api\nadded stage test\nsaved copilot/pipeline.yml\n")
    }
}
