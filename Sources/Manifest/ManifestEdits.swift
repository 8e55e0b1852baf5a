import Foundation
import Yams

/// Where `stage add` and `stage move` put a stage.
public enum StagePosition: Equatable, Sendable {
    case end
    case before(String)
    case after(String)
}

/// `pre_deployments` or `post_deployments`.
public enum ActionTiming: String, Equatable, Sendable {
    case pre = "pre_deployments"
    case post = "post_deployments"
}

extension Stage {
    /// The stage's pre- or post-deployment actions.
    public func actions(_ timing: ActionTiming) -> [DeploymentAction] {
        timing == .pre ? preDeployments : postDeployments
    }
}

// Every edit rewrites only the lines it concerns, re-reads the result, and returns whether the text
// changed (false: it already said that, so scripts converge). Editing a stage that does not exist throws
// ``NoSuchStage``; editing anything else that does not exist, a ManifestError naming what does. An edit that throws leaves the document as it was.
extension ManifestDocument {
    // MARK: Source

    /// Sets `source`: provider, repository, and — when given — branch and either a CodeStar connection
    /// name or (GitHub v1) an access-token secret; the one set replaces the other. CodeCommit uses neither.
    public mutating func setSource(provider: SourceProvider, repository: String, branch: String? = nil,
                                   connectionName: String? = nil, accessTokenSecret: String? = nil) throws -> Bool {
        try editing(.entry("source")) { document in
            var changed = false
            if document.manifest.source.provider != provider {
                changed = try document.setScalar(in: [.key("source")], "provider", provider.description, before: "properties") || changed
            }
            let properties: [PathStep] = [.key("source"), .key("properties")]
            changed = try document.setScalar(in: properties, "repository", repository) || changed
            if let branch { changed = try document.setScalar(in: properties, "branch", branch) || changed }
            var unused: [String] = []
            if provider == .codeCommit {
                unused = ["connection_name", "connection_arn", "access_token_secret"]
            } else if let connectionName {
                changed = try document.setScalar(in: properties, "connection_name", connectionName) || changed
                unused = ["access_token_secret"]
            } else if provider == .gitHub, let accessTokenSecret {
                changed = try document.setScalar(in: properties, "access_token_secret", accessTokenSecret) || changed
                unused = ["connection_name", "connection_arn"]
            } else if provider == .bitbucket {
                // Bitbucket is reached through a connection only: a token secret is GitHub v1's.
                unused = ["access_token_secret"]
            }
            for key in unused { changed = try document.removeEntry(in: properties, key) || changed }
            return changed
        }
    }

    // MARK: Stages

    /// Adds a stage deploying to `environment`, in the file's own style (Copilot's commented item for a
    /// Copilot-written file). Already there: unchanged, unless `position` names a place it is not
    /// (then an error pointing to `moveStage`), so a setup script re-run converges.
    public mutating func addStage(_ environment: String, at position: StagePosition = .end) throws -> Bool {
        if let existing = stageIndex(named: environment) {
            if position == .end { return false }
            if try isAlready(environment, at: position) { return false }
            throw error(at: "stages[\(existing)].name", "stage \(environment) already exists, elsewhere in the order",
                        hint: "move it with `stage move \(environment) \(describe(position))`")
        }
        let target = try insertionIndex(for: position)
        let count = manifest.stages.count
        // A stage added at the end reads only the first stage (whose style it takes) and the last.
        let appending = count > 0 && target == count && partLines.stages?.count == count
        let newLines = reading(appending ? .stage(0) : .whole) { document in
            document.newStageLines(environment, items: document.layout.node(at: [.key("stages")])?.sequence)
        }
        let separated = partLines.stages.map { $0.count >= 2 && lines.isBlank($0[1] - 1) }
        return try editing(appending ? .stage(count - 1) : .whole) { document in
            let layout = document.layout
            guard let stagesNode = layout.node(at: [.key("stages")]), let items = stagesNode.sequence, !items.isEmpty else {
                return try document.createStages(with: environment)
            }
            guard !layout.isFlow(stagesNode) else { throw document.flowError("stages") }
            let first = count - items.count
            return try document.apply([layout.insertItem(newLines, into: items, at: target - first, separated: separated)])
        }
    }

    /// Removes the stage deploying to `environment` with everything in it.
    public mutating func removeStage(_ environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        return try editing { document in
            let items = try document.stageItems()
            return try document.apply([document.layout.removeItem(items, index)])
        }
    }

    /// Moves the stage deploying to `environment` before or after another, its lines and comments intact.
    public mutating func moveStage(_ environment: String, to position: StagePosition) throws -> Bool {
        let index = try stageIndex(environment)
        if try isAlready(environment, at: position) { return false }
        let target = try insertionIndex(for: position)
        return try editing { document in
            let layout = document.layout
            let items = try document.stageItems()
            let extent = layout.itemLines(items, index)
            let text = extent.map { String(layout.lines[$0]) }
            let removal = layout.removeItem(items, index)
            return try document.apply([removal, layout.insertItem(text, into: items, at: target)])
        }
    }

    /// Turns the manual approval before deploying to `environment` on or off. Off comments the setting
    /// out as Copilot's template does, so on → off → on gives back the original lines.
    public mutating func setApproval(_ required: Bool, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        if manifest.stages[index].requiresApproval == required { return false }
        return try editing(.stage(index)) { document in
            let stage: [PathStep] = [.key("stages"), .index(index)]
            let layout = document.layout
            if !required, let entry = layout.node(at: stage).flatMap({ layout.entry("requires_approval", in: $0) }),
               layout.entryLines(entry.key).count == 1 {
                let line = layout.line(entry.key)
                let indent = YAMLLayout.spaces(layout.column(entry.key))
                let content = layout.lines.content(line)
                return try document.apply([LineSplice(range: line..<(line + 1), lines: [indent + "# " + content])])
            }
            return try document.setScalar(in: stage, "requires_approval", required ? "true" : "false", literal: true)
        }
    }

    // MARK: Test commands

    /// Appends `command` to the stage's `test_commands`; a command already listed is left alone.
    public mutating func addTestCommand(_ command: String, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        let commands = manifest.stages[index].testCommands
        if commands.contains(command) { return false }
        return try editing(.stage(index)) { document in
            try document.setSequence(in: [.key("stages"), .index(index)], "test_commands", commands + [command], appending: command)
        }
    }

    /// Removes test command number `number` (1-based, as `test ls` shows them) of the stage.
    public mutating func removeTestCommand(at number: Int, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        var commands = manifest.stages[index].testCommands
        guard number >= 1, number <= commands.count else {
            throw error(at: "stages[\(index)].name",
                        commands.isEmpty ? "stage \(environment) has no test commands"
                            : "stage \(environment) has \(commands.count) test command\(commands.count == 1 ? "" : "s"); there is no number \(number)",
                        hint: commands.isEmpty ? "add one with `test add \(environment) \"CMD\"`" : "`test ls \(environment)` lists them with their numbers")
        }
        commands.remove(at: number - 1)
        return try editing(.stage(index)) { document in
            let stage: [PathStep] = [.key("stages"), .index(index)]
            if commands.isEmpty { return try document.removeEntry(in: stage, "test_commands") }
            let layout = document.layout
            if let node = layout.node(at: stage + [.key("test_commands")]), let items = node.sequence, !layout.isFlow(node) {
                return try document.apply([layout.removeItem(items, number - 1)])
            }
            return try document.setSequence(in: stage, "test_commands", commands, appending: nil)
        }
    }

    // MARK: Deployments and actions

    /// Adds (or, if it differs, replaces) the stage's deployment `deployment.name`.
    public mutating func addDeployment(_ deployment: Deployment, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        var fields: [YAMLValue.MappingEntry] = []
        if let value = deployment.stackName { fields.append(.init(key: "stack_name", value: .scalar(value))) }
        if let value = deployment.templatePath { fields.append(.init(key: "template_path", value: .scalar(value))) }
        if let value = deployment.templateConfig { fields.append(.init(key: "template_config", value: .scalar(value))) }
        if !deployment.dependsOn.isEmpty {
            fields.append(.init(key: "depends_on", value: .sequence(deployment.dependsOn.map { .scalar($0) })))
        }
        let existing = manifest.stages[index].deployments.first { $0.name == deployment.name }
        if existing == deployment { return false }
        return try editing(.stage(index)) { document in
            try document.setNamedEntry(in: [.key("stages"), .index(index), .key("deployments")], deployment.name, fields: fields)
        }
    }

    /// Removes the stage's deployment `name`; `deployments:` goes too when it was the last one.
    public mutating func removeDeployment(named name: String, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        let names = manifest.stages[index].deployments.map(\.name)
        guard names.contains(name) else {
            throw error(at: "stages[\(index)].name", "stage \(environment) has no deployment named \(name)\(listing(names, "deployments"))",
                        hint: "`stage ls` shows each stage's deployments")
        }
        return try editing(.stage(index)) { document in
            try document.removeEntry(in: [.key("stages"), .index(index), .key("deployments")], name)
        }
    }

    /// Adds (or, if it differs, replaces) a pre- or post-deployment action of the stage.
    public mutating func addAction(_ action: DeploymentAction, _ timing: ActionTiming, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        var fields: [YAMLValue.MappingEntry] = []
        if let buildspec = action.buildspec { fields.append(.init(key: "buildspec", value: .scalar(buildspec))) }
        if !action.dependsOn.isEmpty { fields.append(.init(key: "depends_on", value: .sequence(action.dependsOn.map { .scalar($0) }))) }
        let stage = manifest.stages[index]
        let existing = stage.actions(timing).first { $0.name == action.name }
        if existing == action { return false }
        return try editing(.stage(index)) { document in
            try document.setNamedEntry(in: [.key("stages"), .index(index), .key(timing.rawValue)], action.name, fields: fields)
        }
    }

    /// Removes a pre- or post-deployment action of the stage.
    public mutating func removeAction(named name: String, _ timing: ActionTiming, stage environment: String) throws -> Bool {
        let index = try stageIndex(environment)
        let stage = manifest.stages[index]
        let names = stage.actions(timing).map(\.name)
        guard names.contains(name) else {
            let kind = timing == .pre ? "pre-deployment" : "post-deployment"
            throw error(at: "stages[\(index)].name", "stage \(environment) has no \(kind) action named \(name)\(listing(names, "\(kind) actions"))",
                        hint: "`stage ls` shows each stage's actions")
        }
        return try editing(.stage(index)) { document in
            try document.removeEntry(in: [.key("stages"), .index(index), .key(timing.rawValue)], name)
        }
    }

    // MARK: Build

    /// Sets `build.image`, the CodeBuild image of the build stage.
    public mutating func setBuildImage(_ image: String) throws -> Bool {
        if manifest.build?.image == image { return false }
        return try editing(.entry("build")) { try $0.setScalar(in: [.key("build")], "image", image) }
    }

    /// Sets `build.buildspec`, the buildspec path relative to the workspace root.
    public mutating func setBuildspecPath(_ path: String) throws -> Bool {
        if manifest.build?.buildspec == path { return false }
        return try editing(.entry("build")) { try $0.setScalar(in: [.key("build")], "buildspec", path) }
    }

    /// Sets `build.additional_policy.PolicyDocument` from a policy file's content, YAML or JSON: either
    /// the document itself (`Version`, `Statement`) or a mapping holding it under `PolicyDocument`.
    /// Scalars stay as written (`Version: 2012-10-17` remains that string).
    public mutating func setAdditionalPolicy(fromFileContent content: String, file: String) throws -> Bool {
        let node: Node?
        do { node = try composeAsText(content, aliases: .refused(in: "a policy file"), file: file) } catch { throw Self.located(yamlError: error, file: file) }
        guard let node, node.mapping != nil else {
            throw ManifestError(file: file, line: 1, column: 1, message: "a policy file must hold a policy document (a mapping)",
                                hint: "write `Version: 2012-10-17` and `Statement:` in it, as in IAM's JSON or YAML")
        }
        let document = node["PolicyDocument"] ?? node
        guard document["Statement"] != nil else {
            let mark = document.mark
            throw ManifestError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: "the policy document has no Statement",
                                hint: "add `Statement:` with at least one `Effect`/`Action`/`Resource` entry")
        }
        let policy = try Self.plainValue(document, file: file)
        if manifest.build?.additionalPolicy == policy { return false }
        return try editing(.entry("build")) { document in
            try document.setValue(in: [.key("build")], "additional_policy", .mapping([.init(key: "PolicyDocument", value: policy)]))
        }
    }

    // MARK: - Building blocks

    private func stageIndex(_ environment: String) throws -> Int {
        if let index = stageIndex(named: environment) { return index }
        throw NoSuchStage(name: environment, stages: manifest.stages.map(\.name))
    }

    private func listing(_ names: [String], _ what: String) -> String {
        names.isEmpty ? "; there are no \(what)" : "; \(what) are: \(names.joined(separator: ", "))"
    }

    private func error(at path: String, _ message: String, hint: String?) -> ManifestError {
        let location = locations.key(path)
        return ManifestError(file: displayPath, line: location?.line ?? 0, column: location?.column ?? 0, message: message, hint: hint)
    }

    /// `key` (or, for an entry of a flow mapping, that mapping `node`) cannot be edited in flow style.
    private func flowError(_ key: String, at node: Node? = nil) -> ManifestError {
        let layout = self.layout
        let location = node.map { SourceLocation(line: layout.line($0) + 1, column: layout.column($0) + 1) } ?? locations.value(key)
        return ManifestError(file: displayPath, line: location?.line ?? 0, column: location?.column ?? 0,
                             message: "\(key) is written in flow style ([…] or {…}), which sluice does not edit",
                             hint: "write it in block style, one entry per line, and try again")
    }

    private func describe(_ position: StagePosition) -> String {
        switch position {
        case .end: return "after \(manifest.stages.last?.name ?? "LAST")"
        case .before(let other): return "before \(other)"
        case .after(let other): return "after \(other)"
        }
    }

    /// Whether `environment` already sits at `position` (at the end, or right before/after the other stage).
    private func isAlready(_ environment: String, at position: StagePosition) throws -> Bool {
        let names = manifest.stages.map(\.name)
        guard let index = names.firstIndex(of: environment) else { return false }
        switch position {
        case .end: return index == names.count - 1
        case .before(let other):
            let otherIndex = try stageIndex(other)
            try refuseSelf(environment, other, at: otherIndex)
            return index + 1 == otherIndex
        case .after(let other):
            let otherIndex = try stageIndex(other)
            try refuseSelf(environment, other, at: otherIndex)
            return index == otherIndex + 1
        }
    }

    /// Located at the stage, as every other refusal of a stage edit is.
    private func refuseSelf(_ environment: String, _ other: String, at index: Int) throws {
        if environment == other {
            throw error(at: "stages[\(index)].name", "a stage cannot be placed relative to itself", hint: "name another stage")
        }
    }

    /// The item index, in the current order, before which a stage lands (the count: at the end).
    private func insertionIndex(for position: StagePosition) throws -> Int {
        switch position {
        case .end: return manifest.stages.count
        case .before(let other): return try stageIndex(other)
        case .after(let other): return try stageIndex(other) + 1
        }
    }

    /// The block list under `stages` (loading guaranteed it is a list).
    private func stageItems() throws -> Node.Sequence {
        let layout = self.layout
        guard let node = layout.node(at: [.key("stages")]), let items = node.sequence else { throw internalError("stages is not a list") }
        guard !layout.isFlow(node) else { throw flowError("stages") }
        return items
    }

    /// A state loading rules out; reported rather than trapped.
    private func internalError(_ what: String) -> ManifestError {
        ManifestError(file: displayPath, message: "sluice cannot make this edit: \(what)", hint: "please report this with the manifest attached")
    }

    /// A new stage item in the style of the file's first stage: same dash and key columns, the same
    /// `- # comment` after the dash, and Copilot's commented optional settings when that stage has them.
    private func newStageLines(_ environment: String, items: Node.Sequence?) -> [String] {
        var dashIndent = 4, keyIndent = 6
        var dashComment: String? = "# The name of the environment."
        var optionalComments = true
        if let items, let first = items.first {
            let layout = self.layout
            let dash = layout.dashLine(of: first)
            dashIndent = layout.lines.indent(dash)
            keyIndent = layout.keyColumn(first)
            let afterDash = layout.lines.content(dash).dropFirst().drop { $0 == " " }
            dashComment = afterDash.hasPrefix("#") ? String(afterDash) : nil
            optionalComments = layout.itemLines(items, 0).contains {
                layout.lines.content($0).hasPrefix("# Optional: flag for manual approval")
            }
        }
        let key = YAMLLayout.spaces(keyIndent)
        var lines: [String]
        if let dashComment {
            lines = [YAMLLayout.spaces(dashIndent) + "- " + dashComment, key + "name: " + YAMLScalar.render(environment)]
        } else {
            lines = [YAMLLayout.spaces(dashIndent) + "-" + YAMLLayout.spaces(keyIndent - dashIndent - 1) + "name: " + YAMLScalar.render(environment)]
        }
        if optionalComments {
            lines += [key + "# Optional: flag for manual approval action before deployment.",
                      key + "# requires_approval: true",
                      key + "# Optional: use test commands to validate this stage of your build.",
                      key + "# test_commands: [echo 'running tests', make test]"]
        }
        return lines
    }

    /// The first stage of a manifest whose `stages` is missing, empty or null.
    private mutating func createStages(with environment: String) throws -> Bool {
        let layout = self.layout
        guard let root else { return false }
        // Indented as the manifest's own keys are (a whole file may be indented).
        let margin = YAMLLayout.spaces(layout.keyColumn(root))
        let item = newStageLines(environment, items: nil).map { margin + $0 }
        if let entry = layout.entry("stages", in: root) {
            return try apply([LineSplice(range: layout.replacedLines(of: entry.key, value: entry.value), lines: [margin + "stages:"] + item)])
        }
        if layout.isFlow(root) { throw flowError("the manifest", at: root) }
        let header = ["", margin + "# This section defines the order of the environments your pipeline will deploy to.", margin + "stages:"]
        return try apply([layout.insertEntry("stages", rendered: header + item, into: root)])
    }

    /// Sets the scalar `key` of the mapping at `path` (created, with its parents, when missing).
    /// `literal` writes `value` unquoted, for the booleans that must stay booleans.
    @discardableResult
    private mutating func setScalar(in path: [PathStep], _ key: String, _ value: String, before: String? = nil,
                                    literal: Bool = false) throws -> Bool {
        let layout = self.layout
        let spelled = literal ? value : YAMLScalar.render(value)
        let indent = layout.node(at: path).map { layout.keyColumn($0) } ?? 0
        let rendered = [YAMLLayout.spaces(indent) + YAMLScalar.render(key) + ": " + spelled]
        if let mapping = layout.node(at: path), let entry = layout.entry(key, in: mapping) {
            if entry.value.scalar?.string == value, !isNull(entry.value) { return false }
            if layout.isFlow(mapping) { throw flowError(key, at: mapping) }
            return try apply([layout.replaceValue(of: entry.key, value: entry.value, with: spelled, rendered: rendered)])
        }
        if let mapping = layout.node(at: path), let entries = mapping.mapping, !entries.isEmpty, !layout.isFlow(mapping) {
            return try apply([layout.insertEntry(key, rendered: rendered, into: mapping, before: before)])
        }
        return try insert(key, .scalar(value), in: path, before: before)
    }

    /// Sets `key` of the mapping at `path` to a whole value, replacing the entry if it exists.
    private mutating func setValue(in path: [PathStep], _ key: String, _ value: YAMLValue) throws -> Bool {
        let layout = self.layout
        if let mapping = layout.node(at: path), let entry = layout.entry(key, in: mapping) {
            let extent = layout.entryLines(entry.key)
            let rendered = YAMLLayout.render(key: key, value: value, indent: layout.column(entry.key))
            return try apply([LineSplice(range: extent.lowerBound..<(extent.upperBound + 1), lines: rendered)])
        }
        return try insert(key, value, in: path, before: nil)
    }

    /// Sets the list `key` of the mapping at `path` to `items`. A block list gets just the new item's line
    /// when `appending` is that item; a flow list (`[a, b]`) keeps its style, over several lines too.
    private mutating func setSequence(in path: [PathStep], _ key: String, _ items: [String], appending: String?) throws -> Bool {
        let layout = self.layout
        guard let mapping = layout.node(at: path), let entry = layout.entry(key, in: mapping), !isNull(entry.value) else {
            return try setValue(in: path, key, .sequence(items.map { .scalar($0) }))
        }
        if let sequence = entry.value.sequence, !layout.isFlow(entry.value), !sequence.isEmpty, let appending {
            let dash = layout.lines.indent(layout.dashLine(of: sequence[0]))
            let line = YAMLLayout.spaces(dash) + "- " + YAMLScalar.render(appending)
            return try apply([layout.insertItem([line], into: sequence, at: sequence.count)])
        }
        if entry.value.sequence != nil, layout.isFlow(entry.value),
           let end = layout.lines.flowCollectionEnd(line: layout.line(entry.value), column: layout.column(entry.value)) {
            // A flow sequence keeps its style: an item is added before its closing bracket, wherever
            // that lies; otherwise the sequence is written again on one line, unless that would lose
            // comments inside it (then it is written again as a block).
            if let appending {
                var characters = Array(layout.lines[end.line].unicodeScalars)
                let item = (end.needsComma ? ", " : "") + YAMLScalar.render(appending, inFlow: true)
                characters.insert(contentsOf: item.unicodeScalars, at: end.column)
                return try apply([LineSplice(range: end.line..<(end.line + 1), lines: [String(String.UnicodeScalarView(characters))])])
            }
            if !end.holdsComments {
                let start = layout.line(entry.value)
                let flow = "[" + items.map { YAMLScalar.render($0, inFlow: true) }.joined(separator: ", ") + "]"
                let line = layout.lines[start].unicodeScalars.prefix(layout.column(entry.value)) + flow.unicodeScalars
                    + layout.lines[end.line].unicodeScalars.dropFirst(end.column + 1)
                return try apply([LineSplice(range: start..<(end.line + 1), lines: [String(String.UnicodeScalarView(line))])])
            }
        }
        return try setValue(in: path, key, .sequence(items.map { .scalar($0) }))
    }

    /// Adds or replaces the entry `name:` (with `fields`, or empty) in the mapping at `path`.
    private mutating func setNamedEntry(in path: [PathStep], _ name: String, fields: [YAMLValue.MappingEntry]) throws -> Bool {
        let layout = self.layout
        if let mapping = layout.node(at: path), layout.isFlow(mapping), !(mapping.mapping?.isEmpty ?? true) {
            throw flowError(path.map { if case .key(let key) = $0 { return key } else { return "" } }.last ?? "", at: mapping)
        }
        return try setValue(in: path, name, .mapping(fields))
    }

    /// Inserts `key: value` into the mapping at `path`, creating the mapping (and its parents) if absent.
    private mutating func insert(_ key: String, _ value: YAMLValue, in path: [PathStep], before: String?) throws -> Bool {
        let layout = self.layout
        if let mapping = layout.node(at: path), !isNull(mapping) {
            guard let entries = mapping.mapping else {
                throw ManifestError(file: displayPath, line: layout.line(mapping) + 1, column: layout.column(mapping) + 1,
                                    message: "\(key) cannot be added here: this is not a mapping", hint: "write it as `KEY: VALUE` lines")
            }
            if entries.isEmpty || layout.isFlow(mapping) {
                guard entries.isEmpty else { throw flowError(key, at: mapping) }
                return try replaceEmptyParent(path, with: [.init(key: key, value: value)])
            }
            let rendered = YAMLLayout.render(key: key, value: value, indent: layout.keyColumn(mapping))
            return try apply([layout.insertEntry(key, rendered: rendered, into: mapping, before: before)])
        }
        guard case .key(let parentKey)? = path.last else {
            throw internalError("no mapping to add \(key) to")
        }
        let parentPath = Array(path.dropLast())
        if layout.node(at: path) != nil {
            // `parent:` with an empty value: give it its first entry.
            return try replaceEmptyParent(path, with: [.init(key: key, value: value)])
        }
        // Top-level sections go where Copilot puts them: source, then build, then stages.
        var parentBefore: String?
        if parentPath.isEmpty, let root {
            let later = parentKey == "source" ? ["build", "stages"] : parentKey == "build" ? ["stages"] : []
            parentBefore = later.first { layout.entry($0, in: root) != nil }
        }
        return try insert(parentKey, .mapping([.init(key: key, value: value)]), in: parentPath, before: parentBefore)
    }

    /// Rewrites `parent:` (empty, `~` or `{}`) as a block mapping holding `entries`.
    private mutating func replaceEmptyParent(_ path: [PathStep], with entries: [YAMLValue.MappingEntry]) throws -> Bool {
        let layout = self.layout
        guard case .key(let parentKey)? = path.last, let grandparent = layout.node(at: Array(path.dropLast())),
              let entry = layout.entry(parentKey, in: grandparent) else {
            throw internalError("no entry at \(path)")
        }
        let extent = layout.entryLines(entry.key)
        let keyColumn = layout.column(entry.key)
        // Keep the key line's own text up to the colon (and a trailing comment), then add the entries below.
        let keyLine = String(layout.lines[extent.lowerBound])
        let comment = keyLine.range(of: " #").map { String(keyLine[$0.lowerBound...]) } ?? ""
        let head = YAMLLayout.spaces(keyColumn) + YAMLScalar.render(parentKey) + ":" + comment
        let body = entries.flatMap { YAMLLayout.render(key: $0.key, value: $0.value, indent: keyColumn + 2) }
        // Comments below stay; the empty value's own spelling on a line of its own (`  ~`, ` !`) goes, its comment kept.
        let kept: [String] = extent.dropFirst().compactMap { index in
            let line = String(layout.lines[index])
            if layout.lines.isComment(index) || layout.lines.isBlank(index) { return line }
            return line.range(of: " #").map { YAMLLayout.spaces(keyColumn + 2) + line[line.index(after: $0.lowerBound)...] }
        }
        return try apply([LineSplice(range: extent.lowerBound..<(extent.upperBound + 1), lines: [head] + kept + body)])
    }

    /// Removes `key`'s entry from the mapping at `path`; a mapping left empty goes with it (not the stage or the file).
    @discardableResult
    private mutating func removeEntry(in path: [PathStep], _ key: String) throws -> Bool {
        let layout = self.layout
        guard let mapping = layout.node(at: path), let entry = layout.entry(key, in: mapping) else { return false }
        if layout.isFlow(mapping) { throw flowError(key, at: mapping) }
        if mapping.mapping?.count == 1, case .key(let parentKey)? = path.last {
            return try removeEntry(in: Array(path.dropLast()), parentKey)
        }
        let extent = layout.entryLines(entry.key)
        return try apply([LineSplice(range: extent.lowerBound..<(extent.upperBound + 1), lines: [])])
    }

    /// A composed policy document as a YAMLValue, every scalar as written, local tags kept.
    private static func plainValue(_ node: Node, file: String) throws -> YAMLValue {
        try YAMLValue.written(node) { node, message, hint in
            ManifestError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, message: message, hint: hint)
        }
    }
}
