/// Python's `shlex.split` (POSIX mode, no comments), which botocore uses for a
/// `credential_process` command line and for the names in `[profile NAME]`,
/// `[sso-session NAME]` and `[services NAME]` headers.
enum ShellWords {
    /// The words of `text`; nil when a quote is not closed or the text ends in a backslash.
    static func split(_ text: String) -> [String]? {
        enum State: Equatable { case between, word, quoted(Unicode.Scalar), escaped(after: Unicode.Scalar?) }
        var words: [String] = [], word = String.UnicodeScalarView(), inWord = false
        var state = State.between
        for scalar in text.unicodeScalars {
            switch state {
            case .between, .word:
                if [" ", "\t", "\r", "\n"].contains(scalar) {
                    if inWord { words.append(String(word)) }
                    word = String.UnicodeScalarView()
                    inWord = false
                    state = .between
                } else if scalar == "\\" {
                    state = .escaped(after: nil)
                    inWord = true
                } else if scalar == "'" || scalar == "\"" {
                    state = .quoted(scalar)
                    inWord = true
                } else {
                    word.append(scalar)
                    inWord = true
                    state = .word
                }
            case .quoted(let quote):
                if scalar == quote {
                    state = .word
                } else if quote == "\"", scalar == "\\" {
                    state = .escaped(after: quote)
                } else {
                    word.append(scalar)
                }
            case .escaped(let quote):
                // Inside double quotes a backslash escapes only `"` and itself; before anything else it stays.
                if quote != nil, scalar != "\\", scalar != quote { word.append("\\") }
                word.append(scalar)
                state = quote.map { .quoted($0) } ?? .word
            }
        }
        switch state {
        case .quoted, .escaped: return nil
        case .between, .word:
            if inWord { words.append(String(word)) }
            return words
        }
    }
}
