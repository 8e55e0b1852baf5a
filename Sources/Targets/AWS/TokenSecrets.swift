import AWS
import CopilotRules

/// The GitHub token of a token source (Copilot's GitHubV1), kept in Secrets Manager and nowhere else.
struct TokenSecrets: Sendable {
    let secretsManager: SecretsManager

    func exists(_ secretID: String) async throws -> Bool {
        do {
            _ = try await secretsManager.describeSecret(.init(secretId: secretID))
            return true
        } catch let error as AWSError where error.code == .resourceNotFoundException {
            return false
        }
    }

    /// Creates secret `name` holding `token`, or puts `token` in it when it exists; true when created.
    func store(_ token: String, as name: String, description: String, tags: [String: String]) async throws -> Bool {
        if try await exists(name) {
            _ = try await secretsManager.putSecretValue(.init(secretId: name, secretString: token))
            return false
        }
        _ = try await secretsManager.createSecret(.init(
            name: name, description: description, secretString: token,
            tags: tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) }))
        return true
    }

    /// Deletes secret `name` without a recovery window; false when there was none.
    func delete(_ name: String) async throws -> Bool {
        do {
            _ = try await secretsManager.deleteSecret(.init(secretId: name, forceDeleteWithoutRecovery: true))
            return true
        } catch let error as AWSError where error.code == .resourceNotFoundException {
            return false
        }
    }

    /// The GitHub token for a new secret: GITHUB_TOKEN in a script, asked for without echo on a terminal.
    static func gitHubToken(_ secretID: String, repository: String, environment: [String: String], ui: any TargetUI) async throws -> String {
        if let fromEnvironment = environment["GITHUB_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        if ui.isInteractive, let typed = await ui.readSecret("GitHub personal access token for \(repository): "), !typed.isEmpty {
            return typed
        }
        throw AWSTargetError("the GitHub token secret \(secretID) does not exist",
                             hint: "set GITHUB_TOKEN for a script, or push from a terminal to be asked for the token")
    }
}

extension AWSTarget {
    /// Keeps a GitHub token given to `source set github … token-secret` in Secrets Manager — a
    /// new secret `name`, or a new value of an existing one — so the manifest names the secret
    /// and no file holds the token. Returns whether the secret was created.
    public func storeGitHubToken(_ token: String, as name: String, application: String) async throws -> Bool {
        try await TokenSecrets(secretsManager: try aws().secretsManager).store(
            token, as: name, description: "GitHub token of application \(application)'s pipeline",
            tags: ResourceTags.tokenSecret(application: application, pipeline: nil))
    }
}
