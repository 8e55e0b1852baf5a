import Foundation
import Manifest
import Targets

/// Where `target` remembers its choice: `.sluice/target.json` in the workspace, beside a
/// `.sluice/.gitignore` of `*` so nothing under `.sluice/` is ever committed.
enum TargetStore {
    static func file(_ workspaceRoot: URL) -> URL {
        SluiceDirectory.url(in: workspaceRoot).appendingPathComponent("target.json")
    }

    /// The remembered choice; local when none was made (or the file is unreadable).
    static func load(workspaceRoot: URL) -> TargetChoice {
        guard let data = FileManager.default.contents(atPath: file(workspaceRoot).path),
              let choice = try? JSONDecoder().decode(TargetChoice.self, from: data) else { return .local }
        return choice
    }

    static func save(_ choice: TargetChoice, workspaceRoot: URL, session: Session) throws {
        let target = file(workspaceRoot)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try session.commit([session.overwrite(target, with: try encoder.encode(choice) + Data("\n".utf8))])
        } catch {
            throw ShellError.failure("cannot remember the target: \(session.message(of: error))",
                                     hint: "check that the workspace directory is writable")
        }
    }
}
