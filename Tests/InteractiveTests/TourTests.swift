import Foundation
import TestSupport
import XCTest

/// `tour` on a real pseudo-terminal at 80 columns: every exercise from the first to a Succeeded
/// run — the tour judging what each command did, not its words (another form, another order, a
/// command of one's own) —, `again`, `hint`, `skip`, `help` and Tab on the way; quit half-way,
/// continued, and quit again, the person's own workspace byte-identical throughout; the scratch
/// copy removed however sluice ends.
final class TourTests: PseudoTerminalTestCase {
    /// The scratch copies go under the test's own home (TMPDIR), to be checked for removal.
    private var scratchParent: URL { home.url.appendingPathComponent("tmp") }

    private func startTour(columns: UInt16 = 120) throws -> PseudoTerminal {
        try FileManager.default.createDirectory(at: scratchParent, withIntermediateDirectories: true)
        return try start(columns: columns, environment: ["NO_COLOR": "1", "TMPDIR": scratchParent.path])
    }

    /// Every file under the person's workspace, with its bytes (git's own files too).
    private func workspaceBytes() -> [String: Data] {
        regularFiles(under: workspace)
    }

    /// Types `command` and waits for `after`, then the tour's prompt; returns what came before `after`.
    @discardableResult
    private func step(_ shell: PseudoTerminal, _ command: String, then after: String, timeout: TimeInterval = 60) throws -> String {
        shell.send(command + "\r")
        let before = try shell.expect(after, timeout: timeout)
        // The tour's prompt: clean or with unsaved edits of the scratch pipeline.
        try shell.expectInput("> ", timeout: timeout)
        return before
    }

    func testTheWholeTourAt80ColumnsJudgingWhatWasDone() throws {
        try commitWorkspace()
        let before = workspaceBytes()
        let shell = try startTour(columns: 80)
        try shell.expectPrompt()
        shell.send("tour\r")
        try shell.expect("Step 1 of 11 · Source")
        try shell.expect("Your task: Make the pipeline track the GitHub repository acme/api.")
        try shell.expectInput("tour 1/11 demo [local]> ")

        // `again` shows the step again, `hint` a way to do it; `help` and Tab work as usual.
        try step(shell, "again", then: "Step 1 of 11 · Source")
        try step(shell, "hint", then: "source set github https://github.com/acme/api")
        try step(shell, "help source set github", then: "source set github REPO")
        shell.send("sou\t")
        try shell.expect("rce ")
        // Another form than the hint's: what counts is the source it sets.
        try step(shell, "set github acme/api", then: "Step 2 of 11 · Build")
        XCTAssertTrue(shell.transcript.contains("+name: api-main"), "the change is shown as a diff:\n\(shell.transcript)")
        try step(shell, "build buildspec buildspec.yml", then: "Step 3 of 11 · Stages")
        // In the wrong order first: not yet, and why; then put right with a command of one's own.
        try step(shell, "stage add prod", then: "Not yet: the stages are prod; test comes first, then prod")
        try step(shell, "stage add test before prod", then: "Step 4 of 11 · A test")
        try step(shell, "skip", then: "Step 5 of 11 · Approval")
        XCTAssertTrue(shell.transcript.contains("> test add test \"make test\"\n"), "skip shows what it types")
        try step(shell, "approval on prod", then: "Step 6 of 11 · validate and undo")
        XCTAssertTrue(shell.transcript.contains("> post add test smoke buildspec smoke.yml"), "the tour's slip is shown")
        let validation = try step(shell, "validate", then: "error(s)")
        XCTAssertTrue(validation.flattened.contains("stage test has both test_commands and post_deployments"), validation)
        try step(shell, "undo", then: "Step 7 of 11 · Save")
        // A command that only looks says nothing of the exercise.
        let graph = try step(shell, "show graph", then: "tour 7/11 ")
        XCTAssertTrue(graph.contains("ApprovePromotionTo-prod") && !graph.contains("Not yet"), graph)
        try step(shell, "save", then: "Step 8 of 11 · push and watch")
        XCTAssertTrue(shell.transcript.contains("git add -A && git commit"))
        XCTAssertTrue(shell.transcript.contains("> test add test \"make integration-test\""), "the colleague's change is shown")
        try step(shell, "push --yes", then: "Step 9 of 11 · status and logs", timeout: 120)
        let status = try step(shell, "status", then: "tour 9/11 ")
        XCTAssertTrue(status.contains("Failed"), status)
        try step(shell, "logs test", then: "tour 9/11 ")
        try step(shell, "test rm test 2", then: "Not yet: no new run yet")
        try step(shell, "test add test \"make integration-test ENV=test\"", then: "Not yet: no new run yet")
        try step(shell, "push --yes", then: "Step 10 of 11 · reject", timeout: 120)
        try step(shell, "reject prod", then: "Step 11 of 11 · release, watch, approve")
        try step(shell, "release", then: "Not yet: the newest run is", timeout: 120)
        shell.send("watch\r")
        try shell.expect("Enter leaves watch: ", timeout: 60)
        shell.send("a\r")
        try shell.expect("approved prod", timeout: 60)
        try shell.expect("That is the whole pipeline", timeout: 120)
        // Back in the person's own workspace and pipeline.
        try shell.expect("demo/api-main [local]> ")
        try shell.awaitLineEditing()
        try exit(shell)
        XCTAssertEqual(workspaceBytes(), before, "the tour left the person's workspace as it was")
        XCTAssertEqual(try scratchCopies(), [], "the scratch copy is removed")

        // At 80 columns the tour's own words are wrapped, never cut: its introduction and every step,
        // from its heading to the prompt that follows, fit the width.
        var text = shell.transcript[shell.transcript.range(of: "The tour builds")!.lowerBound...]
        var steps = 0
        while let end = text.range(of: "\ntour ") {
            for line in text[..<end.lowerBound].split(separator: "\n") {
                XCTAssertLessThanOrEqual(line.count, 80, "cut by the terminal at 80 columns: \(line)")
            }
            guard let next = text[end.upperBound...].range(of: "\nStep ") else { break }
            text = text[next.lowerBound...]
            steps += 1
        }
        XCTAssertGreaterThanOrEqual(steps, 11, "every step was looked at")
    }

    func testQuitHalfWayLeavesTheWorkspaceAndTourContinues() throws {
        try commitWorkspace()
        let before = workspaceBytes()
        let shell = try startTour()
        try shell.expectPrompt()
        // An unsaved edit of the person's own: the tour must leave it alone too.
        try shell.enter("stage add staging", expecting: "added stage staging", dirty: true)
        shell.send("tour\r")
        try shell.expect("Step 1 of 11")
        try shell.expectPrompt()
        try step(shell, "source set github https://github.com/acme/api", then: "Step 2 of 11")
        try step(shell, "build buildspec buildspec.yml", then: "Step 3 of 11")
        try step(shell, "stage add test", then: "Not yet")
        try step(shell, "stage add prod", then: "Step 4 of 11")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 4")
        try shell.expectPrompt(dirty: true)
        XCTAssertEqual(workspaceBytes(), before, "quitting the tour half-way leaves the workspace byte-identical")
        try shell.enter("stage ls", expecting: "staging", dirty: true)

        // `tour` again continues at step 4, in a fresh scratch copy with steps 1–3 replayed.
        shell.send("tour\r")
        try shell.expect("Continuing at step 4 of 11", timeout: 60)
        try shell.expect("Step 4 of 11")
        try shell.expectInput("tour 4/11 demo/api-main [local]*> ")
        try step(shell, "test ls test", then: "no test commands")
        // Ctrl-D leaves the tour, not sluice.
        shell.send("\u{04}")
        try shell.expect("Left the tour")
        try shell.expectPrompt(dirty: true)
        // `tour restart` forgets the progress.
        shell.send("tour restart\r")
        try shell.expect("Step 1 of 11")
        try shell.expectInput("tour 1/11 demo [local]> ")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 1")
        try shell.expectPrompt(dirty: true)
        shell.send("reload\r")
        try shell.expect("unsaved edits dropped")
        try shell.expectPrompt()
        try exit(shell)
        XCTAssertEqual(workspaceBytes(), before)
        XCTAssertEqual(try scratchCopies(), [])
    }

    private func scratchCopies() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: scratchParent.path).filter { $0.hasPrefix("sluice-tour-") }.sorted()
    }

    /// Issue 26, defect 11: the terminal closing (SIGHUP) or a SIGTERM left the scratch copy behind,
    /// and nothing ever swept it. Now each removes it, at the prompt or while a command runs, and a
    /// tour starting sweeps copies whose sluice is gone.
    func testScratchCopiesAreRemovedOnHangupAndTerminationAndStaleOnesSwept() throws {
        for (signal, whileRunning) in [(SIGHUP, false), (SIGTERM, false), (SIGHUP, true)] {
            let shell = try startTour()
            try shell.expectPrompt()
            shell.send("tour\r")
            try shell.expect("Step 1 of")
            try shell.expectInput("> ")
            XCTAssertEqual(try scratchCopies().count, 1, "the tour works in a scratch copy")
            if whileRunning {
                // `pause` waits for a key: a command running when the signal comes.
                shell.send("pause\r")
                try shell.expect("[pause] press a key")
            }
            shell.signal(signal)
            XCTAssertEqual(try shell.waitForExit(), 128 + signal, "sluice still ends by the signal")
            XCTAssertEqual(try scratchCopies(), [], "signal \(signal)\(whileRunning ? " while a command ran" : ""): the scratch copy is removed")
        }

        // Left by a sluice that was killed outright (SIGKILL cannot be caught), and one of a sluice still running.
        let stale = scratchParent.appendingPathComponent("sluice-tour-999999999-0badf00d")
        let live = scratchParent.appendingPathComponent("sluice-tour-\(getpid())-00c0ffee")
        for copy in [stale, live] {
            try FileManager.default.createDirectory(at: copy.appendingPathComponent("copilot"), withIntermediateDirectories: true)
            try "application: demo\n".write(to: copy.appendingPathComponent("copilot/.workspace"), atomically: true, encoding: .utf8)
        }
        let shell = try startTour()
        try shell.expectPrompt()
        shell.send("tour\r")
        try shell.expect("Step 1 of")
        try shell.expectInput("> ")
        let copies = try scratchCopies()
        XCTAssertFalse(copies.contains(stale.lastPathComponent), "the stale copy is swept: \(copies)")
        XCTAssertTrue(copies.contains(live.lastPathComponent), "a running sluice's copy is left alone: \(copies)")
        XCTAssertEqual(copies.count, 2)
        shell.send("quit\r")
        try shell.expectPrompt()
        try exit(shell)
        XCTAssertEqual(try scratchCopies(), [live.lastPathComponent])
    }

    /// `sluice tour` at a terminal opens the prompt in the tour; leaving it leaves the prompt open.
    func testSluiceTourStartsThePromptInTheTour() throws {
        try FileManager.default.createDirectory(at: scratchParent, withIntermediateDirectories: true)
        let shell = try PseudoTerminal(sluiceBinary, ["tour"], directory: workspace, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
            "XDG_STATE_HOME": home.path + "/state", "EDITRC": "/dev/null", "TERM": "xterm", "LANG": "C.UTF-8",
            "NO_COLOR": "1", "TMPDIR": scratchParent.path,
        ])
        try shell.expect("Step 1 of 11")
        try shell.expectInput("tour 1/11 demo [local]> ")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 1")
        try shell.expectPrompt()
        try exit(shell)
    }
}
