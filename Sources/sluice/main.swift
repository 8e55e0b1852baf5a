// The executable: argument handling and wiring only. Everything else is in Shell.
import Errors
import Foundation
import Shell
import Targets

/// sluice's own arguments. The options are parsed by hand: swift-argument-parser's
/// reflection cost about 4 ms per start, half of the start-up budget (see scripts/bench-shell).
struct Sluice {
    /// The SYNOPSIS of `--help` and the manual page.
    static let synopsis = [
        "sluice [--echo] [--pace DURATION] [--step] [--type] [--theme dark|light] [--json] [-c COMMANDS | FILE | WORDS…]",
        "sluice --version [--json]",
        "sluice --help",
    ]
    /// The ways to run sluice, for `--help` and the manual page.
    static let invocations = [
        ManualEntry("sluice", "the interactive shell (on a terminal)"),
        ManualEntry("sluice FILE", "run a script (also as `#!/usr/bin/env sluice`)"),
        ManualEntry("sluice -c 'CMD; CMD'", "run commands given here"),
        ManualEntry("… | sluice", "run the script on standard input"),
        ManualEntry("sluice WORDS…", "run one command, e.g. `sluice stage ls`"),
    ]
    static let options = [
        ManualEntry("-c COMMANDS", "run these commands (`;` between them) instead of a script"),
        ManualEntry("--echo", "print each command as written before its output, and the script's comments as narration"),
        ManualEntry("--pace DURATION", "pause between commands (2s, 500ms, 1.5); implies --echo"),
        ManualEntry("--step", "show each command, then wait for a key to run it (b: the previous output again, q: stop); implies --echo"),
        ManualEntry("--type", "type each command out at human speed; implies --echo"),
        ManualEntry("--theme dark|light", "the colours: dark (the default) or light, high-contrast for a white background or a projector; also SLUICE_THEME"),
        ManualEntry("--json", "commands that print data print JSON (`help` shows them with [--json]); the others are refused"),
        ManualEntry("--version", "print the version, the commit and the Swift toolchain it was built from"),
        ManualEntry("--help", "print the ways to run sluice"),
    ]

    /// `--help`, laid out as every message is: each meaning wrapped under its column, a bracketed
    /// option never broken.
    static func printHelp(_ output: Output) {
        let width = (invocations + options).map { $0.term.count + 4 }.max() ?? 0
        let column = String(repeating: " ", count: width)
        output.message("sluice — a shell for AWS Copilot release pipelines")
        output.line("")
        for (index, line) in synopsis.enumerated() {
            let bracketed = line.replacing(#/\[[^\]]*\]/#) { TextLayout.unbroken(String($0.output)) }
            output.message((index == 0 ? "usage: " : "       ") + bracketed, hanging: String(repeating: " ", count: "usage: sluice ".count))
        }
        output.line("")
        for entry in invocations { output.message(entry.term.padded(to: width) + entry.meaning, hanging: column) }
        output.line("")
        for entry in options { output.message("  " + entry.term.padded(to: width - 2) + entry.meaning, hanging: column) }
        output.line("")
        output.message("`sluice help` lists the commands. Exit status: 0 success, 1 a command failed, 2 a usage error.", hanging: "")
        output.flush()
    }

    static var manualPage: ManualPage {
        ManualPage(version: BuildInfo.version, synopsis: synopsis, invocations: invocations, options: options)
    }

    var echo = false
    var pace: Duration?
    var step = false
    var typing = false
    /// `--theme NAME`, checked.
    var theme: ColorTheme?
    /// The presenting options as given (`--pace 2s`), for the error when there is nothing to present.
    var presenting: [String] = []
    var json = false
    var version = false
    /// `-c COMMANDS`, and its position in the arguments.
    var commands: String?
    var commandsPosition = 0
    /// A script path, or the words of one command (everything from the first non-option on,
    /// so `sluice push --yes` passes `--yes` to `push`).
    var words: [String] = []

    /// Options come first; `--` ends them.
    init(parsing arguments: [String]) throws {
        var index = 0
        options: while index < arguments.count {
            switch arguments[index] {
            case "--echo":
                echo = true
                presenting.append(arguments[index])
            case "--step":
                step = true
                presenting.append(arguments[index])
            case "--type":
                typing = true
                presenting.append(arguments[index])
            case "--pace":
                guard index + 1 < arguments.count, let duration = Presentation.duration(arguments[index + 1]) else {
                    throw UsageError("--pace needs a duration: 2s, 500ms, 1.5 (seconds) or 1m")
                }
                presenting += arguments[index...(index + 1)]
                index += 1
                pace = duration
            case "--theme":
                guard index + 1 < arguments.count else { throw UsageError("--theme needs a theme: dark or light") }
                index += 1
                guard let chosen = ColorTheme(rawValue: arguments[index]) else {
                    throw UsageError("\(arguments[index]) is not a theme: dark or light")
                }
                theme = chosen
            case "--json": json = true
            case "--version": version = true
            case "-c":
                guard index + 1 < arguments.count else { throw UsageError("-c needs the commands to run") }
                guard commands == nil else { throw UsageError("-c is given twice") }
                index += 1
                commands = arguments[index]
                commandsPosition = index
            case "--":
                index += 1
                break options
            case let option where option.hasPrefix("-") && option != "-":
                throw UsageError("unknown option \(option)")
            default:
                break options
            }
            index += 1
        }
        words = Array(arguments[index...])
    }

    /// Runs what the arguments name; returns the process's exit status.
    func run() async throws -> Int32 {
        if version {
            guard commands == nil, words.isEmpty, presenting.isEmpty, theme == nil else {
                throw UsageError("--version takes no other arguments but --json")
            }
            print(json ? try BuildInfo.current.json() : BuildInfo.current.text, terminator: "")
            return 0
        }
        var environment = ProcessInfo.processInfo.environment
        // The option wins over the variable; everything that paints reads the environment it is given.
        if let theme {
            environment[ColorTheme.environmentVariable] = theme.rawValue
        } else if ColorTheme.chosen(by: environment) == nil {
            throw UsageError("\(ColorTheme.environmentVariable)=\(environment[ColorTheme.environmentVariable] ?? "") is not a theme: dark or light")
        }
        let opensPrompt = commands == nil && isatty(STDIN_FILENO) == 1
            && (words.isEmpty || (words.first == "tour" && isatty(STDOUT_FILENO) == 1))
        if opensPrompt, let option = presenting.first {
            throw UsageError("\(option) presents a script, and none was given",
                             hint: "`sluice \(presenting.joined(separator: " ")) FILE` presents FILE; at the prompt, `say` and `pause` help a live demo")
        }
        if opensPrompt, words.isEmpty {
            return await InteractiveShell.run(environment: environment)
        }
        // The tour is a lesson at the prompt: `sluice tour` at a terminal opens the prompt in it.
        if opensPrompt {
            return await InteractiveShell.run(environment: environment, firstEntry: words.joined(separator: " "))
        }
        let scriptEnvironment = environment
        return try await ScriptSignals.run { try await runScript(environment: scriptEnvironment) }
    }

    /// Runs the script, `-c` commands or one command the arguments name, or stdin.
    private func runScript(environment: [String: String]) async throws -> Int32 {
        let output = Output(environment: environment, json: json)
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let session = Session(mode: .script, workingDirectory: directory, environment: environment, output: output)
        session.presentation = Presentation(echo: echo, pace: pace, step: step, typing: typing)
        let outcome: Session.Outcome
        if let commands {
            guard words.isEmpty else { throw UsageError("give either -c COMMANDS or a script/command, not both") }
            // The bytes as given: `CommandLine.arguments` would have replaced invalid UTF-8 silently.
            let bytes = CommandLine.unsafeArgv[commandsPosition + 1].map { Data(bytes: $0, count: strlen($0)) } ?? Data(commands.utf8)
            outcome = await session.runScript(bytes, file: ScriptLocation.commandLine)
        } else if let first = words.first {
            if ScriptFile.isScript(first, table: session.table) {
                guard words.count == 1 else {
                    throw UsageError("a script takes no arguments: set variables in the environment instead")
                }
                guard let ran = await session.runScript(path: first) else { throw UsageError("no script \(first)") }
                outcome = ran
            } else {
                outcome = await session.runCommand(words: words)
            }
        } else {
            outcome = await session.runScript(FileHandle.standardInput.readDataToEndOfFile(), file: ScriptLocation.standardInput)
        }
        output.flush()
        return outcome.exitStatus
    }
}

/// A mistake in sluice's own arguments: reported as `sluice: error: …`, exit status 2.
struct UsageError: ReportableError {
    let message: String
    let hint: String
    init(_ message: String, hint: String = "`sluice --help` shows the ways to run sluice") {
        self.message = message
        self.hint = hint
    }

    var problem: Problem {
        Problem(message, hint: hint, at: TextLocation(file: "sluice"))
    }
}

/// Telling a script path from the first word of a one-shot command.
enum ScriptFile {
    /// A path (has a `/`, or ends in `.sluice`) or an existing file that is not a command word.
    static func isScript(_ word: String, table: CommandTable) -> Bool {
        if word.contains("/") || word.hasSuffix(".sluice") { return true }
        var isDirectory: ObjCBool = false
        return table.command(named: [word]) == nil && !table.firstWords.contains(word)
            && FileManager.default.fileExists(atPath: word, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

/// Parses the arguments (help and usage errors exit 0 and 2, as everywhere in sluice) and runs.
func main() async -> Int32 {
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "--help", "-h":
        Sluice.printHelp(Output(environment: ProcessInfo.processInfo.environment))
        return 0
    case "--man":  // docs/sluice.1; not in --help: users read it with `man sluice`
        print(Sluice.manualPage.render(), terminator: "")
        return 0
    default:
        break
    }
    do {
        return try await Sluice(parsing: arguments).run()
    } catch {
        let output = Output(environment: ProcessInfo.processInfo.environment, json: arguments.contains("--json"))
        output.report((error as? UsageError) ?? UsageError(String(describing: error)))
        return 2
    }
}

exit(await main())
