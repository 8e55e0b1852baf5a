import Foundation

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
        let process = Process()
        // Like botocore (no shell): a bare name is looked up on PATH by env.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + words.dropFirst()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw failure("could not start: \(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw failure("exited with status \(process.terminationStatus)" + (message.isEmpty ? "" : ": \(message)"))
        }
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
