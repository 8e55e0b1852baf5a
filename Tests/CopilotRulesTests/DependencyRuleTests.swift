import XCTest
import Manifest
@testable import CopilotRules

final class DependencyRuleTests: XCTestCase {
    func testDependsOnMustNameASibling() throws {
        XCTAssertEqual(try findings(validManifest + "\n    deployments:\n      api:\n      web:\n        depends_on: [api, db]"),
                       ["12:27 error: web depends on db, which is not in deployments of stage test"])
        XCTAssertEqual(try findings(validManifest + "\n    pre_deployments:\n      a:\n        buildspec: a.yml\n        depends_on: [web]"),
                       ["12:22 warning: a depends on web, which is not in pre_deployments of stage test; "
                        + "Copilot waits for nothing but runs a one step later"])
        let missing = try validation(validManifest + "\n    deployments:\n      api:\n      web:\n        depends_on: [api, db]").diagnostics
        XCTAssertEqual(missing.map(\.constraint), [.dependency(.missing(item: "web", dependency: "db", list: .deployments, stage: "test",
                                                                        candidates: ["api"]))])
        XCTAssertEqual(missing.first?.hint, "it can name: api")
    }

    func testDependsOnMustNotFormACycle() throws {
        XCTAssertEqual(try findings(validManifest + "\n    deployments:\n      api:\n        depends_on: [db]\n      db:\n        depends_on: [web]\n      web:\n        depends_on: [api]"),
                       ["10:7 error: deployments of stage test depend on each other in a cycle: api → db → web → api"])
        XCTAssertEqual(try constraints(validManifest + "\n    deployments:\n      api:\n        depends_on: [api]"),
                       [.dependency(.cycle(["api", "api"], list: .deployments, stage: "test"))])
    }

    /// Each list is its own graph: the plan ranks the same graph the rule checks.
    func testEachListOfAStageIsItsOwnGraph() {
        let stage = Stage(name: "test", deployments: [Deployment(name: "api", dependsOn: ["db"]), Deployment(name: "db")],
                          preDeployments: [DeploymentAction(name: "migrate", buildspec: "m.yml")])
        XCTAssertEqual(StageList.deployments.graph(of: stage).ranks, ["db": 0, "api": 1])
        XCTAssertEqual(StageList.preDeployments.graph(of: stage).names, ["migrate"])
        XCTAssertEqual(StageList.postDeployments.graph(of: stage).names, [])
        // A name outside the list is a node of rank 0 to Copilot's graph: what depends on it ranks 1.
        let unknown = Stage(name: "test", preDeployments: [DeploymentAction(name: "migrate", buildspec: "m.yml", dependsOn: ["warmup"])])
        XCTAssertEqual(StageList.preDeployments.graph(of: unknown).ranks, ["migrate": 1])
    }
}
