import XCTest
@testable import CopilotRules

final class StageGateRuleTests: XCTestCase {
    func testADeploymentWindowIsACronInATimeZone() throws {
        func gate(_ rules: [PipelineV2.GateRule]) -> PipelineV2Overrides {
            v2Overrides(PipelineV2(stages: [.init(stage: "DeployTo-prod", beforeEntry: rules)]))
        }
        XCTAssertEqual(try v2Findings(gate([.deploymentWindow(name: "W", cron: "* * 9-17 ? * MON-FRI", timeZone: "Europe/Paris")])), [])
        XCTAssertEqual(try v2Findings(gate([.deploymentWindow(name: "W", cron: "* * 9-17 ? * MON-FRI", timeZone: "Mars/Olympus")])), [
            "\(patchesFile):49:3 error: the deployment window of DeployTo-prod names an unknown time zone Mars/Olympus",
        ])
        XCTAssertEqual(try v2Findings(gate([.deploymentWindow(name: "W", cron: "0 9 * * *", timeZone: nil)])).first?.hasPrefix(
            "\(patchesFile):49:3 error: the deployment window of DeployTo-prod is not a cron expression (0 9 * * *): it has 5 fields"), true)
        XCTAssertEqual(try v2Findings(gate([.alarm(name: "A", alarmName: "", waitMinutes: nil)])),
                       ["\(patchesFile):49:3 error: the alarm rule of DeployTo-prod's gate names no alarm"])
        let six = (1...6).map { PipelineV2.GateRule.alarm(name: "A\($0)", alarmName: "a", waitMinutes: nil) }
        XCTAssertEqual(try v2Findings(gate(six)), ["\(patchesFile):49:3 error: the gate of DeployTo-prod has 6 rules; CodePipeline allows 5"])
    }
}
