// sluice-fuzz TARGET [ARGS…]: libFuzzer targets for sluice's parsers and writers.
//
// Built by scripts/fuzz with `-sanitize=fuzzer,address -D FUZZING`, it hands ARGS to libFuzzer's
// driver (corpus folders, -max_total_time=…); SwiftPM links the executable's own main, so libFuzzer's is
// not used. A plain build replays saved inputs instead
// (`sluice-fuzz TARGET FILE|FOLDER…`) through the very same checks: the regression tests run
// every input a fuzzer ever found that way.
import Foundation
#if FUZZING
import CLibFuzzer
#endif

@main
enum FuzzMain {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count == 2, arguments[1] == "--list" {
            print(FuzzTarget.all.map(\.name).joined(separator: "\n"))
            exit(0)
        }
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[1]) else {
            let names = FuzzTarget.all.map { "  \($0.name.padding(toLength: 16, withPad: " ", startingAt: 0))\($0.summary)" }
            FileHandle.standardError.write(Data("""
                usage: sluice-fuzz TARGET FILE|FOLDER…  replays inputs (a FUZZING build: libFuzzer options)
                       sluice-fuzz TARGET --seeds     where its seeds lie
                       sluice-fuzz TARGET --max-len   the longest input worth making (libFuzzer's -max_len)
                       sluice-fuzz --list
                targets:
                \(names.joined(separator: "\n"))

                """.utf8))
            exit(2)
        }
        if arguments.count == 3, arguments[2] == "--seeds" {
            print(target.seeds.joined(separator: "\n"))
            exit(0)
        }
        if arguments.count == 3, arguments[2] == "--max-len" {
            print(target.maxLength)
            exit(0)
        }
        #if FUZZING
        exit(runLibFuzzer(target, arguments: [arguments[0]] + arguments.dropFirst(2)))
        #else
        exit(replay(target, paths: Array(arguments.dropFirst(2))))
        #endif
    }

    /// Runs every file named, or held (not recursively) in a folder named, through the target.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var count = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("sluice-fuzz: \(path) does not exist\n".utf8))
                return 2
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target.check(Array(data))
                count += 1
            }
        }
        print("\(target.name): \(count) inputs replayed, no finding")
        return 0
    }
}

#if FUZZING
/// The target libFuzzer's callback runs: a C function pointer captures nothing.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

private func runLibFuzzer(_ target: FuzzTarget, arguments: [String]) -> Int32 {
    selectedTarget = target
    var argc = Int32(arguments.count)
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    // The driver returns only when it does not fuzz (`-help=1`, a bad flag); LeakSanitizer then checked
    // the exit and reported these copies as a leak.
    defer { cArguments.forEach { free($0) } }
    return cArguments.withUnsafeMutableBufferPointer { buffer in
        var argv = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) }
    }
}

/// The entry point libFuzzer's runtime also names (its library refers to it); the driver calls it too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget!.check(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#endif
