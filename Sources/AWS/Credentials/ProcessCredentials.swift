import Foundation
import Processes

/// A profile's `credential_process`: run (no shell, words split as `shlex.split` does) and
/// its JSON read (Version 1). With an `Expiration` it is run again before they expire.
struct ProcessCredentials: CredentialProvider {
    let command: String
    var step: String { "credential_process (\(command))" }

    private struct Output: Decodable {
        let Version: Int
        let AccessKeyId: String
        let SecretAccessKey: String
        let SessionToken: String?
        let Expiration: String?
    }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        let words = try Self.splitShellWords(command)
        guard let executable = words.first else { throw failure("is empty") }
        // Like botocore, no shell: a bare name is looked up on PATH. Bounded, unlike botocore: a
        // hanging one is stopped, Ctrl-C ends it, and whatever it started ends with it.
        let process = ChildProcess(program: executable, arguments: Array(words.dropFirst()),
                                   directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                   environment: context.environment,
                                   limits: try ChildLimits.configured("SLUICE_CREDENTIAL_PROCESS_TIMEOUT", default: Self.limits,
                                                                      environment: context.environment),
                                   name: "credential_process '\(command)'")
        let finished = try await process.run()
        guard finished.status == 0 else {
            let said = finished.errors.summary()
            throw failure("exited with status \(finished.status)" + (said.isEmpty ? "" : ": \(said)"))
        }
        let output = finished.output
        let decoded: Output
        do { decoded = try JSONDecoder().decode(Output.self, from: output) } catch {
            throw failure("printed no JSON with Version, AccessKeyId and SecretAccessKey")
        }
        guard decoded.Version == 1 else { throw failure("printed Version \(decoded.Version); only 1 is known") }
        var expiration: Date?
        if let text = decoded.Expiration {
            guard let date = AWSTimestamp.parse(text) else { throw failure("printed an Expiration that is no ISO 8601 time: \(text)") }
            expiration = date
        }
        return ObtainedCredentials(AWSCredentials(accessKeyID: decoded.AccessKeyId, secretAccessKey: decoded.SecretAccessKey,
                                                  sessionToken: decoded.SessionToken),
                                   expiration: expiration, chain: [step])
    }

    /// A minute (botocore waits for ever); its JSON is a few hundred bytes.
    static let limits = ChildLimits(timeout: .seconds(60), outputBytes: 64 << 10)

    private func failure(_ problem: String) -> AWSConfigurationError {
        .credentialProcess(command: command, problem: problem)
    }

    /// The command's words as botocore splits them (`shlex.split`, no expansions).
    static func splitShellWords(_ text: String) throws -> [String] {
        guard let words = ShellWords.split(text) else {
            throw AWSConfigurationError.credentialProcess(command: text, problem: "has an unclosed quote or a trailing backslash")
        }
        return words
    }
}
