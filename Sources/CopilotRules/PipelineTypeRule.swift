import Manifest

/// `PipelineType`: every V2 setting needs `V2` (CloudFormation refuses them on a V1 pipeline), and only V1 and V2 exist.
public enum PipelineTypeRule: ManifestRule {
    /// `setting`: `Triggers`, `ExecutionMode QUEUED`, `OnFailure of DeployTo-prod`.
    case requiresV2(setting: String, pipelineType: String?)
    case unknownType(String)

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .requiresV2(let setting, let type):
            return "\(setting) needs a V2 pipeline, and PipelineType is \(type.map { "\($0)" } ?? "not set (V1)")"
        case .unknownType(let type): return "PipelineType is \(type), not V1 or V2"
        }
    }

    public var hint: String? {
        "add a patch `op: add`, `path: \(PipelineV2Paths.pipelineType)`, `value: V2` (sluice's `trigger`, `mode`, `var` and `stage on-failure` commands add it); "
            + "V2 is billed per action-execution minute, not per pipeline (`explain` says more)"
    }

    static func check(_ overrides: PipelineV2Overrides, into findings: inout Findings) {
        let type = overrides.pipelineType
        if let type, type != "V1", type != "V2" {
            findings.add(.pipelineType(.unknownType(type)), in: overrides.file, at: overrides.locations[.pipelineType])
            return
        }
        guard type != "V2" else { return }
        let settings = overrides.settings
        var uses: [(String, PipelineV2Setting)] = []
        if !settings.triggers.isEmpty { uses.append(("Triggers", .triggers)) }
        if settings.executionMode != .superseded { uses.append(("ExecutionMode \(settings.executionMode.rawValue)", .executionMode)) }
        if !settings.variables.isEmpty { uses.append(("Variables", .variables)) }
        for stage in settings.stages {
            let index = overrides.stageNames.firstIndex(of: stage.stage) ?? -1
            if stage.onFailure != nil { uses.append(("OnFailure of \(stage.stage)", .stage(index: index))) }
            if !stage.beforeEntry.isEmpty { uses.append(("BeforeEntry of \(stage.stage)", .stage(index: index))) }
        }
        for (setting, place) in uses {
            findings.add(.pipelineType(.requiresV2(setting: setting, pipelineType: type)), in: overrides.file, at: overrides.locations[place])
        }
    }
}
