import Foundation

/// How calls reach AWS, resolved as the AWS CLI resolves it: the proxies of the environment,
/// the certificates to trust, the timeouts of each attempt and how often to try.
public struct NetworkSettings: Sendable {
    public let proxies: ProxySettings
    /// A PEM file of the certificate authorities to trust instead of the system's
    /// (`AWS_CA_BUNDLE`, the profile's `ca_bundle`).
    public let caBundle: AWSConfiguration.Resolved<String>?
    /// nil: no limit (the setting 0).
    public let connectTimeout: AWSConfiguration.Resolved<Duration?>
    /// The longest wait for the next bytes of a response, its first included; nil: no limit.
    public let readTimeout: AWSConfiguration.Resolved<Duration?>
    public let retry: AWSConfiguration.Resolved<RetrySettings>

    /// The AWS CLI's defaults: 60 s to connect and between reads.
    public static let defaultTimeout: Duration = .seconds(60)

    /// `setting` looks a name up: the environment's variable (present, even empty) first, then the profile's key.
    static func resolve(environment: [String: String],
                        setting: (_ variable: String?, _ key: String) -> AWSConfiguration.Resolved<String>?) throws -> NetworkSettings {
        let caBundle = setting("AWS_CA_BUNDLE", "ca_bundle").flatMap { $0.value.isEmpty ? nil : $0 }
        if let caBundle, !FileManager.default.isReadableFile(atPath: caBundle.value) {
            throw AWSConfigurationError.invalidSetting(name: "CA bundle", value: caBundle.value, source: caBundle.source,
                                                       expected: "a readable PEM file of certificates")
        }
        return NetworkSettings(proxies: try ProxySettings(environment: environment), caBundle: caBundle,
                               connectTimeout: try timeout(setting(nil, "cli_connect_timeout")),
                               readTimeout: try timeout(setting(nil, "cli_read_timeout")),
                               retry: try RetrySettings.resolve(mode: setting("AWS_RETRY_MODE", "retry_mode"),
                                                                maxAttempts: setting("AWS_MAX_ATTEMPTS", "max_attempts")))
    }

    /// Seconds, 0 for none, as the AWS CLI's `--cli-connect-timeout` and `--cli-read-timeout`.
    private static func timeout(_ setting: AWSConfiguration.Resolved<String>?) throws -> AWSConfiguration.Resolved<Duration?> {
        guard let setting else { return .init(value: defaultTimeout, source: "AWS CLI default") }
        guard let seconds = Double(setting.value.trimmingCharacters(in: .whitespaces)), seconds >= 0, seconds.isFinite else {
            throw AWSConfigurationError.invalidSetting(name: setting.source.hasSuffix("cli_read_timeout") ? "cli_read_timeout" : "cli_connect_timeout",
                                                       value: setting.value, source: setting.source, expected: "seconds, or 0 for no limit")
        }
        return .init(value: seconds == 0 ? nil : .milliseconds(Int((seconds * 1000).rounded())), source: setting.source)
    }
}

/// `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`, read as Python's urllib reads them for botocore:
/// any case, the all-lowercase name winning (and an empty lowercase one removing the other); the
/// proxy of a URL's scheme, unless `NO_PROXY` is `*` or lists the host or a domain it is in
/// (with or without its port, a leading dot ignored). Under CGI (`REQUEST_METHOD` set) the
/// upper-case `HTTP_PROXY` is ignored, as a request's `Proxy:` header can set it.
public struct ProxySettings: Sendable {
    let http: ProxyServer?
    let https: ProxyServer?
    let noProxy: String?

    init(environment: [String: String]) throws {
        var found: [String: (value: String, variable: String)] = [:]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where !value.isEmpty && name.lowercased().hasSuffix("_proxy") {
            found[String(name.lowercased().dropLast(6))] = (value, name)
        }
        if environment["REQUEST_METHOD"] != nil { found["http"] = nil }
        for (name, value) in environment where name.hasSuffix("_proxy") {
            let scheme = String(name.lowercased().dropLast(6))
            found[scheme] = value.isEmpty ? nil : (value, name)
        }
        http = try found["http"].map { try ProxyServer(url: $0.value, variable: $0.variable) }
        https = try found["https"].map { try ProxyServer(url: $0.value, variable: $0.variable) }
        noProxy = found["no"]?.value
    }

    /// The proxy a request to `scheme://host:port` goes through, nil to go directly.
    func proxy(scheme: String, host: String, port: Int?) -> ProxyServer? {
        guard let server = scheme.lowercased() == "https" ? https : scheme.lowercased() == "http" ? http : nil else { return nil }
        return bypasses(host: host, port: port) ? nil : server
    }

    /// urllib's `proxy_bypass_environment` on the URL's `host[:port]`.
    func bypasses(host: String, port: Int?) -> Bool {
        guard let noProxy else { return false }
        if noProxy == "*" { return true }
        let hostOnly = host.lowercased()
        let withPort = port.map { "\(hostOnly):\($0)" } ?? hostOnly
        for entry in noProxy.split(separator: ",", omittingEmptySubsequences: false) {
            var name = entry.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            name = String(name.drop { $0 == "." }).lowercased()
            if hostOnly == name || withPort == name || hostOnly.hasSuffix("." + name) || withPort.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// For a person, the credentials masked: `http://***:***@proxy:3128 (HTTPS_PROXY)`.
    public var summary: String {
        let parts = [https.map { "https via \($0.display) (\($0.variable))" }, http.map { "http via \($0.display) (\($0.variable))" },
                     noProxy.map { "not for \($0) (NO_PROXY)" }].compactMap { $0 }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }
}

/// An HTTP proxy: requests to https endpoints go through it by CONNECT, with Basic credentials
/// from its URL (`http://user:password@proxy:3128`, percent-encoded as in any URL).
struct ProxyServer: Sendable, Hashable {
    let host: String
    let port: Int
    let username: String?
    let password: String?
    let variable: String

    /// botocore's reading: `http://` is assumed when the URL has no scheme.
    init(url text: String, variable: String) throws {
        let full = text.hasPrefix("http:") || text.hasPrefix("https:") ? text : (text.hasPrefix("//") ? "http:" + text : "http://" + text)
        guard let url = URLComponents(string: full), let host = url.host, !host.isEmpty else {
            throw AWSConfigurationError.invalidSetting(name: variable, value: Self.masked(text), source: "the environment",
                                                       expected: "a proxy URL such as http://proxy.example.com:3128")
        }
        guard url.scheme?.lowercased() == "http" else {
            throw AWSConfigurationError.invalidSetting(name: variable, value: Self.masked(text), source: "the environment",
                                                       expected: "an http:// proxy URL: sluice talks to proxies in plain HTTP and tunnels TLS through them with CONNECT")
        }
        self.host = host
        port = url.port ?? 80
        username = url.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 }
        password = url.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        self.variable = variable
    }

    var display: String { "http://" + (username != nil ? "***:***@" : "") + "\(host):\(port)" }

    private static func masked(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let scheme = text.range(of: "://").map { String(text[..<$0.upperBound]) } ?? ""
        return scheme + "***@" + text[text.index(after: at)...]
    }
}

extension NetworkSettings {
    /// How a request to `scheme://host:port` travels: through the proxy its scheme names unless
    /// `NO_PROXY` exempts the host, trusting the CA bundle, with the configured timeouts.
    func route(scheme: String, host: String, port: Int?) -> Route {
        Route(proxy: proxies.proxy(scheme: scheme, host: host, port: port), caBundle: caBundle?.value,
              connectTimeout: connectTimeout.value, readTimeout: readTimeout.value)
    }
}
