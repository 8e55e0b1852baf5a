/// A key Copilot does not read: Copilot ignores it, so it is probably misspelled.
public enum UnknownKeyRule: ManifestRule {
    /// `path` as the reader gives it (`stages[0].deploy`).
    case unknownKey(path: String)

    public var severity: Severity { .warning }

    public var message: String {
        switch self {
        case .unknownKey(let path): return "\(path) is not a pipeline manifest setting; Copilot ignores it"
        }
    }

    public var hint: String? { "check the spelling against https://aws.github.io/copilot-cli/docs/manifest/pipeline/" }

    static func check(_ input: RuleInput, into findings: inout Findings) {
        for key in input.unknownKeys {
            findings.add(.unknownKey(.unknownKey(path: key.path)), at: .located(key.location))
        }
    }
}
