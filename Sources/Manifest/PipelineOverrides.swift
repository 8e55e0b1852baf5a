import Foundation
import Yams

// A pipeline's overrides, as Copilot finds them (internal/pkg/override: Lookup, Patch, CDK):
// `copilot/pipelines/NAME/overrides/` holds YAML patches (`cfn.patches.yml`) or a CDK
// application (`cdk.json`). This reads them; applying them to the template is the target's job.

/// A YAML value with its tags kept: a CloudFormation patch's `!Ref`/`!Sub`/`!GetAtt` mean something.
public indirect enum TaggedYAML: Equatable, Sendable {
    /// `tag` is the explicit tag as written out (`!Ref`, `tag:yaml.org,2002:str`), nil for none;
    /// `plain` is false for a quoted or block scalar (always text).
    case scalar(String, tag: String?, plain: Bool)
    case sequence([TaggedYAML], tag: String?)
    case mapping([Entry], tag: String?)

    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: TaggedYAML
    }

    /// The document in `text`, nil when it holds none (empty, or comments only).
    public static func parse(_ text: String, file: String, aliases: YAMLAliases) throws -> TaggedYAML? {
        try compose(text, file: file, aliases: aliases).map { try value($0, file: file) }
    }

    static func compose(_ text: String, file: String, aliases: YAMLAliases) throws -> Node? {
        // Empty text (no file, or an empty one) holds no document; answered without Yams: the resolver's
        // rule is a regular expression, and ICU's first one costs about 1.4 ms, which every `show` paid
        // for a patch file that is not there.
        guard !text.isEmpty else { return nil }
        do {
            try aliases.check(text, file: file)
            return try Yams.compose(yaml: text, resolver)
        } catch {
            throw ManifestDocument.located(yamlError: error, file: file)
        }
    }

    /// Every implicit tag resolves to this one, so explicit tags (`!!str 5`) stay told apart from plain scalars.
    private static let untagged = Tag.Name(rawValue: "tag:sluice,untagged")
    private static let resolver = Resolver.basic.appending(Resolver.Rule.untagged)

    static func value(_ node: Node, file: String) throws -> TaggedYAML {
        let written = node.tag.description
        let tag = written == untagged.rawValue || (written.hasPrefix("tag:yaml.org,2002:") && !node.isScalar) ? nil : written
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, tag: tag, plain: scalar.style == .plain || scalar.style == .any)
        case .sequence(let items):
            return .sequence(try items.map { try value($0, file: file) }, tag: tag)
        case .mapping(let mapping):
            return .mapping(try mapping.map { key, item in
                guard let name = key.scalar?.string else {
                    throw ManifestError(file: file, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0,
                                        message: "mapping keys must be scalars", hint: nil)
                }
                return Entry(key: name, value: try value(item, file: file))
            }, tag: tag)
        case .alias:
            throw ManifestError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                message: "aliases (*name) are not supported in a patch file", hint: "write the value out")
        }
    }
}

private extension Node {
    var isScalar: Bool { if case .scalar = self { return true } else { return false } }
}

private extension Resolver.Rule {
    // swiftlint:disable:next force_try
    static let untagged = try! Resolver.Rule(Tag.Name(rawValue: "tag:sluice,untagged"), "[\\s\\S]*")
}

/// One entry of `cfn.patches.yml`: Copilot's YAML patch (RFC 6902's add, remove and replace).
public struct TemplatePatch: Equatable, Sendable {
    /// `add`, `remove` or `replace`; anything else is refused when the patches are applied, as Copilot does.
    public var operation: String
    /// A JSON pointer (RFC 6901) into the template.
    public var path: String
    /// Nil when the patch has no `value:` (Copilot's "value required" for add and replace).
    public var value: TaggedYAML?
    /// Where the patch starts in the file.
    public var line: Int
    public var column: Int
}

/// What a pipeline's `overrides/` directory holds.
public enum PipelineOverrides: Equatable, Sendable {
    case none
    /// `cfn.patches.yml`, relative to the workspace root, and its patches in order.
    case yamlPatches(file: String, [TemplatePatch])
    /// A CDK application (`cdk.json`) in this directory.
    case cdk(directory: URL)

    public static let patchFile = "cfn.patches.yml"
    /// A patch file's rule for aliases: sluice edits it surgically, as the manifest.
    static let patchAliases = YAMLAliases.refused(in: "a patch file")

    /// Copilot's PipelineOverridesPath: by the pipeline's name, whichever layout its manifest uses.
    public static func directory(pipeline name: String) -> String { "copilot/pipelines/\(name)/overrides" }

    /// The overrides of pipeline `name`, looked up as Copilot's override.Lookup does: no directory
    /// is none; YAML patches win over a CDK application; a directory with neither is an error.
    public static func load(workspaceRoot: URL, pipeline name: String) throws -> PipelineOverrides {
        let relative = directory(pipeline: name)
        let url = workspaceRoot.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .none }
        guard isDirectory.boolValue else {
            throw ManifestError(file: relative, message: "not a directory", hint: "Copilot reads a pipeline's overrides from this directory")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let patchFile = "\(relative)/\(patchFile)"
        if let data = try TextFile.bytes(at: url.appendingPathComponent(Self.patchFile), displayPath: patchFile) {
            return .yamlPatches(file: patchFile, try patches(TextFile.decode(data, file: patchFile), file: patchFile))
        }
        if entries.contains("cdk.json") { return .cdk(directory: url) }
        throw ManifestError(file: relative, message: entries.isEmpty ? "the overrides directory is empty"
                                : "the overrides directory holds neither \(Self.patchFile) nor cdk.json",
                            hint: "Copilot overrides a pipeline with YAML patches (\(Self.patchFile)) or a CDK application (cdk.json); "
                                + "`copilot pipeline override` scaffolds either, or remove the directory")
    }

    /// The patches of `cfn.patches.yml`: a list of `op`/`path`/`value` mappings (an empty file has none).
    public static func patches(_ text: String, file: String) throws -> [TemplatePatch] {
        let schemaHint = "the file is a list of patches, each `- op: add|remove|replace`, `path: /Resources/…` and (for add and replace) `value:`"
        guard let document = try TaggedYAML.compose(text, file: file, aliases: patchAliases) else { return [] }
        switch document {
        case .sequence(let items):
            return try items.enumerated().map { index, node in
                let mark = node.mark
                guard case .mapping(let entries, _) = try TaggedYAML.value(node, file: file) else {
                    throw ManifestError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                                        message: "patch \(index) is not a mapping", hint: schemaHint)
                }
                func text(_ key: String) throws -> String {
                    switch entries.first(where: { $0.key == key })?.value {
                    case nil: return ""
                    case .scalar(let value, _, _)?: return value
                    default:
                        throw ManifestError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                                            message: "the \(key) of patch \(index) is not a scalar", hint: schemaHint)
                    }
                }
                return TemplatePatch(operation: try text("op"), path: try text("path"),
                                     value: entries.first(where: { $0.key == "value" })?.value,
                                     line: mark?.line ?? 0, column: mark?.column ?? 0)
            }
        default:
            throw ManifestError(file: file, line: 1, column: 1, message: "the file does not conform to the YAML patch document schema",
                                hint: schemaHint)
        }
    }
}

extension PipelineOverrides {
    /// What Copilot's `pipeline override --tool yamlpatch` writes into a pipeline's overrides directory: an empty
    /// `cfn.patches.yml` (its examples are comments, so nothing changes until one is written) and a README. The
    /// examples name resources of a pipeline's template, where Copilot's name a service's.
    public static let yamlPatchScaffold: [(file: String, text: String)] = [
        (patchFile, """
            # Patches applied in order to the pipeline's CloudFormation template before every deploy,
            # by `copilot pipeline deploy` and by sluice's `push` alike. Each is RFC 6902's add, remove
            # or replace at a JSON pointer into the template; `pipeline package` prints the result.

            # Give the build more memory and CPU
            # - op: replace
            #   path: /Resources/BuildProject/Properties/Environment/ComputeType
            #   value: BUILD_GENERAL1_MEDIUM

            # Add an environment variable to the build
            # - op: add
            #   path: /Resources/BuildProject/Properties/Environment/EnvironmentVariables/-
            #   value:
            #     Name: LOG_LEVEL
            #     Value: debug

            # Tag the pipeline
            # - op: add
            #   path: /Resources/Pipeline/Properties/Tags
            #   value:
            #     - Key: team
            #       Value: platform

            """),
        ("README.md", """
            # Overriding the pipeline's CloudFormation template with YAML patches

            `cfn.patches.yml` holds a list of patches applied, in order, to the template of this
            pipeline before it is deployed, by AWS Copilot (`copilot pipeline deploy`) and by sluice
            (`push`) alike. Only `add`, `remove` and `replace` (RFC 6902) are supported; each `path`
            is a JSON pointer into the template (`/Resources/BuildProject/Properties/...`).

            Copilot's documentation: https://aws.github.io/copilot-cli/docs/developing/overrides/yamlpatch/

            ## Trying a patch

            * `pipeline package` (sluice) or `copilot pipeline package` prints the patched template.
            * `push --diff` (sluice) or `copilot pipeline deploy --diff` shows the patched template
              against the one deployed, and asks before deploying it.

            """),
    ]
}
