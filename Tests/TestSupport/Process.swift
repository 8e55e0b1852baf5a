import Foundation
import XCTest

// What every test target needs to drive real things: the built binary, child
// processes with captured output, temporary directories, the shared corpus.

/// The outcome of a finished child process.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum TestSupportError: Error, CustomStringConvertible {
    case launch(String, String)
    case timedOut(String, TimeInterval)

    public var description: String {
        switch self {
        case .launch(let path, let reason): return "could not start \(path): \(reason)"
        case .timedOut(let what, let seconds): return "\(what) did not finish within \(seconds)s"
        }
    }
}

/// Runs `executable` with `arguments` to completion and captures its output.
/// `environment` is added to (and overrides) this process's environment.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
                       removingEnvironment: [String] = [], directory: URL? = nil, input: String? = nil,
                       timeout: TimeInterval = 120) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for name in removingEnvironment { env[name] = nil }
    env.merge(environment) { _, new in new }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    do { try process.run() } catch { throw TestSupportError.launch(executable, "\(error)") }
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw TestSupportError.timedOut(([executable] + arguments).joined(separator: " "), timeout)
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// The package's root directory (holding Package.swift).
public let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// The directory SwiftPM put the test bundle and the `sluice` binary in.
public let productsDirectory: URL = {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}()

/// The `sluice` executable the tests run: the one built beside them, or the one SLUICE_TEST_BINARY
/// names (e.g. the installed release binary, stripped: README, "Lean binary").
public var sluiceBinary: String {
    ProcessInfo.processInfo.environment["SLUICE_TEST_BINARY"] ?? productsDirectory.appendingPathComponent("sluice").path
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
public struct TemporaryDirectory {
    public let url: URL

    public init(_ prefix: String = "sluice-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Every regular file under `root` (paths relative to it), with its bytes.
public func regularFiles(under root: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    let base = root.standardizedFileURL.resolvingSymlinksInPath().path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return files }
    for case let path as String in walker {
        var isDirectory: ObjCBool = false
        let full = base + "/" + path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[path] = FileManager.default.contents(atPath: full)
        }
    }
    return files
}

/// `../shared/data/NAME` beside the package. nil (with the reason) when absent outside CI;
/// under CI (CI=true) its absence is a failure, reported by the caller.
public enum SharedData {
    public static func directory(_ name: String) -> URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/\(name)", isDirectory: true)
    }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The directory if present; otherwise a sentence saying what is missing.
    public static func locate(_ name: String) -> Result<URL, MissingSharedData> {
        let url = directory(name)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return .success(url)
        }
        return .failure(MissingSharedData(path: url.path))
    }

    /// The directory, for a test that cannot run without it: when absent, the test is skipped,
    /// or fails under CI.
    public static func required(_ name: String) throws -> URL {
        switch locate(name) {
        case .success(let url): return url
        case .failure(let missing):
            if isCI { throw missing }
            throw XCTSkip(missing.description)
        }
    }
}

public struct MissingSharedData: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "\(path) is absent (it lives in ../shared beside a clone of this repository); " +
            (SharedData.isCI ? "CI needs it." : "skipping the tests that read it.")
    }
}

extension String {
    /// The text with each run of blanks and line breaks as one blank: a message as sluice said it,
    /// however it was wrapped to the width (80 columns where the output is no terminal).
    public var flattened: String { split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}
