/// Git's rules for a branch name (`git check-ref-format --branch`): `source set … branch` takes
/// every branch a repository can have (`release/2.x`) and refuses, where it is typed, what none can.
public enum GitBranchName {
    /// Why `name` cannot name a branch, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name == "@" { return "'@' alone means HEAD" }
        if name.hasPrefix("/") { return "it starts with '/'" }
        if name.hasSuffix("/") { return "it ends with '/'" }
        if name.hasSuffix(".") { return "it ends with '.'" }
        for sequence in ["//", "..", "@{"] where name.contains(sequence) { return "it holds '\(sequence)'" }
        for part in name.split(separator: "/") {
            if part.hasPrefix(".") { return "a part starts with '.'" }
            if part.hasSuffix(".lock") { return "a part ends with '.lock'" }
        }
        if let character = name.unicodeScalars.first(where: { isControl($0) || refused.contains($0) }) {
            return isControl(character) ? "it holds a control character" : "it holds '\(character)'"
        }
        return nil
    }

    private static let refused = Set(" ~^:?*[\\".unicodeScalars)

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7f }
}
