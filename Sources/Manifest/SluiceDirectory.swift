import Foundation

/// The workspace's `.sluice/`: sluice's own state (the workspace lock, the intent of a
/// multi-file write, the target choice, the local target's runs), kept out of git by a
/// `.gitignore` of `*` inside it, so the user's own `.gitignore` is never touched.
public enum SluiceDirectory {
    public static func url(in workspaceRoot: URL) -> URL {
        workspaceRoot.appendingPathComponent(".sluice", isDirectory: true)
    }

    public static func gitignore(in workspaceRoot: URL) -> URL {
        url(in: workspaceRoot).appendingPathComponent(".gitignore")
    }

    /// Creates `.sluice/` and its `.gitignore` when missing.
    public static func prepare(in workspaceRoot: URL) throws {
        let ignore = gitignore(in: workspaceRoot)
        guard !FileManager.default.fileExists(atPath: ignore.path) else { return }
        try AtomicFile.write(Data("*\n".utf8), to: ignore, directories: .created(within: workspaceRoot))
    }
}
