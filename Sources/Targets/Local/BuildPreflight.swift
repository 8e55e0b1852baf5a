import Foundation
import Manifest

/// What would stop a run on this machine, found before an execution starts: no git repository or
/// branch for its Source, a buildspec its branch lacks, and what a buildspec or test runs that this
/// machine lacks. The local engine runs commands with the machine's own programs (it installs
/// nothing: `runtime-versions` and a CodeBuild image's tools are not there), so a build that calls a
/// missing program fails; `push` and `release` refuse before recording such a run, rather than
/// record it and fail halfway through, and say what would make it run.
enum BuildPreflight {
    /// Throws the first thing that would stop `plan` running here, with its fix as the hint.
    static func check(_ plan: PipelinePlan, workspaceRoot: URL) async throws {
        let source = GitSource(workspaceRoot: workspaceRoot)
        let branch = plan.source.branch
        let commit = try await source.head(of: branch)
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var projects = [plan.build]
        var tests: [(environment: String, commands: [String])] = []
        for stage in plan.stages {
            for action in stage.actions {
                switch action.kind {
                case .preDeployment(let project), .postDeployment(let project): projects.append(project)
                case .testCommands(let commands): tests.append((stage.environment, commands))
                case .approval, .deployment: break
                }
            }
        }
        for path in Set(projects.map(\.buildspec)).sorted() {
            // What it runs first (committing a buildspec that cannot run here would not help), then whether it is committed.
            let committed = try await source.text(of: path, in: commit)
            if let text = committed ?? (try? TextFile.bytes(at: workspaceRoot.appendingPathComponent(path), displayPath: path))?
                .map({ String(decoding: $0, as: UTF8.self) }) {
                let spec = try BuildspecParser.parse(text, path: path)
                _ = try LocalEngine.shell(spec.env.shell)
                try requirePrograms(missingPrograms(spec, searchPath: searchPath), of: path,
                                    hint: "install them, or build with a buildspec that runs here (`build buildspec FILE`; "
                                        + "Copilot's own packages the services with copilot, for AWS)")
            }
            guard committed != nil else { throw LocalTargetError.notCommitted(path, commit: commit, branch: branch) }
        }
        for (environment, commands) in tests {
            try requirePrograms(missing(Set(commands.flatMap(programs(in:))), searchPath: searchPath), of: "the tests of \(environment)",
                                hint: "install them, or change the tests (`test ls \(environment)`, `test rm \(environment) N`)")
        }
    }

    private static func requirePrograms(_ missing: [String], of what: String, hint: String) throws {
        guard !missing.isEmpty else { return }
        throw LocalTargetError("\(what) \(what.hasPrefix("the tests") ? "run" : "runs") \(missing.joined(separator: ", ")), which this machine "
                               + "does not have on PATH; a local run uses this machine's programs and installs nothing", hint: hint)
    }

    /// Programs the commands of `spec` start that no directory of `searchPath` holds, sorted.
    static func missingPrograms(_ spec: Buildspec, searchPath: String) -> [String] {
        let commands = spec.phases.flatMap { $0.commands + $0.finally }
        return missing(Set(commands.flatMap(programs(in:))), searchPath: searchPath)
    }

    /// Those of `programs` no directory of `searchPath` holds, sorted.
    private static func missing(_ programs: Set<String>, searchPath: String) -> [String] {
        programs.filter { programPath($0, searchPath: searchPath) == nil }.sorted()
    }

    /// The first word of each simple command in a shell command line, leaving out shell keywords,
    /// builtins, variable assignments and paths (`./tool`, `/bin/tool`, `$TOOL`).
    static func programs(in command: String) -> [String] {
        var text = ""
        var quote: Character?
        for character in command {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                text.append(" ")
            } else {
                text.append(character)
            }
        }
        // Redirections (`1>&2`, `2>/dev/null`) name no program; `&&` and a lone `&` end a command.
        text = text.replacingOccurrences(of: "[0-9]*>>?&?[0-9]*", with: " ", options: .regularExpression)
        for separator in ["&&", "||", "$(", ";", "|", "`", "(", ")", "\n", "&"] {
            text = text.replacingOccurrences(of: separator, with: "\u{0}")
        }
        var found: [String] = []
        for segment in text.split(separator: "\u{0}") {
            var words = segment.split(whereSeparator: \.isWhitespace).map(String.init)
            while let first = words.first, leadingKeywords.contains(first) || isAssignment(first) { words.removeFirst() }
            guard let word = words.first, !segmentKeywords.contains(word), !builtins.contains(word),
                  word.first?.isLetter == true, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_.+".contains($0) }) else { continue }
            found.append(word)
        }
        return found
    }

    private static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Words after which the command itself follows.
    private static let leadingKeywords: Set<String> = ["then", "do", "else", "!", "{", "time"]
    /// Words that start a segment holding no command to look up (`for x in …`, `case … in`).
    private static let segmentKeywords: Set<String> = ["if", "elif", "fi", "for", "while", "until", "done", "case", "esac",
                                                       "in", "function", "}", "select"]
    private static let builtins: Set<String> = [".", ":", "[", "[[", "alias", "break", "cd", "command", "continue", "echo",
                                                "eval", "exec", "exit", "export", "false", "getopts", "hash", "local", "printf",
                                                "pwd", "read", "readonly", "return", "set", "shift", "source", "test", "times",
                                                "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait"]
}
