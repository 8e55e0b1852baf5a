import Foundation
import TestSupport
import XCTest

/// Replays for teaching and demos, on a real pseudo-terminal: `--step`, `--pace`, `--type`, comments
/// as narration, `say` and `pause`, and `--echo` showing each command exactly as the script has it.
final class DemoReplayTests: PseudoTerminalTestCase {
    static let script = """
        #!/usr/bin/env sluice
        # First the stages,
        # in release order.
        stage ls
        say "Next: where the source comes from."
        source show   # the repository
        echo "third  command"
        echo never

        """

    func writeScript(_ text: String = script) throws {
        try text.write(to: workspace.appendingPathComponent("demo.sluice"), atomically: true, encoding: .utf8)
    }

    func testStepWaitsForAKeyShowsThePreviousOutputAgainAndStopsOnQ() throws {
        try writeScript()
        let shell = try start(["--step", "demo.sluice"])
        // The comment's lines as one paragraph, wrapped to the screen, then the command to run next.
        XCTAssertEqual(try waitForStep(shell), "First the stages, in release order.\n> stage ls\n",
                       "narration, then the command to run next, plain under NO_COLOR")
        XCTAssertFalse(shell.pendingOutput().contains("1. test"), "the command ran before the key")
        try press("\r", shell)
        // `say` presents itself: its key comes with nothing shown.
        XCTAssertTrue(try waitForStep(shell).hasPrefix("  1. test\n"))
        try press(" ", shell)
        XCTAssertEqual(try waitForStep(shell), "Next: where the source comes from.\n> source show   # the repository\n",
                       "say is narration, not echoed; then the next command")
        try press("\r", shell)
        let sourceShow = try waitForStep(shell)
        XCTAssertTrue(sourceShow.hasPrefix("  source     GitHub https://github.com/acme/api"), sourceShow)
        XCTAssertTrue(sourceShow.hasSuffix("> echo \"third  command\"\n"), sourceShow)
        // b: the previous command's output again, then the one before; nothing runs meanwhile, and the next command is shown again.
        try press("b", shell)
        let again = try waitForStep(shell)
        XCTAssertTrue(again.hasPrefix("── again, 1 command back ──\n> source show   # the repository\n  source     GitHub"), again)
        XCTAssertTrue(again.hasSuffix("── next ──\n> echo \"third  command\"\n"), again)
        try press("b", shell)
        XCTAssertTrue(try waitForStep(shell).hasPrefix("── again, 2 commands back ──\n"))
        try press("\r", shell)
        let third = try waitForStep(shell)
        XCTAssertEqual(third, "third  command\n> echo never\n", third.debugDescription)
        try press("q", shell)
        try shell.expect("stopped (q) before demo.sluice:8:1")
        XCTAssertEqual(try shell.waitForExit(), 0)
        XCTAssertFalse(shell.transcript.split(separator: "\n").contains("never"), "shown, never run: \(shell.transcript)")
        XCTAssertFalse(shell.transcript.contains("\u{1B}[2m"), "NO_COLOR: no dim escapes")
    }

    /// Waits until `--step` asks for a key (the terminal in raw mode); returns what came before.
    private func waitForStep(_ shell: PseudoTerminal) throws -> String {
        let before = try shell.expect("[step] Enter runs the next command · b shows the previous output again · q stops")
        try shell.awaitLineEditing()
        return before
    }

    /// Presses `key` at the step prompt and waits until the prompt is erased.
    private func press(_ key: String, _ shell: PseudoTerminal) throws {
        shell.send(key)
        try shell.expect("\u{1B}[K")
    }

    /// `--echo` shows each command exactly as the script writes it (quotes, spacing, its comment), tokens masked.
    func testEchoedCommandsAreTheScriptsText() throws {
        let commands = [
            "test add test \"make test\"",
            "echo 'single  quoted' \"double $HOME\" plain\\ escaped",
            "stage ls   # with its comment",
            "echo ghp_abcdefghijklmnopqrstuvwxyz0123456789 masked",
            "approval off prod; stage ls",
        ]
        try writeScript("# Narration.\n" + commands.joined(separator: "\n") + "\n# The end.\n")
        let shell = try start(["--echo", "demo.sluice"])
        XCTAssertEqual(try shell.waitForExit(), 0, shell.transcript)
        let echoed = shell.transcript.split(separator: "\n").filter { $0.hasPrefix("> ") }.map { String($0.dropFirst(2)) }
        let expected = commands.flatMap { $0.components(separatedBy: "; ") }
            .map { $0.replacingOccurrences(of: "ghp_abcdefghijklmnopqrstuvwxyz0123456789", with: "<redacted>") }
        XCTAssertEqual(echoed, expected)
        XCTAssertTrue(shell.transcript.hasPrefix("Narration.\n> "), shell.transcript)
        XCTAssertTrue(shell.transcript.contains("test 1: make smoke\nThe end.\n"), "closing narration after the last command: \(shell.transcript)")
    }

    func testPacePausesBetweenCommands() throws {
        try writeScript("echo one\necho two\necho three\n")
        let started = Date()
        let shell = try start(["--pace", "1s", "demo.sluice"])
        XCTAssertEqual(try shell.waitForExit(timeout: 60), 0)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 2, "two pauses of 1s between three commands")
        XCTAssertTrue(shell.transcript.hasSuffix("> echo one\none\n> echo two\ntwo\n> echo three\nthree\n"), shell.transcript)
    }

    func testPauseWaitsForAKeyAndForADuration() throws {
        try writeScript("echo before\npause\npause 300ms\necho after\n")
        let shell = try start(["demo.sluice"])
        try shell.expectInput("[pause] press a key to go on")
        XCTAssertFalse(shell.pendingOutput().contains("after"))
        shell.send("x")
        try shell.expect("after\n")
        XCTAssertEqual(try shell.waitForExit(), 0)
    }

    /// In colour, narration is dimmed and carries no `>`; commands typed out end up as written, at full strength.
    func testTypedCommandsAndDimmedNarrationInColour() throws {
        try writeScript("# Watch this.\necho 'typed out'\n")
        let shell = try start(["--type", "demo.sluice"], environment: [:])
        XCTAssertEqual(try shell.waitForExit(timeout: 30), 0)
        XCTAssertTrue(shell.transcript.contains("\u{1B}[2mWatch this.\u{1B}[0m\n> echo 'typed out'\ntyped out\n"), shell.transcript.debugDescription)
    }
}
