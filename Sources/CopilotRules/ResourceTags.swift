// The tags Copilot puts on what it creates for a pipeline (internal/pkg/deploy/cloudformation/pipeline.go,
// cli/pipeline_deploy.go), and what they tell apart.

public enum ResourceTags {
    public static let application = "copilot-application"
    public static let pipeline = "copilot-pipeline"
    /// The Resource Groups Tagging type Copilot's ListDeployedPipelines asks for, by the application's tag.
    public static let pipelineResourceType = "codepipeline:pipeline"

    /// The pipeline stack's tags as Copilot sets them: the application's tags, then Copilot's own (which
    /// win). Copilot tags a legacy pipeline with its application only.
    public static func pipelineStack(application: CopilotApplication, pipeline: String, isLegacy: Bool) -> [String: String] {
        var tags = application.tags ?? [:]
        tags[Self.application] = application.name
        if !isLegacy { tags[Self.pipeline] = pipeline }
        return tags
    }

    /// The tags of a secret sluice stores a pipeline's GitHub token in (nil `pipeline`: one not made yet).
    public static func tokenSecret(application: String, pipeline: String?) -> [String: String] {
        var tags = [Self.application: application]
        if let pipeline { tags[Self.pipeline] = pipeline }
        return tags
    }

    /// Whether a Secrets Manager secret is one Copilot's `pipeline init` or sluice made for a pipeline's GitHub token:
    /// both tag it `copilot-application` (Copilot with the time it made it, sluice with the application's name).
    /// Only such a secret is deleted with its pipeline; a token someone else stored, shared perhaps, is not.
    public static func marksTokenSecret(_ tags: [(key: String, value: String)]) -> Bool {
        tags.contains { $0.key == application }
    }

    /// Whether a stack named as the manifest is a pipeline Copilot deployed before v1.16 under its legacy
    /// naming: tagged with the application but not with a pipeline (deploy.ListDeployedPipelines tells them apart so).
    public static func marksLegacyPipeline(_ tags: [(key: String, value: String)], application: String) -> Bool {
        tags.contains { $0.key == Self.application && $0.value == application } && !tags.contains { $0.key == Self.pipeline }
    }
}
