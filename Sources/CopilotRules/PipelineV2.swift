import Errors
import Manifest

// CodePipeline V2's settings (AWS::CodePipeline::Pipeline's PipelineType, ExecutionMode, Triggers,
// Variables, and a stage's OnFailure and BeforeEntry), which Copilot's template never sets. They
// live where Copilot v1.34 applies them too: as YAML patches of the pipeline's overrides
// (`copilot/pipelines/NAME/overrides/cfn.patches.yml`), at the paths below. The names are
// CloudFormation's (the AWS::CodePipeline::Pipeline resource specification); the limits are
// CodePipeline's (botocore's codepipeline service model).

/// A pipeline's CodePipeline V2 settings: what both targets run.
public struct PipelineV2: Codable, Equatable, Sendable {
    /// How executions that meet in a stage are handled (CodePipeline's default: superseded).
    public var executionMode: ExecutionMode
    public var triggers: [Trigger]
    public var variables: [Variable]
    /// Stages with settings, by CodePipeline stage name.
    public var stages: [StageSettings]
    /// The Build action's `EnvironmentVariables`: what builds see of the variables (`#{variables.NAME}` resolved).
    public var buildEnvironment: [BuildVariable]

    public init(executionMode: ExecutionMode = .superseded, triggers: [Trigger] = [], variables: [Variable] = [],
                stages: [StageSettings] = [], buildEnvironment: [BuildVariable] = []) {
        self.executionMode = executionMode
        self.triggers = triggers
        self.variables = variables
        self.stages = stages
        self.buildEnvironment = buildEnvironment
    }

    public enum ExecutionMode: String, Codable, CaseIterable, Sendable {
        case superseded = "SUPERSEDED"
        case queued = "QUEUED"
        case parallel = "PARALLEL"

        /// `superseded`, as the shell spells it.
        public var word: String { rawValue.lowercased() }
    }

    /// A trigger of a source action reached through a CodeStar connection.
    public struct Trigger: Codable, Equatable, Sendable {
        public var sourceActionName: String
        public var push: [PushFilter]
        public var pullRequest: [PullRequestFilter]

        public init(sourceActionName: String, push: [PushFilter] = [], pullRequest: [PullRequestFilter] = []) {
            self.sourceActionName = sourceActionName
            self.push = push
            self.pullRequest = pullRequest
        }
    }

    /// Glob patterns to include and to exclude (excludes win).
    public struct Patterns: Codable, Equatable, Sendable {
        public var includes: [String]
        public var excludes: [String]

        public init(includes: [String] = [], excludes: [String] = []) {
            self.includes = includes
            self.excludes = excludes
        }

        public var isEmpty: Bool { includes.isEmpty && excludes.isEmpty }
    }

    /// A push starts the pipeline when it matches: tags, or branches and (when given) the files it changes.
    public struct PushFilter: Codable, Equatable, Sendable {
        public var branches: Patterns?
        public var tags: Patterns?
        public var filePaths: Patterns?

        public init(branches: Patterns? = nil, tags: Patterns? = nil, filePaths: Patterns? = nil) {
            self.branches = branches
            self.tags = tags
            self.filePaths = filePaths
        }
    }

    /// A pull request event into matching branches (with matching files) starts the pipeline.
    public struct PullRequestFilter: Codable, Equatable, Sendable {
        /// OPEN, UPDATED, CLOSED.
        public var events: [String]
        public var branches: Patterns?
        public var filePaths: Patterns?

        public init(events: [String], branches: Patterns? = nil, filePaths: Patterns? = nil) {
            self.events = events
            self.branches = branches
            self.filePaths = filePaths
        }

        public static let eventTypes = ["OPEN", "UPDATED", "CLOSED"]
    }

    /// A pipeline-level variable: `#{variables.NAME}` in action configuration, a value given at each start.
    public struct Variable: Codable, Equatable, Sendable {
        public var name: String
        public var defaultValue: String?
        public var description: String?

        public init(name: String, defaultValue: String? = nil, description: String? = nil) {
            self.name = name
            self.defaultValue = defaultValue
            self.description = description
        }
    }

    /// A variable's value for one execution: given to `release var NAME=VALUE`, or its default.
    public struct VariableValue: Codable, Equatable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `REGION=eu-west-1, TAG=v2`: what a run's variables were, as status, watch and history show them.
    public static func describe(_ values: [VariableValue]) -> String {
        values.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }

    /// The variables of an execution started with `given` (StartPipelineExecution's `variables`), as
    /// CodePipeline resolves them: each declared variable its given value, else its default, in declaration
    /// order. Throws what CodePipeline refuses: an undeclared or empty value, a variable without default not given.
    public func resolveVariables(given: [VariableValue]) throws -> [VariableValue] {
        let declared = variables.map(\.name)
        for value in given {
            guard declared.contains(value.name) else { throw ReleaseVariableError(rule: .undeclaredAtRelease(value.name, declared: declared)) }
            guard !value.value.isEmpty else { throw ReleaseVariableError(rule: .emptyValue(value.name)) }
        }
        return try variables.map { variable in
            if let value = given.last(where: { $0.name == variable.name }) { return value }
            guard let value = variable.defaultValue else { throw ReleaseVariableError(rule: .noValue(variable.name)) }
            return VariableValue(name: variable.name, value: value)
        }
    }

    /// An environment variable of the Build action's configuration.
    public struct BuildVariable: Codable, Equatable, Sendable {
        public var name: String
        /// May hold `#{variables.NAME}`.
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// What a stage does when it fails, and what it waits for before it is entered.
    public struct StageSettings: Codable, Equatable, Sendable {
        /// CodePipeline's stage name (Build, DeployTo-prod).
        public var stage: String
        public var onFailure: OnFailure?
        /// The before-entry gate's rules (all must pass); empty for none.
        public var beforeEntry: [GateRule]

        public init(stage: String, onFailure: OnFailure? = nil, beforeEntry: [GateRule] = []) {
            self.stage = stage
            self.onFailure = onFailure
            self.beforeEntry = beforeEntry
        }
    }

    public enum OnFailure: Codable, Equatable, Sendable {
        /// Redeploy the stage's last succeeded execution.
        case rollback
        /// Retry the stage: only the failed actions, or all of them.
        case retry(RetryMode)

        public enum RetryMode: String, Codable, CaseIterable, Sendable {
            case failedActions = "FAILED_ACTIONS"
            case allActions = "ALL_ACTIONS"

            /// `failed-actions`, as the shell spells it. Not Foundation's `replacingOccurrences`: the
            /// command table asks for this on every start, and it was the start's one use of NSString
            /// (README, "Lean binary").
            public var word: String { String(rawValue.lowercased().map { $0 == "_" ? "-" : $0 }) }
        }

        /// `rollback`, `retry failed-actions`.
        public var words: String {
            switch self {
            case .rollback: return "rollback"
            case .retry(let mode): return "retry \(mode.word)"
            }
        }
    }

    /// A rule of a before-entry gate.
    public enum GateRule: Codable, Equatable, Sendable {
        /// Entry only inside the times a cron expression (CodePipeline's six or seven fields) names, in a time zone (UTC unless given).
        case deploymentWindow(name: String, cron: String, timeZone: String?)
        /// Entry only while a CloudWatch alarm is not in ALARM.
        case alarm(name: String, alarmName: String, waitMinutes: Int?)
        /// A rule of another provider (written by hand), kept as it is.
        case other(name: String, provider: String)

        public var name: String {
            switch self {
            case .deploymentWindow(let name, _, _), .alarm(let name, _, _), .other(let name, _): return name
            }
        }

        /// `DeploymentWindow`, `CloudWatchAlarm`: the rule's provider.
        public var provider: String {
            switch self {
            case .deploymentWindow: return Self.windowProvider
            case .alarm: return Self.alarmProvider
            case .other(_, let provider): return provider
            }
        }

        public static let windowProvider = "DeploymentWindow"
        public static let alarmProvider = "CloudWatchAlarm"
    }

    /// No setting at all: the pipeline is as Copilot makes it (V1).
    public var isEmpty: Bool { self == PipelineV2() }

    /// The settings of stage `name`, if it has any.
    public func settings(ofStage name: String) -> StageSettings? {
        stages.first { $0.stage == name }
    }

    /// Every filter of every trigger, numbered as `trigger ls` shows them (push filters first, then pull requests).
    public var filters: [TriggerFilter] {
        triggers.flatMap { trigger in trigger.push.map(TriggerFilter.push) + trigger.pullRequest.map(TriggerFilter.pullRequest) }
    }

    public enum TriggerFilter: Equatable, Sendable {
        case push(PushFilter)
        case pullRequest(PullRequestFilter)
    }
}

/// A `release var NAME=VALUE` CodePipeline would refuse.
public struct ReleaseVariableError: ReportableError, Equatable {
    public var rule: VariableRule

    public var problem: Problem { Problem(rule.message, hint: rule.hint) }
}

/// Where each V2 setting lives in the pipeline's template: the JSON pointers of the patches that set it.
public enum PipelineV2Paths {
    /// The CodePipeline resource of Copilot's template (pipeline_cfn.yml).
    public static let pipelineResource = "Pipeline"
    public static let properties = "/Resources/\(pipelineResource)/Properties"
    public static let pipelineType = "\(properties)/PipelineType"
    public static let executionMode = "\(properties)/ExecutionMode"
    public static let triggers = "\(properties)/Triggers"
    public static let variables = "\(properties)/Variables"
    /// The Build stage's one action's environment variables (Copilot's Build stage is the second, its action the first).
    public static let buildEnvironment = "\(properties)/Stages/1/Actions/0/Configuration/EnvironmentVariables"

    /// `/Resources/Pipeline/Properties/Stages/INDEX/OnFailure`: a stage is found by its position in the template.
    public static func onFailure(stageIndex: Int) -> String { "\(stage(stageIndex))/OnFailure" }
    public static func beforeEntry(stageIndex: Int) -> String { "\(stage(stageIndex))/BeforeEntry" }
    public static func stage(_ index: Int) -> String { "\(properties)/Stages/\(index)" }

    /// The position of the stage `pointer` is at or inside (`Stages/INDEX…`), and what follows it; nil for any other pointer.
    public static func stagePosition(of pointer: String) -> (index: Int, rest: Substring)? {
        let prefix = "\(properties)/Stages/"
        guard pointer.hasPrefix(prefix) else { return nil }
        let tail = pointer.dropFirst(prefix.count)
        let token = tail.prefix { $0 != "/" }
        guard let index = Int(token), String(index) == token else { return nil }
        return (index, tail.dropFirst(token.count))
    }

    /// The stage properties sluice reads and writes.
    public static let stageProperties = ["OnFailure", "BeforeEntry"]

    /// What a patch at `pointer` (RFC 6901, as Copilot splits it) sets: nil when it sets no V2 setting.
    public static func setting(at pointer: String) -> PipelineV2Setting? {
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard tokens.count >= 5, tokens[1] == "Resources", tokens[2] == pipelineResource, tokens[3] == "Properties" else { return nil }
        switch tokens[4] {
        case "PipelineType": return .pipelineType
        case "ExecutionMode": return .executionMode
        case "Triggers": return .triggers
        case "Variables": return .variables
        case "Stages":
            guard tokens.count >= 7, let index = Int(tokens[5]), String(index) == tokens[5] else { return nil }
            if stageProperties.contains(tokens[6]) { return .stage(index: index) }
            if pointer == buildEnvironment || pointer.hasPrefix(buildEnvironment + "/") { return .buildEnvironment }
            return nil
        default: return nil
        }
    }
}

/// A V2 setting, as the patches file holds it (for locating what a rule finds).
public enum PipelineV2Setting: Hashable, Sendable {
    case pipelineType
    case executionMode
    case triggers
    case variables
    case buildEnvironment
    /// A stage's OnFailure or BeforeEntry, by the stage's position in the template.
    case stage(index: Int)
}

/// What a pipeline's patches set of V2, read as Copilot applies them: the settings, the pipeline type,
/// where each setting was last set, and what could not be read — the input of the V2 rules.
public struct PipelineV2Overrides: Equatable, Sendable {
    /// The patches file, as the user knows it.
    public var file: String
    public var settings: PipelineV2
    /// `PipelineType` as the patches set it (nil: not set, so V1).
    public var pipelineType: String?
    /// Where each setting's last patch starts.
    public var locations: [PipelineV2Setting: SourceLocation]
    /// The CodePipeline stage names, by position in the template (Source, Build, DeployTo-…).
    public var stageNames: [String]
    /// What reading found wrong, each at the patch it comes from.
    public var problems: [(rule: OverridesFormRule, location: SourceLocation)]

    public init(file: String, settings: PipelineV2, pipelineType: String?, locations: [PipelineV2Setting: SourceLocation],
                stageNames: [String], problems: [(rule: OverridesFormRule, location: SourceLocation)] = []) {
        self.file = file
        self.settings = settings
        self.pipelineType = pipelineType
        self.locations = locations
        self.stageNames = stageNames
        self.problems = problems
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.file == rhs.file && lhs.settings == rhs.settings && lhs.pipelineType == rhs.pipelineType && lhs.locations == rhs.locations
            && lhs.stageNames == rhs.stageNames && lhs.problems.map(\.rule) == rhs.problems.map(\.rule)
            && lhs.problems.map(\.location) == rhs.problems.map(\.location)
    }

    /// Where stage `name`'s settings were set.
    public func location(ofStage name: String) -> SourceLocation? {
        stageNames.firstIndex(of: name).flatMap { locations[.stage(index: $0)] }
    }
}
