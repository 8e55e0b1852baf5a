/// A word after expansion: the text a command receives, and where it was written.
public struct Argument: Equatable, Sendable {
    public var text: String
    public var location: ScriptLocation
    /// Written (partly) in quotes: never taken as a keyword or a flag.
    public var isQuoted: Bool

    public init(text: String, location: ScriptLocation, isQuoted: Bool = false) {
        self.text = text
        self.location = location
        self.isQuoted = isQuoted
    }
}

/// Where `$NAME` looks: the shell's `set` variables first, then the process environment.
public struct Variables: Sendable {
    public private(set) var assigned: [String: String] = [:]
    private let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public subscript(name: String) -> String? {
        assigned[name] ?? environment[name]
    }

    public mutating func set(_ name: String, _ value: String) {
        assigned[name] = value
    }

    /// True when `name` can be used as `$name`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}

extension Word {
    /// The word's text with variables replaced. An undefined name is an error, never "".
    public func expanded(with variables: Variables) throws -> Argument {
        if parts.count == 1, case .literal(let text) = parts[0] {
            return Argument(text: text, location: location, isQuoted: isQuoted)
        }
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .variable(let name, let at):
                guard let value = variables[name] else {
                    throw ShellError.failure("undefined variable \(name)",
                                           hint: "define it first with `set \(name) VALUE`, or export it in the environment",
                                           at: at)
                }
                text += value
            }
        }
        return Argument(text: text, location: location, isQuoted: isQuoted)
    }
}
