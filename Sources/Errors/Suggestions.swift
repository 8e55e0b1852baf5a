/// "Did you mean …?": the closest candidates by edit distance, for every module's hints.
public enum Suggestions {
    /// Candidates within a distance that scales with the word's length, closest first.
    public static func closest(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let target = Array(word.lowercased().unicodeScalars)
        let allowed = max(1, min(3, target.count / 3 + 1))
        var table = DistanceTable()
        var scored: [(String, Int)] = []
        for candidate in candidates {
            if candidate.hasPrefix(word), !word.isEmpty {
                scored.append((candidate, 0))
                continue
            }
            // Lengths further apart than `allowed` are further apart than that in edits too: a long
            // mistyped word (or a pasted line) costs no table. Lowercasing keeps an ASCII name's
            // length, so most candidates are passed over before they are copied.
            if candidate.utf8.allSatisfy({ $0 < 0x80 }), abs(candidate.utf8.count - target.count) > allowed { continue }
            let other = Array(candidate.lowercased().unicodeScalars)
            guard abs(other.count - target.count) <= allowed else { continue }
            let distance = table.editDistance(target, other, limit: allowed)
            if distance <= allowed { scored.append((candidate, distance)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var seen = Set<String>()
        return scored.map(\.0).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// A hint sentence, or nil when nothing is close.
    public static func hint(for word: String, among candidates: [String]) -> String? {
        let matches = closest(to: word, among: candidates)
        guard !matches.isEmpty else { return nil }
        return "did you mean " + matches.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }

}

/// The three rows edit distances are computed in, kept from one candidate to the next.
private struct DistanceTable {
    private var previousPrevious: [Int] = []
    private var previous: [Int] = []
    private var current: [Int] = []

    /// Damerau–Levenshtein (with adjacent transpositions: "stgae" is one step from "stage"), or some
    /// number above `limit` as soon as two rows in a row exceed it (every later row then does too):
    /// a word far from every candidate costs a few rows, not whole tables.
    mutating func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        if previous.count < b.count + 1 {
            previousPrevious = Array(repeating: 0, count: b.count + 1)
            previous = previousPrevious
            current = previousPrevious
        }
        for j in 0...b.count { previous[j] = j }
        var previousMinimum = 0
        for i in 1...a.count {
            current[0] = i
            var minimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
                minimum = min(minimum, current[j])
            }
            if minimum > limit, previousMinimum > limit { return minimum }
            previousMinimum = minimum
            swap(&previousPrevious, &previous)
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
