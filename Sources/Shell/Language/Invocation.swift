import Text

/// A command matched against its spec, with its arguments bound by placeholder.
public struct Invocation: Sendable {
    public let spec: CommandSpec
    /// Where the command's first word was written.
    public let location: ScriptLocation
    /// Every word after the command's words, expanded.
    public let arguments: [Argument]
    /// Positional and option values, by placeholder.
    private let values: [String: Argument]
    /// Which keyword introduced an option (`before` or `after`), by placeholder.
    private let optionKeywords: [String: String]
    private let flags: Set<String>
    /// The words a `.rest` argument took.
    public let rest: [Argument]
    /// Just past the last word: where a missing argument "is".
    public let end: ScriptLocation

    init(spec: CommandSpec, location: ScriptLocation, arguments: [Argument], values: [String: Argument],
         optionKeywords: [String: String], flags: Set<String>, rest: [Argument], end: ScriptLocation) {
        self.spec = spec
        self.location = location
        self.arguments = arguments
        self.values = values
        self.optionKeywords = optionKeywords
        self.flags = flags
        self.rest = rest
        self.end = end
    }

    /// The argument bound to `placeholder`, if given.
    public func argument(_ placeholder: String) -> Argument? { values[placeholder] }

    /// The text bound to `placeholder`, if given.
    public subscript(_ placeholder: String) -> String? { values[placeholder]?.text }

    /// The text of a required argument (the binder guarantees it is there).
    public func required(_ placeholder: String) -> String {
        guard let value = values[placeholder] else {
            preconditionFailure("\(spec.name): \(placeholder) is not a required argument of its spec")
        }
        return value.text
    }

    /// The keyword that introduced option `placeholder` (`before`/`after`).
    public func keyword(of placeholder: String) -> String? { optionKeywords[placeholder] }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// Where `placeholder`'s value was written, else where the command starts.
    public func location(of placeholder: String) -> ScriptLocation {
        values[placeholder]?.location ?? location
    }

    /// Where an argument reading `text` was written, else where the command starts: what an error
    /// about a name it was given (a stage) points at.
    public func location(ofArgument text: String) -> ScriptLocation {
        arguments.first { $0.text == text }?.location ?? location
    }

    /// The `.rest` words joined by single spaces (`echo`).
    public var restText: String { rest.map(\.text).joined(separator: " ") }

    /// The same command with `text` as `placeholder`'s value.
    public func replacing(_ placeholder: String, with text: String) -> Invocation {
        guard let old = values[placeholder] else { return self }
        var new = old
        new.text = text
        var values = self.values
        values[placeholder] = new
        return Invocation(spec: spec, location: location, arguments: arguments.map { $0 == old ? new : $0 }, values: values,
                          optionKeywords: optionKeywords, flags: flags, rest: rest, end: end)
    }

    /// The command as a script line that replays it: words quoted where needed.
    public var scriptLine: String {
        (spec.words + arguments.map(\.text)).map(ShellEscaping.quoted).joined(separator: " ")
    }
}
