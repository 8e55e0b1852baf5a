/// Tab completion: the shell's `Session.completions` (the command table's words plus the
/// workspace's environments, stages, pipelines, deployments, test numbers and files) turned
/// into what the line editor does — complete one match, or type the common prefix and list.
struct Completer {
    /// One possible word.
    struct Candidate: Equatable {
        /// The whole word as it will read on the line.
        var value: String
        /// What the listing shows: a path's last component, otherwise the word.
        var label: String
        /// A directory: completing it leaves the word open for the next component.
        var isDirectory: Bool
    }

    let session: Session

    func complete(_ textBeforeCursor: String) -> CompletionResult {
        guard let line = CompletionLine(textBeforeCursor: textBeforeCursor) else { return .nothing }
        return Self.resolve(candidates(for: line), on: line)
    }

    /// Every candidate that extends what is typed, sorted, without repeats.
    func candidates(for line: CompletionLine) -> [Candidate] {
        let completion = session.completions(after: line.words, prefix: line.partial)
        if completion.kind == .command {
            return helpTopics(after: line.words, prefix: line.partial)
        }
        return completion.candidates.map { value in
            guard completion.kind == .filePath else { return Candidate(value: value, label: value, isDirectory: false) }
            let isDirectory = value.hasSuffix("/")
            let name = isDirectory ? value.dropLast() : Substring(value)
            let label = name.split(separator: "/").last.map(String.init) ?? String(name)
            return Candidate(value: value, label: label + (isDirectory ? "/" : ""), isDirectory: isDirectory)
        }
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

    /// `help TOPIC…` names a command word by word: `help st` → stage, status; `help stage a` → add.
    private func helpTopics(after words: [String], prefix: String) -> [Candidate] {
        let topic = Array(words.drop { $0 != "help" }.dropFirst())
        let next = session.table.commands(startingWith: topic).compactMap { command in
            command.words.count > topic.count ? command.words[topic.count] : nil
        }
        return next.filter { $0.hasPrefix(prefix) }.removingDuplicates().sorted()
            .map { Candidate(value: $0, label: $0, isDirectory: false) }
    }
}
