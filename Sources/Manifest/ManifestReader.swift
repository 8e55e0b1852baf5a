import Yams

/// Where each part of a loaded manifest sits in its text, by path: `name`, `source.properties.repository`,
/// `stages[1].test_commands[0]`, `stages[0].deployments.api.depends_on[0]`. Looked up in the YAML tree
/// on demand, so loading pays nothing for it.
public struct ManifestLocations {
    let root: Node?

    /// Where the value at `path` starts (its key, when the value is empty).
    public func value(_ path: String) -> SourceLocation? { value(Self.steps(path)) }
    /// Where the key at `path` starts (the value, for a list item).
    public func key(_ path: String) -> SourceLocation? { key(Self.steps(path)) }

    public func value(_ steps: [PathStep]) -> SourceLocation? {
        guard let (key, node) = find(steps) else { return nil }
        return location(isNull(node) ? key ?? node : node)
    }

    public func key(_ steps: [PathStep]) -> SourceLocation? {
        guard let (key, node) = find(steps) else { return nil }
        return location(key ?? node)
    }

    /// The node at `steps` and, when the last step is a key, that key's node.
    private func find(_ steps: [PathStep]) -> (Node?, Node)? {
        guard var current = root else { return nil }
        var key: Node?
        for step in steps {
            switch step {
            case .key(let name):
                guard let entry = current.mapping?.first(where: { $0.key.scalar?.string == name }) else { return nil }
                key = entry.key
                current = entry.value
            case .index(let index):
                guard let items = current.sequence, index < items.count else { return nil }
                key = nil
                current = items[index]
            }
        }
        return (key, current)
    }

    private func location(_ node: Node) -> SourceLocation? {
        node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
    }

    /// `stages[1].name` → key stages, index 1, key name. (Names holding dots need the step form.)
    static func steps(_ path: String) -> [PathStep] {
        var steps: [PathStep] = []
        for part in path.split(separator: ".") {
            var name = part
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "["), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { steps.append(.key(String(name))) }
            steps += indexes.map { .index($0) }
        }
        return steps
    }
}

/// A key Copilot does not know; loading keeps going (Copilot ignores such keys), validation warns.
public struct UnknownKey: Equatable, Sendable {
    public var path: String
    public var location: SourceLocation
}

/// Builds the model from a composed YAML tree, failing with a located error where a value has the wrong shape.
struct ManifestReader {
    let file: String
    private(set) var unknownKeys: [UnknownKey] = []

    init(file: String) { self.file = file }

    mutating func read(_ root: Node?) throws -> PipelineManifest {
        guard let root, !isNull(root) else {
            throw ManifestError(file: file, line: 1, column: 1, message: "the manifest is empty",
                                hint: "start from `pipeline new`, which writes Copilot's template")
        }
        let top = try entries(root, path: "", expected: "the manifest")
        if let phases = top.pairs.first(where: { $0.name == "phases" })?.key {
            throw error(at: phases, "this is a CodeBuild buildspec, not a pipeline manifest",
                        hint: "a pipeline's manifest is copilot/pipeline.yml or copilot/pipelines/NAME/manifest.yml; its buildspec sits beside it")
        }
        try only(["name", "version", "source", "build", "stages"], in: top, path: "")
        let name = try scalar(top["name"], path: "name") ?? ""
        var version = 0
        if let node = top["version"], let text = try scalar(node, path: "version") {
            guard let number = Int(text) else {
                throw error(at: node, "version must be a whole number, not \(quoted(text))", hint: "Copilot knows only `version: 1`")
            }
            version = number
        }
        let source = try readSource(top["source"])
        let build = try readBuild(top["build"])
        var stages: [Stage] = []
        if let node = top["stages"], !isNull(node) {
            guard let items = node.sequence else {
                throw error(at: node, "stages must be a list of environments", hint: "write each stage as `- name: ENV` under `stages:`")
            }
            for (index, item) in items.enumerated() {
                stages.append(try readStage(item, path: "stages[\(index)]"))
            }
        }
        return PipelineManifest(name: name, version: version, source: source, build: build, stages: stages)
    }

    mutating func readSource(_ node: Node?) throws -> Source {
        guard let node, !isNull(node) else { return Source(provider: .other(""), properties: SourceProperties()) }
        let source = try entries(node, path: "source", expected: "source")
        try only(["provider", "properties"], in: source, path: "source")
        let provider = try scalar(source["provider"], path: "source.provider") ?? ""
        var properties = SourceProperties()
        if let node = source["properties"], !isNull(node) {
            let values = try entries(node, path: "source.properties", expected: "source.properties")
            try only(["repository", "branch", "access_token_secret", "connection_name", "connection_arn", "output_artifact_format"],
                     in: values, path: "source.properties")
            properties.repository = try scalar(values["repository"], path: "source.properties.repository")
            properties.branch = try scalar(values["branch"], path: "source.properties.branch")
            properties.accessTokenSecret = try scalar(values["access_token_secret"], path: "source.properties.access_token_secret")
            properties.connectionName = try scalar(values["connection_name"], path: "source.properties.connection_name")
            properties.connectionARN = try scalar(values["connection_arn"], path: "source.properties.connection_arn")
            properties.outputArtifactFormat = try scalar(values["output_artifact_format"], path: "source.properties.output_artifact_format")
        }
        return Source(provider: provider.isEmpty ? .other("") : SourceProvider(provider), properties: properties)
    }

    mutating func readBuild(_ node: Node?) throws -> Build? {
        guard let node, !isNull(node) else { return nil }
        let build = try entries(node, path: "build", expected: "build")
        try only(["image", "buildspec", "additional_policy"], in: build, path: "build")
        var policy: YAMLValue?
        if let node = build["additional_policy"], !isNull(node) {
            let additional = try entries(node, path: "build.additional_policy", expected: "build.additional_policy")
            try only(["PolicyDocument"], in: additional, path: "build.additional_policy")
            if let document = additional["PolicyDocument"] {
                policy = try value(document)
            }
        }
        return Build(image: try scalar(build["image"], path: "build.image"),
                     buildspec: try scalar(build["buildspec"], path: "build.buildspec"),
                     additionalPolicy: policy)
    }

    mutating func readStage(_ node: Node, path: String) throws -> Stage {
        let stage = try entries(node, path: path, expected: "a stage")
        try only(["name", "requires_approval", "test_commands", "deployments", "pre_deployments", "post_deployments"],
                 in: stage, path: path)
        var result = Stage(name: try scalar(stage["name"], path: "\(path).name") ?? "")
        if let node = stage["requires_approval"], let text = try scalar(node, path: "\(path).requires_approval") {
            switch text.lowercased() {
            // Copilot's YAML reader takes YAML 1.1 spellings for booleans too.
            case "true", "yes", "on": result.requiresApproval = true
            case "false", "no", "off": result.requiresApproval = false
            default:
                throw error(at: node, "requires_approval must be true or false, not \(quoted(text))",
                            hint: "write `requires_approval: true` or leave it out")
            }
        }
        if let node = stage["test_commands"], !isNull(node) {
            result.testCommands = try strings(node, path: "\(path).test_commands")
        }
        result.deployments = try named(stage["deployments"], path: "\(path).deployments") { reader, name, fields, itemPath in
            try reader.only(["stack_name", "template_path", "template_config", "depends_on"], in: fields, path: itemPath)
            return Deployment(name: name,
                              stackName: try reader.scalar(fields["stack_name"], path: "\(itemPath).stack_name"),
                              templatePath: try reader.scalar(fields["template_path"], path: "\(itemPath).template_path"),
                              templateConfig: try reader.scalar(fields["template_config"], path: "\(itemPath).template_config"),
                              dependsOn: try reader.dependsOn(fields, path: itemPath))
        }
        for (key, kind) in [("pre_deployments", \Stage.preDeployments), ("post_deployments", \Stage.postDeployments)] {
            result[keyPath: kind] = try named(stage[key], path: "\(path).\(key)") { reader, name, fields, itemPath in
                try reader.only(["buildspec", "depends_on"], in: fields, path: itemPath)
                return DeploymentAction(name: name, buildspec: try reader.scalar(fields["buildspec"], path: "\(itemPath).buildspec"),
                                        dependsOn: try reader.dependsOn(fields, path: itemPath))
            }
        }
        return result
    }

    private mutating func dependsOn(_ fields: Entries, path: String) throws -> [String] {
        guard let node = fields["depends_on"], !isNull(node) else { return [] }
        return try strings(node, path: "\(path).depends_on")
    }

    /// A mapping of NAME → fields (or nothing, as in `deployments: {api: }`).
    private mutating func named<Item>(_ node: Node?, path: String,
                                      _ make: (inout ManifestReader, String, Entries, String) throws -> Item) throws -> [Item] {
        guard let node, !isNull(node) else { return [] }
        let items = try entries(node, path: path, expected: path.split(separator: ".").last.map(String.init) ?? path)
        var result: [Item] = []
        for (name, _, value) in items.pairs {
            let itemPath = "\(path).\(name)"
            let fields = isNull(value) ? Entries(pairs: []) : try entries(value, path: itemPath, expected: "\(name)")
            result.append(try make(&self, name, fields, itemPath))
        }
        return result
    }

    // MARK: - Shapes

    /// A mapping's entries in file order, with string keys (Yams has already rejected duplicates).
    struct Entries {
        var pairs: [(name: String, key: Node, value: Node)]
        subscript(key: String) -> Node? { pairs.first { $0.name == key }?.value }
    }

    private func entries(_ node: Node, path: String, expected: String) throws -> Entries {
        guard let mapping = node.mapping else {
            throw error(at: node, "\(expected) must be a mapping of keys to values", hint: hint(forMappingAt: path))
        }
        var pairs: [(name: String, key: Node, value: Node)] = []
        pairs.reserveCapacity(mapping.count)
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw error(at: keyNode, "keys in \(expected) must be plain names", hint: nil)
            }
            pairs.append((key, keyNode, valueNode))
        }
        return Entries(pairs: pairs)
    }

    private func hint(forMappingAt path: String) -> String? {
        switch path {
        case "": return "a pipeline manifest starts with `name:`, `version: 1`, `source:` and `stages:`"
        case "source": return "write `provider:` and `properties:` under `source:`"
        default: return nil
        }
    }

    /// Records keys Copilot does not read; they stay in the file untouched.
    private mutating func only(_ known: Set<String>, in entries: Entries, path: String) throws {
        for (key, node, _) in entries.pairs where !known.contains(key) {
            if let mark = node.mark {
                unknownKeys.append(UnknownKey(path: path.isEmpty ? key : "\(path).\(key)",
                                              location: SourceLocation(line: mark.line, column: mark.column)))
            }
        }
    }

    private mutating func scalar(_ node: Node?, path: String) throws -> String? {
        guard let node, !isNull(node) else { return nil }
        guard let scalar = node.scalar else {
            throw error(at: node, "\(path.split(separator: ".").last ?? "value") must be a single value, not a \(node.mapping != nil ? "mapping" : "list")",
                        hint: nil)
        }
        return scalar.string
    }

    private mutating func strings(_ node: Node, path: String) throws -> [String] {
        guard let items = node.sequence else {
            let name = path.split(separator: ".").last ?? "value"
            throw error(at: node, "\(name) must be a list", hint: "write it as `\(name): [a, b]` or one `- item` per line")
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = try scalar(item, path: "\(path)[\(index)]") else {
                throw error(at: item.mark == nil ? node : item, "an item of \(path.split(separator: ".").last ?? "the list") is empty", hint: "remove the empty `-` line")
            }
            result.append(text)
        }
        return result
    }

    /// Any value, every scalar kept as written (no YAML 1.1 conversions), local tags kept.
    private func value(_ node: Node) throws -> YAMLValue {
        try YAMLValue.written(node) { error(at: $0, $1, hint: $2) }
    }

    private func error(at node: Node, _ message: String, hint: String?) -> ManifestError {
        let mark = node.mark
        return ManifestError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message, hint: hint)
    }

    private func quoted(_ text: String) -> String { "\"\(text)\"" }
}

/// `key:` with nothing after it, `~` or `null`, unquoted.
func isNull(_ node: Node) -> Bool {
    guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

extension YAMLValue {
    /// `node` as written: scalars as text, local tags kept (YAML's own, `!!str`, say nothing a policy needs).
    /// `error` says why an alias, or a key that is not a scalar, cannot be read.
    static func written(_ node: Node, error: (Node, String, String?) -> Error) throws -> YAMLValue {
        let value: YAMLValue
        switch node {
        case .scalar(let scalar): value = .scalar(scalar.string)
        case .sequence(let items): value = .sequence(try items.map { try written($0, error: error) })
        case .mapping(let mapping):
            value = .mapping(try mapping.map { key, item in
                guard let name = key.scalar?.string else { throw error(key, "keys must be plain names", nil) }
                return MappingEntry(key: name, value: try written(item, error: error))
            })
        case .alias:
            throw error(node, "aliases (*name) are not supported here", "write the value out")
        }
        let tag = node.tag.description
        return tag.hasPrefix("!") && !tag.hasPrefix("!!") ? .tagged(tag, value) : value
    }
}

/// Composes YAML with no implicit typing: every scalar stays the text written (what the model keeps),
/// and Yams skips its regular-expression tag resolution, most of its composing time. Aliases are
/// checked first, as `aliases` says (a ManifestError in `file`).
func composeAsText(_ text: String, aliases: YAMLAliases, file: String) throws -> Node? {
    try aliases.check(text, file: file)
    // The encoding given: Yams's default reads the process environment (YAMS_DEFAULT_ENCODING) on every call.
    return try Yams.compose(yaml: text, .basic, composingConstructor, .utf8)
}

/// Made once: `Constructor.default` builds its three tables anew on every call. Nothing here constructs
/// values (nodes are read as text), and a Constructor's tables are constants, so one serves every thread.
nonisolated(unsafe) private let composingConstructor = Constructor.default
