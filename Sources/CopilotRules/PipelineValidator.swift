import Errors
import Manifest

/// One finding of ``PipelineValidator``: a broken constraint, located where the user can fix it
/// (`FILE:LINE:COL: error|warning: MESSAGE` plus a hint line).
public struct Diagnostic: Equatable, Sendable {
    public var constraint: ManifestConstraint
    public var file: String
    /// nil when the problem is the file as a whole.
    public var location: SourceLocation?

    public var severity: Severity { constraint.rule.severity }
    public var message: String { constraint.rule.message }
    public var hint: String? { constraint.rule.hint }

    /// The finding in the error model, located in its file.
    public var problem: Problem {
        Problem(message, hint: hint, at: TextLocation(file: file, line: location?.line ?? 0, column: location?.column ?? 0))
    }
}

/// Checks a manifest against every rule of the rule book: Copilot's, plus sluice's own where Copilot's
/// deploy would fail later or silently. Only a manifest it finds no error in becomes a ``ValidatedManifest``,
/// the one input of the pipeline plan.
public struct PipelineValidator: Sendable {
    /// Supplies the application name (for the stack name) and the environments; nil skips those checks.
    public var workspace: Workspace?

    public init(workspace: Workspace? = nil) {
        self.workspace = workspace
    }

    /// Every finding in the document, errors and warnings, in file order, and the manifest when it has no error.
    /// `overrides`: the CodePipeline V2 settings the pipeline's patches make (their findings are in that file, after the manifest's).
    public func validate(_ document: ManifestDocument, overrides: PipelineV2Overrides? = nil) -> Validation {
        let locations = document.locations
        return validate(document.manifest, file: document.displayPath, unknownKeys: document.unknownKeys, overrides: overrides,
                        isWritten: { locations.key($0) != nil }) { anchors in
            for anchor in anchors {
                switch anchor {
                case .key(let path): if let found = locations.key(path) { return found }
                case .value(let path): if let found = locations.value(path) { return found }
                case .top: return SourceLocation(line: 1, column: 1)
                case .located(let location): return location
                }
            }
            return nil
        }
    }

    /// The same for a manifest made in code: its findings have no location.
    public func validate(_ manifest: PipelineManifest, overrides: PipelineV2Overrides? = nil) -> Validation {
        validate(manifest, file: "<manifest>", unknownKeys: [], overrides: overrides, isWritten: { _ in true }) { anchors in
            // Only the overrides' findings have places of their own.
            anchors.lazy.compactMap { if case .located(let location) = $0 { return location } else { return nil } }.first
        }
    }

    private func validate(_ manifest: PipelineManifest, file: String, unknownKeys: [UnknownKey], overrides: PipelineV2Overrides?,
                          isWritten: @escaping ([PathStep]) -> Bool, locate: ([Anchor]) -> SourceLocation?) -> Validation {
        let input = RuleInput(manifest: manifest, unknownKeys: unknownKeys, application: workspace?.application,
                              environments: workspace?.environments, isWritten: isWritten)
        var findings = Findings()
        VersionRule.check(input, into: &findings)
        PipelineNameRule.check(input, into: &findings)
        let source = SourceRule.check(input, into: &findings)
        StageRule.check(input, into: &findings)
        DependencyRule.check(input, into: &findings)
        UnknownKeyRule.check(input, into: &findings)
        VariableRule.check(input, overrides: overrides, into: &findings)
        if let overrides {
            for problem in overrides.problems {
                findings.add(.overridesForm(problem.rule), in: overrides.file, at: problem.location)
            }
            PipelineTypeRule.check(overrides, into: &findings)
            TriggerRule.check(overrides, source: source, sourceProvider: manifest.source.provider,
                              sourceActionName: workspace.map { StageName.sourceAction(application: $0.application) }, into: &findings)
            ExecutionModeRule.check(overrides, into: &findings)
            StageFailureRule.check(overrides, into: &findings)
            StageGateRule.check(overrides, into: &findings)
        }
        let diagnostics = findings.all.map { Diagnostic(constraint: $0.constraint, file: $0.file ?? file, location: locate($0.anchors)) }
        let origin = SourceLocation(line: 0, column: 0)
        // The manifest's findings first, each file's in file order.
        let sorted = diagnostics.enumerated().sorted { a, b in
            let x = a.element.location ?? origin, y = b.element.location ?? origin
            return (a.element.file != file ? 1 : 0, x.line, x.column, a.offset) < (b.element.file != file ? 1 : 0, y.line, y.column, b.offset)
        }.map(\.element)
        let settings = overrides?.settings
        let validated = findings.hasErrors ? nil : source.map {
            ValidatedManifest(manifest: manifest, source: $0, v2: settings?.isEmpty == false ? settings : nil)
        }
        return Validation(file: file, diagnostics: sorted, manifest: validated)
    }
}

/// What validating a manifest found.
public struct Validation: Sendable {
    /// The file as the document names it (`<manifest>` for one made in code); naming it otherwise (as the
    /// user knows it) names the manifest's findings so too.
    public var file: String {
        didSet { for index in diagnostics.indices where diagnostics[index].file == oldValue { diagnostics[index].file = file } }
    }
    /// Errors and warnings, in file order.
    public var diagnostics: [Diagnostic]
    /// The manifest, when it has no error.
    public var manifest: ValidatedManifest?

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// The validated manifest, or the error saying how many errors stand in the way.
    public func validated() throws -> ValidatedManifest {
        guard let manifest else { throw InvalidManifest(file: file, errors: errors) }
        return manifest
    }
}

/// A manifest that breaks no rule of the rule book, with the source action Copilot makes of it: the
/// only input the pipeline plan is made from.
public struct ValidatedManifest: Equatable, Sendable {
    public let manifest: PipelineManifest
    public let source: PipelineSource
    /// The CodePipeline V2 settings of the pipeline's overrides; nil for a V1 pipeline, as Copilot makes it.
    public let v2: PipelineV2?
}

/// A manifest that breaks a rule, asked for as a validated one.
public struct InvalidManifest: ReportableError, Equatable {
    public var file: String
    public var errors: [Diagnostic]

    public var problem: Problem {
        if errors.count > 1, let first = errors.first {
            let where_ = first.file == file ? "" : " (in \(first.file))"
            return Problem("\(file) has \(errors.count) errors, the first\(where_): \(first.message)", hint: "`validate` lists them")
        }
        return Problem("\(errors.first?.file ?? file): \(errors.first?.message ?? "not valid")", hint: errors.first?.hint)
    }
}
