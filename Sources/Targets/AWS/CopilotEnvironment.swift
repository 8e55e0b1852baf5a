// What Copilot records about an application and its environments, in SSM Parameter Store.

/// `/copilot/applications/APP/environments/ENV`: JSON written by `copilot env init`.
public struct CopilotEnvironment: Codable, Equatable, Sendable {
    public var app: String
    public var name: String
    public var region: String
    public var accountID: String
    /// The role CloudFormation assumes to deploy the environment's stacks.
    public var executionRoleARN: String
    /// The role the pipeline assumes to act in the environment's account.
    public var managerRoleARN: String

    public init(app: String, name: String, region: String, accountID: String,
                executionRoleARN: String, managerRoleARN: String) {
        self.app = app
        self.name = name
        self.region = region
        self.accountID = accountID
        self.executionRoleARN = executionRoleARN
        self.managerRoleARN = managerRoleARN
    }

    /// The parameter Copilot stores this environment under.
    public static func parameterName(application: String, environment: String) -> String {
        "/copilot/applications/\(application)/environments/\(environment)"
    }

    /// The roles `copilot env init` creates, as the parameter names them.
    public static func standard(app: String, name: String, region: String, accountID: String) -> CopilotEnvironment {
        CopilotEnvironment(app: app, name: name, region: region, accountID: accountID,
                           executionRoleARN: "arn:aws:iam::\(accountID):role/\(app)-\(name)-CFNExecutionRole",
                           managerRoleARN: "arn:aws:iam::\(accountID):role/\(app)-\(name)-EnvManagerRole")
    }
}
