import Foundation

/// IAM Identity Center: the access token `aws sso login` cached in `~/.aws/sso/cache/`
/// (file named by the SHA-1 of the `sso_session` name, or of the start URL for a legacy
/// profile) exchanged for the role's credentials by the portal's GetRoleCredentials. A token
/// of an `sso_session` with less than 15 minutes left is first refreshed with its refresh
/// token (SSO OIDC CreateToken) and written back, as botocore does; a legacy profile's token
/// cannot be. An expired login says to run `aws sso login --profile P`.
struct SSOCredentials: CredentialProvider {
    let profile: String
    let sessionName: String?
    let startURL: String
    let ssoRegion: String
    let accountID: String
    let roleName: String
    var step: String {
        "SSO (\(sessionName.map { "session \($0), " } ?? "")account \(accountID), role \(roleName))"
    }

    static let tokenRefreshWindow: TimeInterval = 15 * 60

    /// The cache file `aws sso login` wrote for this session or start URL.
    func cacheFile(home: String) -> String {
        let digest = SigV4Signer.hex(Digest.sha1(Array((sessionName ?? startURL).utf8)))
        return "\(home)/.aws/sso/cache/\(digest).json"
    }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        let token = try await accessToken(context)
        let portal = context.configuration.endpoint(for: .sso, region: ssoRegion).value
        let url = portal.trimmingSuffix("/") + "/federation/credentials?role_name=\(SigV4Signer.percentEncode(roleName))"
            + "&account_id=\(SigV4Signer.percentEncode(accountID))"
        let response: HTTPResponseParts
        do {
            response = try await CredentialHTTP.send("GET", url, headers: [(name: "x-amz-sso_bearer_token", value: token)],
                                                    network: context.configuration.network)
        } catch let failure as CredentialHTTP.Failure {
            throw AWSConfigurationError.credentialSource("the SSO portal did not answer: \(failure.reason)", hint: "check the network, or sso_region in the profile")
        }
        if response.status == 401 || response.status == 403 { throw login("was refused by the SSO portal (HTTP \(response.status)): expired or signed out") }
        struct Answer: Decodable {
            struct RoleCredentials: Decodable {
                let accessKeyId: String, secretAccessKey: String, sessionToken: String?, expiration: Double?
            }
            let roleCredentials: RoleCredentials
        }
        let answer: Answer
        do { answer = try CredentialHTTP.json(Answer.self, response, from: url) } catch let failure as CredentialHTTP.Failure {
            throw AWSConfigurationError.credentialSource("GetRoleCredentials for account \(accountID), role \(roleName) failed: \(failure.reason)",
                                  hint: "check sso_account_id and sso_role_name in profile '\(profile)'")
        }
        let issued = answer.roleCredentials
        return ObtainedCredentials(AWSCredentials(accessKeyID: issued.accessKeyId, secretAccessKey: issued.secretAccessKey,
                                                  sessionToken: issued.sessionToken),
                                   expiration: issued.expiration.map { Date(timeIntervalSince1970: $0 / 1000) }, chain: [step])
    }

    private func login(_ problem: String) -> AWSConfigurationError { .ssoLogin(profile: profile, problem: problem) }

    /// The cached access token, refreshed first when it is close to expiry and can be.
    private func accessToken(_ context: CredentialContext) async throws -> String {
        let home = context.environment["HOME"] ?? NSHomeDirectory()
        let path = cacheFile(home: home)
        guard let data = FileManager.default.contents(atPath: path) else { throw login("has not been made: no token is cached in \(path)") }
        guard var cached = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw login("cannot be read: \(path) is not a JSON object")
        }
        guard let token = cached["accessToken"] as? String, let expiry = cached["expiresAt"] as? String else {
            throw login("cannot be read: \(path) lacks accessToken or expiresAt")
        }
        guard let expiresAt = AWSTimestamp.parse(expiry) else {
            throw login("cannot be read: expiresAt '\(expiry)' in \(path) is not a valid ISO 8601 time")
        }
        if sessionName != nil, expiresAt.timeIntervalSinceNow < Self.tokenRefreshWindow,
           let refreshed = await refresh(cached, context) {
            cached.merge(refreshed) { $1 }
            // Written back (atomically, 0600) so the AWS CLI and the next sluice use the new token.
            if let written = try? JSONSerialization.data(withJSONObject: cached, options: [.sortedKeys]),
               FileManager.default.createFile(atPath: path + ".sluice-tmp", contents: written, attributes: [.posixPermissions: 0o600]) {
                rename(path + ".sluice-tmp", path)
            }
            if let fresh = refreshed["accessToken"] as? String { return fresh }
        }
        guard expiresAt.timeIntervalSinceNow > 0 else { throw login("has expired (at \(expiry))") }
        return token
    }

    /// A new access token by CreateToken with the refresh token, or nil when the cache holds
    /// no registration, the registration expired, or the call failed (the old token is used while it lasts).
    private func refresh(_ cached: [String: Any], _ context: CredentialContext) async -> [String: Any]? {
        guard let refreshToken = cached["refreshToken"] as? String, let clientID = cached["clientId"] as? String,
              let clientSecret = cached["clientSecret"] as? String,
              let registrationEnd = (cached["registrationExpiresAt"] as? String).flatMap(AWSTimestamp.parse),
              registrationEnd.timeIntervalSinceNow > 0 else { return nil }
        let url = context.configuration.endpoint(for: .ssoOIDC, region: ssoRegion).value.trimmingSuffix("/") + "/token"
        let body = ["clientId": clientID, "clientSecret": clientSecret, "grantType": "refresh_token", "refreshToken": refreshToken]
        struct Answer: Decodable { let accessToken: String, expiresIn: Double, refreshToken: String? }
        guard let encoded = try? JSONSerialization.data(withJSONObject: body),
              let response = try? await CredentialHTTP.send("POST", url, headers: [(name: "Content-Type", value: "application/json")],
                                                            body: Array(encoded), network: context.configuration.network),
              let answer = try? CredentialHTTP.json(Answer.self, response, from: url) else { return nil }
        let formatter = ISO8601DateFormatter()
        var updated: [String: Any] = ["accessToken": answer.accessToken,
                                      "expiresAt": formatter.string(from: Date(timeIntervalSinceNow: answer.expiresIn))]
        if let next = answer.refreshToken { updated["refreshToken"] = next }
        return updated
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
