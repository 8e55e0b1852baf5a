import CopilotRules
import Foundation
import XCTest
import Yams
import TestSupport
import Manifest
@testable import Targets

/// Copilot's own reference inputs (its five `*_pipeline_integration_test.go`) rendered by sluice and
/// compared, parsed, resource by resource and property by property, with the templates Copilot expects
/// (`testdata/pipeline/`). Every difference must be listed in docs/copilot-differences.tsv with its
/// reason, and every listed difference must still occur.
final class CopilotParityTests: XCTestCase {
    static let reference = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/copilot")
    static let testdata = reference.appendingPathComponent("internal/pkg/deploy/cloudformation/stack/testdata/pipeline")
    static let differencesFile = packageRoot.appendingPathComponent("docs/copilot-differences.tsv")

    static func environment(_ name: String) -> CopilotEnvironment {
        CopilotEnvironment(app: "phonetool", name: name, region: "us-west-2", accountID: "1111",
                           executionRoleARN: "arn:aws:iam::1111:role/phonetool-\(name)-CFNExecutionRole",
                           managerRoleARN: "arn:aws:iam::1111:role/phonetool-\(name)-EnvManagerRole")
    }

    /// One reference case: the manifest and facts its Go test builds, and the template it expects.
    struct Case {
        var name: String
        var expected: String
        var manifest: PipelineManifest
        var buildspec: String
        var workloads: [String]
    }

    static func cases() throws -> [Case] {
        let echoTest = [#"echo "test""#]
        let phonetoolBuildspec = "copilot/pipelines/phonetool-pipeline/buildspec.yml"
        // dd: the manifest file as Copilot's test reads it, with the stage its test substitutes.
        var dd = try ManifestDocument.load(contentsOf: testdata.appendingPathComponent("dd_manifest.yaml")).manifest
        dd.stages = [Stage(name: "test", testCommands: echoTest)]
        return [
            Case(name: "gh", expected: "gh_template.yaml", manifest: PipelineManifest(
                name: "phonetool-pipeline",
                source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/aws/phonetool", branch: "mainline")),
                stages: [Stage(name: "test", requiresApproval: true,
                               preDeployments: [DeploymentAction(name: "preAction1", buildspec: "./buildspec.yml"),
                                                DeploymentAction(name: "preAction2", buildspec: "copilot/pipelines/buildspec.yml",
                                                                 dependsOn: ["preAction1"])],
                               postDeployments: [DeploymentAction(name: "postAction1", buildspec: ".anotherPath/buildspec.yml"),
                                                 DeploymentAction(name: "postAction2", buildspec: ".somePath/buildspec.yml",
                                                                  dependsOn: ["postAction1"]),
                                                 DeploymentAction(name: "postAction3", buildspec: ".someOtherPath/buildspec.yml")])]),
                 buildspec: phonetoolBuildspec, workloads: ["api", "frontend"]),
            Case(name: "ghv1", expected: "ghv1_template.yml", manifest: PipelineManifest(
                name: "phonetool-pipeline",
                source: Source(provider: .gitHubV1, properties: SourceProperties(
                    repository: "https://github.com/aws/phonetool", branch: "mainline", accessTokenSecret: "my secret")),
                build: Build(image: "aws/codebuild/amazonlinux2-x86_64-standard:3.0", buildspec: "copilot/buildspec.yml"),
                stages: [Stage(name: "test", testCommands: echoTest)]),
                 buildspec: phonetoolBuildspec, workloads: ["api"]),
            Case(name: "cc", expected: "cc_template.yaml", manifest: PipelineManifest(
                name: "phonetool-pipeline",
                source: Source(provider: .codeCommit, properties: SourceProperties(
                    repository: "https://us-west-2.console.aws.amazon.com/codesuite/codecommit/repositories/aws-sample/browse",
                    branch: "main", outputArtifactFormat: "CODEBUILD_CLONE_REF")),
                stages: [Stage(name: "staging-test", testCommands: echoTest)]),
                 buildspec: phonetoolBuildspec, workloads: ["api"]),
            Case(name: "bb", expected: "bb_template.yaml", manifest: PipelineManifest(
                name: "phonetool-pipeline",
                source: Source(provider: .bitbucket, properties: SourceProperties(
                    repository: "https://bitbucket.org/huanjani/sample", branch: "main", outputArtifactFormat: "CODEBUILD_CLONE_REF")),
                stages: [Stage(name: "test", testCommands: echoTest)]),
                 buildspec: phonetoolBuildspec, workloads: ["api"]),
            // Copilot's dd test initialises the build with an empty manifest directory: the buildspec is `buildspec.yml`.
            Case(name: "dd", expected: "dd_stack_template.yaml", manifest: dd, buildspec: "buildspec.yml", workloads: ["api"]),
        ]
    }

    static func render(_ reference: Case) throws -> String {
        let plan = try validatedPlan(reference.manifest, application: "phonetool", buildspec: reference.buildspec,
                                     workloads: reference.workloads)
        let environments = Dictionary(uniqueKeysWithValues: reference.manifest.stages.map { ($0.name, environment($0.name)) })
        return try PipelineTemplate.make(PipelineTemplateInput(
            plan: plan, region: "us-west-2", environments: environments,
            // Every reference case's ArtifactBuckets.
            regionalResources: [RegionalResources(region: "us-west-2", bucket: "fancy-bucket", kmsKeyARN: "arn:aws:kms:us-west-2:1111:key/abcd")],
            additionalPolicy: reference.manifest.build?.additionalPolicy)).rendered()
    }

    /// Every difference of every case, as `CASE<TAB>PATH<TAB>WHAT`.
    static func differences() throws -> [TemplateDifference] {
        try cases().flatMap { reference in
            let expected = try String(contentsOf: testdata.appendingPathComponent(reference.expected), encoding: .utf8)
            return try TemplateComparison.differences(copilot: expected, sluice: render(reference)).map {
                TemplateDifference(referenceCase: reference.name, path: $0.path, what: $0.what)
            }
        }
    }

    func testTheFiveReferenceTemplatesDifferOnlyAsListed() throws {
        guard FileManager.default.fileExists(atPath: Self.testdata.path) else {
            if SharedData.isCI { XCTFail("\(Self.reference.path) is absent; CI needs it") }
            throw XCTSkip("\(Self.reference.path) is absent (it lives in ../shared beside a clone of this repository)")
        }
        let listed = try ListedDifference.load(Self.differencesFile)
        let found = try Self.differences()
        let unlisted = found.filter { difference in !listed.contains { $0.covers(difference) } }
        XCTAssertEqual(unlisted.map(\.description), [],
                       "differences from Copilot's templates that docs/copilot-differences.tsv does not list")
        let stale = listed.filter { entry in !found.contains { entry.covers($0) } }
        XCTAssertEqual(stale.map(\.pattern), [], "listed differences that no longer occur: remove them from the list")
        // The comparison itself finds what it should: a changed property is a difference.
        let gh = try Self.cases()[0]
        let broken = try Self.render(gh).replacingOccurrences(of: "CREATE_UPDATE", with: "REPLACE_ON_FAILURE")
        let expected = try String(contentsOf: Self.testdata.appendingPathComponent(gh.expected), encoding: .utf8)
        XCTAssertTrue(try TemplateComparison.differences(copilot: expected, sluice: broken)
            .contains { $0.path == "Resources.Pipeline.Properties.Stages[DeployTo-test].Actions[CreateOrUpdate-api-test].Configuration.ActionMode" })
    }
}

struct TemplateDifference: CustomStringConvertible {
    var referenceCase: String
    var path: String
    var what: String
    var description: String { "\(referenceCase)\t\(path)\t\(what)" }
}

/// One line of docs/copilot-differences.tsv: `CASES<TAB>PATH<TAB>REASON`, CASES `*` or a comma list,
/// PATH with `*` matching any run of characters.
struct ListedDifference {
    var cases: Set<String>?
    var pattern: String
    var reason: String

    static func load(_ url: URL) throws -> [ListedDifference] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, !fields[2].isEmpty else {
                throw NSError(domain: "copilot-differences", code: 1,
                              userInfo: [NSLocalizedDescriptionKey: "not CASES<TAB>PATH<TAB>REASON: \(line)"])
            }
            return ListedDifference(cases: fields[0] == "*" ? nil : Set(fields[0].split(separator: ",").map(String.init)),
                                    pattern: fields[1], reason: fields[2])
        }
    }

    func covers(_ difference: TemplateDifference) -> Bool {
        (cases?.contains(difference.referenceCase) ?? true) && Self.glob(pattern[...], difference.path[...])
    }

    static func glob(_ pattern: Substring, _ text: Substring) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            let rest = pattern.dropFirst()
            var candidate = text
            while true {
                if glob(rest, candidate) { return true }
                if candidate.isEmpty { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard let head = text.first, head == first else { return false }
        return glob(pattern.dropFirst(), text.dropFirst())
    }
}

/// Two CloudFormation templates compared parsed: YAML short forms (`!Ref`, `!Sub`…) read as the
/// JSON forms they stand for, scalars compared as text (CloudFormation reads `1` and `"1"` alike),
/// resources by logical ID, pipeline stages and actions by name, other lists by position.
enum TemplateComparison {
    indirect enum Value: Equatable {
        case scalar(String)
        case list([Value])
        case map([String: Value])
    }

    struct Difference {
        var path: String
        var what: String
    }

    static func parse(_ text: String) throws -> Value {
        guard let node = try Yams.compose(yaml: text) else { return .map([:]) }
        return value(node)
    }

    static func value(_ node: Node) -> Value {
        let plain: Value
        switch node {
        case .scalar(let scalar): plain = .scalar(scalar.string)
        case .sequence(let sequence): plain = .list(sequence.map(value))
        case .mapping(let mapping):
            plain = .map(Dictionary(mapping.map { ($0.key.string ?? "", value($0.value)) }, uniquingKeysWith: { a, _ in a }))
        case .alias: plain = .scalar("")
        }
        let tag = node.tag.description
        guard tag.hasPrefix("!") else { return plain }
        let function = String(tag.dropFirst())
        if function == "Ref" { return .map(["Ref": plain]) }
        if function == "GetAtt", case .scalar(let text) = plain {
            let parts = text.split(separator: ".", maxSplits: 1).map { Value.scalar(String($0)) }
            return .map(["Fn::GetAtt": .list(parts)])
        }
        return .map(["Fn::\(function)": plain])
    }

    static func differences(copilot: String, sluice: String) throws -> [Difference] {
        var found: [Difference] = []
        compare(try parse(copilot), try parse(sluice), path: "", into: &found)
        return found
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func compare(_ copilot: Value, _ sluice: Value, path: String, into found: inout [Difference]) {
        switch (copilot, sluice) {
        case (.map(let a), .map(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                switch (a[key], b[key]) {
                case (let x?, let y?): compare(x, y, path: join(path, key), into: &found)
                case (_?, nil): found.append(Difference(path: join(path, key), what: "only in Copilot's template"))
                case (nil, _?): found.append(Difference(path: join(path, key), what: "only in sluice's template"))
                case (nil, nil): break
                }
            }
        case (.list(let a), .list(let b)) where named(a) && named(b):
            let (x, y) = (byName(a), byName(b))
            for name in Set(x.keys).union(y.keys).sorted() {
                let itemPath = "\(path)[\(name)]"
                switch (x[name], y[name]) {
                case (let p?, let q?): compare(p, q, path: itemPath, into: &found)
                case (_?, nil): found.append(Difference(path: itemPath, what: "only in Copilot's template"))
                case (nil, _?): found.append(Difference(path: itemPath, what: "only in sluice's template"))
                case (nil, nil): break
                }
            }
        case (.list(let a), .list(let b)) where a.count == b.count:
            for (index, pair) in zip(a, b).enumerated() { compare(pair.0, pair.1, path: "\(path)[\(index)]", into: &found) }
        default:
            if copilot != sluice {
                found.append(Difference(path: path, what: "Copilot \(short(copilot)), sluice \(short(sluice))"))
            }
        }
    }

    /// Lists whose items all have a Name (stages, actions, artifacts, variables) are matched by it.
    static func named(_ items: [Value]) -> Bool {
        !items.isEmpty && items.allSatisfy { if case .map(let entries) = $0, case .scalar? = entries["Name"] { return true }; return false }
    }

    static func byName(_ items: [Value]) -> [String: Value] {
        Dictionary(items.compactMap { item -> (String, Value)? in
            guard case .map(let entries) = item, case .scalar(let name)? = entries["Name"] else { return nil }
            return (name, item)
        }, uniquingKeysWith: { a, _ in a })
    }

    static func short(_ value: Value) -> String {
        switch value {
        case .scalar(let text): return text.count > 60 ? "\(text.prefix(57).debugDescription)…" : text.debugDescription
        case .list(let items): return "a list of \(items.count)"
        case .map(let entries): return "{\(entries.keys.sorted().joined(separator: ", "))}"
        }
    }
}
