import Foundation
import XCTest
import Yams
import TestSupport
@testable import Manifest

/// Copilot's Environments pipelines (`copilot pipeline init --pipeline-type Environments`): the
/// buildspec that packages every stage's environment, and each stage's `deploy-env`.
final class EnvironmentsPipelineTests: XCTestCase {
    static let reference = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/reference/copilot/internal/pkg/template/templates/cicd/env/buildspec.yml")

    /// Copilot's env buildspec with its template filled in as `pipeline init` fills it.
    func copilotsBuildspec(manifestPath: String) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: Self.reference.path) else {
            if SharedData.isCI { XCTFail("\(Self.reference.path) is absent; CI needs it") }
            throw XCTSkip("\(Self.reference.path) is absent (it lives in ../shared beside a clone of this repository)")
        }
        let template = try String(contentsOf: Self.reference, encoding: .utf8)
            .replacingOccurrences(of: "{{.BinaryS3BucketPath}}", with: "https://ecs-cli-v2-release.s3.amazonaws.com")
            .replacingOccurrences(of: "{{.Version}}", with: PipelineScaffold.copilotVersion)
            .replacingOccurrences(of: "{{.ManifestPath}}", with: manifestPath)
        return try XCTUnwrap(try Yams.load(yaml: template) as? [String: Any])
    }

    func testTheBuildspecIsCopilotsButForHowItGetsCopilot() throws {
        let path = "copilot/pipelines/environments/manifest.yml"
        let copilots = try copilotsBuildspec(manifestPath: path)
        let ours = try XCTUnwrap(try Yams.load(yaml: PipelineScaffold.environmentsBuildspec(manifestPath: path)) as? [String: Any])
        XCTAssertEqual(Set(ours.keys), Set(copilots.keys))
        XCTAssertEqual(ours["version"] as? Double, 0.2)
        XCTAssertEqual(ours["artifacts"] as? [String: [String]], copilots["artifacts"] as? [String: [String]])
        let (phases, copilotPhases) = (try XCTUnwrap(ours["phases"] as? [String: Any]), try XCTUnwrap(copilots["phases"] as? [String: Any]))
        XCTAssertEqual(Set(phases.keys), ["install", "build", "post_build"])
        func commands(_ phases: [String: Any], _ name: String) -> [String] {
            (phases[name] as? [String: Any])?["commands"] as? [String] ?? []
        }
        for phase in ["build", "post_build"] { XCTAssertEqual(commands(phases, phase), commands(copilotPhases, phase), phase) }
        XCTAssertTrue(commands(phases, "post_build").contains { $0.contains("./copilot-linux env package -n $env --output-dir './infrastructure'") })
        // The install phase: into the source as Copilot, then a copilot of the pinned line (Copilot always downloads it).
        let install = commands(phases, "install")
        XCTAssertEqual(Array(install.prefix(2)), Array(commands(copilotPhases, "install").prefix(2)))
        let workloads = try XCTUnwrap(try Yams.load(yaml: PipelineScaffold.buildspec(manifestPath: path)) as? [String: Any])
        XCTAssertEqual(install, commands(try XCTUnwrap(workloads["phases"] as? [String: Any]), "install"), "the workloads buildspec's install")
        XCTAssertTrue(install[2].contains("grep -q 'version: v1\\.34\\.'"), install[2])
    }

    func testEachStageDeploysItsEnvironmentsStack() throws {
        let root = try TemporaryDirectory("sluice-env-pipeline")
        defer { root.remove() }
        try writeFile(root.url, "copilot/.workspace", "application: shop\n")
        let workspace = try Workspace.locate(from: root.url)
        let files = try workspace.filesForNewPipeline(named: "environments")
        let (document, buildspec) = try PipelineScaffold.make(name: "environments", files: files, workspace: workspace,
                                                              stages: ["test", "prod"], kind: .environments)
        XCTAssertEqual(document.manifest.stages.map(\.deployments), ["test", "prod"].map { environment in
            [Deployment(name: "deploy-env", stackName: "shop-\(environment)", templatePath: "infrastructure/\(environment).env.yml",
                        templateConfig: "infrastructure/\(environment).env.params.json")]
        })
        XCTAssertEqual(PipelineKind.of(document, buildspec: nil), .environments)
        XCTAssertTrue(buildspec.contains("cat $CODEBUILD_SRC_DIR/copilot/pipeline.yml"), buildspec)

        // Before it has stages, the buildspec tells an Environments pipeline from a Workloads one.
        let bare = try PipelineScaffold.make(name: "bare", files: files, workspace: workspace, kind: .environments)
        XCTAssertEqual(PipelineKind.of(bare.manifest, buildspec: bare.buildspec), .environments)
        let workloads = try PipelineScaffold.make(name: "bare", files: files, workspace: workspace)
        XCTAssertEqual(PipelineKind.of(workloads.manifest, buildspec: workloads.buildspec), .workloads)
        XCTAssertEqual(PipelineKind.of(workloads.manifest, buildspec: nil), .workloads)
    }
}
