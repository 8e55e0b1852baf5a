// What Copilot records about an application and its environments, in SSM Parameter Store
// (internal/pkg/config), and what the application's StackSet holds for pipelines.

/// `/copilot/applications/APP`: JSON written by `copilot app init`.
public struct CopilotApplication: Codable, Equatable, Sendable {
    public var name: String
    /// The account the application (its StackSet, its pipelines) lives in.
    public var account: String
    /// An IAM policy's name: `copilot app init --permissions-boundary`, set on every role Copilot makes.
    public var permissionsBoundary: String?
    /// `copilot app init --resource-tags`, applied to every stack of the application.
    public var tags: [String: String]?

    public init(name: String, account: String, permissionsBoundary: String? = nil, tags: [String: String]? = nil) {
        self.name = name
        self.account = account
        self.permissionsBoundary = permissionsBoundary
        self.tags = tags
    }

    /// The parameter Copilot stores application `name` under.
    public static func parameterName(_ name: String) -> String { "/copilot/applications/\(name)" }

    /// The path under which Copilot stores the application's environments, one parameter each.
    public static func environmentsPath(_ name: String) -> String { parameterName(name) + "/environments/" }

    /// The StackSet holding the application's regional resources, one stack instance per region.
    public var stackSetName: String { StackNames.applicationStackSet(name) }
}

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
        CopilotApplication.environmentsPath(application) + environment
    }

    /// The roles `copilot env init` creates, as the parameter names them.
    public static func standard(app: String, name: String, region: String, accountID: String) -> CopilotEnvironment {
        CopilotEnvironment(app: app, name: name, region: region, accountID: accountID,
                           executionRoleARN: "arn:aws:iam::\(accountID):role/\(app)-\(name)-CFNExecutionRole",
                           managerRoleARN: "arn:aws:iam::\(accountID):role/\(app)-\(name)-EnvManagerRole")
    }
}

/// What one region's stack of the application's StackSet holds for pipelines (Copilot's
/// AppRegionalResources): the artifact bucket and the KMS key its objects are encrypted with.
public struct RegionalResources: Equatable, Sendable {
    public var region: String
    /// The `PipelineBucket` output.
    public var bucket: String
    /// The `KMSKeyARN` output.
    public var kmsKeyARN: String

    /// The outputs of a regional stack that name the bucket and the key.
    public static let bucketOutput = "PipelineBucket"
    public static let keyOutput = "KMSKeyARN"

    public init(region: String, bucket: String, kmsKeyARN: String) {
        self.region = region
        self.bucket = bucket
        self.kmsKeyARN = kmsKeyARN
    }
}
