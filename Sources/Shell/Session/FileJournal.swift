import Foundation
import Manifest

/// What a script wrote since its last save, so a failing script can put back what it changed
/// — and only that. A save commits (the session calls ``forget()``): what was saved stays
/// whatever fails later. A file is restored only while it still holds what this script wrote
/// (checked under the workspace lock), so another sluice's later save is never erased.
final class FileJournal {
    private struct Entry {
        var url: URL
        var displayPath: String
        /// Before the script's first change (nil: the file did not exist).
        var original: Data?
        /// After the script's last change (nil: the script removed it).
        var written: Data?
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    /// Directories the script created, deepest last.
    private var createdDirectories: [String] = []

    /// Call before committing `changes`: notes the directories their writes will create.
    func willCommit(_ changes: [FileChange]) {
        for change in changes where entries[change.url.path] == nil {
            var missing: [String] = []
            var directory = change.url.deletingLastPathComponent()
            while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
                missing.append(directory.path)
                directory.deleteLastPathComponent()
            }
            createdDirectories += missing.reversed()
        }
    }

    /// `changes` were committed; `before` is what each file held just before.
    func didCommit(_ changes: [FileChange], before: [Data?]) {
        for (change, previous) in zip(changes, before) {
            let path = change.url.path
            if entries[path] == nil {
                entries[path] = Entry(url: change.url, displayPath: change.displayPath, original: previous, written: nil)
                order.append(path)
            }
            entries[path]?.written = change.replacement
        }
    }

    /// Puts back, as one unit, every file that still holds what this script wrote, removes the
    /// directories it created (when empty) and returns one sentence per file: what was put
    /// back, and what was not and why.
    func rollback(_ files: WorkspaceFiles) -> [String] {
        defer { forget() }
        let changed = order.compactMap { entries[$0] }.filter { $0.original != $0.written }.reversed()
        guard !changed.isEmpty else { return [] }
        var said: [String] = []
        do {
            try files.locked { held in
                var restorable: [Entry] = []
                for entry in changed {
                    let current = try? held.contents(of: entry.url, displayPath: entry.displayPath)
                    if current == entry.written {
                        restorable.append(entry)
                    } else {
                        said.append("not rolled back: \(entry.displayPath) was \(current == nil ? "removed" : "changed") "
                            + "by someone else after this script wrote it; left as it is")
                    }
                }
                try held.apply(restorable.map {
                    FileChange(url: $0.url, displayPath: $0.displayPath, expected: $0.written.map { .contents($0) } ?? .absent,
                               replacement: $0.original)
                })
                said = restorable.map {
                    "rolled back: \($0.displayPath) " + ($0.original == nil ? "removed (the script created it)" : "restored")
                } + said
            }
        } catch {
            said.append("not rolled back: \(changed.map(\.displayPath).joined(separator: ", ")): \(error)")
        }
        for directory in createdDirectories.reversed() {
            // Only if still empty: never remove something the script did not create.
            if (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        return said
    }

    /// The script succeeded or saved: its writes so far stay.
    func forget() {
        entries.removeAll()
        order.removeAll()
        createdDirectories.removeAll()
    }
}
