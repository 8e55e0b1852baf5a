import Errors
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program sluice runs to completion — a `credential_process`, the CDK toolkit, git — bounded
/// however it behaves: its output is drained as it comes (so it never blocks on a full pipe) and
/// kept only up to a limit, it has a time limit, cancelling the task (Ctrl-C, a signal sluice
/// received) stops it, and it runs in a ``ProcessGroup`` of its own, so whatever it started ends
/// with it, and with sluice however sluice ends.
public struct ChildProcess: Sendable {
    /// A path, or a name looked up on the environment's PATH.
    public var program: String
    public var arguments: [String]
    public var directory: URL
    public var environment: [String: String]
    public var limits: ChildLimits
    /// Its stdout: kept (at most `limits.outputBytes`; more stops it) or handed on line by line.
    public var output: ChildStream
    /// Its stderr: the last `limits.errorBytes` kept for messages, or handed on line by line.
    public var errors: ChildStream
    /// How messages name it (`npm install`, `credential_process (aws-vault …)`).
    public var name: String

    public init(program: String, arguments: [String] = [], directory: URL, environment: [String: String],
                limits: ChildLimits, output: ChildStream = .kept, errors: ChildStream = .kept, name: String? = nil) {
        self.program = program
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
        self.limits = limits
        self.output = output
        self.errors = errors
        self.name = name ?? ([program] + arguments).joined(separator: " ")
    }

    /// How it ended: its exit status (128+N when signal N ended it, as a shell says), its stdout
    /// when kept, and the end of its stderr when kept.
    public struct Finished: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: ErrorTail
    }

    /// Runs it to its end. Throws ``ChildProcessError`` when it cannot start, runs out of time or
    /// prints more than its limit, and `CancellationError` when the task is cancelled; in every
    /// case the program and everything it started have ended by then.
    public func run() async throws -> Finished {
        let running = try start()
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
                Thread.detachNewThread { continuation.resume(returning: running.group.wait()) }
            }
        } onCancel: {
            running.stopper.stop(.cancelled)
        }
        return try running.finish(status)
    }

    /// ``run()`` for a caller that cannot wait asynchronously: the same bounds, but only its time
    /// limit (and sluice's end) stops it.
    public func runBlocking() throws -> Finished {
        let running = try start()
        return try running.finish(running.group.wait())
    }

    /// Starts it in its group with its pipes drained and its time limit running.
    private func start() throws -> Running {
        var pipes: [[Int32]] = []
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        do {
            for _ in 0..<2 { pipes.append(try ProcessGroup.closeOnExecPipe()) }
        } catch {
            pipes.joined().forEach { close($0) }
            throw error
        }
        let group: ProcessGroup
        do {
            defer {
                close(pipes[0][1])
                close(pipes[1][1])
            }
            group = try ProcessGroup(executable: program, arguments: arguments, directory: directory, environment: environment,
                                     input: null, output: pipes[0][1], error: pipes[1][1])
        } catch {
            close(pipes[0][0])
            close(pipes[1][0])
            throw error
        }
        return Running(self, group: group, output: pipes[0][0], errors: pipes[1][0])
    }

    /// A started child: its group, the drain of its pipes, its timer.
    private final class Running: @unchecked Sendable {
        let process: ChildProcess
        let group: ProcessGroup
        let stopper: Stopper
        let outputSink: StreamSink
        let errorSink: StreamSink
        let drain: Drain
        let timer: DispatchWorkItem

        init(_ process: ChildProcess, group: ProcessGroup, output: Int32, errors: Int32) {
            self.process = process
            self.group = group
            let stopper = Stopper(group)
            self.stopper = stopper
            outputSink = StreamSink(process.output, keep: .head(process.limits.outputBytes))
            errorSink = StreamSink(process.errors, keep: .tail(process.limits.errorBytes))
            outputSink.onOverflow = { stopper.stop(.outputTooLarge) }
            drain = Drain([(output, outputSink), (errors, errorSink)])
            timer = DispatchWorkItem { stopper.stop(.timedOut) }
            DispatchQueue.global().asyncAfter(deadline: .now() + process.limits.timeout.inSeconds, execute: timer)
        }

        /// The program ended with `status`: what it left running ends (a daemon holding the
        /// pipes open), the pipes are read to their end, and the outcome said.
        func finish(_ status: Int32) throws -> Finished {
            timer.cancel()
            group.release()
            drain.finish(within: 2)
            let limits = process.limits
            switch stopper.reason {
            case .cancelled?: throw CancellationError()
            case .timedOut?: throw ChildProcessError.timedOut(program: process.name, limit: limits.timeout, setting: limits.timeoutSetting)
            case .outputTooLarge?: throw ChildProcessError.outputTooLarge(program: process.name, limit: limits.outputBytes)
            case nil: return Finished(status: status, output: outputSink.kept, errors: ErrorTail(errorSink))
            }
        }
    }
}

/// What a child may take: time, and how much of its output sluice keeps.
public struct ChildLimits: Sendable, Equatable {
    public var timeout: Duration
    /// The environment variable that set (or can raise) the time limit, for the message when it runs out.
    public var timeoutSetting: String?
    /// The most of its stdout kept; a child printing more is stopped.
    public var outputBytes: Int
    /// The end of its stderr kept for a message.
    public var errorBytes: Int

    public init(timeout: Duration, timeoutSetting: String? = nil, outputBytes: Int = 1 << 20, errorBytes: Int = 8 << 10) {
        self.timeout = timeout
        self.timeoutSetting = timeoutSetting
        self.outputBytes = outputBytes
        self.errorBytes = errorBytes
    }

    /// `standard`, with its time limit taken from the environment variable `setting` (seconds) when set there.
    public static func configured(_ setting: String, default standard: ChildLimits,
                                  environment: [String: String]) throws -> ChildLimits {
        var limits = standard
        limits.timeoutSetting = setting
        guard let text = environment[setting], !text.isEmpty else { return limits }
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw ChildProcessError.badSetting(name: setting, value: text)
        }
        limits.timeout = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        return limits
    }
}

/// Where one of a child's output streams goes.
public enum ChildStream: Sendable {
    /// Kept in memory, within the limits.
    case kept
    /// Handed on as it comes, a line at a time with its line break (a line longer than 64 KiB in
    /// pieces of that size), on a thread of its own.
    case lines(@Sendable (ArraySlice<UInt8>) -> Void)
}

/// The end of a child's stderr, for a message.
public struct ErrorTail: Sendable, Equatable {
    /// The last bytes it printed, at most the limit.
    public var bytes: Data
    /// How many bytes before them were left out.
    public var omitted: Int

    init(_ sink: StreamSink) {
        bytes = sink.kept
        omitted = sink.omitted
    }

    /// Its last `lines` lines (each cut at 200 characters), said for a message: "" when it printed nothing.
    public func summary(lines: Int = 10) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        var all = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dropped = max(0, all.count - lines)
        all = all.suffix(lines).map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
        guard !all.isEmpty else { return "" }
        let earlier = omitted > 0 || dropped > 0 ? "… " : ""
        return earlier + all.joined(separator: " / ")
    }
}

/// Why a child did not end on its own.
public enum ChildProcessError: ReportableError, Equatable {
    case cannotStart(program: String, reason: String)
    case timedOut(program: String, limit: Duration, setting: String?)
    case outputTooLarge(program: String, limit: Int)
    case badSetting(name: String, value: String)

    public var problem: Problem {
        switch self {
        case .cannotStart(let program, let reason):
            return Problem("cannot start \(program): \(reason)", hint: "check that it is installed and on PATH")
        case .timedOut(let program, let limit, let setting):
            return Problem("\(program) did not finish within \(limit.spoken), so sluice stopped it and everything it started",
                           hint: setting.map { "if it needs longer, set \($0) to the seconds it may take" }
                               ?? "find out why it hangs by running it yourself")
        case .outputTooLarge(let program, let limit):
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : limit % 1024 == 0 ? "\(limit >> 10) KiB" : "\(limit) bytes"
            return Problem("\(program) printed more than \(size), more than sluice keeps, so it was stopped",
                           hint: "run it yourself to see what it prints")
        case .badSetting(let name, let value):
            return Problem("\(name) is '\(value)', not a number of seconds", hint: "set \(name) to a number of seconds, e.g. 300, or unset it")
        }
    }
}

extension Duration {
    /// In seconds, for Dispatch.
    public var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// `90 s`, `2 minutes`.
    var spoken: String {
        let seconds = inSeconds
        if seconds >= 120, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) minutes" }
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

/// Ends a child's group once, remembering why.
private final class Stopper: @unchecked Sendable {
    enum Reason { case timedOut, cancelled, outputTooLarge }

    private let group: ProcessGroup
    private let lock = NSLock()
    private var why: Reason?

    init(_ group: ProcessGroup) { self.group = group }

    var reason: Reason? { lock.withLock { why } }

    func stop(_ reason: Reason) {
        let first: Bool = lock.withLock {
            guard why == nil else { return false }
            why = reason
            return true
        }
        guard first else { return }
        group.signal(SIGTERM)
        group.release()
    }
}

/// Where a stream's bytes go, on the drain's thread; read by the caller once the drain is over.
final class StreamSink: @unchecked Sendable {
    enum Keep { case head(Int), tail(Int) }

    private let destination: ChildStream
    private let keep: Keep
    private(set) var kept = Data()
    private(set) var omitted = 0
    private var pending: [UInt8] = []
    /// Called once when a kept head overflows.
    var onOverflow: (@Sendable () -> Void)?
    static let longestLine = 64 * 1024

    init(_ destination: ChildStream, keep: Keep) {
        self.destination = destination
        self.keep = keep
    }

    func take(_ bytes: ArraySlice<UInt8>) {
        switch destination {
        case .kept:
            switch keep {
            case .head(let limit):
                let room = max(0, limit - kept.count)
                kept.append(contentsOf: bytes.prefix(room))
                if bytes.count > room {
                    if omitted == 0 { onOverflow?() }
                    omitted += bytes.count - room
                }
            case .tail(let limit):
                kept.append(contentsOf: bytes)
                // Trimmed at twice the limit: each byte is moved at most once more.
                if kept.count > 2 * limit {
                    omitted += kept.count - limit
                    kept = kept.suffix(limit)
                }
            }
        case .lines(let hand):
            pending.append(contentsOf: bytes)
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                hand(pending[start...newline])
                start = newline + 1
            }
            while pending.count - start > Self.longestLine {
                hand(pending[start..<(start + Self.longestLine)])
                start += Self.longestLine
            }
            pending.removeSubrange(..<start)
        }
    }

    /// The stream ended: a last line without its break is handed on; a kept tail is cut to its limit.
    func finish() {
        if case .lines(let hand) = destination, !pending.isEmpty {
            hand(pending[...])
            pending.removeAll()
        }
        if case .tail(let limit) = keep, kept.count > limit {
            omitted += kept.count - limit
            kept = kept.suffix(limit)
        }
    }
}

/// Reads a child's pipes together on one thread (poll), so neither fills while the other is
/// read, until each ends or the drain is given up.
final class Drain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var abandoned = false

    init(_ streams: [(descriptor: Int32, sink: StreamSink)]) {
        Thread.detachNewThread { [self] in pump(streams) }
    }

    /// Waits until every stream has ended; after `seconds` (a process that left the group holds
    /// a pipe open) stops reading.
    func finish(within seconds: Double) {
        if done.wait(timeout: .now() + seconds) == .timedOut {
            lock.withLock { abandoned = true }
            done.wait()
        }
    }

    private func pump(_ streams: [(descriptor: Int32, sink: StreamSink)]) {
        var descriptors = streams.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        var open = streams.count
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while open > 0, !lock.withLock({ abandoned }) {
            let ready = poll(&descriptors, nfds_t(descriptors.count), 100)
            if ready < 0, errno != EINTR { break }
            guard ready > 0 else { continue }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                if count > 0 {
                    streams[index].sink.take(chunk[..<count])
                    continue
                }
                close(descriptors[index].fd)
                descriptors[index].fd = -1
                open -= 1
            }
        }
        for descriptor in descriptors where descriptor.fd >= 0 { close(descriptor.fd) }
        for stream in streams { stream.sink.finish() }
        done.signal()
    }
}
