import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// Every edit kind on every corpus manifest: the result re-loads to the model the edit means, and the
/// diff touches only the lines the edit concerns.
final class CorpusEditTests: XCTestCase {
    private static let policy = """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}
        """

    private static var cases: [EditCase] {
        let none: (Substring) -> Bool = { _ in false }
        return [
            EditCase(name: "source set", applies: { _ in true },
                     edit: { document, original in try document.setSource(provider: .gitHub, repository: "https://github.com/acme/corpus", branch: "release", connectionName: "acme") },
                     model: sourceSet("https://github.com/acme/corpus"),
                     mayRemove: { line in ["repository:", "branch:", "access_token_secret:", "connection_name:", "provider:"].contains { line.contains($0) } },
                     maxAdded: 4),
            EditCase(name: "stage add (end)", applies: { _ in true }, edit: { document, original in try document.addStage("zz-new") },
                     model: { $0.stages.append(Stage(name: "zz-new")) }, mayRemove: none, maxAdded: 7),
            EditCase(name: "stage add (before first)", applies: { !$0.stages.isEmpty },
                     edit: { document, original in try document.addStage("aa-new", at: .before(original.stages[0].name)) },
                     model: { $0.stages.insert(Stage(name: "aa-new"), at: 0) }, mayRemove: none, maxAdded: 7),
            EditCase(name: "stage rm", applies: { !$0.stages.isEmpty }, edit: { document, original in try document.removeStage(original.stages[0].name) },
                     model: { $0.stages.removeFirst() }, mayRemove: { _ in true }, maxAdded: 0),
            EditCase(name: "stage move", applies: { $0.stages.count >= 2 },
                     edit: { document, original in try document.moveStage(original.stages.last!.name, to: .before(original.stages[0].name)) },
                     model: { $0.stages.insert($0.stages.removeLast(), at: 0) }, mayRemove: { _ in true }, maxAdded: .max),
            EditCase(name: "approval", applies: { !$0.stages.isEmpty },
                     edit: { document, original in try document.setApproval(!original.stages[0].requiresApproval, stage: original.stages[0].name) },
                     model: { $0.stages[0].requiresApproval.toggle() }, mayRemove: { $0.contains("requires_approval") }, maxAdded: 1),
            EditCase(name: "test add", applies: { !$0.stages.isEmpty }, edit: { document, original in try document.addTestCommand("make corpus-test", stage: original.stages[0].name) },
                     model: { $0.stages[0].testCommands.append("make corpus-test") }, mayRemove: { $0.contains("test_commands") }, maxAdded: 2),
            EditCase(name: "test rm", applies: { $0.stages.first?.testCommands.isEmpty == false },
                     edit: { document, original in try document.removeTestCommand(at: 1, stage: original.stages[0].name) },
                     model: { $0.stages[0].testCommands.removeFirst() }, mayRemove: { _ in true }, maxAdded: 1),
            EditCase(name: "deploy add", applies: { !$0.stages.isEmpty },
                     edit: { document, original in try document.addDeployment(Deployment(name: "corpus-web", stackName: "corpus-web", templatePath: "infrastructure/web.yml",
                                                              dependsOn: []), stage: original.stages[0].name) },
                     model: { $0.stages[0].deployments.append(Deployment(name: "corpus-web", stackName: "corpus-web", templatePath: "infrastructure/web.yml")) },
                     mayRemove: none, maxAdded: 4),
            EditCase(name: "deploy rm", applies: { $0.stages.first?.deployments.isEmpty == false },
                     edit: { document, original in try document.removeDeployment(named: original.stages[0].deployments[0].name, stage: original.stages[0].name) },
                     model: { $0.stages[0].deployments.removeFirst() }, mayRemove: { _ in true }, maxAdded: 0),
            EditCase(name: "pre add", applies: { !$0.stages.isEmpty },
                     edit: { document, original in try document.addAction(DeploymentAction(name: "migrate", buildspec: "migrate.yml"), .pre, stage: original.stages[0].name) },
                     model: { $0.stages[0].preDeployments.append(DeploymentAction(name: "migrate", buildspec: "migrate.yml")) },
                     mayRemove: none, maxAdded: 3),
            EditCase(name: "post rm", applies: { $0.stages.first?.postDeployments.isEmpty == false },
                     edit: { document, original in try document.removeAction(named: original.stages[0].postDeployments[0].name, .post, stage: original.stages[0].name) },
                     model: { $0.stages[0].postDeployments.removeFirst() }, mayRemove: { _ in true }, maxAdded: 0),
            EditCase(name: "build image", applies: { _ in true }, edit: { document, original in try document.setBuildImage("aws/codebuild/standard:7.0") },
                     model: { $0.build = Build(image: "aws/codebuild/standard:7.0", buildspec: $0.build?.buildspec, additionalPolicy: $0.build?.additionalPolicy) },
                     mayRemove: { $0.contains("image:") }, maxAdded: 3),
            EditCase(name: "build buildspec", applies: { _ in true }, edit: { document, original in try document.setBuildspecPath("copilot/corpus/buildspec.yml") },
                     model: { $0.build = Build(image: $0.build?.image, buildspec: "copilot/corpus/buildspec.yml", additionalPolicy: $0.build?.additionalPolicy) },
                     mayRemove: { $0.contains("buildspec:") }, maxAdded: 3),
            EditCase(name: "build policy", applies: { _ in true }, edit: { document, original in try document.setAdditionalPolicy(fromFileContent: policy, file: "policy.json") },
                     model: { manifest in
                         let policy = YAMLValue.mapping([
                             .init(key: "Version", value: .scalar("2012-10-17")),
                             .init(key: "Statement", value: .sequence([.mapping([
                                 .init(key: "Effect", value: .scalar("Allow")),
                                 .init(key: "Action", value: .sequence([.scalar("s3:GetObject")])),
                                 .init(key: "Resource", value: .scalar("*")),
                             ])])),
                         ])
                         manifest.build = Build(image: manifest.build?.image, buildspec: manifest.build?.buildspec, additionalPolicy: policy)
                     },
                     mayRemove: { _ in true }, maxAdded: 11),
        ]
    }

    func testEveryEditOnEveryCorpusManifest() throws {
        var applied = 0
        for file in try PipelineCorpusFile.all() where file.isManifest {
            let original = try ManifestDocument.load(contentsOf: file.url)
            for editCase in Self.cases where editCase.applies(original.manifest) {
                let context = "\(file.name), \(editCase.name)"
                var document = original
                var expected = original.manifest
                editCase.model(&expected)
                XCTAssertTrue(try editCase.edit(&document, original.manifest), "\(context): changed")
                XCTAssertEqual(document.manifest, expected, context)
                XCTAssertEqual(try ManifestDocument(text: document.text).manifest, expected, "\(context): re-loads the same")
                let diff = changedLines(from: original.text, to: document.text)
                for line in diff.removed where !editCase.mayRemove(Substring(line)) {
                    XCTFail("\(context): removed \(line.debugDescription)")
                }
                XCTAssertLessThanOrEqual(diff.added.count, editCase.maxAdded, "\(context): added \(diff.added)")
                if editCase.name == "stage move" {
                    XCTAssertEqual(diff.removed.filter { !$0.isEmpty }.sorted(), diff.added.filter { !$0.isEmpty }.sorted(),
                                   "\(context): a move only reorders lines")
                }
                if !editCase.name.hasSuffix(" rm") {
                    // Removals cannot be repeated (the thing is gone); every other edit converges.
                    XCTAssertFalse(try editCase.edit(&document, original.manifest), "\(context): applying it again changes nothing")
                }
                applied += 1
            }
        }
        XCTAssertGreaterThan(applied, 500)
    }
}
