import Errors
import Manifest

/// The commands the shell knows, and the one parser of their arguments.
public struct CommandTable: Sendable {
    /// In `help` order.
    public let commands: [CommandSpec]
    /// Indexes into `commands` by first word, longest command first (so `record stop`
    /// wins over `record FILE`).
    private let byFirstWord: [String: [Int]]
    /// Every distinct first word, sorted (computed once: every unknown command's hint reads them).
    public let firstWords: [String]
    private let firstWordCandidates: Suggestions.Candidates

    public init(_ commands: [CommandSpec]) {
        self.commands = commands
        var index: [String: [Int]] = [:]
        for (position, command) in commands.enumerated() {
            index[command.words[0], default: []].append(position)
        }
        for (word, positions) in index {
            index[word] = positions.sorted { commands[$0].words.count > commands[$1].words.count }
        }
        byFirstWord = index
        firstWords = index.keys.sorted()
        firstWordCandidates = Suggestions.Candidates(firstWords)
    }

    /// Which commands print JSON, for the error of one that does not.
    public var jsonHint: String {
        "--json works with " + commands.filter(\.printsJSON).map { "`\($0.name)`" }.joined(separator: ", ")
    }

    /// The command spelled exactly `words`.
    public func command(named words: [String]) -> CommandSpec? {
        guard let first = words.first else { return nil }
        return byFirstWord[first]?.lazy.map { commands[$0] }.first { $0.words == words }
    }

    /// The commands whose words start with `words` (`stage` → stage add, stage rm, …), in table order.
    public func commands(startingWith words: [String]) -> [CommandSpec] {
        commands.filter { $0.words.starts(with: words) }
    }

    /// Matches the leading words to a command and binds the rest to its arguments.
    public func bind(_ arguments: [Argument]) throws -> Invocation {
        guard let first = arguments.first else {
            preconditionFailure("a command has at least one word")
        }
        guard let candidates = byFirstWord[first.text] else {
            throw ShellError.usage("unknown command '\(Secrets.redacted(first.text))'",
                                   hint: Suggestions.hint(for: first.text, among: firstWordCandidates)
                                       ?? "`help` lists the commands",
                                   at: first.location)
        }
        for position in candidates {
            let spec = commands[position]
            if arguments.count >= spec.words.count,
               zip(spec.words, arguments).allSatisfy({ $0 == $1.text }) {
                return try bind(arguments, to: spec)
            }
        }
        // The first word names a group (`stage`) but what follows is none of its subcommands.
        let subcommands = candidates.compactMap { commands[$0].words.dropFirst().first }.removingDuplicates()
        let group = first.text
        guard arguments.count > 1 else {
            throw ShellError.usage("`\(group)` needs a subcommand: \(subcommands.joined(separator: ", "))",
                                   hint: "`help \(group)` shows each one with an example", at: first.location)
        }
        let word = arguments[1]
        throw ShellError.usage("unknown subcommand '\(Secrets.redacted(word.text))' for `\(group)`",
                               hint: Suggestions.hint(for: word.text, among: subcommands)
                                   ?? "`\(group)` takes: \(subcommands.joined(separator: ", "))",
                               at: word.location)
    }

    private func bind(_ arguments: [Argument], to spec: CommandSpec) throws -> Invocation {
        let positionals = spec.arguments.filter { $0.form == .positional }
        let restSpec = spec.arguments.first { $0.form == .rest }
        var values: [String: Argument] = [:]
        var optionKeywords: [String: String] = [:]
        var flags = Set<String>()
        var rest: [Argument] = []
        var nextPositional = 0
        var index = spec.words.count
        let usage = "usage: \(spec.usage)"
        while index < arguments.count {
            let argument = arguments[index]
            if restSpec != nil, nextPositional >= positionals.count {
                rest = Array(arguments[index...])
                break
            }
            if !argument.isQuoted {
                if argument.text.hasPrefix("--") {
                    if argument.text == CommandSpec.jsonFlag, !spec.printsJSON {
                        throw ShellError.usage("`\(spec.name)` has no JSON form", hint: jsonHint, at: argument.location)
                    }
                    guard spec.arguments.contains(where: { $0.form == .flag && $0.placeholder == argument.text }) else {
                        let known = spec.arguments.filter { $0.form == .flag }.map(\.placeholder)
                        throw ShellError.usage(
                            "`\(spec.name)` has no flag \(Secrets.redacted(argument.text))",
                            hint: Suggestions.hint(for: argument.text, among: known)
                                ?? (known.isEmpty ? usage : "its flags are \(known.joined(separator: ", "))"),
                            at: argument.location)
                    }
                    flags.insert(argument.text)
                    index += 1
                    continue
                }
                // A word flag (`stop abandon`) is its own word, as `--yes` is.
                if spec.arguments.contains(where: { $0.form == .flag && $0.placeholder == argument.text }) {
                    flags.insert(argument.text)
                    index += 1
                    continue
                }
                if let option = spec.arguments.first(where: {
                    if case .option(let keywords) = $0.form { return keywords.contains(argument.text) }
                    return false
                }) {
                    if let previous = optionKeywords[option.placeholder] {
                        throw ShellError.usage("`\(previous)` is already given", hint: usage, at: argument.location)
                    }
                    guard index + 1 < arguments.count else {
                        throw ShellError.usage("`\(argument.text)` needs a value (\(option.placeholder))",
                                               hint: usage, at: argument.location)
                    }
                    let value = arguments[index + 1]
                    try check(value, against: option, in: spec)
                    values[option.placeholder] = value
                    optionKeywords[option.placeholder] = argument.text
                    index += 2
                    continue
                }
            }
            guard nextPositional < positionals.count else {
                throw ShellError.usage("unexpected argument '\(Secrets.redacted(argument.text))' for `\(spec.name)`",
                                       hint: usage, at: argument.location)
            }
            let positional = positionals[nextPositional]
            try check(argument, against: positional, in: spec)
            values[positional.placeholder] = argument
            nextPositional += 1
            index += 1
        }
        let end = arguments.last.map { last in
            ScriptLocation(file: last.location.file, line: last.location.line,
                           column: last.location.column + last.text.count + (last.isQuoted ? 2 : 0))
        } ?? arguments[0].location
        if let missing = positionals[nextPositional...].first(where: { !$0.isOptional }) {
            throw ShellError.usage("`\(spec.name)` needs \(missing.usage)", hint: usage, at: end)
        }
        if let missing = spec.arguments.first(where: { !$0.isOptional && $0.form != .positional && $0.form != .rest
                && values[$0.placeholder] == nil }) {
            throw ShellError.usage("`\(spec.name)` needs \(missing.usage)", hint: usage, at: end)
        }
        if let restSpec, !restSpec.isOptional, rest.isEmpty {
            throw ShellError.usage("`\(spec.name)` needs \(restSpec.placeholder)", hint: usage, at: end)
        }
        return Invocation(spec: spec, location: arguments[0].location,
                          arguments: Array(arguments[spec.words.count...]), values: values,
                          optionKeywords: optionKeywords, flags: flags, rest: rest, end: end)
    }

    /// Checks what can be checked without the session: keyword choices, indexes, URLs, names.
    private func check(_ argument: Argument, against spec: ArgumentSpec, in command: CommandSpec) throws {
        let text = argument.text
        switch spec.kind {
        case .keyword(let words):
            guard words.contains(text) else {
                throw ShellError.usage("`\(command.name)` expects \(words.joined(separator: " or ")), not '\(Secrets.redacted(text))'",
                                       hint: Suggestions.hint(for: text, among: words) ?? "usage: \(command.usage)",
                                       at: argument.location)
            }
        case .index:
            guard let number = Int(text), number >= 1 else {
                throw ShellError.usage("\(spec.placeholder) must be a number from 1, not '\(Secrets.redacted(text))'",
                                       hint: "usage: \(command.usage)", at: argument.location)
            }
        case .url:
            guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
                throw ShellError.usage("\(spec.placeholder) must be an http:// or https:// URL, not '\(Secrets.redacted(text))'",
                                       hint: "usage: \(command.usage)", at: argument.location)
            }
        case .name, .environment, .stage, .pipeline, .deployment, .preDeployment, .postDeployment, .workload:
            guard !text.isEmpty, text.utf8.allSatisfy(Self.isNameByte) else {
                throw ShellError.usage("\(spec.placeholder) must be a name of letters, digits, '-' and '_', not '\(Secrets.redacted(text))'",
                                       hint: "usage: \(command.usage)", at: argument.location)
            }
        case .branch:
            if let problem = GitBranchName.problem(text) {
                throw ShellError.usage("\(spec.placeholder) '\(Secrets.redacted(text))' is not a git branch name: \(problem)",
                                       hint: "usage: \(command.usage)", at: argument.location)
            }
        case .filePath, .repository, .text, .command, .runStage, .runAction:
            guard !text.isEmpty else {
                throw ShellError.usage("\(spec.placeholder) is empty", hint: "usage: \(command.usage)", at: argument.location)
            }
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}

/// What may come next after some complete words: the input of Tab completion.
public struct Expectation: Sendable {
    /// Literal words that fit: command words, subcommands, option keywords, flags, keyword choices.
    public var words: [String]
    /// A value of this kind fits too (the session supplies candidates for it).
    public var argument: ArgumentSpec?
    /// The command matched so far, if the typed words name one.
    public var command: CommandSpec?
    /// Values already bound by placeholder (`test rm ENV N` needs ENV to list N).
    public var bound: [String: String]
}

extension CommandTable {
    /// What can follow `words` (the complete words before the cursor). Never throws:
    /// words that would not parse simply yield fewer suggestions.
    public func expectation(after words: [String]) -> Expectation {
        var expectation = Expectation(words: [], argument: nil, command: nil, bound: [:])
        guard !words.isEmpty else {
            expectation.words = firstWords
            return expectation
        }
        var literal: [String] = []
        for command in byFirstWord[words[0]].map({ $0.map { commands[$0] } }) ?? [] {
            if words.count < command.words.count, command.words.starts(with: words) {
                literal.append(command.words[words.count])
            }
        }
        if let command = byFirstWord[words[0]]?.lazy.map({ self.commands[$0] })
            .first(where: { words.count >= $0.words.count && words.starts(with: $0.words) }) {
            expectation.command = command
            let (argument, more, bound) = next(after: Array(words[command.words.count...]), in: command)
            expectation.argument = argument
            expectation.bound = bound
            literal += more
        }
        expectation.words = literal.removingDuplicates()
        return expectation
    }

    /// Replays binding over `given` without errors to find the next slot.
    private func next(after given: [String], in command: CommandSpec) -> (ArgumentSpec?, [String], [String: String]) {
        let positionals = command.arguments.filter { $0.form == .positional }
        var bound: [String: String] = [:]
        var usedOptions = Set<String>()
        var flags = Set<String>()
        var nextPositional = 0
        var index = 0
        while index < given.count {
            let word = given[index]
            if command.arguments.contains(where: { $0.form == .rest }), nextPositional >= positionals.count {
                return (command.arguments.first { $0.form == .rest }, [], bound)
            }
            if word.hasPrefix("--") || command.arguments.contains(where: { $0.form == .flag && $0.placeholder == word }) {
                flags.insert(word)
                index += 1
                continue
            }
            if let option = command.arguments.first(where: {
                if case .option(let keywords) = $0.form { return keywords.contains(word) }
                return false
            }), !usedOptions.contains(option.placeholder) {
                usedOptions.insert(option.placeholder)
                if index + 1 == given.count { return (option, option.keywordWords, bound) }
                bound[option.placeholder] = given[index + 1]
                index += 2
                continue
            }
            if nextPositional < positionals.count { bound[positionals[nextPositional].placeholder] = word }
            nextPositional += 1
            index += 1
        }
        var literal: [String] = []
        var argument: ArgumentSpec?
        if nextPositional < positionals.count {
            argument = positionals[nextPositional]
            literal += positionals[nextPositional].keywordWords
        } else if let rest = command.arguments.first(where: { $0.form == .rest }) {
            argument = rest
        }
        // Options and flags may come once the required positionals before them are given.
        if nextPositional >= positionals.prefix(while: { !$0.isOptional }).count || argument?.isOptional == true {
            for spec in command.arguments {
                switch spec.form {
                case .option(let keywords) where !usedOptions.contains(spec.placeholder): literal += keywords
                case .flag where !flags.contains(spec.placeholder): literal.append(spec.placeholder)
                default: break
                }
            }
        }
        return (argument, literal, bound)
    }
}

private extension ArgumentSpec {
    /// The choices of a keyword-kind value.
    var keywordWords: [String] {
        if case .keyword(let words) = kind, form != .flag { return words }
        return []
    }
}

extension Sequence where Element: Hashable {
    /// Without repeats, first occurrence kept.
    func removingDuplicates() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
