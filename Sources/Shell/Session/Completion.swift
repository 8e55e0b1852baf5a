import CopilotRules
import Foundation
import Manifest
import Targets

/// What Tab completion offers for the word being typed.
public struct Completion: Equatable, Sendable {
    /// Sorted, without repeats, each starting with the typed prefix.
    public var candidates: [String]
    /// The kind of value expected there (nil when only literal words fit), so the editor can,
    /// for example, not add a space after a directory.
    public var kind: ArgumentKind?
}

extension Session {
    /// Candidates for the word at the cursor: `words` are the complete words before it,
    /// `prefix` what is typed of it so far. Reads the command table for the shape and the
    /// session for values (environments, stages, pipelines, test numbers, files).
    public func completions(after words: [String], prefix: String) -> Completion {
        let expectation = table.expectation(after: words)
        var candidates = expectation.words
        if let argument = expectation.argument {
            candidates += values(for: argument.kind, bound: expectation.bound, prefix: prefix)
        }
        // A flag may come anywhere (`record --all FILE`): typing `-` offers the command's flags.
        if prefix.hasPrefix("-"), let command = expectation.command {
            candidates += command.arguments.filter { $0.form == .flag }.map(\.placeholder)
        }
        let matching = candidates.filter { $0.hasPrefix(prefix) }.removingDuplicates().sorted()
        return Completion(candidates: matching, kind: expectation.argument?.kind)
    }

    /// The values an argument of `kind` can take here.
    public func values(for kind: ArgumentKind, bound: [String: String] = [:], prefix: String = "") -> [String] {
        switch kind {
        case .environment:
            return workspace?.environments ?? []
        case .stage:
            return (try? requirePipeline())?.manifest.stages.map(\.name) ?? []
        case .pipeline:
            return workspace?.pipelines.map(\.name) ?? []
        case .deployment, .preDeployment, .postDeployment:
            guard let stage = bound["ENV"].flatMap({ (try? requirePipeline())?.manifest.stage(named: $0) }) else { return [] }
            let actions = kind == .deployment ? stage.deployments.map(\.name)
                : (kind == .preDeployment ? stage.preDeployments : stage.postDeployments).map(\.name)
            return actions
        case .workload:
            return workspace?.workloads.map(\.name) ?? []
        case .runStage:
            // The stages as CodePipeline names them, a DeployTo stage by its environment (as `logs` takes it).
            guard let plan = try? pipelineContext().plan(validatePipeline(printing: false).validated()) else { return [] }
            return [StageName.source, StageName.build] + plan.stages.map(\.environment)
        case .runAction:
            guard let plan = try? pipelineContext().plan(validatePipeline(printing: false).validated()), let stage = bound["STAGE"] else { return [] }
            if stage.caseInsensitiveCompare(StageName.source) == .orderedSame { return [plan.sourceActionName] }
            if stage.caseInsensitiveCompare(StageName.build) == .orderedSame { return [StageName.buildAction] }
            return plan.stages.first { $0.environment == stage || $0.name == stage }?.actions.map(\.name) ?? []
        case .index:
            guard let stage = bound["ENV"].flatMap({ (try? requirePipeline())?.manifest.stage(named: $0) }) else { return [] }
            return stage.testCommands.indices.map { String($0 + 1) }
        case .keyword(let words):
            return words
        case .command:
            return table.firstWords
        case .filePath:
            return files(matching: prefix)
        case .url, .repository, .name, .branch, .text:
            return []
        }
    }

    /// Paths starting with `prefix`, relative to the working directory; directories end in `/`.
    private func files(matching prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let directoryPart = slash.map { String(prefix[...$0]) } ?? ""
        let directory = directoryPart.isEmpty ? workingDirectory : resolve(directoryPart)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        let namePrefix = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        return names.filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }.map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
