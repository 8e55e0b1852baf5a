import CopilotRules
import Errors
import Foundation
import Text
import Manifest
import Targets

/// show, diff, validate, save, undo, redo, reload.
enum DocumentCommands {
    static func show(_ invocation: Invocation, _ session: Session) async throws {
        let open = try session.requirePipeline()
        switch invocation["WHAT"] ?? "manifest" {
        case "buildspec":
            let text: String
            if let pending = open.pendingBuildspec {
                text = pending
            } else {
                text = try session.readTextFile(open.files.buildspec.path, at: invocation.location)
            }
            session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
        case "template":
            let workspace = try session.requireWorkspace()
            // The manifest as edited, unsaved edits included, like `show manifest`.
            let context = try session.pipelineContext()
            do {
                let target = try session.targets.target(workspaceRoot: workspace.root)
                let text = try await target.deploymentTemplate(context) { registered in
                    try context.plan(try session.validatePipeline(printing: false).validated(), registered: registered)
                }
                session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
            } catch is TargetUnavailable {
                throw ShellError.failure("`show template` is not available for the \(session.targetKind) target",
                                         hint: "`target aws` deploys a CloudFormation template; the local target runs the manifest itself")
            }
        default:
            let text = open.document.text
            session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
        }
    }

    static func diff(_ invocation: Invocation, _ session: Session) async throws {
        let open = try session.requirePipeline()
        let path = open.files.manifestPathInWorkspace
        let onDisk = FileManager.default.contents(atPath: open.files.manifest.path).map { String(decoding: $0, as: UTF8.self) }
        let diff = UnifiedDiff.make(old: onDisk ?? "", new: open.document.text,
                                    oldName: onDisk == nil ? "/dev/null" : "a/\(path)", newName: "b/\(path)")
        if diff.isEmpty {
            session.output.line("no unsaved edits")
            return
        }
        printDiff(diff, session.output)
    }

    /// A unified diff, added lines green, removed red, hunk headers cyan.
    static func printDiff(_ diff: String, _ output: Output) {
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let style: Output.Style = line.hasPrefix("+") ? .green : line.hasPrefix("-") ? .red : line.hasPrefix("@@") ? .cyan : .plain
            output.line(String(line), style: style)
        }
    }

    static func validate(_ invocation: Invocation, _ session: Session) async throws {
        let json = session.printsJSON(invocation)
        let validation = try session.validatePipeline(printing: !json)
        let (path, diagnostics) = (validation.file, validation.diagnostics)
        let errors = validation.errors.count
        let warnings = diagnostics.count - errors
        if json {
            let findings = diagnostics.map { ValidationFinding(severity: $0.severity.rawValue, problem: $0.problem(path: path)) }
            session.output.line(try JSONText.encode(ValidationReport(file: path, valid: errors == 0, findings: findings)))
        }
        guard errors == 0 else {
            throw ShellError.failure("\(path) has \(errors) error(s)",
                                     hint: "fix them (\(json ? "the findings" : "the lines above") say where), then `validate` again")
        }
        if !json { session.output.line("\(path) is valid\(warnings > 0 ? " (\(warnings) warning(s))" : "")") }
    }

    static func save(_ invocation: Invocation, _ session: Session) async throws {
        guard let open = session.pipeline, open.isDirty else {
            session.output.line("unchanged: nothing to save")
            return
        }
        try session.savePipeline()
        session.output.line("saved \(open.files.manifestPathInWorkspace)")
    }

    static func undo(_ invocation: Invocation, _ session: Session) async throws {
        try travel(from: \.history.undo, to: \.history.redo, session, direction: { try $0.undo($1) }, said: "undid",
                   empty: ShellError.failure("nothing to undo", hint: "undo takes back edits made since the pipeline was opened"))
    }

    static func redo(_ invocation: Invocation, _ session: Session) async throws {
        try travel(from: \.history.redo, to: \.history.undo, session, direction: { try $0.redo($1) }, said: "redid",
                   empty: ShellError.failure("nothing to redo", hint: "redo re-applies what `undo` took back"))
    }

    /// Moves one edit between the undo and redo stacks, putting the manifest text back as
    /// it was on the chosen side of the edit (`direction` turns the document into that one).
    private static func travel(from source: ReferenceWritableKeyPath<Session, [PipelineEdit]>,
                               to destination: ReferenceWritableKeyPath<Session, [PipelineEdit]>, _ session: Session,
                               direction: (inout ManifestDocument, ManifestDocument.Change) throws -> Void, said verb: String,
                               empty: ShellError) throws {
        guard var open = session.pipeline, let edit = session[keyPath: source].last else { throw empty }
        try direction(&open.document, edit.change)
        session[keyPath: source].removeLast()
        session.pipeline = open
        session[keyPath: destination].append(edit)
        session.output.line("\(verb): \(edit.summary)")
    }

    static func reload(_ invocation: Invocation, _ session: Session) async throws {
        guard let open = session.pipeline else {
            session.output.line("unchanged: no pipeline open")
            return
        }
        let dropped = open.isDirty
        if FileManager.default.fileExists(atPath: open.files.manifest.path) {
            session.pipeline = try session.open(open.files)
        } else {
            session.pipeline = nil
        }
        session.history.forget()
        session.output.line("reloaded \(open.files.manifestPathInWorkspace)\(dropped ? " (unsaved edits dropped)" : "")")
    }
}

/// `validate --json`: the file, whether it is valid, and each finding in the error model's fields.
private struct ValidationReport: Encodable {
    var file: String
    var valid: Bool
    var findings: [ValidationFinding]
}

private struct ValidationFinding: Encodable {
    var severity: String
    var problem: Problem

    private enum CodingKeys: String, CodingKey { case severity, message, hint, location }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(problem.message, forKey: .message)
        try container.encodeIfPresent(problem.hint, forKey: .hint)
        try container.encodeIfPresent(problem.location, forKey: .location)
    }
}
