import Foundation

/// Remembers what every file a script writes looked like before the script began, so a
/// failing script can put them all back: a script changes the workspace completely or
/// not at all.
final class FileJournal {
    /// Path → the bytes before the first change (nil: the file did not exist).
    private var originals: [String: Data?] = [:]
    private var order: [String] = []
    /// Directories the script created, deepest last.
    private var createdDirectories: [String] = []

    /// Call before writing or removing `url` (and before creating its directory).
    func willChange(_ url: URL) {
        let path = url.standardizedFileURL.path
        guard originals[path] == nil else { return }
        originals[path] = .some(FileManager.default.contents(atPath: path))
        order.append(path)
        var missing: [String] = []
        var directory = url.standardizedFileURL.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
            missing.append(directory.path)
            directory.deleteLastPathComponent()
        }
        createdDirectories += missing.reversed()
    }

    /// Restores every file and removes what the script created.
    func rollback() {
        for path in order.reversed() {
            guard let original = originals[path] else { continue }
            if let data = original {
                let url = URL(fileURLWithPath: path)
                // `pipeline rm` may have removed the directory too.
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? data.write(to: url, options: .atomic)
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        for directory in createdDirectories.reversed() {
            // Only if still empty: never remove something the script did not create.
            if (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        forget()
    }

    /// The script succeeded: its writes stay.
    func forget() {
        originals.removeAll()
        order.removeAll()
        createdDirectories.removeAll()
    }
}
