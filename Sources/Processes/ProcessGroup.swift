import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program run in a process group of its own, with everything it starts, which ends
/// however sluice ends.
///
/// Beside the program, a guard (`sh`) joins the group and waits on a pipe only sluice holds
/// the writing end of (close-on-exec, so no child inherits it). When sluice lets go of the
/// group — the action is over, it is stopped, or sluice dies by any signal, SIGKILL and
/// crashes included — the kernel closes that end and the guard kills the whole group,
/// background children too, as CodeBuild ends a build's container. Being in the group, the
/// guard also keeps its id from being reused by another group before that.
public final class ProcessGroup: @unchecked Sendable {
    /// The program's pid, which is also the group's id.
    public let id: pid_t
    private let guardID: pid_t
    private var lifeline: Int32
    private var exitStatus: Int32?
    /// Separate locks: releasing (from a cancellation) must not wait behind a waiting `wait()`.
    private let waitLock = NSLock()
    private let lifelineLock = NSLock()

    /// The guard's script: wait for the pipe to close, then end the group.
    private static let guardScript = "read -r line; kill -9 0"
    /// The signals a terminal or sluice's own stop sends the group, which the guard must outlive:
    /// blocked from its exec on, as a `trap` in its script would be too late for a stop sent
    /// the instant the group exists (the guard ended, a program ignoring SIGTERM ran on).
    private static let guardBlocks = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Starts `executable` in a new group with `input`, `output` and `error` as its standard
    /// descriptors (the caller closes its copies).
    public init(executable: String, arguments: [String] = [], directory: URL, environment: [String: String],
         input: Int32, output: Int32, error: Int32) throws {
        // Swift's Glibc lacks posix_spawn_file_actions_addchdir_np: a shell changes directory, then becomes the program.
        id = try Self.spawn("/bin/sh", ["sh", "-c", #"cd -P -- "$1" || exit 127; shift; exec "$@""#, "sluice-action",
                                        directory.path, executable] + arguments,
                            environment: environment, descriptors: [input, output, error], group: 0)
        let pipe: [Int32]
        do {
            pipe = try Self.closeOnExecPipe()
        } catch {
            kill(-id, SIGKILL)
            throw error
        }
        lifeline = pipe[1]
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer {
            close(pipe[0])
            close(null)
        }
        do {
            guardID = try Self.spawn("/bin/sh", ["sh", "-c", Self.guardScript, "sluice-guard"], environment: [:],
                                     descriptors: [pipe[0], null, null], group: id, blocking: Self.guardBlocks)
        } catch {
            kill(-id, SIGKILL)
            close(lifeline)
            throw error
        }
    }

    deinit { release() }

    /// Sends `signal` to every process of the group.
    public func signal(_ signal: Int32) {
        kill(-id, signal)
    }

    /// Waits for the program (not its background children) to end; its exit status, or 128+N
    /// when signal N ended it, as a shell reports it.
    public func wait() -> Int32 {
        waitLock.lock()
        defer { waitLock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(id, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7f
        let result = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        exitStatus = result
        return result
    }

    /// Lets go of the group: the guard kills whatever is left in it, and is reaped.
    public func release() {
        lifelineLock.lock()
        defer { lifelineLock.unlock() }
        guard lifeline >= 0 else { return }
        close(lifeline)
        lifeline = -1
        var status: Int32 = 0
        while waitpid(guardID, &status, 0) < 0, errno == EINTR {}
    }

    /// A pipe whose ends no program sluice starts inherits (Swift's Glibc lacks pipe2).
    public static func closeOnExecPipe() throws -> [Int32] {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw ChildProcessError.cannotStart(program: "a program", reason: "cannot make a pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return ends
    }

    /// posix_spawn with `descriptors` as 0, 1, 2, in `group` (0: a new one), signals as a
    /// fresh program expects them (sluice may ignore or block some) but for `blocking`.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                              descriptors: [Int32], group: pid_t, blocking: [Int32] = []) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in blocking { sigaddset(&blocked, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &blocked)
        posix_spawnattr_setpgroup(&attributes, group)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError.cannotStart(program: executable, reason: String(cString: strerror(result)))
        }
        return pid
    }
}
