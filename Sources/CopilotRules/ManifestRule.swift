import Manifest

// How the rule book states a constraint on a pipeline manifest: each rule is an enum in a file of
// its own, whose cases are the ways a manifest breaks it, each with its one message and hint, beside
// the check that finds them (as swift-format keeps a rule with its messages). The checks say where in
// the manifest a finding is as paths; ``PipelineValidator`` turns those into lines and columns.

/// Whether Copilot would refuse the pipeline, or only a person would be surprised.
public enum Severity: String, Equatable, Sendable {
    /// Copilot would reject the pipeline (or CloudFormation would fail to create it).
    case error
    /// Deployable, but probably not what was meant.
    case warning
}

/// A rule of the manifest, as the case a manifest breaks it by.
public protocol ManifestRule: Equatable, Sendable {
    var severity: Severity { get }
    /// One sentence: what is wrong.
    var message: String { get }
    /// What to do about it.
    var hint: String? { get }
}

/// Every constraint the rule book holds on a manifest, as one value: the rule and its case.
public enum ManifestConstraint: Equatable, Sendable {
    case version(VersionRule)
    case name(PipelineNameRule)
    case source(SourceRule)
    case stage(StageRule)
    case dependency(DependencyRule)
    case unknownKey(UnknownKeyRule)
    // CodePipeline V2, set by the overrides' patches (the finding is in the patches file).
    case overridesForm(OverridesFormRule)
    case pipelineType(PipelineTypeRule)
    case trigger(TriggerRule)
    case executionMode(ExecutionModeRule)
    case variable(VariableRule)
    case stageFailure(StageFailureRule)
    case stageGate(StageGateRule)

    public var rule: any ManifestRule {
        switch self {
        case .version(let rule): return rule
        case .name(let rule): return rule
        case .source(let rule): return rule
        case .stage(let rule): return rule
        case .dependency(let rule): return rule
        case .unknownKey(let rule): return rule
        case .overridesForm(let rule): return rule
        case .pipelineType(let rule): return rule
        case .trigger(let rule): return rule
        case .executionMode(let rule): return rule
        case .variable(let rule): return rule
        case .stageFailure(let rule): return rule
        case .stageGate(let rule): return rule
        }
    }
}

/// What the rules read: the manifest, the keys Copilot does not know, and the workspace when known.
struct RuleInput {
    let manifest: PipelineManifest
    let unknownKeys: [UnknownKey]
    /// The application, for the stack name; nil skips that check.
    let application: String?
    /// The workspace's environments; nil skips that check.
    let environments: [String]?
    /// Whether the file has a key at the path (a manifest made in code has every field it holds).
    let isWritten: ([PathStep]) -> Bool
}

/// Where a finding points: the first of these places the document has, else nowhere in particular.
enum Anchor: Equatable {
    /// Where the key at the path is.
    case key([PathStep])
    /// Where the value at the path starts (its key when it is empty).
    case value([PathStep])
    /// The document's first line.
    case top
    /// A place the reader found.
    case located(SourceLocation)
}

/// A broken constraint and where it is, before the validator locates it.
struct Finding {
    var constraint: ManifestConstraint
    var anchors: [Anchor]
    /// The file it is in when not the manifest (the overrides' patches).
    var file: String?
}

/// The findings of one validation, in the order the rules make them.
struct Findings {
    private(set) var all: [Finding] = []

    mutating func add(_ constraint: ManifestConstraint, at anchors: Anchor...) {
        add(constraint, at: anchors)
    }

    mutating func add(_ constraint: ManifestConstraint, at anchors: [Anchor]) {
        all.append(Finding(constraint: constraint, anchors: anchors))
    }

    /// A finding in another file than the manifest, at `location` there (nil: the file as a whole).
    mutating func add(_ constraint: ManifestConstraint, in file: String, at location: SourceLocation?) {
        all.append(Finding(constraint: constraint, anchors: location.map { [.located($0)] } ?? [], file: file))
    }

    var hasErrors: Bool { all.contains { $0.constraint.rule.severity == .error } }
}

extension Array where Element == PathStep {
    /// `stages[index]`.
    static func stage(_ index: Int) -> [PathStep] { [.key("stages"), .index(index)] }
}
