/// "Did you mean …?": the closest candidates by edit distance, for every module's hints.
public enum Suggestions {
    /// Names to suggest from, each prepared once: lowercased, as scalars, with the set of its ASCII
    /// characters, and found by length and by first byte. A table made once (the command table's first
    /// words) serves every unknown word, which then looks only at the names it could be near.
    public struct Candidates: Sendable {
        fileprivate let names: [String]
        fileprivate let folded: [[Unicode.Scalar]]
        /// Bit N of a name's mask: the name holds ASCII character N; all bits when it holds others.
        fileprivate let masks: [(low: UInt64, high: UInt64)]
        /// The names (by index) of each lowercased length in scalars (arrays, not dictionaries: no hashing).
        fileprivate let byLength: [[Int]]
        /// The all-ASCII names (as given, not lowercased) by first byte, and the others.
        fileprivate let asciiByFirstByte: [[Int]]
        fileprivate let notASCII: [Int]

        public init(_ names: [String]) {
            self.names = names
            let folded = names.map { Array($0.lowercased().unicodeScalars) }
            self.folded = folded
            masks = folded.map { name in
                let characters = CharacterCounts(name)
                return characters.nonASCII > 0 ? (.max, .max) : characters.ascii
            }
            var byLength = [[Int]](repeating: [], count: (folded.map(\.count).max() ?? 0) + 1)
            var asciiByFirstByte = [[Int]](repeating: [], count: 128)
            var notASCII: [Int] = []
            for (index, name) in names.enumerated() {
                byLength[folded[index].count].append(index)
                if !name.utf8.allSatisfy({ $0 < 0x80 }) {
                    notASCII.append(index)
                } else if let first = name.utf8.first {
                    asciiByFirstByte[Int(first)].append(index)
                }
            }
            (self.byLength, self.asciiByFirstByte, self.notASCII) = (byLength, asciiByFirstByte, notASCII)
        }

        /// The names that may start with `word`. An ASCII name does only if its bytes do (an ASCII
        /// character is canonically equivalent to itself alone), so only those sharing its first byte
        /// are asked; hasPrefix, which compares Characters, decides.
        fileprivate func prefixed(by word: String) -> [Int] {
            guard let first = word.utf8.first else { return [] }
            return ((first < 0x80 ? asciiByFirstByte[Int(first)] : []) + notASCII).filter { names[$0].hasPrefix(word) }
        }
    }

    /// Candidates within a distance that scales with the word's length, closest first.
    public static func closest(to word: String, among names: [String], limit: Int = 3) -> [String] {
        closest(to: word, among: Candidates(names), limit: limit)
    }

    public static func closest(to word: String, among candidates: Candidates, limit: Int = 3) -> [String] {
        let target = Array(word.lowercased().unicodeScalars)
        let allowed = max(1, min(3, target.count / 3 + 1))
        let targetCharacters = CharacterCounts(target)
        var table = DistanceTable()
        let prefixed = candidates.prefixed(by: word)
        var scored = prefixed.map { (candidates.names[$0], 0) }
        // Lengths further apart than `allowed` are further apart than that in edits too, and so is a name
        // lacking more than `allowed` of the word's characters (each must be replaced or deleted): a long
        // mistyped word, a pasted line or a word far from every name costs no table.
        for length in max(0, target.count - allowed)...(target.count + allowed) where length < candidates.byLength.count {
            for index in candidates.byLength[length] where !prefixed.contains(index) {
                guard missing(from: candidates.masks[index], in: targetCharacters) <= allowed else { continue }
                let distance = table.editDistance(target, candidates.folded[index], limit: allowed)
                if distance <= allowed { scored.append((candidates.names[index], distance)) }
            }
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

    /// At least how many edits the word needs to become a name with `mask`: one for each occurrence of
    /// an ASCII character the name lacks (each must be replaced or deleted), and one for each of the
    /// word's other characters when the name is all ASCII. Found from the bits of the characters lacking.
    private static func missing(from mask: (low: UInt64, high: UInt64), in word: CharacterCounts) -> Int {
        guard mask.low != .max || mask.high != .max else { return 0 }
        func occurrences(of lacking: UInt64, from first: Int) -> Int {
            var count = 0, bits = lacking
            while bits != 0 {
                count += word.occurrences[first + bits.trailingZeroBitCount]
                bits &= bits - 1
            }
            return count
        }
        return word.nonASCII + occurrences(of: word.ascii.low & ~mask.low, from: 0)
            + occurrences(of: word.ascii.high & ~mask.high, from: 64)
    }

    /// A word's ASCII characters as bits, how often each occurs, and how many of its characters are not ASCII.
    private struct CharacterCounts {
        var ascii: (low: UInt64, high: UInt64) = (0, 0)
        var occurrences = [Int](repeating: 0, count: 128)
        var nonASCII = 0

        init(_ scalars: [Unicode.Scalar]) {
            for scalar in scalars {
                switch scalar.value {
                case 0..<64: ascii.low |= 1 << UInt64(scalar.value)
                case 64..<128: ascii.high |= 1 << UInt64(scalar.value - 64)
                default:
                    nonASCII += 1
                    continue
                }
                occurrences[Int(scalar.value)] += 1
            }
        }
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
