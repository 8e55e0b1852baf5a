import Errors
import Foundation
import Yams

/// A buildspec that cannot be run, located in its file.
public struct BuildspecError: ReportableError, Equatable {
    /// The file as the user knows it (relative to the workspace when possible).
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(path: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var problem: Problem { Problem(message, hint: hint, at: TextLocation(file: path, line: line, column: column)) }
}

/// Reads a buildspec the way CodeBuild does, keeping every scalar as text.
///
/// Keys CodeBuild knows but a local run has no use for (`runtime-versions`, `run-as`,
/// `reports`, `cache`, …) are accepted and ignored; unknown keys are errors, because
/// CodeBuild rejects them too and a typo (`pre-build`) would otherwise skip a phase silently.
public enum BuildspecParser {
    static let topLevelKeys = ["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts",
                               "secondary-artifacts", "cache"]
    static let envKeys = ["shell", "variables", "parameter-store", "exported-variables", "secrets-manager",
                          "git-credential-helper"]
    static let phaseKeys = ["run-as", "on-failure", "runtime-versions", "commands", "finally"]
    static let artifactKeys = ["files", "name", "discard-paths", "base-directory", "exclude-paths",
                               "enable-symlinks", "s3-prefix", "secondary-artifacts"]

    /// Parses `text`; `path` only names the file in errors.
    public static func parse(_ text: String, path: String) throws -> Buildspec {
        let reader = NodeReader(path: path)
        let root: Node?
        do {
            root = try composeAsText(text, aliases: .bounded, file: path)
        } catch {
            throw reader.error(from: error)
        }
        guard let root else {
            throw BuildspecError(path: path, line: 1, column: 1, message: "the buildspec is empty",
                                 hint: "start it with `version: 0.2` and a `phases` section")
        }
        let top = try reader.mapping(root, what: "the buildspec", keys: topLevelKeys)

        guard let versionNode = top["version"] else {
            throw reader.error(at: root, "the buildspec has no `version`", hint: "add `version: 0.2` as its first line")
        }
        let version = try reader.scalar(versionNode, what: "`version`")
        guard version == "0.2" else {
            throw reader.error(at: versionNode, "buildspec version \(version) is not supported",
                               hint: "use `version: 0.2` (all commands of a build share one shell)")
        }

        var spec = Buildspec(version: version)
        if let envNode = top["env"] { spec.env = try environment(envNode, reader) }
        guard let phasesNode = top["phases"] else {
            throw reader.error(at: root, "the buildspec has no `phases`",
                               hint: "add `phases:` with at least `build: commands: [...]`")
        }
        let phaseMap = try reader.mapping(phasesNode, what: "`phases`",
                                          keys: BuildPhase.Name.allCases.map(\.rawValue))
        // Execution order is CodeBuild's, whatever the order in the file.
        for name in BuildPhase.Name.allCases {
            if let node = phaseMap[name.rawValue] { spec.phases.append(try phase(name, node, reader)) }
        }
        if let artifactsNode = top["artifacts"] { spec.artifacts = try artifacts(artifactsNode, reader) }
        return spec
    }

    /// Reads the buildspec at `url`; `displayPath` names it in errors.
    public static func load(_ url: URL, displayPath: String) throws -> Buildspec {
        let text: String
        do {
            guard let data = try TextFile.bytes(at: url, displayPath: displayPath) else {
                throw ManifestError(file: displayPath, message: "cannot read the buildspec: there is no such file",
                                    hint: "check that \(displayPath) exists")
            }
            text = try TextFile.decode(data, file: displayPath)
        } catch let error as ManifestError {
            throw BuildspecError(path: displayPath, line: error.line, column: error.column, message: error.message, hint: error.hint)
        }
        return try parse(text, path: displayPath)
    }

    private static func environment(_ node: Node, _ reader: NodeReader) throws -> BuildspecEnvironment {
        let map = try reader.mapping(node, what: "`env`", keys: envKeys)
        var env = BuildspecEnvironment()
        if let shell = map["shell"] { env.shell = try reader.scalar(shell, what: "`env.shell`") }
        if let variables = map["variables"] {
            for (key, value) in try reader.entries(variables, what: "`env.variables`") {
                env.variables.append((key, try reader.scalar(value, what: "the value of `\(key)`")))
            }
        }
        for section in ["parameter-store", "secrets-manager"] {
            guard let sectionNode = map[section] else { continue }
            env.remoteVariables += try reader.entries(sectionNode, what: "`env.\(section)`").map(\.0)
        }
        return env
    }

    private static func phase(_ name: BuildPhase.Name, _ node: Node, _ reader: NodeReader) throws -> BuildPhase {
        let map = try reader.mapping(node, what: "phase `\(name.rawValue)`", keys: phaseKeys)
        var phase = BuildPhase(name: name)
        if let commands = map["commands"] { phase.commands = try reader.commands(commands, what: "`\(name.rawValue).commands`") }
        if let finally = map["finally"] { phase.finally = try reader.commands(finally, what: "`\(name.rawValue).finally`") }
        if let onFailure = map["on-failure"] {
            let text = try reader.scalar(onFailure, what: "`on-failure`")
            guard let value = BuildPhase.OnFailure(rawValue: text.uppercased()) else {
                throw reader.error(at: onFailure, "`on-failure` is `\(text)`", hint: "use ABORT or CONTINUE")
            }
            phase.onFailure = value
        }
        return phase
    }

    private static func artifacts(_ node: Node, _ reader: NodeReader) throws -> BuildArtifacts {
        let map = try reader.mapping(node, what: "`artifacts`", keys: artifactKeys)
        guard let filesNode = map["files"] else {
            throw reader.error(at: node, "`artifacts` has no `files`", hint: "list the files to keep, e.g. `files: ['infrastructure/*']`")
        }
        var result = BuildArtifacts(files: try reader.commands(filesNode, what: "`artifacts.files`"))
        if let base = map["base-directory"] { result.baseDirectory = try reader.scalar(base, what: "`base-directory`") }
        if let discard = map["discard-paths"] { result.discardPaths = try reader.flag(discard, what: "`discard-paths`") }
        if let exclude = map["exclude-paths"] { result.excludePaths = try reader.commands(exclude, what: "`artifacts.exclude-paths`") }
        return result
    }
}

/// Turns YAML nodes into text, lists and maps, or errors that point at the node.
private struct NodeReader {
    let path: String

    func error(at node: Node, _ message: String, hint: String? = nil) -> BuildspecError {
        BuildspecError(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message, hint: hint)
    }

    /// Yams's error located as the manifest reader locates it (duplicate keys, aliases and unreadable
    /// characters included).
    func error(from yamlError: Error) -> BuildspecError {
        let located = ManifestDocument.located(yamlError: yamlError, file: path)
        return BuildspecError(path: path, line: located.line, column: located.column, message: located.message, hint: located.hint)
    }

    func scalar(_ node: Node, what: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw error(at: node, "\(what) must be a single value", hint: "quote it if it contains `: ` or starts with `-`")
        }
        return scalar.string
    }

    func flag(_ node: Node, what: String) throws -> Bool {
        switch try scalar(node, what: what).lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw error(at: node, "\(what) must be yes or no")
        }
    }

    /// The key/value pairs of a mapping, keys as text.
    func entries(_ node: Node, what: String) throws -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(at: node, "\(what) must be a mapping of names to values")
        }
        return try mapping.map { key, value in (try scalar(key, what: "a key of \(what)"), value) }
    }

    /// A mapping whose keys must be among `keys`; returns it keyed by name.
    func mapping(_ node: Node, what: String, keys: [String]) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(at: node, "\(what) must be a mapping", hint: "expected keys: \(keys.joined(separator: ", "))")
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            let key = try scalar(keyNode, what: "a key of \(what)")
            guard keys.contains(key) else {
                let suggestion = Suggestions.closest(to: key, among: keys, limit: 1).first.map { "did you mean `\($0)`? " } ?? ""
                throw error(at: keyNode, "unknown key `\(key)` in \(what)",
                            hint: suggestion + "known keys: \(keys.joined(separator: ", "))")
            }
            if result[key] != nil { throw error(at: keyNode, "`\(key)` appears twice in \(what)") }
            result[key] = value
        }
        return result
    }

    /// A list of commands (or glob patterns): text items; a single text value counts as a one-item list.
    func commands(_ node: Node, what: String) throws -> [String] {
        switch node {
        case .scalar(let scalar):
            return scalar.string.isEmpty ? [] : [scalar.string]
        case .sequence(let sequence):
            return try sequence.map { item in
                guard case .scalar(let scalar) = item else {
                    throw error(at: item, "an item of \(what) is not text",
                                hint: "a command containing `: ` must be quoted, e.g. - \"echo 'a: b'\"")
                }
                return scalar.string
            }
        default:
            throw error(at: node, "\(what) must be a list")
        }
    }
}
