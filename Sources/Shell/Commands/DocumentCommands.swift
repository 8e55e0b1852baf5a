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
            let text = try session.buildspec(of: open).text
            session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
        case "template":
            session.output.write(try await deploymentTemplate(session, for: "show template"))
        default:
            let text = open.document.text
            session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
            // `show` alone adds the V2 settings kept beside it; `show manifest` is the file as it is.
            if invocation["WHAT"] == nil { try V2Commands.printSettings(session, explainingBilling: false) }
        }
    }

    /// The template the target would deploy for the manifest as edited, unsaved edits included (like `show manifest`),
    /// ending in a newline; `command` names what asked, for the local target's refusal.
    private static func deploymentTemplate(_ session: Session, for command: String) async throws -> String {
        let workspace = try session.requireWorkspace()
        let context = try session.pipelineContext()
        do {
            let target = try session.targets.target(workspaceRoot: workspace.root)
            let text = try await target.deploymentTemplate(context) { registered in
                try context.plan(try session.validatePipeline(printing: false).validated(), registered: registered)
            }
            return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        } catch is TargetUnavailable {
            throw ShellError.failure("`\(command)` is not available for the \(session.targetKind) target",
                                     hint: "`target aws` deploys a CloudFormation template; the local target runs the manifest itself")
        }
    }

    /// Copilot's `package` for the pipeline: the template `push` would deploy, overrides applied, to stdout or as
    /// Copilot names it in `--output-dir`.
    static func package(_ invocation: Invocation, _ session: Session) async throws {
        _ = try session.requirePipeline()
        guard let directory = invocation["DIR"] else {
            session.output.write(try await deploymentTemplate(session, for: "pipeline package"))
            return
        }
        let path = (directory as NSString).appendingPathComponent(StackNames.packagedTemplateFile(stack: try session.pipelineContext().stackName))
        let url = session.resolve(path)
        try session.refuseNamedFile(url, as: path, what: "the template", at: invocation.location(of: "DIR"))
        let text = try await deploymentTemplate(session, for: "pipeline package")
        try session.writeNamedFile(url, as: path, Data(text.utf8), what: "the template", at: invocation.location(of: "DIR"))
        session.output.message("wrote \(path)")
    }

    static func diff(_ invocation: Invocation, _ session: Session) async throws {
        let open = try session.requirePipeline()
        let path = open.files.manifestPathInWorkspace
        let onDisk = FileManager.default.contents(atPath: open.files.manifest.path).map { String(decoding: $0, as: UTF8.self) }
        let diff = UnifiedDiff.make(old: onDisk ?? "", new: open.document.text,
                                    oldName: onDisk == nil ? "/dev/null" : "a/\(path)", newName: "b/\(path)")
        if diff.isEmpty {
            session.output.message("no unsaved edits")
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
            let findings = diagnostics.map { ValidationFinding(severity: $0.severity.rawValue, problem: $0.problem) }
            session.output.line(try JSONText.encode(ValidationReport(file: path, valid: errors == 0, findings: findings)))
        }
        guard errors == 0 else {
            throw ShellError.failure("\(path) has \(errors) error(s)",
                                     hint: "fix them (\(json ? "the findings" : "the lines above") say where), then `validate` again")
        }
        if !json { session.output.message("\(path) is valid\(warnings > 0 ? " (\(warnings) warning(s))" : "")") }
    }

    static func save(_ invocation: Invocation, _ session: Session) async throws {
        guard let open = session.pipeline, open.isDirty else {
            session.output.message("unchanged: nothing to save")
            return
        }
        try session.savePipeline()
        session.output.message("saved " + open.savedPaths.joined(separator: " and "))
    }

    static func undo(_ invocation: Invocation, _ session: Session) async throws {
        try travel(from: \.history.undo, to: \.history.redo, session, undoing: true, said: "undid",
                   empty: ShellError.failure("nothing to undo", hint: "undo takes back edits made since the pipeline was opened, and `pipeline rm`"))
    }

    static func redo(_ invocation: Invocation, _ session: Session) async throws {
        try travel(from: \.history.redo, to: \.history.undo, session, undoing: false, said: "redid",
                   empty: ShellError.failure("nothing to redo", hint: "redo re-applies what `undo` took back"))
    }

    /// Moves one step between the undo and redo stacks: an edit puts the manifest text back as it was
    /// on the chosen side of it; a removal writes the pipeline's files back, or removes them again.
    private static func travel(from source: ReferenceWritableKeyPath<Session, [UndoStep]>,
                               to destination: ReferenceWritableKeyPath<Session, [UndoStep]>, _ session: Session,
                               undoing: Bool, said verb: String, empty: ShellError) throws {
        guard let step = session[keyPath: source].last else { throw empty }
        switch step {
        case .edit(let edit):
            guard var open = session.pipeline else { throw empty }
            try undoing ? open.document.undo(edit.change) : open.document.redo(edit.change)
            if let overrides = edit.overrides, var patches = open.patches {
                try undoing ? patches.undo(overrides) : patches.redo(overrides)
                open.patches = patches
            }
            session.pipeline = open
        case .removal(let removed):
            try undoing ? session.restore(removed) : session.removeAgain(removed)
        case .overridesEdit(let change, _):
            guard var open = session.pipeline, var patches = open.patches else { throw empty }
            try undoing ? patches.undo(change) : patches.redo(change)
            open.patches = patches
            session.pipeline = open
        }
        session[keyPath: source].removeLast()
        session[keyPath: destination].append(step)
        session.output.message("\(verb): \(step.summary)")
    }

    static func reload(_ invocation: Invocation, _ session: Session) async throws {
        guard let open = session.pipeline else {
            session.output.message("unchanged: no pipeline open")
            return
        }
        let dropped = open.isDirty
        if FileManager.default.fileExists(atPath: open.files.manifest.path) {
            session.pipeline = try session.open(open.files)
        } else {
            session.pipeline = nil
        }
        session.history.forget()
        session.output.message("reloaded \(open.files.manifestPathInWorkspace)\(dropped ? " (unsaved edits dropped)" : "")")
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
