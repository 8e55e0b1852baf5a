/// What the client needs to know about one AWS service: taken from the `metadata` of
/// botocore's `data/SERVICE/VERSION/service-2.json`.
public struct AWSService: Sendable, Hashable {
    public enum WireProtocol: Sendable, Hashable {
        /// `POST /` with `X-Amz-Target: targetPrefix.Operation` and a JSON body whose member
        /// names are PascalCase (most services) or camelCase (CodePipeline, CodeCommit).
        case json(version: String, targetPrefix: String, pascalCaseMembers: Bool = true)
        /// `POST /` with a form-encoded `Action=…&Version=…` body and an XML response.
        case query(apiVersion: String)
        /// Resources as paths, operations as HTTP methods (S3): see `AWSClient.rest`.
        case rest
    }

    /// botocore's `serviceId`, e.g. `Secrets Manager`.
    public let serviceID: String
    /// The credential-scope name.
    public let signingName: String
    /// The first label of the default host name.
    public let endpointPrefix: String
    public let wireProtocol: WireProtocol

    public init(serviceID: String, signingName: String, endpointPrefix: String, wireProtocol: WireProtocol) {
        self.serviceID = serviceID
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.wireProtocol = wireProtocol
    }

    /// The suffix of `AWS_ENDPOINT_URL_<SUFFIX>`: the service id upper-cased, spaces as underscores.
    public var environmentSuffix: String { serviceID.uppercased().replacingOccurrences(of: " ", with: "_") }
    /// The key in a config file's `[services NAME]` section: lower-cased, spaces as underscores.
    public var configKey: String { serviceID.lowercased().replacingOccurrences(of: " ", with: "_") }

    public static let cloudFormation = AWSService(serviceID: "CloudFormation", signingName: "cloudformation",
                                                  endpointPrefix: "cloudformation", wireProtocol: .query(apiVersion: "2010-05-15"))
    public static let sts = AWSService(serviceID: "STS", signingName: "sts", endpointPrefix: "sts",
                                       wireProtocol: .query(apiVersion: "2011-06-15"))
    public static let codePipeline = AWSService(serviceID: "CodePipeline", signingName: "codepipeline", endpointPrefix: "codepipeline",
                                                wireProtocol: .json(version: "1.1", targetPrefix: "CodePipeline_20150709", pascalCaseMembers: false))
    public static let ssm = AWSService(serviceID: "SSM", signingName: "ssm", endpointPrefix: "ssm",
                                       wireProtocol: .json(version: "1.1", targetPrefix: "AmazonSSM"))
    public static let secretsManager = AWSService(serviceID: "Secrets Manager", signingName: "secretsmanager", endpointPrefix: "secretsmanager",
                                                  wireProtocol: .json(version: "1.1", targetPrefix: "secretsmanager"))
    public static let codeCommit = AWSService(serviceID: "CodeCommit", signingName: "codecommit", endpointPrefix: "codecommit",
                                              wireProtocol: .json(version: "1.1", targetPrefix: "CodeCommit_20150413", pascalCaseMembers: false))
    public static let codeStarConnections = AWSService(
        serviceID: "CodeStar connections", signingName: "codestar-connections", endpointPrefix: "codestar-connections",
        wireProtocol: .json(version: "1.0", targetPrefix: "com.amazonaws.codestar.connections.CodeStar_connections_20191201"))
    public static let resourceGroupsTagging = AWSService(
        serviceID: "Resource Groups Tagging API", signingName: "tagging", endpointPrefix: "tagging",
        wireProtocol: .json(version: "1.1", targetPrefix: "ResourceGroupsTaggingAPI_20170126"))

    public static let codeBuild = AWSService(serviceID: "CodeBuild", signingName: "codebuild", endpointPrefix: "codebuild",
                                             wireProtocol: .json(version: "1.1", targetPrefix: "CodeBuild_20161006", pascalCaseMembers: false))
    public static let cloudWatchLogs = AWSService(serviceID: "CloudWatch Logs", signingName: "logs", endpointPrefix: "logs",
                                                  wireProtocol: .json(version: "1.1", targetPrefix: "Logs_20140328", pascalCaseMembers: false))

    /// The IAM Identity Center portal (GetRoleCredentials) and its OIDC service (token refresh):
    /// REST calls with a bearer token, not signed.
    public static let sso = AWSService(serviceID: "SSO", signingName: "awsssoportal", endpointPrefix: "portal.sso",
                                       wireProtocol: .json(version: "1.1", targetPrefix: ""))
    public static let ssoOIDC = AWSService(serviceID: "SSO OIDC", signingName: "sso-oauth", endpointPrefix: "oidc",
                                           wireProtocol: .json(version: "1.1", targetPrefix: ""))

    public static let s3 = AWSService(serviceID: "S3", signingName: "s3", endpointPrefix: "s3", wireProtocol: .rest)
    public static let kms = AWSService(serviceID: "KMS", signingName: "kms", endpointPrefix: "kms",
                                       wireProtocol: .json(version: "1.1", targetPrefix: "TrentService"))

    /// IAM: sluice itself does not call it; the tests make their moto user with it.
    public static let iam = AWSService(serviceID: "IAM", signingName: "iam", endpointPrefix: "iam",
                                       wireProtocol: .query(apiVersion: "2010-05-08"))

    /// Every service sluice calls, in the order `whoami` lists them.
    public static let all: [AWSService] = [
        .sts, .cloudFormation, .codePipeline, .ssm, .secretsManager, .codeCommit, .codeStarConnections, .resourceGroupsTagging,
        .codeBuild, .cloudWatchLogs, .s3, .kms,
    ]
}
