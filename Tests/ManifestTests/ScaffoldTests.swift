import CopilotRules
import Foundation
import XCTest
import Yams
import TestSupport
@testable import Manifest

final class ScaffoldTests: XCTestCase {
    func testTheManifestIsWhatCopilotGenerates() throws {
        // A manifest `copilot pipeline init` wrote, from the corpus, rebuilt from its values.
        let corpus = try PipelineCorpusFile.all()
        guard let file = corpus.first(where: { $0.name == "CaptainCarpensir__aws-copilot-sample-service/copilot__pipeline.yml" }) else {
            return XCTFail("the corpus lacks Copilot's generated manifest")
        }
        let generated = PipelineScaffold.manifest(
            name: "pipeline-basic-aws-copilot-sample-service",
            source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/aws-samples/aws-copilot-sample-service",
                                                                           branch: "main")),
            stages: ["test"])
        XCTAssertEqual(generated, try String(contentsOf: file.url, encoding: .utf8))
    }

    func testANewPipelineGrowsIntoCopilotsTemplateThroughEdits() throws {
        let root = try TemporaryDirectory("sluice-scaffold")
        defer { root.remove() }
        try writeFile(root.url, "copilot/.workspace", "application: shop\n")
        let workspace = try Workspace.locate(from: root.url)
        let files = try workspace.filesForNewPipeline(named: "shop-main")
        var (document, buildspec) = try PipelineScaffold.make(name: "shop-main", files: files, workspace: workspace)
        XCTAssertEqual(document.manifest.source.properties, SourceProperties(repository: nil, branch: "main"))
        XCTAssertEqual(PipelineValidator().validate(document).diagnostics.map(\.message),
                       ["the pipeline has no stages; it would build but deploy nowhere", "the source has no repository"])
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "https://github.com/acme/shop", branch: "main"))
        XCTAssertTrue(try document.addStage("test"))
        XCTAssertTrue(try document.addStage("prod"))
        XCTAssertEqual(document.text, PipelineScaffold.manifest(
            name: "shop-main",
            source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/acme/shop", branch: "main")),
            stages: ["test", "prod"]))
        try document.save(in: WorkspaceFiles(root: workspace.root))
        XCTAssertEqual(try String(contentsOf: root.url.appendingPathComponent("copilot/pipeline.yml"), encoding: .utf8), document.text)
        XCTAssertTrue(buildspec.contains("cat $CODEBUILD_SRC_DIR/copilot/pipeline.yml"))
    }

    func testTheBuildspecPackagesEveryWorkloadForEachStage() throws {
        let text = PipelineScaffold.buildspec(manifestPath: "copilot/pipelines/nightly/manifest.yml")
        let buildspec = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        XCTAssertEqual(buildspec["version"] as? Double, 0.2)
        let phases = try XCTUnwrap(buildspec["phases"] as? [String: Any])
        let install = try XCTUnwrap((phases["install"] as? [String: Any])?["commands"] as? [String])
        // A copilot of the same version line on PATH is used; only without one is the pinned release downloaded.
        let install_ = try XCTUnwrap(install.first { $0.contains("command -v copilot") })
        XCTAssertTrue(install_.contains("grep -q 'version: v1\\.34\\.'"), install_)
        XCTAssertTrue(install_.contains("ln -sf \"$(command -v copilot)\" ./copilot-linux"), install_)
        XCTAssertTrue(install_.contains("wget -q https://ecs-cli-v2-release.s3.amazonaws.com/copilot-linux-\(PipelineScaffold.copilotVersion) -O ./copilot-linux"),
                      install_)
        // As Copilot's: no runtime-versions (the image's ruby reads the manifest), and copilot told it runs in CI.
        XCTAssertNil((phases["install"] as? [String: Any])?["runtime-versions"])
        let postBuild = try XCTUnwrap((phases["post_build"] as? [String: Any])?["commands"] as? [String])
        XCTAssertEqual(Array(postBuild.prefix(3)), ["ls -l", #"export COLOR="false""#, #"export CI="true""#])
        XCTAssertTrue(postBuild.contains { $0.contains("cat $CODEBUILD_SRC_DIR/copilot/pipelines/nightly/manifest.yml") })
        XCTAssertTrue(postBuild.contains { $0.contains("jq -r '.stages[].name'") })
        let packaging = try XCTUnwrap(postBuild.first { $0.hasPrefix("for env in $pl_envs") })
        XCTAssertTrue(packaging.contains("svc package -n $svc -e $env --output-dir './infrastructure'"))
        XCTAssertTrue(packaging.contains("job package -n $job -e $env --output-dir './infrastructure'"))
        XCTAssertEqual((buildspec["artifacts"] as? [String: Any])?["files"] as? [String], ["infrastructure/*"])
    }

    func testSourcePropertiesFollowCopilotsOrder() throws {
        let text = PipelineScaffold.manifest(
            name: "x", source: Source(provider: .bitbucket, properties: SourceProperties(repository: "https://bitbucket.org/a/b", branch: "dev",
                                                                                       connectionName: "bb")), stages: [])
        XCTAssertTrue(text.contains("  provider: Bitbucket\n  # Additional properties that further specify the location of the artifacts.\n  properties:\n    branch: dev\n    connection_name: bb\n    repository: https://bitbucket.org/a/b\n\n"))
        XCTAssertEqual(try ManifestDocument(text: text).manifest.source.properties.connectionName, "bb")
    }
}
