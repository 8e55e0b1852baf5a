/// The command under the cursor, as Tab completion sees it: the words already complete
/// (their values, quotes and escapes removed) and the one being typed.
struct CompletionLine: Equatable {
    /// The complete words of the command the cursor is in.
    var words: [String]
    /// The value typed so far of the word at the cursor; "" at the start of a new word.
    var partial: String
    /// The quote left open at the cursor (`'` or `"`), if any.
    var openQuote: Character?

    /// A character nobody types, appended to find where the cursor's word starts.
    private static let sentinel = "\u{1}"

    /// nil when the cursor is somewhere nothing completes: in a comment, after a `$`.
    init?(textBeforeCursor text: String) {
        // Lexed by the shell's own lexer: with the sentinel at the cursor, the last word is
        // the cursor's (a fresh word when the cursor follows a blank). An open quote is
        // closed for the purpose.
        for closer in ["", "'", "\""] {
            guard let commands = try? Lexer.commands(in: text + Self.sentinel + closer, file: "<completion>") else {
                continue
            }
            guard let words = commands.last?.words, let cursorWord = words.last,
                  case .literal(let typed)? = cursorWord.parts.last, typed.hasSuffix(Self.sentinel),
                  cursorWord.parts.dropLast().allSatisfy({ if case .literal = $0 { return true } else { return false } })
            else { return nil }
            self.words = words.dropLast().map(\.plainText)
            partial = cursorWord.parts.map(\.plainText).joined()
            partial.removeLast()
            openQuote = closer.first
            return
        }
        return nil
    }

    /// What to type at the cursor so that the word reads `candidate` (which extends `partial`),
    /// escaped for the quoting in force; a finished word also gets its closing quote and a blank.
    func insertion(completing candidate: String, finished: Bool) -> String {
        let rest = candidate.dropFirst(partial.count)
        var text = ""
        for character in rest {
            switch openQuote {
            case nil where Self.specialOutsideQuotes.contains(character): text += "\\\(character)"
            case "\""? where Self.specialInDoubleQuotes.contains(character): text += "\\\(character)"
            case "'"? where character == "'": text += "'\\''"
            default: text.append(character)
            }
        }
        if finished {
            if let openQuote { text.append(openQuote) }
            text += " "
        }
        return text
    }

    private static let specialOutsideQuotes: Set<Character> = [" ", "\t", "'", "\"", "\\", "$", ";", "#"]
    private static let specialInDoubleQuotes: Set<Character> = ["\"", "\\", "$"]
}

private extension Word {
    /// The word's value with variables left as written (completion never expands them).
    var plainText: String { parts.map(\.plainText).joined() }
}

private extension WordPart {
    var plainText: String {
        switch self {
        case .literal(let text): return text
        case .variable(let name, _): return "${\(name)}"
        }
    }
}
