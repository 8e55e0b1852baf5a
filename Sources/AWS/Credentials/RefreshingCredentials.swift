import Foundation

/// The credentials a client signs with: obtained from the chain on first use and obtained
/// again before they expire, so a long `watch` never signs with expired keys.
///
/// botocore's windows: with less than `advisoryWindow` left a refresh is tried and, if it
/// fails, the old credentials are used while they have more than `mandatoryWindow` left;
/// with less than that, a refresh must succeed. Concurrent callers share one refresh. Credentials
/// that are expired when obtained are refused.
public actor RefreshingCredentials {
    public static let defaultAdvisoryWindow: TimeInterval = 15 * 60
    public static let defaultMandatoryWindow: TimeInterval = 10 * 60

    let provider: any CredentialProvider
    /// The kind of source, by botocore's name: `env`, `shared-credentials-file`, `assume-role`, `sso`…
    public nonisolated var method: String { provider.method }
    let advisoryWindow: TimeInterval
    let mandatoryWindow: TimeInterval
    private var current: ObtainedCredentials?
    private var refreshing: Task<ObtainedCredentials, Error>?

    init(_ provider: any CredentialProvider, advisoryWindow: TimeInterval = defaultAdvisoryWindow,
         mandatoryWindow: TimeInterval = defaultMandatoryWindow) {
        self.provider = provider
        self.advisoryWindow = advisoryWindow
        self.mandatoryWindow = mandatoryWindow
    }

    /// Credentials good for at least `mandatoryWindow` more (or that never expire).
    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        if let current {
            guard let expiration = current.expiration else { return current }
            let remaining = expiration.timeIntervalSinceNow
            if remaining > advisoryWindow { return current }
            do {
                return try await refresh(context)
            } catch where remaining > mandatoryWindow {
                return current  // still good for a while; the next call tries again
            }
        }
        return try await refresh(context)
    }

    private func refresh(_ context: CredentialContext) async throws -> ObtainedCredentials {
        if let refreshing { return try await refreshing.value }
        let task = Task { [provider] in
            // As botocore: credentials that come back expired are asked for once more, and refused if
            // they are still expired (a credential_process or AWS_CREDENTIAL_EXPIRATION in the past).
            let first = try await provider.obtain(context)
            guard let expiration = first.expiration, expiration.timeIntervalSinceNow < 0 else { return first }
            let second = try await provider.obtain(context)
            guard let expired = second.expiration, expired.timeIntervalSinceNow < 0 else { return second }
            throw AWSConfigurationError.expiredCredentials(source: second.chain.joined(separator: " → "), expiredAt: expired)
        }
        refreshing = task
        defer { refreshing = nil }
        // Ctrl-C while a source is slow (a metadata endpoint, an MFA prompt) ends the wait at once.
        let obtained = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        current = obtained
        return obtained
    }
}
