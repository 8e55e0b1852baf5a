import Foundation
import Manifest

/// Tab completion from the command table: command words, subcommands, option keywords and
/// flags come from `CommandTable.expectation`; values of typed arguments (environments,
/// stages, pipelines, deployments, test indexes, file paths) from the session's workspace.
struct Completer {
    /// One possible word.
    struct Candidate: Equatable {
        /// The whole word as it will read on the line.
        var value: String
        /// What the listing shows (a path's last component).
        var label: String
        /// A directory: completing it leaves the word open for the next component.
        var isDirectory = false

        init(_ value: String, label: String? = nil, isDirectory: Bool = false) {
            self.value = value
            self.label = label ?? value
            self.isDirectory = isDirectory
        }
    }

    let session: Session

    func complete(_ textBeforeCursor: String) -> CompletionResult {
        guard let line = CompletionLine(textBeforeCursor: textBeforeCursor) else { return .nothing }
        return Self.resolve(candidates(for: line), on: line)
    }

    /// Every candidate that extends what is typed, sorted, without repeats.
    func candidates(for line: CompletionLine) -> [Candidate] {
        let expectation = session.table.expectation(after: line.words)
        var candidates = expectation.words.map { Candidate($0) }
        if let argument = expectation.argument {
            let given = Array(line.words.dropFirst(expectation.command?.words.count ?? 0))
            candidates += values(of: argument.kind, bound: expectation.bound, given: given, partial: line.partial)
        }
        var seen = Set<String>()
        return candidates
            .filter { $0.value.hasPrefix(line.partial) && seen.insert($0.value).inserted }
            .sorted { $0.value < $1.value }
    }

    /// One match completes the word; several complete their common prefix and are listed.
    static func resolve(_ candidates: [Candidate], on line: CompletionLine) -> CompletionResult {
        guard let first = candidates.first else { return .nothing }
        if candidates.count == 1 {
            return CompletionResult(insertion: line.insertion(completing: first.value, finished: !first.isDirectory),
                                    listing: [])
        }
        let prefix = commonPrefix(candidates.map(\.value))
        return CompletionResult(insertion: line.insertion(completing: prefix, finished: false),
                                listing: candidates.map(\.label))
    }

    /// `given` is what follows the command's own words (for `help stage …`, the topic so far).
    private func values(of kind: ArgumentKind, bound: [String: String], given: [String], partial: String) -> [Candidate] {
        switch kind {
        case .environment:
            return (session.workspace?.environments ?? []).map { Candidate($0) }
        case .stage:
            return stages.map { Candidate($0.name) }
        case .pipeline:
            return (session.workspace?.pipelines ?? []).map { Candidate($0.name) }
        case .deployment:
            let stage = bound["ENV"].flatMap { name in stages.first { $0.name == name } }
            let names = stage.map { $0.deployments.map(\.name) + $0.preDeployments.map(\.name) + $0.postDeployments.map(\.name) }
            return (names ?? []).map { Candidate($0) }
        case .index:
            let stage = bound["ENV"].flatMap { name in stages.first { $0.name == name } }
            return (stage?.testCommands.indices).map { $0.map { Candidate(String($0 + 1)) } } ?? []
        case .filePath:
            return Self.paths(completing: partial, from: session.workingDirectory)
        case .command:
            // The next word of a command name: `help st` → stage, status; `help stage a` → add.
            return session.table.commands(startingWith: given).compactMap { command in
                command.words.count > given.count ? Candidate(command.words[given.count]) : nil
            }
        case .keyword, .url, .repository, .name, .text:
            return []
        }
    }

    /// The stages of the pipeline being edited (the workspace's first, opened now if need be,
    /// as the next command would).
    private var stages: [Stage] { (try? session.requirePipeline())?.manifest.stages ?? [] }

    /// Entries of the directory `partial` points into whose names extend its last component;
    /// dot files only when that component starts with a dot.
    static func paths(completing partial: String, from workingDirectory: URL) -> [Candidate] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let namePrefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory: URL
        if directoryPart.hasPrefix("/") {
            directory = URL(fileURLWithPath: directoryPart, isDirectory: true)
        } else if directoryPart.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            directory = URL(fileURLWithPath: home).appendingPathComponent(String(directoryPart.dropFirst(2)), isDirectory: true)
        } else {
            directory = workingDirectory.appendingPathComponent(directoryPart, isDirectory: true)
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.compactMap { name in
            guard name.hasPrefix(namePrefix), namePrefix.hasPrefix(".") || !name.hasPrefix(".") else { return nil }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
            let suffix = isDirectory.boolValue ? "/" : ""
            return Candidate(directoryPart + name + suffix, label: name + suffix, isDirectory: isDirectory.boolValue)
        }
    }
}
