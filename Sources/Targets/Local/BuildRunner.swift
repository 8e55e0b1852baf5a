import Errors
import Foundation
import Manifest
import Processes

/// Why a command list stopped: the command, its status and the last line it printed.
struct CommandFailure: ReportableError {
    var command: String
    var status: Int32
    var lastLine: String?

    /// A missing tool gets a hint.
    var problem: Problem {
        let short = command.split(separator: "\n").first.map(String.init) ?? command
        if status == 127 {
            let tool = short.split(separator: " ").first.map(String.init) ?? short
            return Problem("`\(tool)` is not installed on this machine (`\(short)` exited with 127)",
                           hint: "install it, or skip it when running locally")
        }
        return Problem("`\(short)` exited with \(status)" + (lastLine.map { ": \($0)" } ?? ""))
    }
}

/// Runs commands and buildspecs for one action in one shell (a fresh one if a command
/// `exit`s), logging as CodeBuild does.
final class BuildRunner {
    let shell: String
    let directory: URL
    var environment: [String: String]
    let log: ActionLog
    private var session: ShellSession?
    /// CodeBuild's default time limit for a build, for the whole action (`SLUICE_BUILD_TIMEOUT` changes it).
    private let limits: ChildLimits
    private let deadline: ContinuousClock.Instant

    init(shell: String = "/bin/sh", directory: URL, environment: [String: String], log: ActionLog) throws {
        self.shell = shell
        self.directory = directory
        self.environment = environment
        self.log = log
        limits = try ChildLimits.configured("SLUICE_BUILD_TIMEOUT", default: ChildLimits(timeout: .seconds(3600)),
                                            environment: ProcessInfo.processInfo.environment)
        deadline = .now + limits.timeout
    }

    deinit { session?.close() }

    /// Runs `commands` in order; the first failure stops them.
    func run(_ commands: [String]) async throws -> CommandFailure? {
        for command in commands {
            log.note("Running command \(command)")
            let offset = log.size
            let status: Int32
            do {
                status = try await currentSession().run(command, until: deadline, limits: limits)
            } catch let timedOut as ChildProcessError {
                log.note("Build timed out: \(timedOut.problem.message)")
                throw timedOut
            }
            if status != 0 {
                let failure = CommandFailure(command: command, status: status, lastLine: log.lastLine(after: offset))
                log.note("Command did not exit successfully \(command) exit status \(status)")
                return failure
            }
        }
        return nil
    }

    /// Runs a buildspec's phases with CodeBuild's transitions: a failing install or pre_build
    /// ends the build; a failing build still runs post_build (CODEBUILD_BUILD_SUCCEEDING=0);
    /// `on-failure: CONTINUE` goes on with the next phase; `finally` always runs.
    func run(_ spec: Buildspec) async throws -> CommandFailure? {
        if !spec.env.remoteVariables.isEmpty {
            log.note("Not available locally, left unset: \(spec.env.remoteVariables.joined(separator: ", "))")
        }
        var firstFailure: CommandFailure?
        var stopAfterPhase: BuildPhase.Name?
        for phase in spec.phases {
            if let stop = stopAfterPhase, !(stop == .build && phase.name == .postBuild) {
                log.note("Skipping phase \(phase.name.rawValue.uppercased())")
                continue
            }
            log.note("Entering phase \(phase.name.rawValue.uppercased())")
            var failure = try await run(phase.commands)
            if let finallyFailure = try await run(phase.finally), failure == nil { failure = finallyFailure }
            log.note("Phase complete: \(phase.name.rawValue.uppercased()) State: \(failure == nil ? "SUCCEEDED" : "FAILED")")
            guard let failure else { continue }
            firstFailure = firstFailure ?? failure
            environment["CODEBUILD_BUILD_SUCCEEDING"] = "0"
            if session?.isRunning == true { _ = try await session?.run("CODEBUILD_BUILD_SUCCEEDING=0", until: deadline, limits: limits) }
            if phase.onFailure == .abort, stopAfterPhase == nil { stopAfterPhase = phase.name }
        }
        return firstFailure
    }

    private func currentSession() throws -> ShellSession {
        if let session, session.isRunning { return session }
        if session != nil { log.note("The shell exited; later commands run in a new shell") }
        let fresh = try ShellSession(shell: shell, directory: directory, environment: environment, log: log)
        session = fresh
        return fresh
    }
}

/// Copies a build's `artifacts.files` into the artifact directory, as CodeBuild uploads them.
enum ArtifactCollector {
    /// Returns the number of files copied; none matching is an error, as on CodeBuild.
    static func collect(_ artifacts: BuildArtifacts, from source: URL, into destination: URL) throws -> Int {
        let base = artifacts.baseDirectory.map { source.appendingPathComponent($0, isDirectory: true) } ?? source
        let patterns = try artifacts.files.map(globExpression)
        let excluded = try artifacts.excludePaths.map(globExpression)
        var copied = 0
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        for path in regularFiles(under: base) where patterns.contains(where: { matches($0, path) })
            && !excluded.contains(where: { matches($0, path) }) {
            let target = destination.appendingPathComponent(artifacts.discardPaths ? (path as NSString).lastPathComponent : path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: base.appendingPathComponent(path), to: target)
            copied += 1
        }
        guard copied > 0 else {
            throw LocalTargetError("no matching artifact paths found for \(artifacts.files.joined(separator: ", "))",
                                   hint: "make the build write those files, or fix artifacts.files in the buildspec")
        }
        return copied
    }

    /// Paths relative to `base`, sorted.
    static func regularFiles(under base: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isDirectory),
               !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// `*` within a directory, `**` across directories, `?` one character.
    static func globExpression(_ pattern: String) throws -> NSRegularExpression {
        var glob = Substring(pattern)
        while glob.hasPrefix("./") { glob = glob.dropFirst(2) }
        var expression = "^"
        var index = glob.startIndex
        while index < glob.endIndex {
            let rest = glob[index...]
            if rest.hasPrefix("**/") {
                expression += "(?:.*/)?"
                index = glob.index(index, offsetBy: 3)
                continue
            }
            if rest.hasPrefix("**") {
                expression += ".*"
                index = glob.index(index, offsetBy: 2)
                continue
            }
            switch glob[index] {
            case "*": expression += "[^/]*"
            case "?": expression += "[^/]"
            default: expression += NSRegularExpression.escapedPattern(for: String(glob[index]))
            }
            index = glob.index(after: index)
        }
        return try NSRegularExpression(pattern: expression + "$")
    }

    static func matches(_ expression: NSRegularExpression, _ path: String) -> Bool {
        expression.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }
}
