import Manifest

/// `ExecutionMode`: PARALLEL runs executions independently, so a stage cannot roll back to another's deployment.
public enum ExecutionModeRule: ManifestRule {
    case parallelWithRollback(stage: String)

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .parallelWithRollback(let stage):
            return "execution mode PARALLEL cannot be combined with rollback, and \(stage) rolls back on failure"
        }
    }

    public var hint: String? {
        switch self {
        case .parallelWithRollback(let stage):
            let environment = StageName.environment(of: stage) ?? stage
            return "CodePipeline offers no stage rollback in PARALLEL mode: use `mode queued` (or superseded), or "
                + "`stage on-failure \(environment) retry` / `fail`"
        }
    }

    static func check(_ overrides: PipelineV2Overrides, into findings: inout Findings) {
        guard overrides.settings.executionMode == .parallel else { return }
        for stage in overrides.settings.stages where stage.onFailure == .rollback {
            findings.add(.executionMode(.parallelWithRollback(stage: stage.stage)), in: overrides.file,
                         at: overrides.locations[.executionMode] ?? overrides.location(ofStage: stage.stage))
        }
    }
}
