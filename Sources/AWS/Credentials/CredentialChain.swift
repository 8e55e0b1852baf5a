import Foundation

/// The shared config and credentials files, read once, as botocore sees profiles in them.
struct SharedProfiles {
    let config: ConfigFile?
    let credentials: ConfigFile?
    let configPath: String
    let credentialsPath: String

    func configSection(_ profile: String) -> String? { config?.configSection(forProfile: profile) }
    func credentialsSection(_ profile: String) -> String? { credentials?.sections[profile] != nil ? profile : nil }
    func exists(_ profile: String) -> Bool { configSection(profile) != nil || credentialsSection(profile) != nil }

    /// The profile's settings, the credentials file's over the config file's (botocore merges them so).
    func settings(_ profile: String) -> [String: String] {
        var merged: [String: String] = [:]
        for (file, section) in [(config, configSection(profile)), (credentials, credentialsSection(profile))] {
            guard let file, let section, let values = file.sections[section] else { continue }
            for (key, value) in values { if case .text(let text) = value { merged[key] = text } }
        }
        return merged
    }

    /// The config file's `[sso-session NAME]` section.
    func ssoSession(_ name: String) -> [String: String]? {
        guard let values = config?.sections["sso-session \(name)"] else { return nil }
        return values.compactMapValues { if case .text(let text) = $0 { return text } else { return nil } }
    }

    func configLabel(_ profile: String) -> String { profile == "default" ? "[default]" : "[profile \(profile)]" }
}

/// Chooses where a profile's credentials come from, in the AWS CLI's order, without touching
/// the network: the environment's keys (unless a profile was named explicitly), an assume-role
/// profile, web identity, SSO, the shared credentials file, `credential_process`, keys in the
/// config file, container credentials, and last the EC2 instance metadata service.
struct CredentialChain {
    let profiles: SharedProfiles
    let environment: [String: String]

    func provider(profile: String, explicitProfile: Bool) throws -> any CredentialProvider {
        if !explicitProfile, let keys = environmentKeys() { return keys }
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
            "role_arn, sso_session, sso_start_url, web_identity_token_file, credential_process and aws_access_key_id"
                + " in the config file \(profiles.configPath) \(profiles.configLabel(profile))",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ].compactMap { $0 }
        guard let instance = InstanceMetadataCredentials.from(environment, profileSettings: settings) else {
            throw AWSConfigurationError.noCredentials(profile: profile, searched: searched + ["not the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED)"])
        }
        return LastResortCredentials(instance: instance, profile: profile, searchedBefore: searched)
    }

    private func environmentKeys() -> FixedCredentials? {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return FixedCredentials(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token),
                                step: "environment (AWS_ACCESS_KEY_ID)")
    }

    /// botocore's profile providers: web identity, SSO, shared credentials file, credential_process, config file keys.
    private func profileProvider(_ profile: String, environmentAllowed: Bool) throws -> (any CredentialProvider)? {
        let settings = profiles.settings(profile)
        func fromEnvironment(_ variable: String) -> String? {
            environmentAllowed ? environment[variable].flatMap { $0.isEmpty ? nil : $0 } : nil
        }
        if let tokenFile = settings["web_identity_token_file"] ?? fromEnvironment("AWS_WEB_IDENTITY_TOKEN_FILE"),
           let role = settings["role_arn"] ?? fromEnvironment("AWS_ROLE_ARN") {
            let origin = settings["web_identity_token_file"] != nil ? "profile \(profile)" : "AWS_WEB_IDENTITY_TOKEN_FILE"
            return WebIdentityCredentials(tokenFile: tokenFile, roleARN: role,
                                          sessionName: settings["role_session_name"] ?? fromEnvironment("AWS_ROLE_SESSION_NAME"),
                                          origin: origin)
        }
        if let sso = try sso(profile, settings) { return sso }
        if let section = profiles.credentialsSection(profile), let file = profiles.credentials, let keys = staticKeys(file, section) {
            return FixedCredentials(keys, step: "shared credentials file \(file.path) [\(section)]")
        }
        if let command = settings["credential_process"] { return ProcessCredentials(command: command) }
        if let section = profiles.configSection(profile), let file = profiles.config, let keys = staticKeys(file, section) {
            return FixedCredentials(keys, step: "config file \(file.path) [\(section)]")
        }
        return nil
    }

    private func staticKeys(_ file: ConfigFile, _ section: String) -> AWSCredentials? {
        guard let key = file.text(section, "aws_access_key_id"), let secret = file.text(section, "aws_secret_access_key") else { return nil }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: file.text(section, "aws_session_token"))
    }

    private func sso(_ profile: String, _ settings: [String: String]) throws -> SSOCredentials? {
        let sessionName = settings["sso_session"]
        guard sessionName != nil || settings["sso_start_url"] != nil else { return nil }
        var values = settings
        if let sessionName {
            guard let session = profiles.ssoSession(sessionName) else {
                throw AWSConfigurationError.credentialSource("profile '\(profile)' names sso_session '\(sessionName)', and \(profiles.configPath) has no [sso-session \(sessionName)]",
                                      hint: "run `aws configure sso`, or fix the name")
            }
            for key in ["sso_start_url", "sso_region"] {
                if let mine = settings[key], let theirs = session[key], mine != theirs {
                    throw AWSConfigurationError.credentialSource("profile '\(profile)' sets \(key) = \(mine), but its sso_session '\(sessionName)' says \(theirs)",
                                          hint: "remove \(key) from the profile: the session holds it")
                }
                values[key] = session[key] ?? settings[key]
            }
        }
        let required = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
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
            throw AWSConfigurationError.credentialSource("profile '\(profile)' has role_arn but neither source_profile nor credential_source",
                                  hint: "name where the credentials to assume the role come from")
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
        return AssumeRoleCredentials(profile: profile, roleARN: settings["role_arn"]!, source: source,
                                     externalID: settings["external_id"], sessionName: settings["role_session_name"],
                                     durationSeconds: settings["duration_seconds"].flatMap(Int.init), mfaSerial: settings["mfa_serial"])
    }

    private func credentialSource(_ name: String, profile: String) throws -> any CredentialProvider {
        let missing = AWSConfigurationError.credentialSource("profile '\(profile)' takes its credentials from credential_source \(name), which has none here",
                                      hint: "credential_source needs the environment's keys, a container or an EC2 instance")
        switch name {
        case "Environment":
            guard let keys = environmentKeys() else { throw missing }
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

/// The instance metadata service at the end of the chain: when it fails, the error names
/// every place searched before it, since any of them may be where credentials were meant to be.
struct LastResortCredentials: CredentialProvider {
    let instance: InstanceMetadataCredentials
    let profile: String
    let searchedBefore: [String]
    var step: String { instance.step }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        do { return try await instance.obtain(context) } catch AWSConfigurationError.credentialSource(let message, _) {
            throw AWSConfigurationError.noCredentials(profile: profile, searched: searchedBefore + [
                message.replacingOccurrences(of: "no credentials from ", with: ""),
            ])
        }
    }
}
