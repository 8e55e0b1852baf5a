import Manifest

/// `version`: the schema version, of which Copilot knows only 1.
public enum VersionRule: ManifestRule {
    case missing
    case unsupported(Int)

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .missing: return "version is missing"
        case .unsupported(let version): return "version \(version) is not supported; Copilot knows only version 1"
        }
    }

    public var hint: String? {
        switch self {
        case .missing: return "add `version: 1`, the only schema version Copilot knows"
        case .unsupported: return "write `version: 1`"
        }
    }

    static func check(_ input: RuleInput, into findings: inout Findings) {
        let version = input.manifest.version
        guard version != 1 else { return }
        let path: [PathStep] = [.key("version")]
        findings.add(.version(input.isWritten(path) ? .unsupported(version) : .missing), at: .value(path), .top)
    }
}
