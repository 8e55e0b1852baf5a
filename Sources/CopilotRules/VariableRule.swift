import Manifest

/// `Variables` and their use: names of letters, digits, `@`, `-` and `_` (at most 128), default values of
/// 1 to 1000 characters, descriptions of at most 200, at most 50 variables, each name once (CodePipeline's
/// limits); `#{variables.NAME}` names a declared variable, and only where CodePipeline resolves it: in action
/// configuration — a deployment's stack_name, template_path and template_config, and the Build action's
/// environment variables — not in what CodeBuild runs (test_commands, buildspecs, the image) nor the source.
public enum VariableRule: ManifestRule {
    case invalidName(String)
    case nameTooLong(String)
    case duplicate(String)
    case tooMany(Int)
    case emptyDefault(String)
    case defaultTooLong(String, length: Int)
    case descriptionTooLong(String, length: Int)
    /// `field`: where the reference is (`stages[1].deployments.api.stack_name`).
    case undeclared(String, field: String, declared: [String])
    case unresolved(field: String)
    // At release (StartPipelineExecution): what `release var` gives.
    case undeclaredAtRelease(String, declared: [String])
    case emptyValue(String)
    case noValue(String)

    public static let maximumCount = 50
    public static let maximumNameLength = 128
    public static let maximumValueLength = 1000
    public static let maximumDescriptionLength = 200

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .invalidName(let name): return "variable name \(name.isEmpty ? "(empty)" : name) holds characters CodePipeline does not allow"
        case .nameTooLong(let name): return "variable name \(name.prefix(20))… is \(name.count) characters; CodePipeline allows \(Self.maximumNameLength)"
        case .duplicate(let name): return "variable \(name) is declared twice"
        case .tooMany(let count): return "the pipeline declares \(count) variables; CodePipeline allows \(Self.maximumCount)"
        case .emptyDefault(let name): return "the default value of variable \(name) is empty"
        case .defaultTooLong(let name, let length):
            return "the default value of variable \(name) is \(length) characters; CodePipeline allows \(Self.maximumValueLength)"
        case .descriptionTooLong(let name, let length):
            return "the description of variable \(name) is \(length) characters; CodePipeline allows \(Self.maximumDescriptionLength)"
        case .undeclared(let name, let field, _): return "\(field) uses #{variables.\(name)}, but the pipeline declares no variable \(name)"
        case .unresolved(let field): return "\(field) uses #{variables.…}, which CodePipeline does not resolve there"
        case .undeclaredAtRelease(let name, _): return "the pipeline declares no variable \(name)"
        case .emptyValue(let name): return "variable \(name) is given an empty value, which CodePipeline refuses"
        case .noValue(let name): return "variable \(name) has no default value, and the release gives it none"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidName: return "use letters, digits, @, - and _"
        case .nameTooLong: return "shorten it"
        case .duplicate: return "`var rm NAME` removes one"
        case .tooMany: return "remove some with `var rm NAME`"
        case .emptyDefault: return "give a default of at least one character, or none (`var add NAME` without `default`)"
        case .defaultTooLong, .descriptionTooLong: return "shorten it"
        case .undeclared(let name, _, let declared):
            return declared.isEmpty ? "declare it: `var add \(name)`" : "declared: \(declared.joined(separator: ", ")); `var add \(name)` declares it"
        case .undeclaredAtRelease(let name, let declared):
            return declared.isEmpty ? "`var add \(name)` declares it" : "declared: \(declared.joined(separator: ", ")); `var ls` lists them"
        case .emptyValue(let name): return "give it at least one character (`release var \(name)=VALUE`), or leave it out for its default"
        case .noValue(let name): return "give it: `release var \(name)=VALUE`, or give it a default (`var add \(name) default VALUE`)"
        case .unresolved:
            return "CodePipeline resolves variables in action configuration only: a deployment's stack_name, template_path, "
                + "template_config; a build reads them from its environment ($NAME: `var add` passes each to the Build action)"
        }
    }

    static let reference = #/#\{variables\.([^}]*)\}/#

    static func check(_ input: RuleInput, overrides: PipelineV2Overrides?, into findings: inout Findings) {
        let variables = overrides?.settings.variables ?? []
        let declared = variables.map(\.name)
        if let overrides {
            let location = overrides.locations[.variables]
            func add(_ rule: VariableRule) { findings.add(.variable(rule), in: overrides.file, at: location) }
            if variables.count > Self.maximumCount { add(.tooMany(variables.count)) }
            var seen = Set<String>()
            for variable in variables {
                if variable.name.count > Self.maximumNameLength { add(.nameTooLong(variable.name)) }
                if variable.name.isEmpty || !variable.name.unicodeScalars.allSatisfy(isNameCharacter) { add(.invalidName(variable.name)) }
                if !seen.insert(variable.name).inserted { add(.duplicate(variable.name)) }
                if let value = variable.defaultValue {
                    if value.isEmpty { add(.emptyDefault(variable.name)) }
                    if value.count > Self.maximumValueLength { add(.defaultTooLong(variable.name, length: value.count)) }
                }
                if let text = variable.description, text.count > Self.maximumDescriptionLength {
                    add(.descriptionTooLong(variable.name, length: text.count))
                }
            }
            for variable in overrides.settings.buildEnvironment {
                for name in references(in: variable.value) where !declared.contains(name) {
                    findings.add(.variable(.undeclared(name, field: "the Build action's variable \(variable.name)", declared: declared)),
                                 in: overrides.file, at: overrides.locations[.buildEnvironment])
                }
            }
        }
        checkManifest(input, declared: declared, into: &findings)
    }

    /// The manifest's fields: references resolve in a deployment's action configuration only.
    private static func checkManifest(_ input: RuleInput, declared: [String], into findings: inout Findings) {
        let manifest = input.manifest
        func check(_ value: String?, _ path: [PathStep], _ field: String, resolved: Bool) {
            guard let value, value.contains("#{variables.") else { return }
            guard resolved else {
                findings.add(.variable(.unresolved(field: field)), at: .value(path))
                return
            }
            for name in references(in: value) where !declared.contains(name) {
                findings.add(.variable(.undeclared(name, field: field, declared: declared)), at: .value(path))
            }
        }
        let properties: [PathStep] = [.key("source"), .key("properties")]
        check(manifest.source.properties.branch, properties + [.key("branch")], "source.properties.branch", resolved: false)
        check(manifest.source.properties.repository, properties + [.key("repository")], "source.properties.repository", resolved: false)
        check(manifest.build?.image, [.key("build"), .key("image")], "build.image", resolved: false)
        check(manifest.build?.buildspec, [.key("build"), .key("buildspec")], "build.buildspec", resolved: false)
        for (index, stage) in manifest.stages.enumerated() {
            let path = [PathStep].stage(index)
            for (number, command) in stage.testCommands.enumerated() {
                check(command, path + [.key("test_commands"), .index(number)], "test_commands of stage \(stage.name)", resolved: false)
            }
            for deployment in stage.deployments {
                let base = path + [.key("deployments"), .key(deployment.name)]
                let field = "deployment \(deployment.name) of stage \(stage.name)"
                check(deployment.stackName, base + [.key("stack_name")], "stack_name of \(field)", resolved: true)
                check(deployment.templatePath, base + [.key("template_path")], "template_path of \(field)", resolved: true)
                check(deployment.templateConfig, base + [.key("template_config")], "template_config of \(field)", resolved: true)
            }
            for timing in [ActionTiming.pre, .post] {
                for action in stage.actions(timing) {
                    check(action.buildspec, path + [.key(timing.rawValue), .key(action.name), .key("buildspec")],
                          "the buildspec of \(timing == .pre ? "pre" : "post")-deployment \(action.name)", resolved: false)
                }
            }
        }
    }

    /// The names `#{variables.NAME}` references in `text`, in order.
    public static func references(in text: String) -> [String] {
        text.matches(of: reference).map { String($0.output.1) }
    }

    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "@-_".unicodeScalars.contains(scalar))
    }
}
