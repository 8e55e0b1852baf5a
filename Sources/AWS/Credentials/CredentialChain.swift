import Foundation

/// Chooses where a profile's credentials come from, in the AWS CLI's order, without touching
/// the network: the environment's keys (unless a profile was named explicitly), an assume-role
/// profile, web identity, SSO, the shared credentials file, `credential_process`, keys in the
/// config file, container credentials, and last the EC2 instance metadata service. A source
/// that is half there (an access key without its secret) is an error, as in the AWS CLI: the
/// chain never goes on to sign as someone else.
struct CredentialChain {
    let profiles: SharedProfiles
    let environment: [String: String]

    func provider(profile: String, explicitProfile: Bool) throws -> any CredentialProvider {
        if !explicitProfile, let keys = try environmentKeys() { return keys }
        let settings = profiles.settings(profile)
        if settings["role_arn"] != nil, settings["web_identity_token_file"] == nil {
            return ProfileCredentials(label: "profile \(profile)", inner: try assumeRole(profile, visited: [profile]))
        }
        if let found = try profileProvider(profile, environmentAllowed: !explicitProfile) {
            return ProfileCredentials(label: "profile \(profile)", inner: found)
        }
        if let container = try ContainerCredentials.from(environment) { return container }
        let searched = [
            explicitProfile ? nil : "the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
            "the shared credentials file \(profiles.credentialsPath) [\(profile)]",
            "role_arn, sso_account_id, web_identity_token_file, credential_process and aws_access_key_id"
                + " in the config file \(profiles.configPath) \(profiles.configLabel(profile))",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ].compactMap { $0 }
        guard let instance = InstanceMetadataCredentials.from(environment, profileSettings: settings) else {
            // Said on the first call, as botocore says it when signing: a missing region is reported first.
            return NoCredentials(error: .noCredentials(profile: profile, searched: searched + ["not the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED)"]))
        }
        return LastResortCredentials(instance: instance, profile: profile, searchedBefore: searched)
    }

    private func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// `AWS_ACCESS_KEY_ID` with `AWS_SECRET_ACCESS_KEY`, a token from `AWS_SECURITY_TOKEN` (the
    /// older name, which botocore reads first) or `AWS_SESSION_TOKEN`, and their expiry from
    /// `AWS_CREDENTIAL_EXPIRATION`.
    private func environmentKeys() throws -> FixedCredentials? {
        guard let key = variable("AWS_ACCESS_KEY_ID") else { return nil }
        guard let secret = variable("AWS_SECRET_ACCESS_KEY") else {
            throw AWSConfigurationError.partialCredentials(source: "the environment", found: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY")
        }
        var expiration: Date?
        if let text = variable("AWS_CREDENTIAL_EXPIRATION") {
            guard let date = AWSTimestamp.parse(text) else {
                throw AWSConfigurationError.invalidSetting(name: "AWS_CREDENTIAL_EXPIRATION", value: text, source: "the environment",
                                                           expected: "an ISO 8601 time such as 2030-01-31T12:00:00Z")
            }
            expiration = date
        }
        return FixedCredentials(AWSCredentials(accessKeyID: key, secretAccessKey: secret,
                                               sessionToken: variable("AWS_SECURITY_TOKEN") ?? variable("AWS_SESSION_TOKEN")),
                                expiration: expiration, step: "environment (AWS_ACCESS_KEY_ID)", method: "env")
    }

    /// botocore's profile providers: web identity, SSO, shared credentials file, credential_process, config file keys.
    private func profileProvider(_ profile: String, environmentAllowed: Bool) throws -> (any CredentialProvider)? {
        let settings = profiles.settings(profile)
        // Web identity takes each setting from the environment first (present, even empty), then the profile.
        func webIdentitySetting(_ key: String, _ variable: String) -> (value: String, origin: String)? {
            if environmentAllowed, let value = environment[variable] { return (value, variable) }
            return settings[key].map { ($0, "profile \(profile)") }
        }
        if let tokenFile = webIdentitySetting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"), !tokenFile.value.isEmpty {
            guard let role = webIdentitySetting("role_arn", "AWS_ROLE_ARN"), !role.value.isEmpty else {
                throw AWSConfigurationError.credentialSource("web identity is configured (\(tokenFile.origin)), but no role: neither AWS_ROLE_ARN nor role_arn in profile '\(profile)'",
                                                             hint: "set the role to assume with the token")
            }
            return WebIdentityCredentials(tokenFile: tokenFile.value, roleARN: role.value,
                                          sessionName: webIdentitySetting("role_session_name", "AWS_ROLE_SESSION_NAME")?.value,
                                          origin: tokenFile.origin)
        }
        if let sso = try sso(profile, settings) { return sso }
        if let section = profiles.credentialsSection(profile), let file = profiles.credentials, let keys = try staticKeys(file, section) {
            return FixedCredentials(keys, step: "shared credentials file \(file.path) [\(section)]", method: "shared-credentials-file")
        }
        if let command = settings["credential_process"] { return ProcessCredentials(command: command) }
        if let section = profiles.configSection(profile), let file = profiles.config, let keys = try staticKeys(file, section) {
            return FixedCredentials(keys, step: "config file \(file.path) [\(section)]", method: "config-file")
        }
        return nil
    }

    /// A section's keys when it has `aws_access_key_id` (then the secret must be there too), the
    /// token from `aws_security_token` or `aws_session_token`.
    private func staticKeys(_ file: ConfigFile, _ section: String) throws -> AWSCredentials? {
        guard let key = file.text(section, "aws_access_key_id") else { return nil }
        guard let secret = file.text(section, "aws_secret_access_key") else {
            throw AWSConfigurationError.partialCredentials(source: "\(file.path) [\(section)]", found: "aws_access_key_id",
                                                           missing: "aws_secret_access_key")
        }
        let token = [file.text(section, "aws_security_token"), file.text(section, "aws_session_token")].compactMap { $0 }.first
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// IAM Identity Center, when the profile names an account or role (`sso_account_id`,
    /// `sso_role_name`); its `sso_session` section's settings must agree with the profile's.
    private func sso(_ profile: String, _ settings: [String: String]) throws -> SSOCredentials? {
        guard settings["sso_account_id"] != nil || settings["sso_role_name"] != nil else { return nil }
        let sessionName = settings["sso_session"]
        var values = settings
        if let sessionName {
            guard let session = profiles.ssoSession(sessionName) else {
                throw AWSConfigurationError.credentialSource("profile '\(profile)' names sso_session '\(sessionName)', and \(profiles.configPath) has no [sso-session \(sessionName)]",
                                      hint: "run `aws configure sso`, or fix the name")
            }
            for (key, theirs) in session.sorted(by: { $0.key < $1.key }) {
                if let mine = settings[key], mine != theirs {
                    throw AWSConfigurationError.credentialSource("profile '\(profile)' sets \(key) = \(mine), but its sso_session '\(sessionName)' says \(theirs)",
                                          hint: "remove \(key) from the profile: the session holds it")
                }
                values[key] = theirs
            }
        }
        let required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
        let missing = required.filter { values[$0] == nil }
        guard missing.isEmpty else {
            throw AWSConfigurationError.credentialSource("profile '\(profile)' uses SSO but lacks \(missing.joined(separator: ", "))",
                                  hint: "run `aws configure sso --profile \(profile)`")
        }
        return SSOCredentials(profile: profile, sessionName: sessionName, startURL: values["sso_start_url"]!, ssoRegion: values["sso_region"]!,
                              accountID: values["sso_account_id"]!, roleName: values["sso_role_name"]!)
    }

    /// A `role_arn` profile: its source (`source_profile`, followed through further roles, or
    /// `credential_source`) and the AssumeRole settings. A loop of source profiles is an error.
    private func assumeRole(_ profile: String, visited: [String]) throws -> AssumeRoleCredentials {
        let settings = profiles.settings(profile)
        let source: any CredentialProvider
        switch (settings["source_profile"], settings["credential_source"]) {
        case (_?, _?):
            throw AWSConfigurationError.credentialSource("profile '\(profile)' has both source_profile and credential_source", hint: "keep one of them")
        case (nil, nil):
            throw AWSConfigurationError.partialCredentials(source: "profile '\(profile)'", found: "role_arn", missing: "source_profile or credential_source")
        case (nil, let named?):
            source = try credentialSource(named, profile: profile)
        case (let sourceProfile?, nil):
            guard profiles.exists(sourceProfile) else {
                throw AWSConfigurationError.credentialSource("profile '\(profile)' names source_profile '\(sourceProfile)', which does not exist",
                                      hint: "add [profile \(sourceProfile)] to \(profiles.configPath), or fix the name")
            }
            let sourceSettings = profiles.settings(sourceProfile)
            let hasKeys = sourceSettings["aws_access_key_id"] != nil || sourceSettings["aws_secret_access_key"] != nil
            if visited.contains(sourceProfile), !(sourceProfile == profile && hasKeys) {
                throw AWSConfigurationError.credentialSource("source_profile loop: \((visited + [sourceProfile]).joined(separator: " → "))",
                                      hint: "one profile in the chain must have credentials of its own")
            }
            if hasKeys || sourceSettings["role_arn"] == nil {
                guard let found = try profileProvider(sourceProfile, environmentAllowed: false) else {
                    throw AWSConfigurationError.credentialSource("the source profile '\(sourceProfile)' (of profile '\(profile)') has no credentials",
                                          hint: "give it keys, credential_process or SSO settings")
                }
                source = ProfileCredentials(label: "source_profile \(sourceProfile)", inner: found)
            } else {
                source = ProfileCredentials(label: "source_profile \(sourceProfile)",
                                            inner: try assumeRole(sourceProfile, visited: visited + [sourceProfile]))
            }
        }
        var duration: Int?
        if let text = settings["duration_seconds"] {
            guard let seconds = Int(text) else {
                throw AWSConfigurationError.invalidSetting(name: "duration_seconds", value: text, source: profiles.origin(of: "duration_seconds", profile: profile),
                                                           expected: "a whole number of seconds")
            }
            duration = seconds
        }
        return AssumeRoleCredentials(profile: profile, roleARN: settings["role_arn"]!, source: source,
                                     externalID: settings["external_id"], sessionName: settings["role_session_name"],
                                     durationSeconds: duration, mfaSerial: settings["mfa_serial"])
    }

    private func credentialSource(_ name: String, profile: String) throws -> any CredentialProvider {
        let missing = AWSConfigurationError.credentialSource("profile '\(profile)' takes its credentials from credential_source \(name), which has none here",
                                      hint: "credential_source needs the environment's keys, a container or an EC2 instance")
        switch name {
        case "Environment":
            guard let keys = try environmentKeys() else { throw missing }
            return keys
        case "EcsContainer":
            guard let container = try ContainerCredentials.from(environment) else { throw missing }
            return container
        case "Ec2InstanceMetadata":
            guard let instance = InstanceMetadataCredentials.from(environment, profileSettings: profiles.settings(profile)) else { throw missing }
            return instance
        default:
            throw AWSConfigurationError.credentialSource("profile '\(profile)' has credential_source \(name), which is not one the AWS CLI knows",
                                  hint: "use Environment, EcsContainer or Ec2InstanceMetadata")
        }
    }
}

/// A profile's credentials, their chain starting with the profile's name (`profile dev → SSO … → role …`).
struct ProfileCredentials: CredentialProvider {
    let label: String
    let inner: any CredentialProvider
    var step: String { label }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        let obtained = try await inner.obtain(context)
        return ObtainedCredentials(obtained.credentials, expiration: obtained.expiration, chain: [label] + obtained.chain)
    }
}

/// Nowhere in the chain has credentials: every call is told so.
struct NoCredentials: CredentialProvider {
    let error: AWSConfigurationError
    var step: String { "none" }
    var method: String { "none" }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials { throw error }
}

/// The instance metadata service at the end of the chain: when it fails, the error names
/// every place searched before it, since any of them may be where credentials were meant to be.
struct LastResortCredentials: CredentialProvider {
    let instance: InstanceMetadataCredentials
    let profile: String
    let searchedBefore: [String]
    var step: String { instance.step }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        do { return try await instance.fetch(context) } catch let failure as CredentialHTTP.Failure {
            throw AWSConfigurationError.noCredentials(profile: profile, searched: searchedBefore + [
                "the EC2 instance metadata service: \(failure.reason)",
            ])
        }
    }
}
