import Foundation
import XCTest
@testable import CopilotRules

/// What Copilot records in SSM, read as Copilot writes it.
final class CopilotApplicationTests: XCTestCase {
    func testParameterNamesAreCopilots() {
        XCTAssertEqual(CopilotApplication.parameterName("shop"), "/copilot/applications/shop")
        XCTAssertEqual(CopilotApplication.environmentsPath("shop"), "/copilot/applications/shop/environments/")
        XCTAssertEqual(CopilotEnvironment.parameterName(application: "shop", environment: "test"), "/copilot/applications/shop/environments/test")
    }

    /// `copilot app init` and `copilot env init` write more fields than sluice reads.
    func testRecordsDecodeFromCopilotsJSON() throws {
        let application = try JSONDecoder().decode(CopilotApplication.self, from: Data("""
            {"name":"shop","account":"123456789012","domain":"","version":"v1.2.0","permissionsBoundary":"boundary","tags":{"team":"a"}}
            """.utf8))
        XCTAssertEqual(application, CopilotApplication(name: "shop", account: "123456789012", permissionsBoundary: "boundary", tags: ["team": "a"]))
        XCTAssertEqual(application.stackSetName, StackNames.applicationStackSet("shop"))
        let environment = try JSONDecoder().decode(CopilotEnvironment.self, from: Data("""
            {"app":"shop","name":"test","region":"eu-west-1","accountID":"123456789012","prod":false,
             "executionRoleARN":"arn:aws:iam::123456789012:role/shop-test-CFNExecutionRole",
             "managerRoleARN":"arn:aws:iam::123456789012:role/shop-test-EnvManagerRole"}
            """.utf8))
        XCTAssertEqual(environment, .standard(app: "shop", name: "test", region: "eu-west-1", accountID: "123456789012"))
    }
}
