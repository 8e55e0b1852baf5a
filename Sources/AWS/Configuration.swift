import Foundation

/// Credentials, region and endpoints resolved the way the AWS CLI resolves them, each with
/// where it came from (`whoami` shows both).
///
/// - Profile: the `profile` argument, else `AWS_PROFILE`, else `default`.
/// - Credentials: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` (skipped when a
///   profile is named explicitly, as botocore does), then the profile in the shared credentials
///   file, then its `credential_process`, then its keys in the config file.
/// - Region: the `region` argument, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
/// - Endpoint per service: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
///   `services` section, the profile's `endpoint_url`, then the public AWS endpoint; all but the
///   last are ignored under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
public struct AWSConfiguration: Sendable {
    public struct Resolved<Value: Sendable>: Sendable {
        public let value: Value
        /// Where the value was found, for a person: `environment (AWS_REGION)`, `config file ~/.aws/config [profile x]`.
        public let source: String
    }

    public let profile: Resolved<String>
    public let credentials: Resolved<AWSCredentials>
    public let region: Resolved<String>
    private let explicitEndpoint: String?
    private let environment: [String: String]
    /// The profile's settings in the config file, with the `services` section it names.
    private let profileSettings: [String: String]
    private let servicesSection: (name: String, endpoints: [String: [String: String]])?
    private let configPath: String

    /// `endpoint` (e.g. `target aws endpoint URL`) sends every service there, before anything configured.
    public static func resolve(profile explicitProfile: String? = nil, region explicitRegion: String? = nil,
                               endpoint explicitEndpoint: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AWSConfiguration {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst() : path }
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        let configFile = try ConfigFile.load(configPath)
        let credentialsFile = try ConfigFile.load(credentialsPath)

        let profile: Resolved<String>
        if let explicitProfile {
            profile = Resolved(value: explicitProfile, source: "--profile")
        } else if let name = environment["AWS_PROFILE"], !name.isEmpty {
            profile = Resolved(value: name, source: "environment (AWS_PROFILE)")
        } else {
            profile = Resolved(value: "default", source: "default")
        }
        let configSection = configFile?.configSection(forProfile: profile.value)
        let credentialsSection = credentialsFile?.sections[profile.value] != nil ? profile.value : nil
        if profile.value != "default" || explicitProfile != nil, configSection == nil, credentialsSection == nil {
            throw AWSConfigurationError.profileNotFound(profile.value, configPath: configPath, credentialsPath: credentialsPath)
        }
        // botocore merges the credentials file's profile over the config file's.
        var settings: [String: String] = [:]
        for (file, section) in [(configFile, configSection), (credentialsFile, credentialsSection)] {
            guard let file, let section, let values = file.sections[section] else { continue }
            for (key, value) in values { if case .text(let text) = value { settings[key] = text } }
        }

        let credentials = try resolveCredentials(
            environment: environment, skipEnvironment: explicitProfile != nil, profile: profile.value,
            searchedFiles: (credentials: credentialsPath, config: configPath),
            credentialsFile: credentialsSection.flatMap { section in credentialsFile.map { ($0, section) } },
            configFile: configSection.flatMap { section in configFile.map { ($0, section) } },
            processCommand: settings["credential_process"])

        let region: Resolved<String>
        if let explicitRegion, !explicitRegion.isEmpty {
            region = Resolved(value: explicitRegion, source: "--region")
        } else if let value = environment["AWS_REGION"], !value.isEmpty {
            region = Resolved(value: value, source: "environment (AWS_REGION)")
        } else if let value = environment["AWS_DEFAULT_REGION"], !value.isEmpty {
            region = Resolved(value: value, source: "environment (AWS_DEFAULT_REGION)")
        } else if let value = settings["region"], !value.isEmpty {
            let origin = credentialsFile?.text(profile.value, "region") == value
                ? "shared credentials file \(credentialsPath) [\(profile.value)]"
                : "config file \(configPath) [\(configSection ?? profile.value)]"
            region = Resolved(value: value, source: origin)
        } else {
            throw AWSConfigurationError.noRegion(profile: profile.value, configPath: configPath)
        }

        let services = settings["services"].flatMap { name -> (String, [String: [String: String]])? in
            guard let section = configFile?.sections["services \(name)"] else { return nil }
            var endpoints: [String: [String: String]] = [:]
            for (key, value) in section { if case .nested(let nested) = value { endpoints[key] = nested } }
            return (name, endpoints)
        }
        return AWSConfiguration(profile: profile, credentials: credentials, region: region, explicitEndpoint: explicitEndpoint,
                                environment: environment, profileSettings: settings, servicesSection: services,
                                configPath: configPath)
    }

    /// The base URL calls to `service` go to, and why.
    public func endpoint(for service: AWSService) -> Resolved<String> {
        if let explicitEndpoint { return Resolved(value: explicitEndpoint, source: "--endpoint") }
        let ignoreConfigured = (environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]
            ?? profileSettings["ignore_configured_endpoint_urls"])?.lowercased() == "true"
        if !ignoreConfigured {
            let specific = "AWS_ENDPOINT_URL_\(service.environmentSuffix)"
            if let url = environment[specific], !url.isEmpty { return Resolved(value: url, source: "environment (\(specific))") }
            if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return Resolved(value: url, source: "environment (AWS_ENDPOINT_URL)") }
            if let servicesSection, let url = servicesSection.endpoints[service.configKey]?["endpoint_url"] {
                return Resolved(value: url, source: "config file \(configPath) [services \(servicesSection.name)] \(service.configKey)")
            }
            if let url = profileSettings["endpoint_url"] {
                return Resolved(value: url, source: "config file \(configPath) [\(profile.value)] endpoint_url")
            }
        }
        let suffix = region.value.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Resolved(value: "https://\(service.endpointPrefix).\(region.value).\(suffix)", source: "AWS default")
    }

    private static func resolveCredentials(
        environment: [String: String], skipEnvironment: Bool, profile: String, searchedFiles: (credentials: String, config: String),
        credentialsFile: (ConfigFile, String)?, configFile: (ConfigFile, String)?, processCommand: String?
    ) throws -> Resolved<AWSCredentials> {
        if !skipEnvironment, let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
           let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty {
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return Resolved(value: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token),
                            source: "environment (AWS_ACCESS_KEY_ID)")
        }
        func keys(in file: (ConfigFile, String)?) -> AWSCredentials? {
            guard let (file, section) = file, let key = file.text(section, "aws_access_key_id"),
                  let secret = file.text(section, "aws_secret_access_key") else { return nil }
            return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: file.text(section, "aws_session_token"))
        }
        if let credentials = keys(in: credentialsFile), let (file, section) = credentialsFile {
            return Resolved(value: credentials, source: "shared credentials file \(file.path) [\(section)]")
        }
        if let processCommand {
            return Resolved(value: try CredentialProcess.run(processCommand, profile: profile),
                            source: "credential_process (\(processCommand))")
        }
        if let credentials = keys(in: configFile), let (file, section) = configFile {
            return Resolved(value: credentials, source: "config file \(file.path) [\(section)]")
        }
        throw AWSConfigurationError.noCredentials(
            profile: profile, searched: [
                skipEnvironment ? nil : "the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
                "the shared credentials file \(searchedFiles.credentials) [\(profile)]",
                "aws_access_key_id and credential_process in the config file \(searchedFiles.config) "
                    + (profile == "default" ? "[default]" : "[profile \(profile)]"),
            ].compactMap { $0 })
    }
}

public enum AWSConfigurationError: Error, CustomStringConvertible, Equatable {
    case profileNotFound(String, configPath: String, credentialsPath: String)
    case noCredentials(profile: String, searched: [String])
    case noRegion(profile: String, configPath: String)
    case credentialProcess(command: String, problem: String)

    public var description: String {
        switch self {
        case .profileNotFound(let name, let configPath, let credentialsPath):
            return "the AWS profile '\(name)' is in neither \(configPath) ([profile \(name)]) nor \(credentialsPath) ([\(name)])"
                + "\nhint: check the name, or AWS_PROFILE / AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE"
        case .noCredentials(let profile, let searched):
            return "no AWS credentials for profile '\(profile)': searched " + searched.joined(separator: "; ")
                + "\nhint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`"
        case .noRegion(let profile, let configPath):
            return "no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and profile '\(profile)' in \(configPath) has no 'region'"
                + "\nhint: export AWS_REGION=us-east-1 (or your region)"
        case .credentialProcess(let command, let problem):
            return "credential_process '\(command)' \(problem)"
        }
    }
}

/// Runs a profile's `credential_process` and reads the JSON it prints (Version 1).
enum CredentialProcess {
    struct Output: Decodable {
        let Version: Int
        let AccessKeyId: String
        let SecretAccessKey: String
        let SessionToken: String?
    }

    static func run(_ command: String, profile: String) throws -> AWSCredentials {
        let words = try splitShellWords(command)
        guard let executable = words.first else {
            throw AWSConfigurationError.credentialProcess(command: command, problem: "is empty")
        }
        let process = Process()
        // Like botocore (no shell): a bare name is looked up on PATH by env.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + words.dropFirst()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw AWSConfigurationError.credentialProcess(command: command, problem: "could not start: \(error)")
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AWSConfigurationError.credentialProcess(
                command: command, problem: "exited with status \(process.terminationStatus)" + (message.isEmpty ? "" : ": \(message)"))
        }
        let decoded: Output
        do { decoded = try JSONDecoder().decode(Output.self, from: output) } catch {
            throw AWSConfigurationError.credentialProcess(
                command: command, problem: "printed no JSON with Version, AccessKeyId and SecretAccessKey")
        }
        guard decoded.Version == 1 else {
            throw AWSConfigurationError.credentialProcess(command: command, problem: "printed Version \(decoded.Version); only 1 is known")
        }
        return AWSCredentials(accessKeyID: decoded.AccessKeyId, secretAccessKey: decoded.SecretAccessKey,
                              sessionToken: decoded.SessionToken)
    }

    /// POSIX shell word splitting without expansions (botocore uses `shlex.split`).
    static func splitShellWords(_ text: String) throws -> [String] {
        var words: [String] = [], current = "", inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped { current.append(character); escaped = false; inWord = true; continue }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"): escaped = true
            case (nil, "'"), (nil, "\""): quote = character; inWord = true
            case (let open?, _) where character == open: quote = nil
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(character); inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw AWSConfigurationError.credentialProcess(command: text, problem: "has an unclosed quote or a trailing backslash")
        }
        if inWord { words.append(current) }
        return words
    }
}
