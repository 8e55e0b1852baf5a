// The declarative description of a command. Parsing, `help`, "did you mean …?" and Tab
// completion all read these; nothing else knows a command's shape.

/// What an argument is, so the parser can check it and completion can offer candidates.
public enum ArgumentKind: Equatable, Sendable {
    /// An environment of the workspace (`copilot/environments/ENV`).
    case environment
    /// A stage of the current pipeline (named after its environment).
    case stage
    /// A pipeline of the workspace.
    case pipeline
    /// A deployment of a stage.
    case deployment
    /// A pre-deployment action of a stage.
    case preDeployment
    /// A post-deployment action of a stage.
    case postDeployment
    /// A service or job of the workspace: what a stage deploys.
    case workload
    /// A stage of the pipeline as it runs: Source, Build, or an environment (for `logs`).
    case runStage
    /// An action of that stage.
    case runAction
    /// A path, relative to the working directory.
    case filePath
    /// An http(s) URL.
    case url
    /// `OWNER/REPO` or a repository URL.
    case repository
    /// A new name (pipeline, deployment, variable…): letters, digits, `-`, `_`.
    case name
    /// A git branch (`release/2.x`), as git allows.
    case branch
    /// Anything.
    case text
    /// A 1-based position in a list (test commands).
    case index
    /// Exactly one of these words.
    case keyword([String])
    /// A command of the table (for `help`).
    case command
}

/// One argument of a command.
public struct ArgumentSpec: Sendable {
    public enum Form: Equatable, Sendable {
        /// Taken in order from the words that are not keywords or flags.
        case positional
        /// Introduced by one of these words: `branch B`, `before|after OTHER`.
        case option(keywords: [String])
        /// Present or not: `--yes`, or a word (`abandon`). The placeholder is the flag itself.
        case flag
        /// Every remaining word, as written (`echo …`).
        case rest
    }

    /// The name usage shows (`ENV`, `BRANCH`, `--yes`); also how handlers look the value up.
    public var placeholder: String
    public var kind: ArgumentKind
    public var form: Form
    public var isOptional: Bool

    public static func positional(_ placeholder: String, _ kind: ArgumentKind, optional: Bool = false) -> ArgumentSpec {
        ArgumentSpec(placeholder: placeholder, kind: kind, form: .positional, isOptional: optional)
    }

    /// `required: true` for an option the command cannot do without (`pre add … buildspec PATH`).
    public static func option(_ keywords: [String], _ placeholder: String, _ kind: ArgumentKind,
                              required: Bool = false) -> ArgumentSpec {
        ArgumentSpec(placeholder: placeholder, kind: kind, form: .option(keywords: keywords), isOptional: !required)
    }

    public static func flag(_ flag: String) -> ArgumentSpec {
        ArgumentSpec(placeholder: flag, kind: .keyword([flag]), form: .flag, isOptional: true)
    }

    public static func rest(_ placeholder: String, _ kind: ArgumentKind, optional: Bool = true) -> ArgumentSpec {
        ArgumentSpec(placeholder: placeholder, kind: kind, form: .rest, isOptional: optional)
    }

    /// How usage writes it: `ENV`, `[branch BRANCH]`, `[before|after OTHER]`, `[--yes]`, `TEXT…`.
    public var usage: String { usage(literal: { $0 }, placeholder: { $0 }) }

    /// Usage with literal words (keywords, flags) and placeholders each passed through a styling
    /// function (the manual page sets them in bold and italics).
    public func usage(literal: (String) -> String, placeholder styled: (String) -> String) -> String {
        let body: String
        switch form {
        case .positional:
            if case .keyword(let words) = kind { body = words.map(literal).joined(separator: "|") } else { body = styled(placeholder) }
        case .option(let keywords): body = "\(keywords.map(literal).joined(separator: "|")) \(styled(placeholder))"
        case .flag: body = literal(placeholder)
        case .rest: body = "\(styled(placeholder))…"
        }
        return isOptional ? "[\(body)]" : body
    }
}

/// What running a command does to state, for `record` and for the prompt's dirty marker.
public enum CommandEffect: Sendable {
    /// Reads or prints only.
    case none
    /// Changes the workspace's files or the pipeline being edited: `record` writes it.
    case changesWorkspace
    /// Changes this session only (variables, trace, recording itself).
    case changesSession
}

/// A command: its words, arguments, documentation and what runs it.
public struct CommandSpec: Sendable {
    public typealias Handler = @Sendable (Invocation, Session) async throws -> Void

    /// `["stage", "add"]`.
    public var words: [String]
    public var arguments: [ArgumentSpec]
    /// One line for `help`.
    public var summary: String
    /// The paragraph `help CMD` prints.
    public var help: String
    /// A line that works as written.
    public var example: String
    public var effect: CommandEffect
    /// False for the commands that present themselves (`say`, `pause`): `--echo` does not show them.
    public var isEchoed: Bool
    /// The command prints data and has a JSON form: it takes `--json` (added to its arguments
    /// here), and `sluice --json` makes it print JSON. Any other command refuses `--json`.
    public var printsJSON: Bool
    public var run: Handler

    /// The flag of commands that print JSON.
    public static let jsonFlag = "--json"

    public init(_ words: [String], _ arguments: [ArgumentSpec] = [], summary: String, help: String, example: String,
                effect: CommandEffect = .none, isEchoed: Bool = true, json: Bool = false, run: @escaping Handler) {
        self.words = words
        self.arguments = arguments + (json ? [.flag(Self.jsonFlag)] : [])
        self.summary = summary
        self.help = help
        self.example = example
        self.effect = effect
        self.isEchoed = isEchoed
        printsJSON = json
        self.run = run
    }

    /// `stage add`. Joined by hand: the standard library's `joined(separator:)`, unspecialised, asks
    /// the runtime for `Array: Collection` on its first call, which scans every protocol conformance
    /// of the binary (about a tenth of a millisecond; the command table names each command at start).
    public var name: String { words.dropFirst().reduce(into: words.first ?? "") { $0 += " " + $1 } }

    /// `stage add ENV [before|after OTHER]`.
    public var usage: String { usage(literal: { $0 }, placeholder: { $0 }) }

    /// Usage with its words styled as `ArgumentSpec.usage(literal:placeholder:)` does.
    public func usage(literal: (String) -> String, placeholder: (String) -> String) -> String {
        ([literal(name)] + arguments.map { $0.usage(literal: literal, placeholder: placeholder) }).joined(separator: " ")
    }
}
