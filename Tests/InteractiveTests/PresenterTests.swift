import Foundation
import TestSupport
import XCTest

/// What a presenter sees on a real pseudo-terminal: replays with the commands at full strength and
/// only the narration dimmed, `--step` showing the next command before it runs, no colour on a dumb
/// terminal, the light theme, and the options that need a script refusing to open the shell.
final class PresenterTests: PseudoTerminalTestCase {
    private func writeScript(_ text: String) throws {
        try text.write(to: workspace.appendingPathComponent("demo.sluice"), atomically: true, encoding: .utf8)
    }

    /// Issue 26, defect 7: the command was dimmed like the narration, the faintest thing on a projector.
    func testReplaysPrintCommandsAtFullStrengthAndOnlyNarrationDimmed() throws {
        try writeScript("# Watch this.\necho 'plain'\n")
        for option in ["--echo", "--type"] {
            let shell = try start([option, "demo.sluice"], environment: [:])
            XCTAssertEqual(try shell.waitForExit(timeout: 30), 0, shell.transcript)
            XCTAssertTrue(shell.transcript.contains("\u{1B}[2mWatch this.\u{1B}[0m\n"), "\(option): narration dimmed: \(shell.transcript.debugDescription)")
            let command = shell.transcript.split(separator: "\n").first { $0.contains("> echo 'plain'") }
            XCTAssertEqual(command.map(String.init), "> echo 'plain'", "\(option): the command as written, no escape: \(shell.transcript.debugDescription)")
        }
    }

    /// `--step` shows the command it is about to run, then waits; its output comes after the key.
    func testStepShowsTheNextCommandBeforeItRuns() throws {
        try writeScript("echo one\necho two\n")
        let shell = try start(["--step", "demo.sluice"])
        let before = try shell.expect("[step] Enter runs the next command")
        try shell.awaitLineEditing()
        XCTAssertEqual(before, "> echo one\n", "the next command is shown before the key, its output not yet")
        shell.send("\r")
        let second = try shell.expect("[step] Enter runs the next command")
        try shell.awaitLineEditing()
        XCTAssertTrue(second.hasSuffix("one\n> echo two\n"), second.debugDescription)
        shell.send("\r")
        try shell.expect("two\n")
        XCTAssertEqual(try shell.waitForExit(), 0)
    }

    /// Issue 26, defect 18: `TERM=dumb` still got colour (errors on stderr).
    func testADumbTerminalGetsNoColour() throws {
        let script = try start(["-c", "stage rm nowhere"], environment: ["TERM": "dumb"])
        XCTAssertEqual(try script.waitForExit(), 1)
        XCTAssertTrue(script.transcript.contains("error:"), script.transcript)
        XCTAssertFalse(script.transcript.contains("\u{1B}["), "no escape sequence at all: \(script.transcript.debugDescription)")

        let shell = try start(environment: ["TERM": "dumb"])
        try shell.expectPrompt()
        try shell.enter("stage rm nowhere", expecting: "error:")
        try shell.enter("say narration", expecting: "narration")
        try exit(shell)
        XCTAssertFalse(shell.transcript.contains("\u{1B}["), "no escape sequence at the prompt either: \(shell.transcript.debugDescription)")
    }

    /// Issue 26, defect 18: `--step` with no script opened the shell silently (and ignored --step).
    func testPresentingOptionsWithoutAScriptAreRefused() throws {
        for option in [["--step"], ["--echo"], ["--pace", "1s"], ["--type"]] {
            let shell = try start(option)
            XCTAssertEqual(try shell.waitForExit(), 2, "\(option) with nothing to present: \(shell.transcript)")
            XCTAssertTrue(shell.transcript.contains("error: \(option[0]) presents a script"), shell.transcript)
            XCTAssertTrue(shell.transcript.contains("sluice \(option.joined(separator: " ")) FILE"), shell.transcript)
        }
    }

    /// Issue 26, defect 18: started outside a workspace, the shell said nothing until a command failed.
    func testStartingOutsideAWorkspaceSaysSoAtOnce() throws {
        let outside = home.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let shell = try PseudoTerminal(sluiceBinary, [], directory: outside, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
            "XDG_STATE_HOME": home.path + "/state", "EDITRC": "/dev/null", "TERM": "xterm", "LANG": "C.UTF-8", "NO_COLOR": "1",
        ], columns: 80)
        let before = try shell.expectInput("sluice> ")
        XCTAssertTrue(before.contains("not in a Copilot workspace"), before)
        XCTAssertTrue(before.contains("`tour`"), "it says what works anyway: \(before)")
        XCTAssertTrue(before.split(separator: "\n").allSatisfy { $0.count <= 80 }, "wrapped to 80 columns: \(before)")
        try exit(shell)
    }

    /// The light theme (for a white projector): an option and an environment variable choose it;
    /// NO_COLOR still wins; an unknown theme is a usage error.
    func testTheLightThemeByOptionAndEnvironment() throws {
        try writeScript("# Narration.\nstage rm nowhere\n")
        let dark = try start(["--echo", "demo.sluice"], environment: [:])
        XCTAssertEqual(try dark.waitForExit(), 1)
        XCTAssertTrue(dark.transcript.contains("\u{1B}[2mNarration."), dark.transcript.debugDescription)
        XCTAssertTrue(dark.transcript.contains("\u{1B}[31merror:"), dark.transcript.debugDescription)

        for light in [try start(["--theme", "light", "--echo", "demo.sluice"], environment: [:]),
                      try start(["--echo", "demo.sluice"], environment: ["SLUICE_THEME": "light"])] {
            XCTAssertEqual(try light.waitForExit(), 1)
            XCTAssertFalse(light.transcript.contains("\u{1B}[2m"), "no faint text on a projector: \(light.transcript.debugDescription)")
            XCTAssertTrue(light.transcript.contains("\u{1B}[38;5;240mNarration."), light.transcript.debugDescription)
            XCTAssertTrue(light.transcript.contains("\u{1B}[1;38;5;160merror:"), light.transcript.debugDescription)
        }
        let plain = try start(["--theme", "light", "--echo", "demo.sluice"], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(try plain.waitForExit(), 1)
        XCTAssertFalse(plain.transcript.contains("\u{1B}["), plain.transcript.debugDescription)

        let unknown = try start(["--theme", "blue", "demo.sluice"])
        XCTAssertEqual(try unknown.waitForExit(), 2)
        XCTAssertTrue(unknown.transcript.contains("blue is not a theme: dark or light"), unknown.transcript)
        let unknownVariable = try start(["demo.sluice"], environment: ["SLUICE_THEME": "blue"])
        XCTAssertEqual(try unknownVariable.waitForExit(), 2)
        XCTAssertTrue(unknownVariable.transcript.contains("SLUICE_THEME=blue is not a theme: dark or light"), unknownVariable.transcript)
    }

    /// The prompt and `watch` follow the theme too.
    func testThePromptFollowsTheTheme() throws {
        let shell = try start(["--theme", "light"], environment: [:])
        try shell.expectPrompt()
        XCTAssertTrue(shell.transcript.contains("38;5;25m"), "the application's name in the light theme's blue: \(shell.transcript.debugDescription)")
        try exit(shell)
    }
}
