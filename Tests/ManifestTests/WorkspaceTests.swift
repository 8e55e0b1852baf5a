import Foundation
import XCTest
import TestSupport
@testable import Manifest

final class WorkspaceTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory("sluice-workspace") }
    override func tearDown() { directory.remove() }

    private func makeWorkspace() throws -> URL {
        let root = directory.url.appendingPathComponent("app")
        try writeFile(root, "copilot/.workspace", "application: shop\n")
        try writeFile(root, "copilot/environments/test/manifest.yml", "name: test\ntype: Environment\n")
        try writeFile(root, "copilot/environments/prod/manifest.yml", "name: prod\ntype: Environment\n")
        try writeFile(root, "copilot/environments/README/notes.txt", "not an environment\n")
        try writeFile(root, "copilot/api/manifest.yml", "name: api\ntype: Load Balanced Web Service\n")
        try writeFile(root, "copilot/report/manifest.yml", "name: report\ntype: Scheduled Job\n")
        return root
    }

    func testFindsTheWorkspaceFromFiveLevelsDownAndListsItsParts() throws {
        let root = try makeWorkspace()
        let deep = root.appendingPathComponent("a/b/c/d/e")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let workspace = try Workspace.locate(from: deep)
        XCTAssertEqual(workspace.root.standardizedFileURL.path, root.standardizedFileURL.path)
        XCTAssertEqual(workspace.application, "shop")
        XCTAssertEqual(workspace.environments, ["prod", "test"])
        XCTAssertEqual(workspace.workloads, [Workload(name: "api", type: "Load Balanced Web Service"),
                                             Workload(name: "report", type: "Scheduled Job")])
        XCTAssertEqual(workspace.pipelines, [])
    }

    func testSixLevelsDownIsTooFarAndTheErrorSaysWhatWasSearched() throws {
        let root = try makeWorkspace()
        let tooDeep = root.appendingPathComponent("a/b/c/d/e/f")
        try FileManager.default.createDirectory(at: tooDeep, withIntermediateDirectories: true)
        let error = manifestError { _ = try Workspace.locate(from: tooDeep) }
        XCTAssertEqual(error?.message, "not in a Copilot workspace: no copilot/.workspace in \(tooDeep.standardizedFileURL.path) or the 5 directories above it")
        XCTAssertEqual(error?.hint, "run sluice inside a Copilot workspace, or create one with `copilot app init`")
    }

    func testAWorkspaceFileWithoutApplicationIsALocatedError() throws {
        let root = directory.url
        try writeFile(root, "copilot/.workspace", "app: shop\n")
        let error = manifestError { _ = try Workspace.locate(from: root) }
        XCTAssertEqual(error?.problem.lines().joined(separator: "\n"), """
            \(root.appendingPathComponent("copilot/.workspace").path):1:1: error: the workspace file names no application
              hint: it should hold one line, `application: NAME`, as `copilot app init` writes it
            """)
    }

    func testListsPipelinesInBothLayoutsAndPlacesNewOnes() throws {
        let root = try makeWorkspace()
        var workspace = try Workspace.locate(from: root)
        let first = try workspace.filesForNewPipeline(named: "shop-main")
        XCTAssertEqual(first.layout, .legacy)
        XCTAssertEqual(first.manifest.path, root.appendingPathComponent("copilot/pipeline.yml").path)
        XCTAssertEqual(first.buildspec.path, root.appendingPathComponent("copilot/buildspec.yml").path)
        XCTAssertEqual(first.manifestPathInWorkspace, "copilot/pipeline.yml")

        try writeFile(root, "copilot/pipeline.yml", "name: pipeline-shop-main\nversion: 1\n")
        try writeFile(root, "copilot/pipelines/nightly/manifest.yml", "name: nightly\nversion: 1\n")
        try writeFile(root, "copilot/pipelines/empty/notes.txt", "no manifest here\n")
        workspace = try Workspace.locate(from: root)
        XCTAssertEqual(workspace.pipelines.map(\.name), ["pipeline-shop-main", "nightly"])
        XCTAssertEqual(workspace.pipelines.map(\.layout), [.legacy, .directory])
        XCTAssertEqual(workspace.pipeline(named: "nightly")?.buildspec.path,
                       root.appendingPathComponent("copilot/pipelines/nightly/buildspec.yml").path)

        let second = try workspace.filesForNewPipeline(named: "release")
        XCTAssertEqual(second.layout, .directory)
        XCTAssertEqual(second.manifest.path, root.appendingPathComponent("copilot/pipelines/release/manifest.yml").path)
        XCTAssertEqual(second.manifestPathInWorkspace, "copilot/pipelines/release/manifest.yml")
        XCTAssertEqual(manifestError { _ = try workspace.filesForNewPipeline(named: "nightly") }?.message,
                       "a pipeline named nightly already exists")
    }
}
