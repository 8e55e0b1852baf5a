import Foundation
import Manifest
@testable import CopilotRules

/// Where the V2 rules' findings are: the overrides' patches file.
let patchesFile = "copilot/pipelines/shop/overrides/cfn.patches.yml"

/// The stages of `validManifest` as CodePipeline names them (its one stage deploys the workspace's workloads).
let v2StageNames = ["Source", "Build", "DeployTo-test", "DeployTo-prod"]

/// What patches setting `settings` read as, each setting located at its own line (`line(of:)`).
func v2Overrides(_ settings: PipelineV2, pipelineType: String? = "V2", problems: [(rule: OverridesFormRule, location: SourceLocation)] = [])
    -> PipelineV2Overrides {
    var locations: [PipelineV2Setting: SourceLocation] = [:]
    for setting: PipelineV2Setting in [.pipelineType, .executionMode, .triggers, .variables, .buildEnvironment] {
        locations[setting] = SourceLocation(line: line(of: setting), column: 3)
    }
    for index in v2StageNames.indices { locations[.stage(index: index)] = SourceLocation(line: line(of: .stage(index: index)), column: 3) }
    return PipelineV2Overrides(file: patchesFile, settings: settings, pipelineType: pipelineType, locations: locations,
                               stageNames: v2StageNames, problems: problems)
}

/// The line each setting's patch starts at in the made-up patches file.
func line(of setting: PipelineV2Setting) -> Int {
    switch setting {
    case .pipelineType: return 1
    case .executionMode: return 4
    case .triggers: return 7
    case .variables: return 20
    case .buildEnvironment: return 30
    case .stage(let index): return 40 + 3 * index
    }
}

/// The findings of `manifest` with `overrides`, as "FILE:LINE:COL severity: message" (the patches file's only).
func v2Findings(_ overrides: PipelineV2Overrides, manifest: String = validManifest) throws -> [String] {
    PipelineValidator().validate(try ManifestDocument(text: manifest), overrides: overrides).diagnostics.compactMap { finding in
        guard finding.file == patchesFile || finding.constraint.isV2 else { return nil }
        return "\(finding.file):\(finding.location.map { "\($0.line):\($0.column)" } ?? "-") \(finding.severity.rawValue): \(finding.message)"
    }
}

/// The hints of those findings.
func v2Hints(_ overrides: PipelineV2Overrides, manifest: String = validManifest) throws -> [String?] {
    PipelineValidator().validate(try ManifestDocument(text: manifest), overrides: overrides).diagnostics
        .filter { $0.file == patchesFile || $0.constraint.isV2 }.map(\.hint)
}

private extension ManifestConstraint {
    var isV2: Bool {
        switch self {
        case .overridesForm, .pipelineType, .trigger, .executionMode, .variable, .stageFailure, .stageGate: return true
        default: return false
        }
    }
}

/// A push filter on main changing files under `paths`.
func pushOnMain(paths: [String] = [], excluding: [String] = []) -> PipelineV2.PushFilter {
    PipelineV2.PushFilter(branches: .init(includes: ["main"]),
                          filePaths: paths.isEmpty && excluding.isEmpty ? nil : .init(includes: paths, excludes: excluding))
}

func trigger(_ push: [PipelineV2.PushFilter], pullRequest: [PipelineV2.PullRequestFilter] = []) -> PipelineV2.Trigger {
    PipelineV2.Trigger(sourceActionName: "SourceCodeFor-demo", push: push, pullRequest: pullRequest)
}
