// swift-tools-version: 6.0
import Foundation
import PackageDescription

// What `sluice --version` says it was built from. scripts/bootstrap.sh (build_release) sets
// these; a plain `swift build` leaves them unset and the binary says so. Only the CBuildInfo C
// file sees them, so a new commit recompiles one C file and relinks, nothing else.
let buildInfo = ProcessInfo.processInfo.environment
let buildInfoDefines: [CSetting] = ["SLUICE_BUILD_COMMIT", "SLUICE_BUILD_SWIFT"].compactMap { name in
    guard let value = buildInfo[name], !value.isEmpty else { return nil }
    let literal = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return .define(name, to: "\"\(literal)\"")
}

// The release binary's ICU data (Sources/CICUData): build_release sets SLUICE_ICU_DATA to the file
// scripts/icu-data-subset writes and SLUICE_ICU_DATA_SYMBOL to the symbol ICU reads it by.
let icuDataDefines: [CSetting] = ["SLUICE_ICU_DATA": "SLUICE_ICU_DATA_FILE", "SLUICE_ICU_DATA_SYMBOL": "SLUICE_ICU_DATA_SYMBOL"]
    .sorted { $0.key < $1.key }
    .compactMap { variable, define in buildInfo[variable].flatMap { $0.isEmpty ? nil : .define(define, to: "\"\($0)\"") } }

// The release link (build_release sets SLUICE_LINKER_SCRIPT to scripts/release.ld): the toolchain's lld,
// which reads the script's INSERT (gold does not). Read-only data shares the code's segment, as gold lays
// it out: lld's separate segment for it cost about 1 ms of every start. SLUICE_STARTUP_ORDER names
// scripts/startup.order: the code and data a start touches, laid side by side, so a start faults in half
// as many of the binary's pages (a name the sources no longer have is passed over). Flags of the link
// alone, so setting them recompiles nothing.
let startupOrder = buildInfo["SLUICE_STARTUP_ORDER"].flatMap { $0.isEmpty ? nil : $0 }
    .map { ["-Xlinker", "--symbol-ordering-file=\($0)", "-Xlinker", "--no-warn-symbol-ordering"] } ?? []
let releaseLink: [LinkerSetting] = buildInfo["SLUICE_LINKER_SCRIPT"].flatMap { $0.isEmpty ? nil : $0 }.map {
    [.unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-rosegment", "-Xlinker", "--no-eh-frame-hdr", "-Xlinker", "-T", "-Xlinker", $0]
        + startupOrder)]
} ?? []

// scripts/fuzz builds everything with address sanitizer (-Xswiftc) and sets SLUICE_FUZZ_COVERAGE: libFuzzer's
// coverage (what -sanitize=fuzzer adds) then instruments only the modules the fuzz targets drive. libFuzzer
// scans every counter after every input, and the HTTP stack's and crypto's were four fifths of them.
let fuzzing = buildInfo["SLUICE_FUZZ_COVERAGE"] != nil
let fuzzCoverage: [SwiftSetting] = fuzzing
    ? [.unsafeFlags(["-sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table"])] : []

// Layering (each module knows only the ones to its left):
//   Text  →  Errors · Processes  →  Manifest  →  CopilotRules  ·  AWS  →  Targets  →  Shell  →  sluice
// (the Shell reaches AWS only through Targets). Errors is the one error model (message, hint, location)
// every module's errors provide. Text is the one escaper of each output format and text measured and
// wrapped in terminal columns. Processes runs every child process sluice starts, bounded (time, output,
// process group). Manifest is the model (YAML, workspace files); CopilotRules, the rule book, holds
// Copilot's names, paths and constraints and validates the model, kept apart from it as Copilot's
// internal/pkg/manifest keeps validate.go apart from its types.
// CLibEdit is the system libedit, used by Shell's line editor only.
let package = Package(
    name: "sluice",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "Errors", dependencies: ["Text"], swiftSettings: fuzzCoverage),
        .target(name: "Text", swiftSettings: fuzzCoverage),
        .target(name: "Processes", dependencies: ["Errors"]),
        .target(
            name: "Manifest",
            dependencies: ["Errors", .product(name: "Yams", package: "Yams")],
            swiftSettings: fuzzCoverage
        ),
        .target(
            name: "CopilotRules",
            dependencies: ["Errors", "Manifest"]
        ),
        .target(
            name: "AWS",
            dependencies: [
                "Errors",
                "Processes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: fuzzCoverage
        ),
        .target(
            name: "Targets",
            dependencies: ["Errors", "Text", "Processes", "Manifest", "CopilotRules", "AWS"]
        ),
        .target(
            name: "Shell",
            dependencies: ["Errors", "Text", "Processes", "Manifest", "CopilotRules", "Targets", "CLibEdit"],
            // The command table's handlers are static methods, Sendable as their enums are: Swift 6's
            // inference says so (without it, whether the compiler warns depends on how it batches files).
            swiftSettings: [.enableUpcomingFeature("InferSendableFromCaptures")] + fuzzCoverage,
            plugins: ["EmbedExampleWorkspace"]
        ),
        // The tour's example workspace, examples/quickstart, generated into Shell at build time.
        .plugin(name: "EmbedExampleWorkspace", capability: .buildTool()),
        // The commit and Swift toolchain the binary was built from (see buildInfoDefines).
        .target(name: "CBuildInfo", cSettings: buildInfoDefines),
        // The release binary's ICU data, smaller than the toolchain's (see icuDataDefines).
        .target(name: "CICUData", cSettings: icuDataDefines),
        .executableTarget(
            name: "sluice",
            dependencies: ["Errors", "Shell", "Targets", "CBuildInfo", "CICUData"],
            linkerSettings: releaseLink
        ),

        // Manifest's corpus report and benchmark (scripts/corpus-report, scripts/bench-manifest).
        .executableTarget(name: "manifest-tool", dependencies: ["Manifest", "CopilotRules"]),
        // The text algorithms' benchmark (scripts/bench-text; `--quick` in scripts/test).
        .executableTarget(name: "text-bench", dependencies: ["Text", "Manifest", "CopilotRules", "Targets"]),

        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address -D FUZZING); a plain
        // build replays saved inputs through the same checks (FuzzRegressionTests).
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(name: "sluice-fuzz", dependencies: ["Text", "Manifest", "Shell", "AWS", "CLibFuzzer"],
                          exclude: ["Seeds"], swiftSettings: fuzzCoverage,
                          linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []),

        // A tiny C shim: posix_openpt & co. are not visible to Swift.
        .target(name: "CPTY", path: "Tests/CPTY"),
        // Child processes, temporary directories, the built binary, the shared corpus.
        // Moto*.swift (the moto test server) signs its set-up calls with the AWS module.
        .target(name: "TestSupport", dependencies: ["AWS"], path: "Tests/TestSupport"),
        .testTarget(name: "ManifestTests", dependencies: ["TestSupport", "Manifest", "CopilotRules"]),
        // One test file per file of the rule book.
        .testTarget(name: "CopilotRulesTests", dependencies: ["TestSupport", "CopilotRules", "Manifest"]),
        .testTarget(name: "AWSTests", dependencies: ["TestSupport", "AWS", "Errors"]),
        .testTarget(name: "TargetsTests", dependencies: ["TestSupport", "Targets", "Manifest", "CopilotRules", "AWS",
                                                         .product(name: "Yams", package: "Yams")]),
        // Shell and interactive tests run the built `sluice` binary as a separate process.
        .testTarget(name: "ShellTests", dependencies: ["TestSupport", "Text", "Shell", "sluice"], exclude: ["Golden"]),
        // Replays every fuzzer finding and seed through the built sluice-fuzz.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["TestSupport", "sluice-fuzz"]),
        .testTarget(name: "InteractiveTests", dependencies: ["TestSupport", "CPTY", "sluice", "AWS"]),
    ],
    swiftLanguageModes: [.v5]
)
