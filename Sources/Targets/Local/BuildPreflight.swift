import Foundation
import Manifest

/// What a buildspec runs that this machine lacks, found before an execution starts. The local
/// engine runs commands with the machine's own programs (it installs nothing: `runtime-versions`
/// and a CodeBuild image's tools are not there), so a build that calls a missing program fails;
/// `push` and `release` say so before running rather than halfway through.
enum BuildPreflight {
    /// Programs the commands of `spec` start that no directory of `searchPath` holds, sorted.
    static func missingPrograms(_ spec: Buildspec, searchPath: String) -> [String] {
        let commands = spec.phases.flatMap { $0.commands + $0.finally }
        return Set(commands.flatMap(programs(in:))).filter { programPath($0, searchPath: searchPath) == nil }.sorted()
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
