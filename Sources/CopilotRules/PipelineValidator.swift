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

    /// The finding in the error model, located in `path` (the file as the user knows it).
    public func problem(path: String) -> Problem {
        Problem(message, hint: hint, at: TextLocation(file: path, line: location?.line ?? 0, column: location?.column ?? 0))
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
    public func validate(_ document: ManifestDocument) -> Validation {
        let locations = document.locations
        return validate(document.manifest, file: document.displayPath, unknownKeys: document.unknownKeys,
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
    public func validate(_ manifest: PipelineManifest) -> Validation {
        validate(manifest, file: "<manifest>", unknownKeys: [], isWritten: { _ in true }) { _ in nil }
    }

    private func validate(_ manifest: PipelineManifest, file: String, unknownKeys: [UnknownKey], isWritten: @escaping ([PathStep]) -> Bool,
                          locate: ([Anchor]) -> SourceLocation?) -> Validation {
        let input = RuleInput(manifest: manifest, unknownKeys: unknownKeys, application: workspace?.application,
                              environments: workspace?.environments, isWritten: isWritten)
        var findings = Findings()
        VersionRule.check(input, into: &findings)
        PipelineNameRule.check(input, into: &findings)
        let source = SourceRule.check(input, into: &findings)
        StageRule.check(input, into: &findings)
        DependencyRule.check(input, into: &findings)
        UnknownKeyRule.check(input, into: &findings)
        let diagnostics = findings.all.map { Diagnostic(constraint: $0.constraint, file: file, location: locate($0.anchors)) }
        let origin = SourceLocation(line: 0, column: 0)
        let sorted = diagnostics.enumerated().sorted { a, b in
            let x = a.element.location ?? origin, y = b.element.location ?? origin
            return (x.line, x.column, a.offset) < (y.line, y.column, b.offset)
        }.map(\.element)
        let validated = findings.hasErrors ? nil : source.map { ValidatedManifest(manifest: manifest, source: $0) }
        return Validation(file: file, diagnostics: sorted, manifest: validated)
    }
}

/// What validating a manifest found.
public struct Validation: Sendable {
    /// The file as the document names it (`<manifest>` for one made in code).
    public var file: String
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
}

/// A manifest that breaks a rule, asked for as a validated one.
public struct InvalidManifest: ReportableError, Equatable {
    public var file: String
    public var errors: [Diagnostic]

    public var problem: Problem {
        if errors.count > 1, let first = errors.first {
            return Problem("\(file) has \(errors.count) errors, the first: \(first.message)", hint: "`validate` lists them")
        }
        return Problem("\(file): \(errors.first?.message ?? "not valid")", hint: errors.first?.hint)
    }
}
