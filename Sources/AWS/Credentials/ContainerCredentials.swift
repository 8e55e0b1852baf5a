import Foundation

/// ECS task roles and EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (under
/// http://169.254.170.2) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the `Authorization`
/// header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch: it rotates) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. As botocore: 2 s per attempt, 3 attempts, and a full
/// URI only over https or to a loopback or the ECS/EKS link-local addresses.
struct ContainerCredentials: CredentialProvider {
    let url: String
    let step: String

    static let relativeBase = "http://169.254.170.2"
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "fd00:ec2::23", "localhost"]

    /// The provider the environment asks for, or nil when neither variable is set.
    static func from(_ environment: [String: String]) throws -> ContainerCredentials? {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            return ContainerCredentials(url: relativeBase + relative,
                                        step: "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)")
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else { return nil }
        guard let components = URLComponents(string: full), let host = components.host?.lowercased() else {
            throw AWSConfigurationError.credentialSource("AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' is not a URL", hint: "set it to the credentials endpoint's URL")
        }
        let loopback = host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        guard components.scheme == "https" || loopback || allowedHTTPHosts.contains(host) else {
            throw AWSConfigurationError.credentialSource("AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' is plain http to a host that is neither loopback nor the ECS/EKS endpoint",
                                  hint: "use https, or the endpoint ECS or EKS set")
        }
        return ContainerCredentials(url: full, step: "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)")
    }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        let environment = context.environment
        var token: (value: String, origin: String)?
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AWSConfigurationError.credentialSource("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)",
                                      hint: "check that the file exists and is readable")
            }
            token = (String(decoding: data, as: UTF8.self), "the file \(file) (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)")
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !value.isEmpty {
            token = (value, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        var headers: [(name: String, value: String)] = []
        if let token {
            // As botocore: the token is sent as it is, and a line break in it (a file ending in a newline) is refused.
            guard !token.value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
                throw AWSConfigurationError.credentialSource("the container authorization token in \(token.origin) holds a line break, which cannot be sent in a header",
                                                             hint: "write the token without a trailing newline (printf %s, not echo)")
            }
            headers.append((name: "Authorization", value: token.value))
        }
        var lastFailure = ""
        for _ in 1...3 {
            do {
                let response = try await CredentialHTTP.send("GET", url, headers: headers, timeout: .seconds(2))
                let decoded = try CredentialHTTP.json(MetadataCredentials.self, response, from: url)
                return ObtainedCredentials(decoded.credentials, expiration: decoded.Expiration, chain: [step])
            } catch let failure as CredentialHTTP.Failure {
                lastFailure = failure.reason
            }
        }
        throw AWSConfigurationError.credentialSource("no credentials from the container endpoint: \(lastFailure)",
                              hint: "check the task's or pod's role and the AWS_CONTAINER_* variables")
    }
}
