import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One shell that runs a build's commands one after another, as CodeBuild's buildspec 0.2 does:
/// `cd`, `export` and plain variables carry from one command to the next. Each command's
/// output is appended to the action's log; its exit status comes back over the shell's stdout.
///
/// Commands run through `command eval`, so a syntax error fails that command instead of
/// ending the shell; `exit N` does end it, and `run` reports N.
final class ShellSession: @unchecked Sendable {
    private let group: ProcessGroup
    /// Commands go in here; statuses come back out of `output`.
    private let input: FileHandle
    private let output: FileHandle
    private let log: ActionLog
    private var pending = Data()
    /// Tags the status lines so a command's own output can never be taken for one.
    private let marker = "__sluice_status_\(UUID().uuidString.prefix(8))"
    private(set) var isRunning = true

    /// Starts `shell` in a process group of its own (see ``ProcessGroup``).
    init(shell: String, directory: URL, environment: [String: String], log: ActionLog) throws {
        self.log = log
        let commands = try ProcessGroup.closeOnExecPipe()
        let statuses: [Int32]
        do {
            statuses = try ProcessGroup.closeOnExecPipe()
        } catch {
            commands.forEach { Glibc.close($0) }
            throw error
        }
        input = FileHandle(fileDescriptor: commands[1], closeOnDealloc: true)
        output = FileHandle(fileDescriptor: statuses[0], closeOnDealloc: true)
        let error = try log.appendingHandle()
        defer {
            Glibc.close(commands[0])
            Glibc.close(statuses[1])
        }
        group = try ProcessGroup(executable: shell, directory: directory, environment: environment,
                                 input: commands[0], output: statuses[1], error: error.fileDescriptor)
    }

    deinit { close() }

    /// Runs `command`; returns its exit status. Cancelling the task ends the shell.
    func run(_ command: String) async throws -> Int32 {
        guard isRunning else { return 127 }
        let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let line = "command eval \(quoted) </dev/null >>\(log.quotedPath) 2>&1; echo \"\(marker) $?\"\n"
        do {
            try input.write(contentsOf: Data(line.utf8))
        } catch {
            return try finished()
        }
        let status: Int32? = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: self.readStatus())
                }
            }
        } onCancel: {
            self.terminate()
        }
        try Task.checkCancellation()
        if let status { return status }
        return try finished()
    }

    /// Ends the shell and everything it started.
    func terminate() {
        group.signal(SIGTERM)
        group.release()
    }

    /// Closes the shell's input, waits for it to end, then ends what it left running.
    func close() {
        guard isRunning else { return }
        isRunning = false
        try? input.close()
        _ = group.wait()
        group.release()
    }

    /// The shell ended (an `exit` in a command): its status is the command's.
    private func finished() throws -> Int32 {
        isRunning = false
        try Task.checkCancellation()
        defer { group.release() }
        return group.wait()
    }

    /// Blocks until the next status line; nil when the shell's output ends.
    private func readStatus() -> Int32? {
        let prefix = Data((marker + " ").utf8)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                if line.starts(with: prefix) {
                    return Int32(String(decoding: line.dropFirst(prefix.count), as: UTF8.self))
                }
                continue
            }
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            pending.append(chunk)
        }
    }
}

/// The log of one action: `[Container]` lines like CodeBuild's around the commands' own output.
final class ActionLog: @unchecked Sendable {
    let url: URL

    init(_ url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // An empty log needs no atomic write (FileManager.createFile's leaves a temporary file when killed).
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor >= 0 { close(descriptor) }
    }

    var quotedPath: String { "'" + url.path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Appends a line said by sluice itself.
    func note(_ line: String) {
        guard let handle = try? appendingHandle() else { return }
        handle.write(Data("[Container] \(line)\n".utf8))
        try? handle.close()
    }

    /// The log's size now, to read what a command adds after it.
    var size: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }

    /// What was written after `offset`, its last non-empty line.
    func lastLine(after offset: UInt64) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// A handle whose every write lands at the end, even with other writers (the shell's `>>`).
    func appendingHandle() throws -> FileHandle {
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LocalTargetError("cannot write the log \(url.path): \(String(cString: strerror(errno)))")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
