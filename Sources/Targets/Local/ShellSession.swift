import Foundation
import Processes
import Text
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One shell that runs a build's commands one after another, as CodeBuild's buildspec 0.2 does:
/// `cd`, `export` and plain variables carry from one command to the next. What the shell and
/// its commands print goes to the action's log through a ``LogPump``; each command's exit status
/// comes back over a pipe of its own.
///
/// Commands run through `command eval`, so a syntax error fails that command instead of
/// ending the shell; `exit N` does end it, and `run` reports N.
final class ShellSession: @unchecked Sendable {
    private let group: ProcessGroup
    /// Commands go in here; statuses come back out of `output`.
    private let input: FileHandle
    private let output: FileHandle
    private let pump: LogPump
    private var pending = Data()
    /// Tags the status lines so a command's own output can never be taken for one.
    private let marker: String
    private(set) var isRunning = true
    private let timedOut = Mutex(false)

    /// Starts `shell` in a process group of its own (see ``ProcessGroup``).
    init(shell: String, directory: URL, environment: [String: String], log: ActionLog) throws {
        marker = "__sluice_status_\(UUID().uuidString.prefix(8))"
        var pipes: [[Int32]] = []
        do {
            pipes.append(try ProcessGroup.closeOnExecPipe())
            pipes.append(try ProcessGroup.closeOnExecPipe())
            pump = try LogPump(log: log, marker: marker)
        } catch {
            pipes.joined().forEach { Glibc.close($0) }
            throw error
        }
        let (commands, statuses) = (pipes[0], pipes[1])
        input = FileHandle(fileDescriptor: commands[1], closeOnDealloc: true)
        output = FileHandle(fileDescriptor: statuses[0], closeOnDealloc: true)
        let pump = self.pump
        let spawned = Result {
            try ProcessGroup(executable: shell, directory: directory, environment: environment,
                             input: commands[0], output: statuses[1], error: pump.input)
        }
        Glibc.close(commands[0])
        Glibc.close(statuses[1])
        pump.spawned()
        group = try spawned.get()
    }

    deinit { close() }

    /// Runs `command`; returns its exit status. Cancelling the task ends the shell, and so does
    /// reaching `deadline` (then it throws the action's time limit, `limits`).
    func run(_ command: String, until deadline: ContinuousClock.Instant, limits: ChildLimits) async throws -> Int32 {
        guard isRunning else { return 127 }
        let outOfTime = DispatchWorkItem { [self] in
            timedOut.withLock { $0 = true }
            terminate()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, ContinuousClock.now.duration(to: deadline).inSeconds), execute: outOfTime)
        defer { outOfTime.cancel() }
        let quoted = ShellEscaping.quoted(command)
        // The status goes to sluice, then the marker after the command's output to the pump.
        let line = "command eval \(quoted) </dev/null >&2; echo \"\(marker) $?\"; echo \(marker) >&2\n"
        do {
            try input.write(contentsOf: Data(line.utf8))
        } catch {
            return try finished()
        }
        let status: Int32? = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    let status = self.readStatus()
                    // The marker follows at once unless the shell is being ended.
                    if status != nil { _ = self.pump.awaitMarker(seconds: 10) }
                    continuation.resume(returning: status)
                }
            }
        } onCancel: {
            self.terminate()
        }
        try Task.checkCancellation()
        if timedOut.withLock({ $0 }) {
            isRunning = false
            throw ChildProcessError.timedOut(program: "the action", limit: limits.timeout, setting: limits.timeoutSetting)
        }
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
        pump.awaitEnd(seconds: 2)
    }

    /// The shell ended (an `exit` in a command): its status is the command's.
    private func finished() throws -> Int32 {
        isRunning = false
        try Task.checkCancellation()
        defer {
            group.release()
            pump.awaitEnd(seconds: 2)
        }
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
