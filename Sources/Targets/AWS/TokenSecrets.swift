import AWS
import CopilotRules
import Foundation

/// The GitHub token of a token source (Copilot's GitHubV1), kept in Secrets Manager and nowhere else.
struct TokenSecrets: Sendable {
    let secretsManager: SecretsManager

    /// Whether secret `secretID` exists, and whether it is scheduled for deletion (a push cannot use it then).
    func state(_ secretID: String) async throws -> SecretState {
        do {
            let described = try await secretsManager.describeSecret(.init(secretId: secretID))
            if let date = described.deletedDate { return .scheduledForDeletion(date) }
            return .present(tags: (described.tags ?? []).map { ($0.key, $0.value) })
        } catch let error as AWSError where error.code == .resourceNotFoundException {
            return .absent
        }
    }

    /// Creates secret `name` holding `token`, or puts `token` in it when it exists; true when created.
    func store(_ token: String, as name: String, description: String, tags: [String: String]) async throws -> Bool {
        if try await state(name).isPresent {
            _ = try await secretsManager.putSecretValue(.init(secretId: name, secretString: token))
            return false
        }
        _ = try await secretsManager.createSecret(.init(
            name: name, description: description, secretString: token,
            tags: tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) }))
        return true
    }

    /// How long a deleted token secret can be restored (`aws secretsmanager restore-secret`): Copilot deletes at once,
    /// sluice leaves the time to notice a secret another pipeline still needed.
    static let recoveryWindowDays = 30

    /// Schedules secret `name` for deletion, with a recovery window, when Copilot or sluice made it for a
    /// pipeline (``ResourceTags/marksTokenSecret(_:)``); a secret someone else made, shared perhaps, is kept.
    func delete(_ name: String) async throws -> SecretDeletion {
        switch try await state(name) {
        case .absent: return .absent
        case .scheduledForDeletion(let date): return .scheduled(date)
        case .present(let tags):
            guard ResourceTags.marksTokenSecret(tags) else { return .notMade }
            let deleted = try await secretsManager.deleteSecret(.init(secretId: name, recoveryWindowInDays: Self.recoveryWindowDays))
            return .scheduled(deleted.deletionDate)
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

/// A token secret as Secrets Manager has it.
enum SecretState {
    case absent
    case present(tags: [(key: String, value: String)])
    /// Deleted, restorable until the date.
    case scheduledForDeletion(Date)

    var isPresent: Bool {
        if case .present = self { return true }
        return false
    }
}

/// What deleting a pipeline's token secret did.
enum SecretDeletion: Equatable {
    case absent
    /// Deleted (now or earlier), restorable until the date.
    case scheduled(Date?)
    /// Not deleted: neither Copilot nor sluice made it.
    case notMade
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
