import Foundation

/// A pattern of a CodePipeline trigger filter (branches, tags, file paths), read as CodePipeline's
/// "Working with glob patterns in syntax" says: `*` is any characters within one name component, `**`
/// any characters across `/`, `?` one character of a name component, `[abc]` `[a-z]` `[!a-c]` one of a
/// set (where `*`, `?` and `\` stand for themselves, and `-` does when first or right after `!`),
/// `{a,b}` any of the subpatterns (groups do not nest), and `\` escapes the next character. The whole
/// name or path must match.
public struct TriggerGlob: Equatable, Sendable {
    public let pattern: String
    private let expression: String

    /// Why a pattern is not one CodePipeline reads: "an unclosed [ at character 4".
    public struct Invalid: Error, Equatable, Sendable {
        public var reason: String
    }

    public init(_ pattern: String) throws {
        self.pattern = pattern
        expression = "^" + (try Self.translate(Array(pattern))) + "$"
        guard (try? NSRegularExpression(pattern: expression)) != nil else {
            throw Invalid(reason: "it is not a pattern CodePipeline reads")
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.pattern == rhs.pattern }

    /// Whether the whole of `text` (a branch, a tag, a repository path) matches.
    public func matches(_ text: String) -> Bool {
        text.range(of: expression, options: .regularExpression) != nil
    }

    private static func translate(_ characters: [Character]) throws -> String {
        var result = ""
        var index = 0
        var inGroup = false
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    result += ".*"
                    index += 1
                } else {
                    result += "[^/]*"
                }
            case "?":
                result += "[^/]"
            case "\\":
                guard index + 1 < characters.count else { throw Invalid(reason: "it ends in a lone \\ (which escapes the character after it)") }
                index += 1
                result += NSRegularExpression.escapedPattern(for: String(characters[index]))
            case "[":
                let (set, end) = try bracket(characters, from: index)
                result += set
                index = end
            case "{":
                guard !inGroup else { throw Invalid(reason: "a { group at character \(index + 1) is inside another; groups do not nest") }
                inGroup = true
                result += "(?:"
            case "}" where inGroup:
                inGroup = false
                result += ")"
            case "," where inGroup:
                result += "|"
            default:
                result += NSRegularExpression.escapedPattern(for: String(character))
            }
            index += 1
        }
        guard !inGroup else { throw Invalid(reason: "a { group is not closed with }") }
        return result
    }

    /// `[…]` from `start`: the regular expression's class and the index of its `]`.
    private static func bracket(_ characters: [Character], from start: Int) throws -> (String, Int) {
        var index = start + 1
        var result = "["
        if index < characters.count, characters[index] == "!" {
            result += "^"
            index += 1
        }
        var first = true
        while index < characters.count {
            let character = characters[index]
            if character == "]", !first {
                return (result + "]", index)
            }
            switch character {
            case "-" where first: result += "\\-"
            case "-": result += "-"
            case "\\", "[", "]", "^", "&", "~": result += "\\" + String(character)
            default: result += String(character)
            }
            first = false
            index += 1
        }
        throw Invalid(reason: "the [ at character \(start + 1) is not closed with ]")
    }
}
