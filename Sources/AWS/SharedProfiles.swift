import Foundation

/// The shared config and credentials files, read once, as botocore maps them to profiles:
///
/// - In the config file a profile is `[default]` or `[profile NAME]`, the header split as
///   `shlex` splits it (`[profile  dev]` and `[profile "dev"]` are `dev`; a header of any other
///   word count is no profile). Of `[default]` and `[profile default]`, the later in the file wins.
///   `[sso-session NAME]` and `[services NAME]` are named the same way.
/// - In the credentials file every section is a profile of that exact name.
/// - A profile's settings are the config file's with the credentials file's over them, key by key.
struct SharedProfiles {
    let config: ConfigFile?
    let credentials: ConfigFile?
    let configPath: String
    let credentialsPath: String
    /// Profile name → its section in the config file.
    let configProfiles: [String: String]
    let ssoSessionSections: [String: String]
    let servicesSections: [String: String]

    init(config: ConfigFile?, credentials: ConfigFile?, configPath: String, credentialsPath: String) {
        self.config = config
        self.credentials = credentials
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        var profiles: [String: String] = [:], sessions: [String: String] = [:], services: [String: String] = [:]
        for section in config?.sectionNames ?? [] {
            let named = ShellWords.split(section).flatMap { $0.count == 2 ? $0[1] : nil }
            if section.hasPrefix("profile") {
                if let named { profiles[named] = section }
            } else if section.hasPrefix("sso-session") {
                if let named { sessions[named] = section }
            } else if section.hasPrefix("services") {
                if let named { services[named] = section }
            } else if section == "default" {
                profiles["default"] = section
            }
        }
        configProfiles = profiles
        ssoSessionSections = sessions
        servicesSections = services
    }

    func configSection(_ profile: String) -> String? { configProfiles[profile] }
    func credentialsSection(_ profile: String) -> String? { credentials?.sections[profile] != nil ? profile : nil }
    func exists(_ profile: String) -> Bool { configSection(profile) != nil || credentialsSection(profile) != nil }

    /// The profile's settings, the credentials file's over the config file's.
    func settings(_ profile: String) -> [String: String] {
        var merged: [String: String] = [:]
        for (file, section) in [(config, configSection(profile)), (credentials, credentialsSection(profile))] {
            guard let file, let section, let values = file.sections[section] else { continue }
            for (key, value) in values { if case .text(let text) = value { merged[key] = text } }
        }
        return merged
    }

    /// Where a profile's setting was found, for a person: `config file PATH [profile dev]`.
    func origin(of key: String, profile: String) -> String {
        if let section = credentialsSection(profile), credentials?.sections[section]?[key] != nil {
            return "shared credentials file \(credentialsPath) [\(section)]"
        }
        return "config file \(configPath) [\(configSection(profile) ?? profile)]"
    }

    /// The config file's `[sso-session NAME]` section.
    func ssoSession(_ name: String) -> [String: String]? {
        guard let section = ssoSessionSections[name], let values = config?.sections[section] else { return nil }
        return values.compactMapValues { if case .text(let text) = $0 { return text } else { return nil } }
    }

    /// The config file's `[services NAME]` section: service key → its nested settings.
    func services(_ name: String) -> (section: String, endpoints: [String: [String: String]])? {
        guard let section = servicesSections[name], let values = config?.sections[section] else { return nil }
        return (section, values.compactMapValues { if case .nested(let nested) = $0 { return nested } else { return nil } })
    }

    /// How the config file names a profile, for messages.
    func configLabel(_ profile: String) -> String {
        configSection(profile).map { "[\($0)]" } ?? (profile == "default" ? "[default]" : "[profile \(profile)]")
    }
}

/// The shared files' paths as botocore expands them: `$NAME` and `${NAME}` from the environment
/// (left as written when unset), then `~` (HOME) or `~user`.
enum SharedFilePath {
    static func expand(_ path: String, environment: [String: String]) -> String {
        expandUser(expandVariables(path, environment: environment), environment: environment)
    }

    /// Python's `os.path.expandvars`: `$` followed by ASCII word characters, or `${…}`.
    static func expandVariables(_ path: String, environment: [String: String]) -> String {
        guard path.contains("$") else { return path }
        let scalars = Array(path.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
        }
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count else {
                result.append(scalars[index])
                index += 1
                continue
            }
            var end = index + 1
            let name: String
            if scalars[end] == "{" {
                guard let close = scalars[(end + 1)...].firstIndex(of: "}") else {
                    result.append(scalars[index])
                    index += 1
                    continue
                }
                name = String(String.UnicodeScalarView(scalars[(end + 1)..<close]))
                end = close + 1
            } else {
                while end < scalars.count, isWord(scalars[end]) { end += 1 }
                name = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            }
            if end > index + 1, !name.isEmpty || scalars[index + 1] == "{", let value = environment[name] {
                result.append(contentsOf: value.unicodeScalars)
            } else {
                result.append(contentsOf: scalars[index..<max(end, index + 1)])
            }
            index = max(end, index + 1)
        }
        return String(result)
    }

    /// Python's `os.path.expanduser`.
    static func expandUser(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~") else { return path }
        let slash = path.dropFirst().firstIndex(of: "/") ?? path.endIndex
        let user = path[path.index(after: path.startIndex)..<slash]
        var home: String?
        if user.isEmpty {
            home = environment["HOME"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_dir) }
        } else {
            home = getpwnam(String(user)).map { String(cString: $0.pointee.pw_dir) }
        }
        guard var home else { return path }
        while home.count > 1, home.hasSuffix("/") { home.removeLast() }
        let expanded = (home == "/" ? "" : home) + path[slash...]
        return expanded.isEmpty ? "/" : expanded
    }
}
