import Manifest

/// The V2 settings the overrides' patches make, read as CloudFormation reads AWS::CodePipeline::Pipeline:
/// each patch applies (as Copilot applies it), each value has the shape and one of the values the
/// resource specification allows, and sluice can see them at all.
public enum OverridesFormRule: ManifestRule {
    /// A patch that does not apply: Copilot's own error text.
    case patchDoesNotApply(String)
    /// `property` (`Triggers[0].GitConfiguration.Push`) is not the kind of value it must be (`a list`).
    case wrongShape(property: String, expected: String)
    case unknownKey(String, in: String, known: [String])
    case unknownValue(String, property: String, allowed: [String])
    /// A key CloudFormation requires is missing.
    case missingKey(String, in: String)
    /// The overrides are a CDK application: what it sets is out of sluice's sight.
    case cdkOverrides(directory: String)

    public var severity: Severity {
        if case .cdkOverrides = self { return .warning }
        return .error
    }

    public var message: String {
        switch self {
        case .patchDoesNotApply(let text): return text
        case .wrongShape(let property, let expected): return "\(property) is not \(expected)"
        case .unknownKey(let key, let property, _): return "\(property) has no setting \(key)"
        case .unknownValue(let value, let property, let allowed):
            return "\(property) is \(value.isEmpty ? "empty" : value), not one of \(allowed.joined(separator: ", "))"
        case .missingKey(let key, let property): return "\(property) has no \(key), which CloudFormation requires"
        case .cdkOverrides(let directory):
            return "\(directory) is a CDK application: the CodePipeline V2 settings it makes are not shown here, and the local target does not run them"
        }
    }

    public var hint: String? {
        switch self {
        case .patchDoesNotApply: return "`show template` without the patch shows the paths it can use"
        case .wrongShape, .missingKey: return "AWS::CodePipeline::Pipeline's reference (CloudFormation) gives each property's shape; sluice's commands write them for you"
        case .unknownKey(_, _, let known): return "it takes: \(known.joined(separator: ", "))"
        case .unknownValue: return "values are case-sensitive"
        case .cdkOverrides: return "keep V2 settings in the CDK application, or move to YAML patches (cfn.patches.yml) that sluice reads and edits"
        }
    }
}
