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
        let before = try shell.expectInput("sluice [local]> ")
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
        try shell.expectInput("\u{1B}[0m> ")
        XCTAssertTrue(shell.transcript.contains("38;5;25m"), "the application's name in the light theme's blue: \(shell.transcript.debugDescription)")
        try exit(shell)
    }

    /// `record --cast` writes an asciicast v2 file (a JSON header, then events with increasing times)
    /// whose input events, typed into sluice in a fresh copy of the workspace, give the same files;
    /// `record --transcript` writes the commands, their output and the narration as Markdown notes.
    func testCastAndTranscriptOfASession() throws {
        let shell = try start(columns: 80)
        try shell.expectPrompt()
        try shell.enter("record --cast class.cast", expecting: "recording the cast to class.cast")
        try shell.enter("record --transcript notes.md", expecting: "recording the transcript to notes.md")
        try shell.enter("say First a staging environment, before prod.", expecting: "First a staging")
        try shell.enter("stage add staging before prod", expecting: "added stage staging", dirty: true)
        try shell.enter("test add staging \"make smoke\"", expecting: "added test to staging", dirty: true)
        try shell.enter("stage ls", expecting: "staging", dirty: true)
        try shell.enter("save", expecting: "saved")
        try shell.enter("record stop", expecting: "recorded the transcript notes.md")
        try exit(shell)

        let cast = try String(contentsOf: workspace.appendingPathComponent("class.cast"), encoding: .utf8)
        let lines = cast.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2)
        XCTAssertEqual(header["width"] as? Int, 80)
        XCTAssertEqual(header["height"] as? Int, 30)
        XCTAssertNotNil(header["timestamp"] as? Int)
        var time = 0.0
        var input = ""
        var shown = ""
        for line in lines.dropFirst() {
            let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], line)
            XCTAssertEqual(event.count, 3, line)
            let seconds = try XCTUnwrap(event[0] as? Double, line)
            XCTAssertGreaterThan(seconds, time, "times increase: \(line)")
            time = seconds
            let text = try XCTUnwrap(event[2] as? String, line)
            switch event[1] as? String {
            case "i": input += text
            case "o": shown += text
            default: XCTFail("an event is output or input: \(line)")
            }
        }
        XCTAssertEqual(input, "record --transcript notes.md\nsay First a staging environment, before prod.\nstage add staging before prod\ntest add staging \"make smoke\"\nstage ls\nsave\nrecord stop\n")
        XCTAssertTrue(shown.contains("demo/api-main [local]> stage add staging before prod\r\nadded stage staging"), shown.debugDescription)
        XCTAssertFalse(shown.contains("recording the cast"), "the cast starts at the next prompt")
        // asciinema itself reads it and plays back exactly the output events.
        let played = try runProcess("/usr/bin/env", ["asciinema", "cat", workspace.appendingPathComponent("class.cast").path])
        XCTAssertEqual(played.status, 0, "asciinema (Tests/Harness/requirements.txt) plays the cast: \(played.stderr)")
        XCTAssertEqual(played.stdout, shown)

        // The input, typed into a fresh copy of the workspace, gives the same files.
        let copy = home.url.appendingPathComponent("copy")
        try makeWorkspace(at: copy, environments: ["test", "prod", "staging"])
        let replay = try PseudoTerminal(sluiceBinary, [], directory: copy, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
            "XDG_STATE_HOME": home.path + "/state-replay", "EDITRC": "/dev/null", "TERM": "xterm", "LANG": "C.UTF-8", "NO_COLOR": "1",
        ], columns: 80)
        try replay.expectPrompt()
        for line in input.split(separator: "\n") {
            replay.send(line + "\r")
            try replay.expectInput("> ")
        }
        try exit(replay)
        let copilot = { (root: URL) in regularFiles(under: root.appendingPathComponent("copilot")) }
        XCTAssertEqual(copilot(copy), copilot(workspace))
        XCTAssertTrue(copilot(copy).keys.contains { $0.hasSuffix("manifest.yml") }, "the copy has the pipeline")

        let notes = try String(contentsOf: workspace.appendingPathComponent("notes.md"), encoding: .utf8)
        XCTAssertTrue(notes.hasPrefix("# sluice: application demo, pipeline api-main\n"), notes)
        XCTAssertTrue(notes.contains("\nFirst a staging environment, before prod.\n\n```console\n"
            + "demo/api-main [local]> stage add staging before prod\nadded stage staging"), notes)
        XCTAssertTrue(notes.contains("demo/api-main [local]*> stage ls\n"), "the prompt as it was: \(notes)")
        XCTAssertTrue(notes.contains("demo/api-main [local]*> save\nsaved copilot/pipelines/api-main/manifest.yml"), notes)
        XCTAssertTrue(notes.hasSuffix("\n```\n"), notes)
        XCTAssertFalse(notes.contains("> record") || notes.contains("> say"), "`record` and `say` are not commands of the notes: \(notes)")
    }
}
