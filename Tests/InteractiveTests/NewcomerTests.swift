import Foundation
import TestSupport
import XCTest

/// What a newcomer met at the prompt (issue 26), on a real pseudo-terminal: each defect first
/// reproduced here, then fixed.
final class NewcomerTests: PseudoTerminalTestCase {
    var pipelineDirectory: URL { workspace.appendingPathComponent("copilot/pipelines/api-main") }

    // MARK: 1. pipeline rm asks first, and undo puts the files back

    func testPipelineRmAsksAndUndoPutsTheFilesBack() throws {
        let files = ["manifest.yml", "buildspec.yml"].map { pipelineDirectory.appendingPathComponent($0) }
        let before = try files.map { try Data(contentsOf: $0) }
        let shell = try start()
        try shell.expectPrompt()
        shell.send("pipeline rm api-main\r")
        try shell.expect("[y/N] ")
        shell.send("n\r")
        try shell.expect("not removed")
        try shell.expectPrompt()
        XCTAssertEqual(try files.map { try Data(contentsOf: $0) }, before)

        shell.send("pipeline rm api-main\r")
        try shell.expect("[y/N] ")
        shell.send("y\r")
        try shell.expect("removed pipeline api-main")
        try shell.expectPrompt()
        XCTAssertFalse(files.contains { FileManager.default.fileExists(atPath: $0.path) })

        shell.send("undo\r")
        try shell.expect("undid: removed pipeline api-main")
        try shell.expectInput("demo/api-main [local]> ")
        XCTAssertEqual(try files.map { try Data(contentsOf: $0) }, before)
        // And redo removes them again.
        try shell.enter("redo", expecting: "redid: removed pipeline api-main")
        XCTAssertFalse(files.contains { FileManager.default.fileExists(atPath: $0.path) })
        try exit(shell)
    }

    // MARK: 2. Ctrl-C in a history search clears the line

    func testCtrlCInAHistorySearchKeepsTheShell() throws {
        let shell = try start()
        try shell.expectPrompt()
        try shell.enter("echo first-entry", expecting: "first-entry\n")
        shell.send("\u{12}first")
        try shell.expect("first-entry")
        shell.send("\u{03}")
        try shell.expectPrompt()
        try shell.enter("echo still-here", expecting: "\nstill-here\n")
        try exit(shell)
    }

    /// A Ctrl-C that lands while the editor is still working through keys already typed (a
    /// paste, a fast typist) is not lost: libedit was not blocked in a read for it to interrupt,
    /// and the terminal discarded the keys behind it, so the shell sat waiting for another key.
    func testCtrlCWhileTypedKeysAreStillBeingReadClearsTheLine() throws {
        let shell = try start()
        try shell.expectPrompt()
        for round in 1...5 {
            for burst in ["\u{12}" + String(repeating: "echo searched-for ", count: 60), String(repeating: "echo typed ", count: 200)] {
                shell.send(burst + "\u{03}")
                // A lost Ctrl-C was only seen once another line was entered.
                try shell.expect("^C\n", timeout: 5)
                try shell.expectPrompt()
                try shell.enter("echo after-\(round)", expecting: "\nafter-\(round)\n")
            }
        }
        try exit(shell)
    }

    // MARK: 8. watch --graph at 80x24 shows the running action

    func testWatchGraphOnASmallTerminalShowsTheRunningAction() throws {
        try "smoke:\n\t@echo smoke-ran\nslow:\n\t@sleep 6\n".write(to: workspace.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        let manifest = pipelineDirectory.appendingPathComponent("manifest.yml")
        try Self.manifest.replacingOccurrences(of: "  - name: test\n", with: "  - name: test\n    test_commands:\n      - make slow\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        try commitBuild(["echo built"])
        // Another sluice drives the run; this one watches it on a terminal of 80 columns and 24 rows.
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: sluiceBinary)
        driver.arguments = ["-c", "push --yes"]
        driver.currentDirectoryURL = workspace
        driver.environment = ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        defer { driver.waitUntilExit() }
        let executions = workspace.appendingPathComponent(".sluice/local/pipelines/api-main/executions")
        let deadline = Date().addingTimeInterval(30)
        while (try? FileManager.default.contentsOfDirectory(atPath: executions.path))?.isEmpty ?? true, Date() < deadline {
            usleep(50_000)
        }
        let shell = try start(columns: 80, rows: 24)
        try shell.expectPrompt()
        shell.send("watch --graph\r")
        let frames = try shell.expect("Enter leaves watch: ", timeout: 60)
        // A frame showed the test stage's command running, its box whole.
        XCTAssertNotNil(frames.range(of: #"TestCommands[^\n]*\n[^\n]*\$ make slow[^\n]*\n[^\n]*● InProgress"#, options: .regularExpression),
                        frames)
        shell.send("\r")
        try shell.expectPrompt()
        try exit(shell)
    }

    // MARK: 16. the live tree says how to answer an approval in full, at 80 columns

    func testTheWaitingApprovalIsSaidInFullAtEightyColumns() throws {
        try "smoke:\n\t@echo smoke-ran\n".write(to: workspace.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        try commitBuild(["echo built"])
        let shell = try start(columns: 80)
        try shell.expectPrompt()
        shell.send("push --yes\r")
        let drawn = try shell.expectPrompt(timeout: 60)
        XCTAssertNotNil(drawn.range(of: #"ApprovePromotionTo-prod +WaitingForApproval[^\n]*\n[^\n]*approve prod[^\n]*reject prod"#,
                                    options: .regularExpression), drawn)
        try exit(shell)
    }

    // MARK: 9, 10. Tab offers what each command takes

    func testTabOffersEachKindOfActionAndTheWorkloads() throws {
        try Self.manifest.replacingOccurrences(of: "  - name: test\n", with: """
              - name: test
                deployments:
                  api:
                  db:
                pre_deployments:
                  migrate:
                    buildspec: migrate.yml
                post_deployments:
                  smoke:
                    buildspec: smoke.yml

            """).write(to: pipelineDirectory.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        let shell = try start()
        try shell.expectPrompt()
        shell.send("deploy rm test \t")
        let listed = try shell.expect("> deploy rm test ")
        XCTAssertTrue(listed.contains("api  db"), listed)
        XCTAssertFalse(listed.contains("migrate") || listed.contains("smoke"), listed)
        try shell.enter("\u{15}pre rm test \t\u{01}echo ", expecting: "\npre rm test migrate\n")
        try shell.enter("post rm test \t\u{01}echo ", expecting: "\npost rm test smoke\n")
        // deploy add offers the workspace's services and jobs.
        try shell.enter("deploy add prod \t\u{01}echo ", expecting: "\ndeploy add prod api\n")
        // record's flags, before its file.
        shell.send("record --\t")
        let flags = try shell.expect("--transcript")
        XCTAssertTrue(flags.contains("--all") && flags.contains("--cast"), flags)
        shell.send("\u{15}")
        // logs: the stages of the pipeline as it runs, then the actions of one.
        shell.send("logs \t")
        let stages = try shell.expect("> logs ")
        for stage in ["Build", "Source", "prod", "test"] { XCTAssertTrue(stages.contains(stage), stages) }
        shell.send("\u{15}logs prod \t")
        let actions = try shell.expect("> logs prod ")
        for action in ["ApprovePromotionTo-prod", "CreateOrUpdate-api-prod", "TestCommands"] { XCTAssertTrue(actions.contains(action), actions) }
        shell.send("\u{15}")
        try exit(shell)
    }

    // MARK: 13. pipeline init: defaults, answers checked, release order

    func testPipelineInitHasDefaultsChecksAnswersAndOffersReleaseOrder() throws {
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("copilot/pipelines"))
        let git = try runProcess("/usr/bin/git", ["-C", workspace.path, "remote", "add", "origin", "https://github.com/acme/shop"])
        XCTAssertEqual(git.status, 0, git.stderr)
        let shell = try start()
        try shell.expectPrompt()
        shell.send("pipeline init\r")
        try shell.expect("[shop-main] ")
        shell.send("\r")
        // Enter takes the default, said in the question.
        try shell.expect("Pipeline type [1-2, Enter: 1]: ")
        shell.send("\r")
        // test before staging before prod: the order a release goes in.
        let first = try shell.expect("1st stage [1-3, Enter: 1]: ")
        XCTAssertTrue(first.hasSuffix("  1. test\n  2. staging\n  3. prod\n"), first)
        shell.send("\r")
        let second = try shell.expect("2nd stage [1-3, Enter: 1]: ")
        XCTAssertTrue(second.hasSuffix("  1. staging\n  2. prod\n  3. [No additional environments]\n"), second)
        shell.send("2\r")
        try shell.expect("3rd stage [1-2, Enter: 1]: ")
        shell.send("2\r")
        // Only the offered answers count.
        try shell.expect("How should CodePipeline reach GitHub?")
        shell.send("x\r")
        try shell.expect("answer c (connection) or t (token)")
        try shell.expect("How should CodePipeline reach GitHub?")
        shell.send("\r")
        try shell.expect("Connection name")
        shell.send("\r")
        let ran = try shell.expectPrompt(dirty: true)
        XCTAssertTrue(ran.contains("  stage add test\n  stage add prod\n"), ran)
        try exit(shell, discardingEdits: true)
    }

    // MARK: 17. at the prompt, a caret under the word

    func testAnErrorAtThePromptPointsAtTheWord() throws {
        let shell = try start()
        try shell.expectPrompt()
        shell.send("stage rm staing\r")
        let said = try shell.expectPrompt()
        XCTAssertFalse(said.contains("<prompt>"), said)
        XCTAssertTrue(said.contains("error: no stage staing in the pipeline\n  stage rm staing\n           ^~~~~~\n  hint: "), said)
        try exit(shell)
    }

    // MARK: 6. help wraps to the terminal

    func testHelpWrapsToTheTerminalsWidth() throws {
        let shell = try start(columns: 80)
        try shell.expectPrompt()
        shell.send("help pipeline init\r")
        let help = try shell.expectPrompt()
        let lines = help.split(separator: "\n").dropFirst()
        XCTAssertGreaterThan(lines.count, 5, help)
        for line in lines { XCTAssertLessThanOrEqual(line.count, 80, String(line)) }
        XCTAssertTrue(help.contains("usage: pipeline init [name NAME] [url URL] [branch BRANCH] [type TYPE]\n                     [environments ENVS]\n"),
                      help)
        try exit(shell)
    }
}
