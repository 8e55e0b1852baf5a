// Which lines carry on a node begun on an earlier line whatever their indentation: the rest of a flow
// collection or of a quoted scalar. libyaml reads `test_commands: [a,` followed by `b]` at column 0,
// so a block's end found by indentation alone would cut such a node in two.

/// What is still open at the end of the lines read so far, read one line at a time.
struct YAMLContinuation {
    private var flowDepth = 0
    private var quote: Unicode.Scalar?
    /// The last character read that was not a space, outside comments and across lines.
    private var lastSignificant: Unicode.Scalar?
    /// The indentation of a line ending in a block scalar's indicator (`|`, `>-`): the deeper lines
    /// after it are the scalar's text, where brackets and quotes mean nothing.
    private var blockScalarIndent: Int?
    /// A comment was read inside a flow collection.
    private(set) var sawCommentInFlow = false
    /// The column (0-based) of the explicit key indicator on the line read last (`? KEY`, `- ? KEY`,
    /// `?` alone), if it holds one.
    private(set) var explicitKeyColumn: Int?

    /// Where the outermost flow collection closed on a line: the bracket's column (in characters, as
    /// the parser counts them) and whether an item may follow the one before it without a comma
    /// (the collection is empty or its last item already ends with one).
    struct Closing {
        var column: Int
        var needsComma: Bool
    }

    /// The next line starts inside a flow collection or a quoted scalar.
    var isOpen: Bool { flowDepth > 0 || quote != nil }

    /// Reads `line`, whose indentation is `indent`, and says where it closed the outermost flow
    /// collection, if it did.
    @discardableResult
    mutating func read(_ line: Substring, indent: Int) -> Closing? {
        let scalars = line.unicodeScalars
        explicitKeyColumn = nil
        if let scalarIndent = blockScalarIndent {
            if indent > scalarIndent || scalars.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
            blockScalarIndent = nil
        }
        var closing: Closing?
        var previous: Unicode.Scalar?
        // Whether only indicators of block entries (`- `, `? `) came before on this line: a quote or
        // bracket opens a node only where a node may start (first on the line, after `- `, `? `, `: `,
        // or in a flow collection after `,`, `[`, `{`).
        var onlyEntryIndicators = true
        var atLineStart = true
        var escaped = false
        var column = 0
        // A `?` where a block entry may start is an explicit key when a blank or the line's end follows.
        var indicatorColumn: Int?
        for scalar in scalars {
            defer {
                previous = scalar
                if scalar != " " && scalar != "\t" { lastSignificant = scalar; atLineStart = false }
                if scalar != " " && scalar != "\t" && scalar != "-" && scalar != "?" { onlyEntryIndicators = false }
                column += 1
            }
            if let open = quote {
                if escaped { escaped = false; continue }
                if open == "\"", scalar == "\\" { escaped = true; continue }
                // A doubled '' inside single quotes closes and reopens: the same state after both.
                if scalar == open { quote = nil }
                continue
            }
            let afterSpace = previous == " " || previous == "\t"
            if let at = indicatorColumn {
                if scalar == " " || scalar == "\t" { explicitKeyColumn = at }
                indicatorColumn = nil
            }
            let afterIndicator = switch lastSignificant {
            case "["?, "{"?, ","?: flowDepth > 0
            case ":"?: afterSpace
            case "-"?, "?"?: afterSpace && onlyEntryIndicators
            default: false
            }
            let atNodeStart = atLineStart || afterIndicator
            switch scalar {
            case "#" where previous == nil || afterSpace:
                if flowDepth > 0 { sawCommentInFlow = true }
                return closing
            case "?" where flowDepth == 0 && onlyEntryIndicators && (previous == nil || afterSpace):
                indicatorColumn = column
            case "'" where atNodeStart, "\"" where atNodeStart:
                quote = scalar
            case "[" where flowDepth > 0 || atNodeStart, "{" where flowDepth > 0 || atNodeStart:
                flowDepth += 1
            case "]" where flowDepth > 0, "}" where flowDepth > 0:
                flowDepth -= 1
                if flowDepth == 0, closing == nil {
                    closing = Closing(column: column, needsComma: lastSignificant != "[" && lastSignificant != "{" && lastSignificant != ",")
                }
            default:
                break
            }
        }
        if let at = indicatorColumn { explicitKeyColumn = at }
        if flowDepth == 0, quote == nil, Self.endsWithBlockScalarIndicator(line) { blockScalarIndent = indent }
        return closing
    }

    /// `key: |`, `- >-`, `key: |2 # comment`: the line's value is a block scalar on the lines below.
    private static func endsWithBlockScalarIndicator(_ line: Substring) -> Bool {
        var text = line
        if let comment = text.range(of: " #") { text = text[..<comment.lowerBound] }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let last = words.last, let first = last.first, first == "|" || first == ">" else { return false }
        return last.dropFirst().allSatisfy { "+-123456789".contains($0) }
            && (words.count == 1 || words[words.count - 2].hasSuffix(":") || words[words.count - 2] == "-")
    }
}
