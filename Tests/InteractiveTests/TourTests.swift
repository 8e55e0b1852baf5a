import Foundation
import TestSupport
import XCTest

/// `tour` on a real pseudo-terminal: from its first step to a Succeeded local run, typing each
/// command (a wrong one, `help` and Tab on the way), and quit half-way, continued, and quit
/// again, the person's own workspace byte-identical throughout.
final class TourTests: PseudoTerminalTestCase {
    /// The scratch copies go under the test's own home (TMPDIR), to be checked for removal.
    private var scratchParent: URL { home.url.appendingPathComponent("tmp") }

    private func startTour() throws -> PseudoTerminal {
        try FileManager.default.createDirectory(at: scratchParent, withIntermediateDirectories: true)
        return try start(columns: 120, environment: ["NO_COLOR": "1", "TMPDIR": scratchParent.path])
    }

    /// Every file under the person's workspace, with its bytes (git's own files too).
    private func workspaceBytes() -> [String: Data] {
        regularFiles(under: workspace)
    }

    /// Types a step's command and waits for the next step (or `after`), then the tour's prompt.
    private func step(_ shell: PseudoTerminal, _ command: String, then after: String) throws {
        shell.send(command + "\r")
        try shell.expect(after, timeout: 60)
        // The tour's prompt: clean or with unsaved edits of the scratch pipeline.
        try shell.expectInput("> ", timeout: 60)
    }

    func testTourFromItsFirstStepToASucceededRun() throws {
        try commitWorkspace()
        let before = workspaceBytes()
        let shell = try startTour()
        try shell.expectPrompt()
        shell.send("tour\r")
        try shell.expect("Step 1 of 10")
        try shell.expect("Type: source set github https://github.com/acme/api")
        try shell.expect("tour 1/10 demo [local]> ")
        try shell.awaitLineEditing()

        // Another command is not run: a hint names this step's command.
        try step(shell, "stage add prod", then: "hint: `stage add` is a command, but not this step's. This step is `source set github https://github.com/acme/api`")
        // A mistyped one gets a hint too, never a failure.
        try step(shell, "sorce set github acme/api", then: "hint: unknown command 'sorce'")
        // help works as usual.
        try step(shell, "help source set github", then: "source set github REPO")
        // Tab completes from the command table.
        shell.send("sou\t")
        try shell.expect("rce ")
        try step(shell, "set github https://github.com/acme/api", then: "Step 2 of 10")
        XCTAssertTrue(shell.transcript.contains("+name: api-main"), "the change is shown as a diff:\n\(shell.transcript)")

        try step(shell, "build buildspec buildspec.yml", then: "Step 3 of 10")
        XCTAssertTrue(shell.transcript.contains("+  buildspec: buildspec.yml"))
        try step(shell, "stage add test", then: "Step 4 of 10")
        try step(shell, "test add test \"make test\"", then: "Step 5 of 10")
        try step(shell, "skip", then: "Step 6 of 10")
        XCTAssertTrue(shell.transcript.contains("> stage add prod"), "skip types the step's command")
        try step(shell, "approval on prod", then: "Step 7 of 10")
        try step(shell, "show graph", then: "Step 8 of 10")
        XCTAssertTrue(shell.transcript.contains("ApprovePromotionTo-prod"))
        try step(shell, "save", then: "Step 9 of 10")
        XCTAssertTrue(shell.transcript.contains("git add -A && git commit"))
        try step(shell, "push --yes", then: "Step 10 of 10")
        XCTAssertTrue(shell.transcript.contains("WaitingForApproval"), "the run waits at prod's approval")
        shell.send("approve prod\r")
        try shell.expect("Succeeded", timeout: 60)
        try shell.expect("That is the whole pipeline", timeout: 60)
        // Back in the person's own workspace and pipeline.
        try shell.expect("demo/api-main [local]> ")
        try shell.awaitLineEditing()
        try exit(shell)
        XCTAssertEqual(workspaceBytes(), before, "the tour left the person's workspace as it was")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratchParent.path).filter { $0.hasPrefix("sluice-tour-") }, [],
                       "the scratch copy is removed")
    }

    func testQuitHalfWayLeavesTheWorkspaceAndTourContinues() throws {
        try commitWorkspace()
        let before = workspaceBytes()
        let shell = try startTour()
        try shell.expectPrompt()
        // An unsaved edit of the person's own: the tour must leave it alone too.
        try shell.enter("stage add staging", expecting: "added stage staging", dirty: true)
        shell.send("tour\r")
        try shell.expect("Step 1 of 10")
        try shell.expectPrompt()
        try step(shell, "source set github https://github.com/acme/api", then: "Step 2 of 10")
        try step(shell, "build buildspec buildspec.yml", then: "Step 3 of 10")
        try step(shell, "stage add test", then: "Step 4 of 10")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 4")
        try shell.expectPrompt(dirty: true)
        XCTAssertEqual(workspaceBytes(), before, "quitting the tour half-way leaves the workspace byte-identical")
        try shell.enter("stage ls", expecting: "staging", dirty: true)

        // `tour` again continues at step 4, in a fresh scratch copy with steps 1–3 replayed.
        shell.send("tour\r")
        try shell.expect("Continuing at step 4 of 10", timeout: 60)
        try shell.expect("Step 4 of 10")
        try shell.expectInput("tour 4/10 demo/api-main [local]*> ")
        try step(shell, "test ls test", then: "no test commands")
        // Ctrl-D leaves the tour, not sluice.
        shell.send("\u{04}")
        try shell.expect("Left the tour")
        try shell.expectPrompt(dirty: true)
        // `tour restart` forgets the progress.
        shell.send("tour restart\r")
        try shell.expect("Step 1 of 10")
        try shell.expectInput("tour 1/10 demo [local]> ")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 1")
        try shell.expectPrompt(dirty: true)
        shell.send("reload\r")
        try shell.expect("unsaved edits dropped")
        try shell.expectPrompt()
        try exit(shell)
        XCTAssertEqual(workspaceBytes(), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratchParent.path).filter { $0.hasPrefix("sluice-tour-") }, [])
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
        try shell.expect("Step 1 of 10")
        try shell.expectInput("tour 1/10 demo [local]> ")
        shell.send("quit\r")
        try shell.expect("Left the tour at step 1")
        try shell.expectPrompt()
        try exit(shell)
    }
}
