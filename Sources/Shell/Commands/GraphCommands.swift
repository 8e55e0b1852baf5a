import CopilotRules
import Foundation
import Targets

/// show graph, export graph: the pipeline as a picture, from the plan of the manifest as edited.
enum GraphCommands {
    static func show(_ invocation: Invocation, _ session: Session) async throws {
        let layout = GraphLayout(try await graph(session, withRun: invocation.has("--run")), columns: columns(session))
        session.output.write(TerminalGraph.render(layout, theme: session.output.theme))
        try V2Commands.printSettings(session, explainingBilling: false)
    }

    static func export(_ invocation: Invocation, _ session: Session) async throws {
        let path = invocation.required("FILE")
        guard let format = GraphFormat(path: path) else {
            throw ShellError.failure("cannot tell which picture to write from the name \(path)",
                                     hint: "name the file FILE.svg, FILE.mmd (Mermaid) or FILE.dot (Graphviz)")
        }
        let url = session.resolve(path)
        // Refused before the picture is drawn, which can take a while.
        try session.refuseNamedFile(url, as: path, what: "the picture", at: invocation.location(of: "FILE"))
        let text = format.render(try await graph(session, withRun: invocation.has("--run")),
                                 columns: invocation["COLUMNS"].flatMap(Int.init) ?? 120)
        try session.writeNamedFile(url, as: path, Data(text.utf8), what: "the picture", at: invocation.location(of: "FILE"))
        session.output.message("wrote \(path)")
    }

    /// The picture of the pipeline being edited, unsaved edits included; `withRun`: with the
    /// states of its newest run on the target.
    static func graph(_ session: Session, withRun: Bool) async throws -> PipelineGraph {
        let context = try session.pipelineContext()
        let graph = PipelineGraph(plan: try context.plan(try session.validatePipeline(printing: false).validated()))
        guard withRun else { return graph }
        let target: any PipelineTarget
        do {
            target = try session.targets.target(workspaceRoot: context.workspaceRoot)
            guard let run = try await target.latestExecution(context) else {
                throw ShellError.failure("\(context.manifest.name) has not run yet, so there are no states to draw",
                                         hint: "`push` deploys it and starts a run; without --run the picture needs none")
            }
            return graph.with(run)
        } catch is TargetUnavailable {
            throw ShellError.failure("the \(session.targetKind) target cannot say how the pipeline ran",
                                     hint: "without --run the picture needs no target")
        }
    }

    /// The terminal's width; elsewhere $COLUMNS, else 80: the width every message wraps to.
    static func columns(_ session: Session) -> Int {
        session.output.columns
    }
}
