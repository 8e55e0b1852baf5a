import CopilotRules
import Errors
import Foundation
import Manifest
import Targets

/// explain: the manifest (or buildspec) as it is now, each line followed by what it does in
/// plain words, and under each section what Copilot does with the fields it leaves out.
enum ExplainCommands {
    static func explain(_ invocation: Invocation, _ session: Session) async throws {
        let open = try session.requirePipeline()
        let text: String, path: String, guide: FieldGuide
        var defaults = ConcreteDefaults(plan: nil, context: nil)
        if invocation["WHAT"] == "buildspec" {
            (path, text) = try session.buildspec(of: open)
            guide = .buildspec
        } else {
            path = open.files.manifestPathInWorkspace
            text = open.document.text
            guide = .manifest
            let context = try session.pipelineContext()
            // A manifest Copilot would refuse still gets its lines explained, without computed defaults.
            let validated = try? session.validatePipeline(printing: false).validated()
            defaults = ConcreteDefaults(plan: validated.flatMap { try? context.plan($0) }, context: context)
        }
        let outline = try YAMLOutline(text: text, file: path)
        let width = GraphCommands.columns(session)
        let output = session.output
        output.line("\(path) explained: ↳ what a line does, ∅ what happens without a field it lacks.", style: .bold)
        let lines = outline.lines
        let entriesByLine = Dictionary(grouping: outline.entries, by: \.line)
        let gutter = String(lines.count).count
        for (index, line) in lines.enumerated() where index < lines.count - 1 || !line.isEmpty {
            let number = String(index + 1)
            output.line(String(repeating: " ", count: gutter - number.count) + number + " │ " + line)
            // What the line's fields do first, then what the fields it lacks would have done.
            let entries = entriesByLine[index + 1] ?? []
            let note = String(repeating: " ", count: gutter) + " │   "
            for entry in entries {
                if let field = guide.field(at: entry.path) {
                    write("↳ " + field.meaning + defaults.present(field, entry.path), indent: note, width: width, output)
                } else if !(entry.path.last ?? "").hasPrefix("["), !guide.isInsideFreeForm(entry.path) {
                    write("↳ " + guide.unknown, indent: note, width: width, output)
                }
            }
            for entry in entries {
                for absent in absentFields(under: entry.path, keys: entry.keys ?? [], guide: guide, defaults: defaults) {
                    write(absent, indent: note, width: width, output)
                }
            }
        }
        let top = absentFields(under: [], keys: outline.topKeys ?? [], guide: guide, defaults: defaults)
        if !top.isEmpty {
            output.line("Not in the file:", style: .bold)
            for absent in top { write(absent, indent: "  ", width: width, output) }
        }
        if invocation["WHAT"] != "buildspec" { try V2Commands.printSettings(session, explainingBilling: true) }
    }

    /// "∅ KEY not set: what happens" for each field the guide has words for that `keys` lacks.
    private static func absentFields(under path: [String], keys: [String], guide: FieldGuide,
                                     defaults: ConcreteDefaults) -> [String] {
        guide.optionalFields(under: path).compactMap { field in
            let key = field.pattern.last ?? ""
            guard !keys.contains(key), let whenAbsent = field.whenAbsent,
                  let concrete = defaults.absent(field, path + [key]) else { return nil }
            return "∅ \(key) not set: \(whenAbsent)\(concrete)"
        }
    }

    /// Wrapped to `width`, each line after `indent`, dimmed.
    private static func write(_ text: String, indent: String, width: Int, _ output: Output) {
        for line in TextLayout.wrap(text, width: width, indent: indent) where line != indent { output.line(line, style: .dim) }
    }
}

/// What Copilot's defaults come to for this pipeline, from its plan: " (here: …)" after a
/// sentence, or nil where the default does not apply to it.
private struct ConcreteDefaults {
    let plan: PipelinePlan?
    let context: PipelineContext?

    /// Words added to a written field's meaning.
    func present(_ field: FieldGuide.Field, _ path: [String]) -> String {
        switch field.name {
        case "name": return context.map { " Here: \($0.stackName)." } ?? ""
        case "stages[].name":
            guard let plan, let environment = environmentName(path) else { return "" }
            if plan.omittedStages.contains(environment) {
                return " This stage deploys nothing (no deployments, and the workspace has no service or job), so Copilot leaves it out."
            }
            return " Here: \(StageName.deploy(environment))."
        default: return ""
        }
    }

    /// Words added to an absent field's default; nil to say nothing about it.
    func absent(_ field: FieldGuide.Field, _ path: [String]) -> String? {
        guard let plan else { return "" }
        switch field.name {
        case "build.image": return " Here: \(PipelinePlan.defaultImage)."
        case "build.buildspec": return " Here: \(plan.build.buildspec)."
        case "source.properties.connection_name":
            guard case .connection(_, _, _, .created(let name), _) = plan.source else { return nil }
            return " Here: \(name)."
        case "source.properties.output_artifact_format":
            if case .gitHubToken = plan.source { return nil }
            return ""
        case "stages[].deployments":
            guard let stage = stage(path) else { return " This stage has nothing to deploy, so Copilot leaves it out." }
            return " Here: \(deployments(stage).map(\.name).joined(separator: ", "))."
        case "stages[].deployments.*.stack_name", "stages[].deployments.*.template_path", "stages[].deployments.*.template_config":
            guard let stage = stage(path), path.count >= 5, let deployment = deployments(stage).first(where: { $0.name == path[3] }) else { return "" }
            let value = field.name.hasSuffix("stack_name") ? deployment.stackName
                : field.name.hasSuffix("template_path") ? deployment.templatePath : deployment.templateConfigurationPath
            return " Here: \(value)."
        default: return ""
        }
    }

    private func environmentName(_ path: [String]) -> String? {
        guard path.count >= 2, path[0] == "stages", let index = Int(path[1].dropFirst().dropLast()),
              let context, index < context.manifest.stages.count else { return nil }
        return context.manifest.stages[index].name
    }

    private func stage(_ path: [String]) -> PipelinePlan.DeployStage? {
        guard let name = environmentName(path) else { return nil }
        return plan?.stages.first { $0.environment == name }
    }

    private func deployments(_ stage: PipelinePlan.DeployStage) -> [PipelinePlan.StackDeployment] {
        stage.actions.compactMap { if case .deployment(let deployment) = $0.kind { return deployment }; return nil }
    }
}
