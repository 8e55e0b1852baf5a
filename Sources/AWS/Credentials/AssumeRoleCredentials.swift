import Foundation

/// A profile with `role_arn`: STS AssumeRole signed with the source's credentials (its
/// `source_profile`, itself possibly a role, or its `credential_source`), with the profile's
/// `external_id`, `role_session_name`, `duration_seconds` and `mfa_serial` — the MFA code is
/// asked at the terminal each time the role is assumed; a script cannot answer and is told so.
struct AssumeRoleCredentials: CredentialProvider {
    let profile: String
    let roleARN: String
    let source: any CredentialProvider
    let externalID: String?
    let sessionName: String?
    let durationSeconds: Int?
    let mfaSerial: String?
    var step: String { "role \(roleARN)" }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        let sourceCredentials = try await source.obtain(context)
        var tokenCode: String?
        if let mfaSerial {
            guard let ask = context.configuration.askSecret else {
                throw AWSConfigurationError.credentialSource("profile '\(profile)' assumes \(roleARN) with an MFA code (mfa_serial \(mfaSerial)), and a script has nobody to ask",
                                      hint: "run it at a terminal, or export credentials first (`aws sts get-session-token --serial-number …`)")
            }
            guard let code = await ask("Enter MFA code for \(mfaSerial): "), !code.isEmpty else {
                throw AWSConfigurationError.credentialSource("no MFA code was given for \(mfaSerial)", hint: "type the code your MFA device shows")
            }
            tokenCode = code.trimmingCharacters(in: .whitespaces)
        }
        let sts = STS(client: context.client(signingWith: sourceCredentials.credentials))
        let answer = try await sts.assumeRole(.init(
            roleArn: roleARN, roleSessionName: try RoleSessionName.checked(sessionName, origin: "role_session_name in profile '\(profile)'"),
            externalId: externalID, serialNumber: mfaSerial, tokenCode: tokenCode, durationSeconds: durationSeconds))
        return try answer.obtained("AssumeRole", chain: sourceCredentials.chain + [step])
    }
}

/// Web identity federation (EKS service accounts, GitHub Actions OIDC): the token in
/// `web_identity_token_file` (or `AWS_WEB_IDENTITY_TOKEN_FILE`) exchanged for the role
/// `role_arn` (or `AWS_ROLE_ARN`) by an unsigned AssumeRoleWithWebIdentity. The file is read
/// on every refresh: the platform rotates it.
struct WebIdentityCredentials: CredentialProvider {
    let tokenFile: String
    let roleARN: String
    let sessionName: String?
    let origin: String
    var step: String { "web identity (\(origin)) → role \(roleARN)" }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw AWSConfigurationError.credentialSource("cannot read the web identity token file \(tokenFile) (\(origin))",
                                  hint: "check that the file exists and is readable")
        }
        // Sent as the file holds it, as botocore sends it.
        let token = String(decoding: data, as: UTF8.self)
        let sts = STS(client: context.client(signingWith: nil))
        let answer = try await sts.assumeRoleWithWebIdentity(.init(
            roleArn: roleARN, roleSessionName: try RoleSessionName.checked(sessionName, origin: "AWS_ROLE_SESSION_NAME or role_session_name"),
            webIdentityToken: token))
        return try answer.obtained("AssumeRoleWithWebIdentity", chain: [step])
    }
}

/// The RoleSessionName of AssumeRole and AssumeRoleWithWebIdentity.
enum RoleSessionName {
    /// The name given, checked against STS's constraints (2 to 64 characters of `[\w+=,.@-]`)
    /// before anything is sent, or botocore's default, `botocore-session-EPOCH`, when none is.
    static func checked(_ name: String?, origin: String, now: Date = Date()) throws -> String {
        guard let name else { return "botocore-session-\(Int(now.timeIntervalSince1970))" }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_+=,.@-".unicodeScalars.contains($0)) }
        guard (2...64).contains(name.unicodeScalars.count), allowed else {
            throw AWSConfigurationError.invalidSetting(name: "RoleSessionName", value: name, source: origin,
                                                       expected: "2 to 64 letters, digits or the characters _+=,.@-")
        }
        return name
    }
}
