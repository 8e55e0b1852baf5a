import CLibEdit
import Foundation
import Manifest

/// The persistent, per-user history of entries typed at the prompt, in libedit's file format
/// at `$XDG_STATE_HOME/sluice/history` (default `~/.local/state/sluice/history`).
///
/// Bounded to `capacity` entries; consecutive duplicates are folded; an entry starting with a
/// space, or holding anything that looks like a token (`Secrets`), is never recorded.
/// Each recorded entry is written at once (atomically, mode 0600), so a crash loses nothing.
final class CommandHistory {
    static let capacity: Int32 = 2000

    let handle: OpaquePointer
    /// nil when no home directory is known: history then lives in memory only.
    let file: URL?

    init(file: URL?) {
        handle = history_init()
        self.file = file
        sluice_history_set_size(handle, Self.capacity)
        sluice_history_set_unique(handle, 1)
        if let file {
            AtomicFile.removeLeftovers(in: file.deletingLastPathComponent())
            if FileManager.default.fileExists(atPath: file.path) { sluice_history_load(handle, file.path) }
        }
    }

    deinit { history_end(handle) }

    /// Where history lives for this environment (XDG base directory rules: a relative
    /// XDG_STATE_HOME is ignored).
    static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("sluice/history")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/sluice/history")
    }

    /// Whether `entry` may be remembered at all: not blank, not starting with a space (the
    /// usual way to keep a line out of history), and holding nothing token-like (`KEY=ghp_…`
    /// included: `Secrets` looks between blanks, quotes and the punctuation around values).
    static func admits(_ entry: String) -> Bool {
        guard !entry.hasPrefix(" "), !entry.allSatisfy(\.isWhitespace) else { return false }
        return !Secrets.containsToken(entry)
    }

    /// Adds `entry` (when `admits` allows) and writes the file. Failing to write is not
    /// worth stopping the shell for: the reason comes back for a one-line warning.
    @discardableResult
    func record(_ entry: String) -> String? {
        guard Self.admits(entry) else { return nil }
        // Trailing blanks (a completion leaves one) would defeat duplicate folding.
        var trimmed = Substring(entry)
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        sluice_history_enter(handle, String(trimmed))
        return save()
    }

    private func save() -> String? {
        guard let file else { return nil }
        let directory = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return "cannot create \(directory.path): \(FileProblem.reason(error))"
        }
        // Written beside the file and renamed over it: a reader never sees half a file.
        do {
            try AtomicFile.replace(file, mode: 0o600) { _, temporary in sluice_history_save(handle, temporary) >= 0 }
        } catch {
            return "\(error)"
        }
        return nil
    }
}
