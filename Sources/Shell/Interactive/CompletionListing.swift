/// What Tab does to the line: insert text at the cursor, and/or list the choices.
struct CompletionResult: Equatable {
    /// Typed at the cursor (the rest of a unique match, or the common prefix of several).
    var insertion: String
    /// Shown below the line when several candidates remain; empty otherwise.
    var listing: [String]

    static let nothing = CompletionResult(insertion: "", listing: [])
}

/// Candidate listings laid out in columns, like `ls`: filled top to bottom, then left to right.
enum CompletionListing {
    static let gap = 2

    /// Rows of `items` in as many columns as fit in `width`; each row ends with a newline.
    static func layout(_ items: [String], width: Int) -> String {
        guard !items.isEmpty else { return "" }
        let widest = items.map(displayWidth).max() ?? 0
        let columns = max(1, (width + gap) / (widest + gap))
        let rows = (items.count + columns - 1) / columns
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < items.count else { break }
                let item = items[index]
                let isLastInRow = index + rows >= items.count || column == columns - 1
                line += item
                if !isLastInRow { line += String(repeating: " ", count: widest + gap - displayWidth(item)) }
            }
            text += line + "\n"
        }
        return text
    }

    /// Columns on a terminal: one per character (wide East Asian characters are rare in
    /// environment and stage names; libedit itself measures them imperfectly).
    static func displayWidth(_ text: String) -> Int { text.count }
}

/// The longest common prefix of `words` (by characters).
func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
        while !word.hasPrefix(prefix) { prefix.removeLast() }
        if prefix.isEmpty { break }
    }
    return prefix
}
