import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// Long random (but seeded, so repeatable) sequences of edits on Copilot's template and on a compact
/// file, each also with CRLF line ends: after every step the text re-loads to the model the edits mean.
final class EditSequenceTests: XCTestCase {
    /// Replaces the entry named like `item`, or appends it: what adding a deployment or action means.
    private func upsert<Item>(_ item: Item, into items: inout [Item], name: (Item) -> String) {
        if let at = items.firstIndex(where: { name($0) == name(item) }) { items[at] = item } else { items.append(item) }
    }

    func testRandomEditSequencesKeepTextAndModelInStep() throws {
        let compact = "name: compact\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: acme/x\nstages:\n- name: test\n  test_commands: [make]\n- name: prod\n"
        let starts = [copilotTemplate, compact, copilotTemplate.replacingOccurrences(of: "\n", with: "\r\n"),
                      compact.replacingOccurrences(of: "\n", with: "\r\n")]
        for (seed, start) in (1...8).map({ ($0, starts[$0 % starts.count]) }) {
            var random = SplitMix64(seed: UInt64(seed))
            var document = try ManifestDocument(text: start)
            var model = document.manifest
            var fresh = 0
            for step in 0..<150 {
                fresh += 1
                let stages = model.stages.map(\.name)
                let pick = { (names: [String]) -> String in names[Int.random(in: 0..<names.count, using: &random)] }
                var description = ""
                switch Int.random(in: 0..<10, using: &random) {
                case 0:
                    let name = "env\(fresh)"
                    if !stages.isEmpty, Bool.random(using: &random) {
                        let other = pick(stages)
                        description = "stage add \(name) before \(other)"
                        _ = try document.addStage(name, at: .before(other))
                        model.stages.insert(Stage(name: name), at: model.stages.firstIndex { $0.name == other }!)
                    } else {
                        description = "stage add \(name)"
                        _ = try document.addStage(name)
                        model.stages.append(Stage(name: name))
                    }
                case 1 where stages.count > 1:
                    let name = pick(stages)
                    description = "stage rm \(name)"
                    _ = try document.removeStage(name)
                    model.stages.removeAll { $0.name == name }
                case 2 where stages.count > 1:
                    let name = pick(stages), other = pick(stages)
                    guard name != other else { continue }
                    description = "stage move \(name) after \(other)"
                    _ = try document.moveStage(name, to: .after(other))
                    let stage = model.stages.remove(at: model.stages.firstIndex { $0.name == name }!)
                    model.stages.insert(stage, at: model.stages.firstIndex { $0.name == other }! + 1)
                case 3 where !stages.isEmpty:
                    let name = pick(stages), on = Bool.random(using: &random)
                    description = "approval \(on) \(name)"
                    _ = try document.setApproval(on, stage: name)
                    model.stages[model.stages.firstIndex { $0.name == name }!].requiresApproval = on
                case 4 where !stages.isEmpty:
                    let name = pick(stages), command = "make check-\(fresh)"
                    description = "test add \(name)"
                    _ = try document.addTestCommand(command, stage: name)
                    model.stages[model.stages.firstIndex { $0.name == name }!].testCommands.append(command)
                case 5:
                    let withTests = model.stages.filter { !$0.testCommands.isEmpty }.map(\.name)
                    guard !withTests.isEmpty else { continue }
                    let name = pick(withTests)
                    let index = model.stages.firstIndex { $0.name == name }!
                    let number = Int.random(in: 1...model.stages[index].testCommands.count, using: &random)
                    description = "test rm \(name) \(number)"
                    _ = try document.removeTestCommand(at: number, stage: name)
                    model.stages[index].testCommands.remove(at: number - 1)
                case 6 where !stages.isEmpty:
                    let name = pick(stages)
                    let index = model.stages.firstIndex { $0.name == name }!
                    let existing = model.stages[index].deployments.map(\.name)
                    let deployment = Deployment(name: "svc\(fresh % 3)", stackName: Bool.random(using: &random) ? "stack-\(fresh)" : nil,
                                                dependsOn: existing.isEmpty ? [] : [pick(existing)])
                    description = "deploy add \(name) \(deployment.name)"
                    _ = try document.addDeployment(deployment, stage: name)
                    upsert(deployment, into: &model.stages[index].deployments, name: \.name)
                case 7:
                    // Remove a deployment or a pre-deployment action, from a stage that has one.
                    let deployments = Bool.random(using: &random)
                    let names: (Stage) -> [String] = { deployments ? $0.deployments.map(\.name) : $0.preDeployments.map(\.name) }
                    let candidates = model.stages.filter { !names($0).isEmpty }.map(\.name)
                    guard !candidates.isEmpty else { continue }
                    let name = pick(candidates)
                    let index = model.stages.firstIndex { $0.name == name }!
                    let item = pick(names(model.stages[index]))
                    description = "\(deployments ? "deploy" : "pre") rm \(name) \(item)"
                    if deployments {
                        _ = try document.removeDeployment(named: item, stage: name)
                        model.stages[index].deployments.removeAll { $0.name == item }
                    } else {
                        _ = try document.removeAction(named: item, .pre, stage: name)
                        model.stages[index].preDeployments.removeAll { $0.name == item }
                    }
                case 8 where !stages.isEmpty:
                    let name = pick(stages), timing: ActionTiming = Bool.random(using: &random) ? .pre : .post
                    let index = model.stages.firstIndex { $0.name == name }!
                    let action = DeploymentAction(name: "act\(fresh % 2)", buildspec: "b\(fresh).yml")
                    description = "\(timing) add \(name) \(action.name)"
                    _ = try document.addAction(action, timing, stage: name)
                    let keyPath = timing == .pre ? \Stage.preDeployments : \Stage.postDeployments
                    upsert(action, into: &model.stages[index][keyPath: keyPath], name: \.name)
                case 9:
                    let image = "aws/codebuild/standard:\(fresh % 4).0"
                    description = "build image \(image)"
                    _ = try document.setBuildImage(image)
                    model.build = Build(image: image, buildspec: model.build?.buildspec, additionalPolicy: model.build?.additionalPolicy)
                default:
                    continue
                }
                XCTAssertEqual(document.manifest, model, "seed \(seed), step \(step): \(description)\n\(document.text)")
                XCTAssertEqual(try ManifestDocument(text: document.text).manifest, model, "seed \(seed), step \(step): \(description)")
                if document.manifest != model { break }
            }
            if start.contains("\r\n") {
                XCTAssertFalse(document.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "seed \(seed): every line still ends in CRLF")
            }
        }
    }
}
