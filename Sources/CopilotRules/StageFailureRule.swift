import Manifest

/// A stage's `OnFailure`: the Source stage cannot be rolled back (CodePipeline has nothing to roll it back to).
public enum StageFailureRule: ManifestRule {
    case sourceRollback

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .sourceRollback: return "the Source stage cannot be rolled back"
        }
    }

    public var hint: String? {
        switch self {
        case .sourceRollback:
            return "CodePipeline rolls a stage back to the source revision of an earlier execution, so a Source stage has none to return to; "
                + "set rollback on a DeployTo stage"
        }
    }

    static func check(_ overrides: PipelineV2Overrides, into findings: inout Findings) {
        for stage in overrides.settings.stages where stage.stage == StageName.source && stage.onFailure == .rollback {
            findings.add(.stageFailure(.sourceRollback), in: overrides.file, at: overrides.location(ofStage: stage.stage))
        }
    }
}
