import Foundation

/// Seeded mutations of a manifest's bytes, the kinds of damage and unusual shapes files take in the
/// wild: flipped bits, other line-break conventions, a byte-order mark, UTF-16, truncation, changed
/// indentation, and control characters or Unicode line breaks dropped into the text. The same seed
/// gives the same mutants on every run.
public struct ManifestMutation: Sendable {
    /// What was done, for a failure message: "crlf", "insert U+2028 at 312", …
    public let name: String
    public let bytes: [UInt8]

    /// `count` mutants of `original`, each one mutation kind (cycling through all of them) at seeded places.
    public static func mutants(of original: [UInt8], count: Int, seed: UInt64) -> [ManifestMutation] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in mutate(original, kind: index % kinds, &random) }
    }

    private static let kinds = 12

    /// Characters YAML readers break lines at, refuse, or treat specially.
    private static let inserted: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\u{7}", "\u{8}", "\u{B}", "\u{C}", "\u{1B}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}",
        "\u{A0}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\r", "\t", "#", ":", "\"", "'",
    ]

    private static func mutate(_ original: [UInt8], kind: Int, _ random: inout SplitMix64) -> ManifestMutation {
        var bytes = original
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch kind {
        case 0:
            let bit = UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            if !bytes.isEmpty { bytes[position] ^= bit }
            return ManifestMutation(name: "flip bit \(bit) of byte \(position)", bytes: bytes)
        case 1:
            let convention = ["\r\n", "\r", "\u{85}", "\u{2028}"].randomElement(using: &random)!
            return ManifestMutation(name: "every LF as \(convention.debugDescription)", bytes: replacingLineFeeds(in: bytes) { _ in convention })
        case 2:
            let conventions = ["\n", "\r\n", "\r"]
            var seeded = random
            let mixed = replacingLineFeeds(in: bytes) { _ in conventions.randomElement(using: &seeded)! }
            random = seeded
            return ManifestMutation(name: "mixed line breaks", bytes: mixed)
        case 3:
            let at = scalarBoundary(in: bytes, near: position)
            bytes.insert(13, at: at)
            return ManifestMutation(name: "lone CR at byte \(at)", bytes: bytes)
        case 4:
            return ManifestMutation(name: "byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + bytes)
        case 5:
            let bigEndian = Bool.random(using: &random)
            let units = Array(String(decoding: bytes, as: UTF8.self).utf16)
            var encoded: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
            for unit in units {
                let pair = [UInt8(unit >> 8), UInt8(unit & 0xFF)]
                encoded += bigEndian ? pair : pair.reversed()
            }
            return ManifestMutation(name: "UTF-16\(bigEndian ? "BE" : "LE") with BOM", bytes: encoded)
        case 6:
            return ManifestMutation(name: "truncated at byte \(position)", bytes: Array(bytes[..<position]))
        case 7, 8:
            // Indentation: one line's leading spaces grow, shrink or become a tab.
            let lines = lineStarts(bytes)
            guard let start = lines.randomElement(using: &random) else { return ManifestMutation(name: "empty", bytes: bytes) }
            let change = Int.random(in: 0..<3, using: &random)
            switch change {
            case 0: bytes.insert(contentsOf: [32, 32], at: start)
            case 1: if bytes[start...].starts(with: [32]) { bytes.remove(at: start) }
            default: bytes.insert(9, at: start)
            }
            return ManifestMutation(name: "indentation \(["+2", "-1", "tab"][change]) at byte \(start)", bytes: bytes)
        case 9, 10:
            let scalar = inserted.randomElement(using: &random)!
            let at = scalarBoundary(in: bytes, near: position)
            bytes.insert(contentsOf: Array(String(scalar).utf8), at: at)
            return ManifestMutation(name: "insert U+\(String(scalar.value, radix: 16, uppercase: true)) at byte \(at)", bytes: bytes)
        default:
            // A line repeated or dropped.
            let lines = lineStarts(bytes) + [bytes.count]
            guard lines.count >= 3 else { return ManifestMutation(name: "short", bytes: bytes) }
            let index = Int.random(in: 0..<(lines.count - 2), using: &random)
            let line = Array(bytes[lines[index]..<lines[index + 1]])
            if Bool.random(using: &random) {
                bytes.insert(contentsOf: line, at: lines[index])
                return ManifestMutation(name: "line \(index + 1) repeated", bytes: bytes)
            }
            bytes.removeSubrange(lines[index]..<lines[index + 1])
            return ManifestMutation(name: "line \(index + 1) dropped", bytes: bytes)
        }
    }

    private static func replacingLineFeeds(in bytes: [UInt8], _ replacement: (Int) -> String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { out += Array(replacement(index).utf8) } else { out.append(byte) }
        }
        return out
    }

    /// Offsets where lines begin (after an LF).
    private static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        [0] + bytes.indices.filter { bytes[$0] == 10 && $0 + 1 < bytes.count }.map { $0 + 1 }
    }

    /// `position` moved back to the start of a UTF-8 character.
    private static func scalarBoundary(in bytes: [UInt8], near position: Int) -> Int {
        var at = min(position, bytes.count)
        while at > 0, at < bytes.count, bytes[at] & 0xC0 == 0x80 { at -= 1 }
        return at
    }
}

/// Lines as YAML readers break them (LF, CRLF, CR, NEL, LS, PS), without their breaks: what a
/// line-by-line comparison of manifests compares.
public func yamlLines(_ text: String) -> [Substring] {
    var lines: [Substring] = []
    let scalars = text.unicodeScalars
    var start = scalars.startIndex, index = start
    while index < scalars.endIndex {
        let scalar = scalars[index]
        guard ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) else {
            index = scalars.index(after: index)
            continue
        }
        lines.append(Substring(scalars[start..<index]))
        index = scalars.index(after: index)
        if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
        start = index
    }
    lines.append(Substring(scalars[start...]))
    return lines
}
