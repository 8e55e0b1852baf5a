// What CloudFormation will take, checked before anything is uploaded: an overridden template can
// stop being a template (a patch that removes `Outputs` without its leading slash removes the
// whole document, a patch that replaces the root makes it a list), lose the CodePipeline (an
// update would then delete it), or grow past CloudFormation's size limit (after the upload,
// CloudFormation would refuse it and leave the object behind).

enum TemplateCheck {
    /// CloudFormation's limit on a template read by `TemplateURL`, as push sends it. (A `TemplateBody`
    /// may hold 51,200 bytes; push never sends one, whatever the size.)
    static let urlLimit = 1_048_576
    static let pipelineType = "AWS::CodePipeline::Pipeline"

    /// What is wrong with `template` as the pipeline's stack template, said as the end of a
    /// sentence ("has no Resources"), or nil when it is one.
    static func structuralProblem(_ template: TemplateValue?) -> String? {
        guard let template else { return "is empty: the patches removed the whole document" }
        guard case .object(let sections) = template else { return "is \(kind(template)), not a mapping of sections" }
        guard let resources = sections.first(where: { $0.0 == "Resources" })?.1 else { return "has no Resources" }
        guard case .object(let entries) = resources else { return "has Resources that are \(kind(resources)), not a mapping" }
        let pipelines = entries.filter { $0.1["Type"] == .string(pipelineType) }.map(\.0)
        switch pipelines.count {
        case 0: return "has no \(pipelineType) resource: the stack would delete the CodePipeline"
        case 1: return nil
        default: return "has \(pipelines.count) \(pipelineType) resources (\(pipelines.joined(separator: ", "))), where Copilot's has one"
        }
    }

    /// Throws when the rendered template is larger than CloudFormation takes.
    static func checkSize(_ rendered: String, stack: String) throws {
        let size = rendered.utf8.count
        guard size > urlLimit else { return }
        throw AWSTargetError("the template of \(stack) is \(size) bytes; CloudFormation takes at most \(urlLimit) (1 MB), "
                             + "so nothing was uploaded",
                             hint: "split the pipeline, or remove what the overrides add; `show template` prints it")
    }

    private static func kind(_ value: TemplateValue) -> String {
        switch value {
        case .array: return "a list"
        case .object(let entries) where entries.isEmpty: return "an empty mapping"
        case .object: return "a mapping"
        case .string, .int, .number, .bool: return "a single value"
        case .null: return "null"
        }
    }
}
