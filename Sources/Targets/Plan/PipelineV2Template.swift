import CopilotRules
import Foundation
import Manifest

// CodePipeline V2 settings in CloudFormation's form, both ways: what the template renders and the
// overrides' patches hold (one encoding, `value(of:)`), and what a pipeline's patches set, read by
// applying them as Copilot does to a template that has only what they can touch.

public enum PipelineV2Template {
    // MARK: Encoding

    /// The value each setting has in AWS::CodePipeline::Pipeline.
    public static func triggers(_ triggers: [PipelineV2.Trigger]) -> TemplateValue {
        .array(triggers.map { trigger in
            var git: [(String, TemplateValue)] = [("SourceActionName", .string(trigger.sourceActionName))]
            if !trigger.push.isEmpty {
                git.append(("Push", .array(trigger.push.map { filter in
                    .object(patterns([("Branches", filter.branches), ("FilePaths", filter.filePaths), ("Tags", filter.tags)]))
                })))
            }
            if !trigger.pullRequest.isEmpty {
                git.append(("PullRequest", .array(trigger.pullRequest.map { filter in
                    .object([("Events", .strings(filter.events))] + patterns([("Branches", filter.branches), ("FilePaths", filter.filePaths)]))
                })))
            }
            return .object([("ProviderType", .string(connectionProvider)), ("GitConfiguration", .object(git))])
        })
    }

    /// Triggers' provider type: a source action reached through a CodeStar connection.
    public static let connectionProvider = "CodeStarSourceConnection"

    private static func patterns(_ lists: [(String, PipelineV2.Patterns?)]) -> [(String, TemplateValue)] {
        lists.compactMap { name, patterns in
            guard let patterns else { return nil }
            var entries: [(String, TemplateValue)] = []
            if !patterns.includes.isEmpty { entries.append(("Includes", .strings(patterns.includes))) }
            if !patterns.excludes.isEmpty { entries.append(("Excludes", .strings(patterns.excludes))) }
            return (name, .object(entries))
        }
    }

    public static func variables(_ variables: [PipelineV2.Variable]) -> TemplateValue {
        .array(variables.map { variable in
            var entries: [(String, TemplateValue)] = [("Name", .string(variable.name))]
            if let value = variable.defaultValue { entries.append(("DefaultValue", .string(value))) }
            if let text = variable.description { entries.append(("Description", .string(text))) }
            return .object(entries)
        })
    }

    public static func onFailure(_ onFailure: PipelineV2.OnFailure) -> TemplateValue {
        switch onFailure {
        case .rollback: return .object([("Result", "ROLLBACK")])
        case .retry(let mode): return .object([("Result", "RETRY"), ("RetryConfiguration", .object([("RetryMode", .string(mode.rawValue))]))])
        }
    }

    public static func beforeEntry(_ rules: [PipelineV2.GateRule]) -> TemplateValue {
        .object([("Conditions", .array([.object([("Result", "FAIL"), ("Rules", .array(rules.map(rule)))])]))])
    }

    private static func rule(_ rule: PipelineV2.GateRule) -> TemplateValue {
        var configuration: [(String, TemplateValue)] = []
        switch rule {
        case .deploymentWindow(_, let cron, let zone):
            configuration.append(("Cron", .string(cron)))
            if let zone { configuration.append(("TimeZone", .string(zone))) }
        case .alarm(_, let alarm, let wait):
            configuration.append(("AlarmName", .string(alarm)))
            if let wait { configuration.append(("WaitTime", .string(String(wait)))) }
        case .other:
            break
        }
        var entries: [(String, TemplateValue)] = [
            ("Name", .string(rule.name)),
            ("RuleTypeId", .object([("Category", "Rule"), ("Owner", "AWS"), ("Provider", .string(rule.provider)), ("Version", "1")])),
        ]
        if !configuration.isEmpty { entries.append(("Configuration", .object(configuration))) }
        return .object(entries)
    }

    /// The Build action's `EnvironmentVariables`: a JSON document in a string, as CodeBuild actions take it.
    public static func buildEnvironment(_ variables: [PipelineV2.BuildVariable]) -> TemplateValue {
        .string(TemplateValue.array(variables.map {
            .object([("name", .string($0.name)), ("value", .string($0.value)), ("type", "PLAINTEXT")])
        }).compactRendered())
    }

    /// How the Build action hands variable `name` to the build: an environment variable of the same name.
    public static func buildVariable(forVariable name: String) -> PipelineV2.BuildVariable {
        PipelineV2.BuildVariable(name: name, value: "#{variables.\(name)}")
    }

    /// Every setting as the patch that sets it (pointer and value), in the order the file lists them: the pipeline
    /// type first. `stageIndex` gives a CodePipeline stage's position in the template.
    public static func patches(_ settings: PipelineV2, stageIndex: (String) -> Int?) -> [(pointer: String, value: TemplateValue)] {
        guard !settings.isEmpty else { return [] }
        var patches: [(pointer: String, value: TemplateValue)] = [(PipelineV2Paths.pipelineType, "V2")]
        if settings.executionMode != .superseded { patches.append((PipelineV2Paths.executionMode, .string(settings.executionMode.rawValue))) }
        if !settings.triggers.isEmpty { patches.append((PipelineV2Paths.triggers, triggers(settings.triggers))) }
        if !settings.variables.isEmpty { patches.append((PipelineV2Paths.variables, variables(settings.variables))) }
        if !settings.buildEnvironment.isEmpty { patches.append((PipelineV2Paths.buildEnvironment, buildEnvironment(settings.buildEnvironment))) }
        for stage in settings.stages {
            guard let index = stageIndex(stage.stage) else { continue }
            if let onFailure = stage.onFailure { patches.append((PipelineV2Paths.onFailure(stageIndex: index), self.onFailure(onFailure))) }
            if !stage.beforeEntry.isEmpty { patches.append((PipelineV2Paths.beforeEntry(stageIndex: index), beforeEntry(stage.beforeEntry))) }
        }
        return patches
    }

    /// A template value as a patch's YAML value (every scalar text, which CloudFormation's string properties want).
    public static func yaml(_ value: TemplateValue) -> YAMLValue {
        switch value {
        case .string(let text), .number(let text): return .scalar(text)
        case .int(let number): return .scalar(String(number))
        case .bool(let flag): return .scalar(flag ? "true" : "false")
        case .null: return .scalar("")
        case .array(let items): return .sequence(items.map(yaml))
        case .object(let entries): return .mapping(entries.map { .init(key: $0.0, value: yaml($0.1)) })
        }
    }

    // MARK: Writing

    /// Writes `settings` into the pipeline's patches surgically, as one change (nil when nothing changed):
    /// a setting whose value differs from what `current` read gets one patch at its pointer (a hand-written
    /// patch there keeps its place and comments), a setting no longer there loses its patches, the rest of
    /// the file stays byte for byte. `PipelineType: V2` comes with the first setting and goes with the last.
    public static func write(_ settings: PipelineV2, over current: PipelineV2Overrides,
                             into document: inout PatchesDocument) throws -> PatchesDocument.Change? {
        let stageIndex = { (name: String) in current.stageNames.firstIndex(of: name) }
        let wanted = patches(settings, stageIndex: stageIndex)
        var existing = patches(current.settings, stageIndex: stageIndex)
        if current.pipelineType == "V2", !existing.contains(where: { $0.pointer == PipelineV2Paths.pipelineType }) {
            existing.insert((PipelineV2Paths.pipelineType, "V2"), at: 0)
        }
        // A hand-written V2 with nothing set stays: only what sluice's settings needed goes.
        let keepsType = settings.isEmpty && current.settings.isEmpty
        return try document.change { document in
            var changed = false
            for (pointer, value) in wanted where existing.first(where: { $0.pointer == pointer })?.value != value {
                changed = try document.set(pointer, to: yaml(value)) || changed
            }
            for (pointer, _) in existing where !wanted.contains(where: { $0.pointer == pointer }) {
                if pointer == PipelineV2Paths.pipelineType, keepsType { continue }
                changed = try document.remove(under: pointer) || changed
            }
            return changed
        }
    }

    /// What the patches of `overrides` set of V2 for `manifest`, whose deploy stages are those with
    /// `workloads` to deploy (the stage positions patches point at); nil for a CDK application's overrides,
    /// whose settings sluice cannot see (`cdkOverrides` says so).
    public static func read(_ overrides: PipelineOverrides, manifest: PipelineManifest, application: String,
                            workloads: [String]) -> PipelineV2Overrides? {
        let stageNames = PipelinePlan.templateStageNames(manifest, workloads: workloads)
        switch overrides {
        case .none:
            return nil
        case .yamlPatches(let file, let patches):
            return read(patches, file: file, stageNames: stageNames, sourceActionName: StageName.sourceAction(application: application))
        case .cdk:
            let directory = PipelineOverrides.directory(pipeline: manifest.name)
            return PipelineV2Overrides(file: directory, settings: PipelineV2(), pipelineType: nil, locations: [:], stageNames: stageNames,
                                       problems: [(.cdkOverrides(directory: directory), SourceLocation(line: 0, column: 0))])
        }
    }

    // MARK: Reading

    /// What `patches` set of V2, applied in order as Copilot applies them to a template whose pipeline has the
    /// stages `stageNames` (Source, Build, then `StageName.deploy` of each environment) and sets none of them; each setting located at the last
    /// patch that touched it. Patches of anything else are left to the template.
    public static func read(_ patches: [TemplatePatch], file: String, stageNames: [String], sourceActionName: String) -> PipelineV2Overrides {
        var document: TemplateValue? = skeleton(stageNames: stageNames, sourceActionName: sourceActionName)
        var locations: [PipelineV2Setting: SourceLocation] = [:]
        var problems: [(rule: OverridesFormRule, location: SourceLocation)] = []
        for patch in patches {
            guard let setting = PipelineV2Paths.setting(at: patch.path) else { continue }
            let location = SourceLocation(line: patch.line, column: patch.column)
            do {
                document = try TemplatePatching.apply([patch], file: file, to: document, markingDescription: false)
                locations[setting] = location
            } catch let error as ManifestError {
                problems.append((.patchDoesNotApply(error.message), location))
            } catch {
                problems.append((.patchDoesNotApply("\(error)"), location))
            }
        }
        var reader = SettingsReader(locations: locations)
        let properties = document?["Resources"]?[PipelineV2Paths.pipelineResource]?["Properties"]
        let settings = reader.settings(properties, stageNames: stageNames)
        return PipelineV2Overrides(file: file, settings: settings, pipelineType: reader.pipelineType, locations: locations,
                                   stageNames: stageNames, problems: problems + reader.problems)
    }

    /// The part of Copilot's template V2 patches reach: the pipeline's stages with their names, the source and build actions.
    static func skeleton(stageNames: [String], sourceActionName: String) -> TemplateValue {
        let stages: [TemplateValue] = stageNames.enumerated().map { index, name in
            var actions: [TemplateValue] = []
            if index == 0 { actions = [.object([("Name", .string(sourceActionName)), ("Configuration", .object([]))])] }
            if index == 1 { actions = [.object([("Name", .string(StageName.buildAction)), ("Configuration", .object([("ProjectName", .ref("BuildProject"))]))])] }
            return .object([("Name", .string(name)), ("Actions", .array(actions))])
        }
        return .object([("Resources", .object([(PipelineV2Paths.pipelineResource, .object([
            ("Type", "AWS::CodePipeline::Pipeline"), ("Properties", .object([("Stages", .array(stages))])),
        ]))]))])
    }
}

/// Reads V2 settings out of the patched pipeline properties, noting what does not have CloudFormation's shape.
private struct SettingsReader {
    let locations: [PipelineV2Setting: SourceLocation]
    var problems: [(rule: OverridesFormRule, location: SourceLocation)] = []
    var pipelineType: String?
    /// The setting being read, for locating problems.
    private var current: PipelineV2Setting = .pipelineType

    init(locations: [PipelineV2Setting: SourceLocation]) {
        self.locations = locations
    }

    mutating func settings(_ properties: TemplateValue?, stageNames: [String]) -> PipelineV2 {
        var settings = PipelineV2()
        current = .pipelineType
        pipelineType = properties?["PipelineType"].flatMap { string($0, "PipelineType") }
        current = .executionMode
        if let mode = properties?["ExecutionMode"].flatMap({ string($0, "ExecutionMode") }) {
            if let known = PipelineV2.ExecutionMode(rawValue: mode) {
                settings.executionMode = known
            } else {
                problem(.unknownValue(mode, property: "ExecutionMode", allowed: PipelineV2.ExecutionMode.allCases.map(\.rawValue)))
            }
        }
        current = .triggers
        if let triggers = properties?["Triggers"] {
            settings.triggers = list(triggers, "Triggers").enumerated().compactMap { trigger($1, "Triggers[\($0)]") }
        }
        current = .variables
        if let variables = properties?["Variables"] {
            settings.variables = list(variables, "Variables").enumerated().compactMap { index, item in
                let name = "Variables[\(index)]"
                guard let entries = mapping(item, name, known: ["Name", "DefaultValue", "Description"]) else { return nil }
                guard let variable = entries["Name"].flatMap({ string($0, "\(name).Name") }) else {
                    problem(.missingKey("Name", in: name))
                    return nil
                }
                return PipelineV2.Variable(name: variable, defaultValue: entries["DefaultValue"].flatMap { string($0, "\(name).DefaultValue") },
                                           description: entries["Description"].flatMap { string($0, "\(name).Description") })
            }
        }
        guard case .array(let stages)? = properties?["Stages"] else { return settings }
        for (index, stage) in stages.enumerated() where index < stageNames.count {
            let name = stageNames[index]
            if index == 1 {
                current = .buildEnvironment
                if let text = stage["Actions"].flatMap({ if case .array(let a) = $0 { return a.first } else { return nil } })?["Configuration"]?["EnvironmentVariables"] {
                    settings.buildEnvironment = buildEnvironment(text)
                }
            }
            current = .stage(index: index)
            var stageSettings = PipelineV2.StageSettings(stage: name)
            if let onFailure = stage["OnFailure"] { stageSettings.onFailure = self.onFailure(onFailure, "OnFailure of \(name)") }
            if let gate = stage["BeforeEntry"] { stageSettings.beforeEntry = beforeEntry(gate, "BeforeEntry of \(name)") }
            if stageSettings.onFailure != nil || !stageSettings.beforeEntry.isEmpty { settings.stages.append(stageSettings) }
        }
        return settings
    }

    private mutating func trigger(_ value: TemplateValue, _ name: String) -> PipelineV2.Trigger? {
        guard let entries = mapping(value, name, known: ["ProviderType", "GitConfiguration"]) else { return nil }
        let provider = entries["ProviderType"].flatMap { string($0, "\(name).ProviderType") }
        if provider != PipelineV2Template.connectionProvider {
            problem(provider == nil ? .missingKey("ProviderType", in: name)
                    : .unknownValue(provider!, property: "\(name).ProviderType", allowed: [PipelineV2Template.connectionProvider]))
        }
        let gitName = "\(name).GitConfiguration"
        guard let gitValue = entries["GitConfiguration"] else {
            problem(.missingKey("GitConfiguration", in: name))
            return nil
        }
        guard let git = mapping(gitValue, gitName, known: ["SourceActionName", "Push", "PullRequest"]) else { return nil }
        guard let action = git["SourceActionName"].flatMap({ string($0, "\(gitName).SourceActionName") }) else {
            problem(.missingKey("SourceActionName", in: gitName))
            return nil
        }
        var trigger = PipelineV2.Trigger(sourceActionName: action)
        if let push = git["Push"] {
            trigger.push = list(push, "\(gitName).Push").enumerated().compactMap { index, item in
                let filter = "\(gitName).Push[\(index)]"
                guard let entries = mapping(item, filter, known: ["Branches", "FilePaths", "Tags"]) else { return nil }
                return PipelineV2.PushFilter(branches: patterns(entries["Branches"], "\(filter).Branches"),
                                             tags: patterns(entries["Tags"], "\(filter).Tags"),
                                             filePaths: patterns(entries["FilePaths"], "\(filter).FilePaths"))
            }
        }
        if let requests = git["PullRequest"] {
            trigger.pullRequest = list(requests, "\(gitName).PullRequest").enumerated().compactMap { index, item in
                let filter = "\(gitName).PullRequest[\(index)]"
                guard let entries = mapping(item, filter, known: ["Events", "Branches", "FilePaths"]) else { return nil }
                return PipelineV2.PullRequestFilter(events: strings(entries["Events"], "\(filter).Events") ?? [],
                                                    branches: patterns(entries["Branches"], "\(filter).Branches"),
                                                    filePaths: patterns(entries["FilePaths"], "\(filter).FilePaths"))
            }
        }
        return trigger
    }

    private mutating func patterns(_ value: TemplateValue?, _ name: String) -> PipelineV2.Patterns? {
        guard let value, let entries = mapping(value, name, known: ["Includes", "Excludes"]) else { return nil }
        return PipelineV2.Patterns(includes: strings(entries["Includes"], "\(name).Includes") ?? [],
                                   excludes: strings(entries["Excludes"], "\(name).Excludes") ?? [])
    }

    private mutating func onFailure(_ value: TemplateValue, _ name: String) -> PipelineV2.OnFailure? {
        guard let entries = mapping(value, name, known: ["Result", "RetryConfiguration", "Conditions"]) else { return nil }
        let result = entries["Result"].flatMap { string($0, "\(name).Result") }
        switch result {
        case "ROLLBACK"?: return .rollback
        case "RETRY"?:
            var mode = PipelineV2.OnFailure.RetryMode.failedActions
            if let configuration = entries["RetryConfiguration"],
               let retry = mapping(configuration, "\(name).RetryConfiguration", known: ["RetryMode"]),
               let text = retry["RetryMode"].flatMap({ string($0, "\(name).RetryConfiguration.RetryMode") }) {
                if let known = PipelineV2.OnFailure.RetryMode(rawValue: text) {
                    mode = known
                } else {
                    problem(.unknownValue(text, property: "\(name).RetryConfiguration.RetryMode",
                                          allowed: PipelineV2.OnFailure.RetryMode.allCases.map(\.rawValue)))
                }
            }
            return .retry(mode)
        case let other?:
            problem(.unknownValue(other, property: "\(name).Result", allowed: ["ROLLBACK", "RETRY"]))
            return nil
        case nil:
            problem(.missingKey("Result", in: name))
            return nil
        }
    }

    private mutating func beforeEntry(_ value: TemplateValue, _ name: String) -> [PipelineV2.GateRule] {
        guard let entries = mapping(value, name, known: ["Conditions"]) else { return [] }
        guard let conditions = entries["Conditions"] else {
            problem(.missingKey("Conditions", in: name))
            return []
        }
        return list(conditions, "\(name).Conditions").enumerated().flatMap { index, condition -> [PipelineV2.GateRule] in
            let conditionName = "\(name).Conditions[\(index)]"
            guard let entries = mapping(condition, conditionName, known: ["Result", "Rules"]), let rules = entries["Rules"] else { return [] }
            return list(rules, "\(conditionName).Rules").enumerated().compactMap { ruleIndex, rule in
                let ruleName = "\(conditionName).Rules[\(ruleIndex)]"
                guard let fields = mapping(rule, ruleName, known: ["Name", "RuleTypeId", "Configuration", "Commands", "InputArtifacts", "Region", "RoleArn"])
                else { return nil }
                let title = fields["Name"].flatMap { string($0, "\(ruleName).Name") } ?? ""
                let provider = fields["RuleTypeId"]?["Provider"].flatMap { string($0, "\(ruleName).RuleTypeId.Provider") } ?? ""
                let configuration = fields["Configuration"]
                func setting(_ key: String) -> String? { configuration?[key].flatMap { string($0, "\(ruleName).Configuration.\(key)") } }
                switch provider {
                case PipelineV2.GateRule.windowProvider:
                    guard let cron = setting("Cron") else {
                        problem(.missingKey("Configuration.Cron", in: ruleName))
                        return nil
                    }
                    return .deploymentWindow(name: title, cron: cron, timeZone: setting("TimeZone"))
                case PipelineV2.GateRule.alarmProvider:
                    return .alarm(name: title, alarmName: setting("AlarmName") ?? "", waitMinutes: setting("WaitTime").flatMap { Int($0) })
                default:
                    return .other(name: title, provider: provider)
                }
            }
        }
    }

    /// The Build action's EnvironmentVariables: a JSON list of {name, value, type} in a string.
    private mutating func buildEnvironment(_ value: TemplateValue) -> [PipelineV2.BuildVariable] {
        let name = "the Build action's EnvironmentVariables"
        guard let text = string(value, name) else { return [] }
        guard let items = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else {
            problem(.wrongShape(property: name, expected: "a JSON list of {\"name\", \"value\", \"type\"} objects"))
            return []
        }
        return items.compactMap { item in
            guard let variable = item["name"] as? String, let value = item["value"] as? String else {
                problem(.wrongShape(property: name, expected: "a JSON list of {\"name\", \"value\", \"type\"} objects"))
                return nil
            }
            return PipelineV2.BuildVariable(name: variable, value: value)
        }
    }

    // MARK: Shapes

    private mutating func problem(_ rule: OverridesFormRule) {
        problems.append((rule, locations[current] ?? SourceLocation(line: 0, column: 0)))
    }

    private mutating func string(_ value: TemplateValue, _ name: String) -> String? {
        switch value {
        case .string(let text), .number(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default:
            problem(.wrongShape(property: name, expected: "text"))
            return nil
        }
    }

    private mutating func strings(_ value: TemplateValue?, _ name: String) -> [String]? {
        guard let value else { return nil }
        return list(value, name).enumerated().compactMap { string($1, "\(name)[\($0)]") }
    }

    private mutating func list(_ value: TemplateValue, _ name: String) -> [TemplateValue] {
        guard case .array(let items) = value else {
            problem(.wrongShape(property: name, expected: "a list"))
            return []
        }
        return items
    }

    /// The entries of a mapping, each key known to CloudFormation (unknown ones are problems).
    private mutating func mapping(_ value: TemplateValue, _ name: String, known: [String]) -> [String: TemplateValue]? {
        guard case .object(let entries) = value else {
            problem(.wrongShape(property: name, expected: "a mapping"))
            return nil
        }
        for (key, _) in entries where !known.contains(key) { problem(.unknownKey(key, in: name, known: known)) }
        return Dictionary(entries, uniquingKeysWith: { $1 })
    }
}
