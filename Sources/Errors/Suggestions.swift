/// "Did you mean …?": the closest candidates by edit distance, for every module's hints.
public enum Suggestions {
    /// Names to suggest from, each prepared once: lowercased, as scalars, with the set of its ASCII
    /// characters. A table made once (the command table's first words) serves every unknown word.
    public struct Candidates: Sendable {
        fileprivate let names: [String]
        fileprivate let folded: [[Unicode.Scalar]]
        /// Bit N of a name's mask: the name holds ASCII character N; all bits when it holds others.
        fileprivate let masks: [(low: UInt64, high: UInt64)]

        public init(_ names: [String]) {
            self.names = names
            folded = names.map { Array($0.lowercased().unicodeScalars) }
            masks = folded.map(asciiMask)
        }
    }

    /// Candidates within a distance that scales with the word's length, closest first.
    public static func closest(to word: String, among names: [String], limit: Int = 3) -> [String] {
        closest(to: word, among: Candidates(names), limit: limit)
    }

    public static func closest(to word: String, among candidates: Candidates, limit: Int = 3) -> [String] {
        let target = Array(word.lowercased().unicodeScalars)
        let allowed = max(1, min(3, target.count / 3 + 1))
        var table = DistanceTable()
        var scored: [(String, Int)] = []
        for (index, name) in candidates.names.enumerated() {
            if name.hasPrefix(word), !word.isEmpty {
                scored.append((name, 0))
                continue
            }
            let other = candidates.folded[index]
            // Lengths further apart than `allowed` are further apart than that in edits too, and so is
            // a name lacking more than `allowed` of the word's characters (each must be replaced or
            // deleted): a long mistyped word, a pasted line or a word far from every name costs no table.
            guard abs(other.count - target.count) <= allowed,
                  missing(from: candidates.masks[index], in: target, atMost: allowed) <= allowed else { continue }
            let distance = table.editDistance(target, other, limit: allowed)
            if distance <= allowed { scored.append((name, distance)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var seen = Set<String>()
        return scored.map(\.0).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// A hint sentence, or nil when nothing is close.
    public static func hint(for word: String, among names: [String]) -> String? {
        hint(for: word, among: Candidates(names))
    }

    public static func hint(for word: String, among candidates: Candidates) -> String? {
        let matches = closest(to: word, among: candidates)
        guard !matches.isEmpty else { return nil }
        return "did you mean " + matches.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }

    /// How many of `word`'s characters `mask` lacks, counted up to one past `limit`.
    private static func missing(from mask: (low: UInt64, high: UInt64), in word: [Unicode.Scalar], atMost limit: Int) -> Int {
        var count = 0
        for scalar in word {
            let value = scalar.value
            let present = value < 64 ? mask.low >> UInt64(value) & 1 != 0
                : value < 128 ? mask.high >> UInt64(value - 64) & 1 != 0
                : mask.low == .max && mask.high == .max
            if !present {
                count += 1
                if count > limit { break }
            }
        }
        return count
    }
}

/// The ASCII characters of `scalars` as bits; every bit when one is not ASCII (the bound then says nothing).
private func asciiMask(_ scalars: [Unicode.Scalar]) -> (low: UInt64, high: UInt64) {
    var mask: (low: UInt64, high: UInt64) = (0, 0)
    for scalar in scalars {
        switch scalar.value {
        case 0..<64: mask.low |= 1 << UInt64(scalar.value)
        case 64..<128: mask.high |= 1 << UInt64(scalar.value - 64)
        default: return (.max, .max)
        }
    }
    return mask
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
