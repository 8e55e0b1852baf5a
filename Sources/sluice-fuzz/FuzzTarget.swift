/// One thing libFuzzer drives: a name, where its seeds come from, and a check that returns quietly
/// for any input whatsoever. A check traps (`preconditionFailure`) only when sluice breaks a promise:
/// a crash, or a result that contradicts itself (an edit that does not read back, a quoted word that
/// lexes as another word). Errors sluice reports to the user are expected outcomes, not findings.
struct FuzzTarget {
    let name: String
    /// What the target exercises, for `sluice-fuzz --list` and scripts/fuzz.
    let summary: String
    /// Seed folders or files, relative to the repository (`../shared/data/…` lies beside it).
    let seeds: [String]
    /// The longest input libFuzzer makes (`-max_len`), about the size of the largest real input: longer
    /// ones find nothing new and run slower.
    let maxLength: Int
    let check: (_ input: [UInt8]) -> Void

    static let all: [FuzzTarget] = [
        .lexer, .binder, .manifest, .splicer, .buildspec, .sigv4, .errorResponses, .xml, .dot, .mermaid, .shell, .json,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// A finding: sluice broke a promise on this input.
func violated(_ promise: String, file: StaticString = #file, line: UInt = #line) -> Never {
    preconditionFailure("fuzz: \(promise)", file: file, line: line)
}
