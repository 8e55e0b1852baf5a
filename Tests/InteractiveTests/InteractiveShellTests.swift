import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `sluice` with no arguments on a terminal: the real binary, a real pseudo-terminal, keys
/// typed one entry at a time (each after the prompt it answers), a workspace and a home
/// directory of its own, no ~/.editrc.
final class InteractiveShellTests: PseudoTerminalTestCase {
    // MARK: typing, completing, listing

    func testTypedCommandAndItsOutput() throws {
        let shell = try start()
        try shell.expectPrompt()
        try shell.enter("echo hello,   world", expecting: "echo hello,   world\nhello, world\n")
        // UTF-8 input arrives whole.
        try shell.enter("echo café ☕", expecting: "\ncafé ☕\n")
        try exit(shell)
    }

    func testTabCompletesCommandWordEnvironmentAndStage() throws {
        let shell = try start()
        try shell.expectPrompt()
        // A command word: `ech` is only `echo`; the blank after it comes too.
        shell.send("ech\t")
        try shell.expect("o ")
        try shell.enter("completed", expecting: "completed\ncompleted\n")

        // An environment name from copilot/environments (`staging` has no stage yet).
        // Ctrl-A then `echo ` prints the line exactly as completion left it.
        shell.send("stage add st\t")
        try shell.expect("aging ")
        try shell.enter("\u{01}echo ", expecting: "\nstage add staging\n")

        // A stage name from the manifest: `prod` is a stage, `staging` is not.
        shell.send("test ls p\t")
        try shell.expect("rod ")
        try shell.enter("", expecting: "make smoke")
        try shell.enter("approval on s\t\u{01}echo ", expecting: "\napproval on s\n")
        try exit(shell)
    }

    func testTabCompletesFilePathsTestNumbersFlagsAndHelpTopics() throws {
        let scripts = workspace.appendingPathComponent("scripts")
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        try "echo from-setup\n".write(to: scripts.appendingPathComponent("setup file.sluice"), atomically: true, encoding: .utf8)
        let shell = try start()
        try shell.expectPrompt()
        // A directory completes without a blank; a name with a blank is escaped.
        shell.send("run scr\t")
        try shell.expect("ipts/")
        shell.send("se\t")
        try shell.expect("tup\\ file.sluice ")
        try shell.enter("", expecting: "from-setup\n")
        // `test rm ENV N`: the numbers of prod's test commands.
        shell.send("test rm prod \t")
        try shell.expect("1 ")
        try shell.enter("\u{01}echo ", expecting: "\ntest rm prod 1\n")
        shell.send("push --dr\t")
        try shell.expect("y-run ")
        try shell.enter("\u{01}echo ", expecting: "\npush --dry-run\n")
        shell.send("help stage a\t")
        try shell.expect("dd ")
        try shell.enter("", expecting: "stage add ENV")
        try exit(shell)
    }

    func testSeveralMatchesAreListedInColumns() throws {
        let shell = try start()
        try shell.expectPrompt()
        shell.send("stage add \t")
        // Environments, sorted, in columns: "staging" is the widest, plus two blanks of gap.
        try shell.expect("\nprod     staging  test\n")
        // The line is drawn again under the listing, as typed.
        try shell.expect("> stage add ")
        // Several matches with a common prefix: the prefix is typed, the rest listed.
        shell.send("\u{15}stage \t")
        let subcommands = try shell.expect("> stage ")
        for word in ["add", "ls", "move", "rm"] {
            XCTAssertTrue(subcommands.contains(word), "`stage` Tab should list \(word): \(subcommands.debugDescription)")
        }
        shell.send("\u{15}")
        try exit(shell)
    }

    func testListingFollowsTheWindowWidth() throws {
        let shell = try start(columns: 100)
        try shell.expectPrompt()
        shell.send("stage add \t")
        try shell.expect("\nprod     staging  test\n")
        shell.resize(columns: 12)
        shell.send("\u{15}stage add \t")
        try shell.expect("\nprod\nstaging\ntest\n")
        shell.send("\u{15}")
        try exit(shell)
    }

    func testTheUsersEditrcIsReadAndTabStaysBound() throws {
        let editrc = home.url.appendingPathComponent("editrc")
        try "sluice:bind -s ^G 'echo bound-in-editrc'\n".write(to: editrc, atomically: true, encoding: .utf8)
        let shell = try start(environment: ["NO_COLOR": "1", "EDITRC": editrc.path])
        try shell.expectPrompt()
        try shell.enter("\u{07}", expecting: "\nbound-in-editrc\n")
        shell.send("ech\t")
        try shell.expect("o ")
        try shell.enter("tab-still-completes", expecting: "\ntab-still-completes\n")
        try exit(shell)
    }

    func testPromptShowsApplicationTargetAndColourOnlyWithoutNoColour() throws {
        let plain = try start()
        try plain.expectInput("demo/api-main [local]> ")
        try exit(plain)

        let coloured = try start(environment: ["NO_COLOR": ""])
        let drawn = try coloured.expectInput("> ")
        XCTAssertTrue(drawn.contains("\u{1B}["), "a terminal without NO_COLOR gets a coloured prompt: \(drawn.debugDescription)")
        XCTAssertTrue(drawn.contains("demo"), drawn.debugDescription)
        try exit(coloured)
    }

    // MARK: history

    func testHistoryIsRecalledWithTheUpArrowInALaterRun() throws {
        let first = try start()
        try first.expectPrompt()
        try first.enter("echo from-the-first-run", expecting: "from-the-first-run\n")
        // A leading space keeps a line out of history.
        try first.enter(" echo kept-out-of-history", expecting: "kept-out-of-history\n")
        try exit(first)

        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(saved.contains("from-the-first-run"), saved)
        XCTAssertFalse(saved.contains("kept-out-of-history"), saved)
        let mode = try FileManager.default.attributesOfItem(atPath: historyFile.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "history is private to its user")

        let second = try start()
        try second.expectPrompt()
        second.send("\u{1B}[A")
        try second.expect("echo from-the-first-run")
        try second.enter("", expecting: "from-the-first-run\n")
        // Ctrl-R searches back through history as you type.
        second.send("echo newer\r")
        try second.expectPrompt()
        second.send("\u{12}first-r")
        try second.expect("from-the-first-run")
        try second.enter("", expecting: "\nfrom-the-first-run\n")
        try exit(second)
    }

    func testConsecutiveDuplicatesAreFoldedAndAContinuedEntryIsOneItem() throws {
        let shell = try start()
        try shell.expectPrompt()
        for _ in 0..<3 {
            try shell.enter("echo again", expecting: "again\n")
        }
        // An open quote asks for more, under a continuation prompt.
        shell.send("echo \"first line\r")
        try shell.expectInput("… ")
        try shell.enter("second line\"", expecting: "first line\nsecond line\n")
        // A trailing backslash continues the entry too.
        shell.send("echo one \\\r")
        try shell.expectInput("… ")
        try shell.enter("two", expecting: "one two\n")
        try exit(shell)

        let entries = try historyEntries()
        XCTAssertEqual(entries.filter { $0 == "echo again" }.count, 1, "\(entries)")
        XCTAssertEqual(entries.count, 3, "\(entries)")
        XCTAssertTrue(entries[1].contains("first line") && entries[1].contains("second line"), "\(entries)")
    }

    func testTokenLikeArgumentsNeverReachTheDisk() throws {
        let token = "ghp_" + String(repeating: "A1b2C3d4", count: 4) + "x9Y8"
        let shell = try start()
        try shell.expectPrompt()
        shell.send("set GITHUB_TOKEN \(token)\r")
        try shell.expectPrompt()
        try shell.enter("echo recorded-line", expecting: "recorded-line\n")
        try exit(shell)

        XCTAssertTrue(try String(contentsOf: historyFile, encoding: .utf8).contains("recorded-line"))
        XCTAssertEqual(try filesContaining(token, under: home.url), [], "the token was written to disk")
    }

    // MARK: signals and exits

    func testCtrlCDiscardsAHalfTypedLineAndTheShellStillAnswers() throws {
        let shell = try start()
        try shell.expectPrompt()
        shell.send("echo half-typed")
        try shell.expect("half-typed")
        shell.send("\u{03}")
        try shell.expect("^C\n")
        try shell.expectPrompt()
        shell.send("echo still-here\r")
        let ran = try shell.expect("still-here\n")
        XCTAssertEqual(ran, "echo ", "the discarded text must not come back: \(ran.debugDescription)")
        try shell.expect("still-here\n")
        try shell.expectPrompt()
        try exit(shell)
        XCTAssertFalse(try String(contentsOf: historyFile, encoding: .utf8).contains("half-typed"))
    }

    func testCtrlCCancelsARunningCommandAndReturnsToThePrompt() throws {
        // A build that signals when it has started, then takes its time.
        let started = home.url.appendingPathComponent("build-started")
        try commitBuild(["touch '\(started.path)'", "sleep 60"])
        let shell = try start()
        try shell.expectPrompt()
        shell.send("push --yes\r")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: started.path) {
            guard Date() < deadline else { return XCTFail("the build did not start: \(shell.pendingOutput().debugDescription)") }
            usleep(20_000)
        }
        let interrupted = Date()
        shell.send("\u{03}")
        try shell.expect("stopped by the user")
        try shell.expect("cancelled\n")
        try shell.expectPrompt()
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 10, "Ctrl-C must not wait for the build to finish")
        try shell.enter("echo still-answering", expecting: "still-answering\n")
        try exit(shell)
    }

    func testCtrlDWithUnsavedEditsAsksFirst() throws {
        let shell = try start()
        try shell.expectPrompt()
        shell.send("stage add staging\r")
        try shell.expectPrompt(dirty: true)
        shell.send("\u{04}")
        try shell.expect("unsaved edits")
        try shell.expectInput("[y/N] ")
        shell.send("n\r")
        try shell.expectPrompt(dirty: true)
        // `exit` asks the same question.
        shell.send("exit\r")
        try shell.expectInput("[y/N] ")
        shell.send("\r")
        try shell.expectPrompt(dirty: true)
        shell.send("\u{04}")
        try shell.expectInput("[y/N] ")
        shell.send("y\r")
        XCTAssertEqual(try shell.waitForExit(), 0)
        XCTAssertEqual(try String(contentsOf: workspace.appendingPathComponent("copilot/pipelines/api-main/manifest.yml"), encoding: .utf8),
                       Self.manifest, "leaving without saving writes nothing")
    }

    func testTheTerminalIsRestoredOnEveryExit() throws {
        let atPrompt = try start()
        try atPrompt.expectPrompt()
        atPrompt.signal(SIGTERM)
        XCTAssertEqual(try atPrompt.waitForExit(), 128 + SIGTERM)
        assertCooked(atPrompt.terminalSettings(), "after SIGTERM at the prompt")

        let hungUp = try start()
        try hungUp.expectPrompt()
        hungUp.signal(SIGHUP)
        XCTAssertEqual(try hungUp.waitForExit(), 128 + SIGHUP)
        assertCooked(hungUp.terminalSettings(), "after SIGHUP at the prompt")

        // A crash: the handler puts the terminal back before the default action ends the process
        // (Swift's backtracer, which would otherwise wait for a key, is off).
        let crashed = try start(environment: ["NO_COLOR": "1", "SWIFT_BACKTRACE": "enable=no"])
        try crashed.expectPrompt()
        crashed.signal(SIGSEGV)
        XCTAssertEqual(try crashed.waitForExit(), 128 + SIGSEGV)
        assertCooked(crashed.terminalSettings(), "after a crash (SIGSEGV) at the prompt")

        let endOfInput = try start()
        try endOfInput.expectPrompt()
        try exit(endOfInput)
        assertCooked(endOfInput.terminalSettings(), "after Ctrl-D")
    }

    func testStdinThatIsNotATerminalIsReadAsAScript() throws {
        let result = try runProcess(sluiceBinary,
                                    environment: ["HOME": home.path, "XDG_STATE_HOME": home.path + "/state", "EDITRC": "/dev/null"],
                                    directory: workspace, input: "echo from-a-pipe\n", timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "from-a-pipe\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: historyFile.path), "a script is not typed history")
    }
}

/// `watch` at a terminal answers a waiting approval without leaving it.
final class WatchApprovalTests: PseudoTerminalTestCase {
    /// A sluice at the prompt whose pushed run waits for prod's approval, `watch` asking about it.
    private func watchAskingForApproval() throws -> PseudoTerminal {
        let shell = try startWithARunnablePipeline()
        shell.send("push --yes\r")
        try shell.expect("WaitingForApproval")
        try shell.expectPrompt()
        shell.send("watch\r")
        try shell.expect("Enter leaves watch: ")
        return shell
    }

    /// After `a` the run goes on in this sluice (the local target drives it), drawn once as it
    /// goes; then the answer is confirmed, and no second tree follows.
    func testApprovalIsAnsweredInsideWatchAndTheRunIsDrawnOnce() throws {
        let shell = try watchAskingForApproval()
        shell.send("a\r")
        let drawn = try shell.expect("approved prod")
        XCTAssertTrue(drawn.contains("api-main  execution ") && drawn.contains("Succeeded"), drawn.debugDescription)
        let afterApproval = try shell.expectPrompt()
        XCTAssertFalse(afterApproval.contains("execution "), "the tree is drawn a second time: \(afterApproval.debugDescription)")
        try shell.enter("status", expecting: "ApprovePromotionTo-prod")
        try exit(shell)
    }

    /// Only the offered answers count; anything else asks again. Ctrl-C leaves watch with the
    /// prompt on a line of its own.
    func testAnotherAnswerAsksAgainAndCtrlCLeavesOnANewLine() throws {
        let shell = try watchAskingForApproval()
        shell.send("yes\r")
        try shell.expect("answer a (approve), r (reject), or Enter (leave watch)")
        try shell.expect("Enter leaves watch: ")
        shell.send("\u{03}")
        let interrupted = try shell.expectPrompt()
        XCTAssertTrue(interrupted.hasSuffix("\ndemo/api-main [local"), "the prompt shares the question's line: \(interrupted.debugDescription)")
        try shell.enter("status", expecting: "WaitingForApproval")
        try exit(shell)
    }

    func testEnterLeavesWatchWithTheApprovalWaiting() throws {
        let shell = try watchAskingForApproval()
        shell.send("\r")
        try shell.expectPrompt()
        try shell.enter("status", expecting: "WaitingForApproval")
        try exit(shell)
    }
}

/// Commands that only read never write the workspace: unsaved edits stay unsaved.
final class ReadingCommandsTests: PseudoTerminalTestCase {
    func testStatusHistoryAndLogsLeaveUnsavedEditsUnsaved() throws {
        let shell = try start()
        try shell.expectPrompt()
        shell.send("stage add staging\r")
        try shell.expectPrompt(dirty: true)
        for command in ["status", "history", "logs Build"] {
            shell.send(command + "\r")
            try shell.expectPrompt(dirty: true)
        }
        XCTAssertEqual(try String(contentsOf: workspace.appendingPathComponent("copilot/pipelines/api-main/manifest.yml"), encoding: .utf8),
                       Self.manifest, "a reading command saved the edits")
        try exit(shell, discardingEdits: true)
    }
}
