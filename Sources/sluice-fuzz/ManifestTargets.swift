import Manifest

extension FuzzTarget {
    /// Any text either loads or is refused; a loaded manifest takes every edit, each either refused with
    /// a located error or giving text that, read whole, gives the model the edit made (an edit re-reads
    /// only the part it changed when it can), and an edit that inserts keeps the other lines.
    static let manifest = FuzzTarget(
        name: "manifest", summary: "manifest text → model; every edit reads back, insertions keep the other lines",
        seeds: ["../shared/data/pipeline-corpus", "examples", "Sources/sluice-fuzz/Seeds/yaml"], maxLength: 4096
    ) { input in
        guard let document = try? ManifestDocument(text: String(decoding: input, as: UTF8.self)) else { return }
        for probe in EditProbe.all where probe.applies(document.manifest) {
            var edited = document
            guard edits(probe.name, { try probe.edit(&edited, document.manifest) }) else { continue }
            if (try? ManifestDocument(text: edited.text))?.manifest != edited.manifest {
                violated("\(probe.name): the written text, read whole, and the edited model disagree")
            }
            if probe.inserts, removedLines(from: document.text, in: edited.text) > 1 {
                violated("\(probe.name) changed lines it does not concern")
            }
        }
    }

    /// Values written into a manifest (the splicer quotes them) read back exactly. The first byte
    /// picks the field, the rest is the value.
    static let splicer = FuzzTarget(
        name: "splicer", summary: "a value written into a manifest reads back exactly",
        seeds: ["Sources/sluice-fuzz/Seeds/splicer"], maxLength: 256
    ) { input in
        guard let field = input.first else { return }
        let value = String(decoding: input.dropFirst(), as: UTF8.self)
        // Yams decodes scalars with Foundation, which drops a leading U+FEFF: no spelling keeps it.
        if value.unicodeScalars.first == "\u{FEFF}" { return }
        var document = splicerDocument
        let written: String?
        switch field % 4 {
        case 0:
            guard edits("build image", { try document.setBuildImage(value) }) else { return }
            written = document.manifest.build?.image
        case 1:
            guard edits("build buildspec", { try document.setBuildspecPath(value) }) else { return }
            written = document.manifest.build?.buildspec
        case 2:
            guard edits("test add", { try document.addTestCommand(value, stage: "test") }) else { return }
            written = document.manifest.stages[0].testCommands.last
        default:
            guard edits("source set", {
                try document.setSource(provider: .gitHub, repository: "https://github.com/acme/api", branch: value)
            }) else { return }
            written = document.manifest.source.properties.branch
        }
        if (try? ManifestDocument(text: document.text))?.manifest != document.manifest {
            violated("writing \(value.debugDescription): the text, read whole, and the edited model disagree")
        }
        if written != value {
            violated("\(value.debugDescription) was written as \(String(describing: written).debugDescription)")
        }
    }

    static let buildspec = FuzzTarget(
        name: "buildspec", summary: "buildspec text → phases, or a located refusal",
        seeds: ["../shared/data/pipeline-corpus", "Sources/sluice-fuzz/Seeds/yaml"], maxLength: 4096
    ) { input in
        _ = try? BuildspecParser.parse(String(decoding: input, as: UTF8.self), path: "fuzz")
    }
}

/// Whether `edit` changed the document. A refusal is an expected outcome when it says where the
/// problem is; one without a location, or one reporting sluice's own bug (text it wrote and cannot
/// read back), is a finding.
private func edits(_ name: String, _ edit: () throws -> Bool) -> Bool {
    do {
        return try edit()
    } catch let error as ManifestError {
        if error.line < 1 || error.hint?.contains("please report") == true { violated("\(name): \(error)") }
        return false
    } catch {
        violated("\(name) threw \(type(of: error)), not a ManifestError")
    }
}

/// Parsed once: every splicer input edits a copy.
private let splicerDocument = try! ManifestDocument(text: splicerManifest)

private let splicerManifest = """
    # The pipeline the splicer target writes values into.
    name: fuzz
    version: 1
    source:
      provider: GitHub
      properties:
        repository: https://github.com/acme/api
        branch: main   # the tracked branch
    build:
      image: aws/codebuild/standard:7.0
    stages:
      - name: test
        test_commands:
          - make test
    """

/// One kind of edit, applied as `sluice` would apply it to whatever manifest the fuzzer made.
private struct EditProbe {
    let name: String
    let applies: (PipelineManifest) -> Bool
    let edit: (inout ManifestDocument, PipelineManifest) throws -> Bool
    /// Adds lines only (at most one line rewritten, such as an empty flow list): every other line stays.
    var inserts = false

    static let all: [EditProbe] = {
        // The command table refuses an empty stage name: sluice never edits a stage the manifest leaves unnamed.
        let anyStage: (PipelineManifest) -> Bool = { $0.stages.first?.name.isEmpty == false }
        return [
            EditProbe(name: "source set", applies: { _ in true }) { document, _ in
                try document.setSource(provider: .gitHub, repository: "https://github.com/acme/fuzz", branch: "release", connectionName: "acme")
            },
            EditProbe(name: "stage add", applies: { _ in true }, edit: { document, _ in try document.addStage("zz-fuzz") }, inserts: true),
            EditProbe(name: "stage add before", applies: anyStage) { document, original in
                try document.addStage("aa-fuzz", at: .before(original.stages[0].name))
            },
            EditProbe(name: "stage rm", applies: anyStage) { document, original in try document.removeStage(original.stages[0].name) },
            EditProbe(name: "stage move", applies: { anyStage($0) && $0.stages.count >= 2 && !$0.stages.last!.name.isEmpty }) { document, original in
                try document.moveStage(original.stages.last!.name, to: .before(original.stages[0].name))
            },
            EditProbe(name: "approval", applies: anyStage) { document, original in
                try document.setApproval(!original.stages[0].requiresApproval, stage: original.stages[0].name)
            },
            EditProbe(name: "test add", applies: anyStage, edit: { document, original in
                try document.addTestCommand("make fuzz", stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "test rm", applies: { anyStage($0) && !$0.stages[0].testCommands.isEmpty }) { document, original in
                try document.removeTestCommand(at: 1, stage: original.stages[0].name)
            },
            EditProbe(name: "deploy add", applies: anyStage, edit: { document, original in
                try document.addDeployment(Deployment(name: "fuzz-web", templatePath: "infrastructure/web.yml", dependsOn: []),
                                           stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "deploy rm", applies: { anyStage($0) && !$0.stages[0].deployments.isEmpty }) { document, original in
                try document.removeDeployment(named: original.stages[0].deployments[0].name, stage: original.stages[0].name)
            },
            EditProbe(name: "pre add", applies: anyStage, edit: { document, original in
                try document.addAction(DeploymentAction(name: "fuzz-migrate", buildspec: "migrate.yml"), .pre, stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "post rm", applies: { anyStage($0) && !$0.stages[0].postDeployments.isEmpty }) { document, original in
                try document.removeAction(named: original.stages[0].postDeployments[0].name, .post, stage: original.stages[0].name)
            },
            EditProbe(name: "build image", applies: { _ in true }) { document, _ in try document.setBuildImage("aws/codebuild/standard:7.0") },
            EditProbe(name: "build buildspec", applies: { _ in true }) { document, _ in try document.setBuildspecPath("copilot/fuzz/buildspec.yml") },
            EditProbe(name: "build policy", applies: { _ in true }) { document, _ in
                try document.setAdditionalPolicy(
                    fromFileContent: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}"#,
                    file: "policy.json")
            },
        ]
    }()
}

/// Lines as YAML breaks them (LF, CRLF or CR).
private func lines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
}

/// How many lines of `original` are gone from `edited` (a shortest diff's removals).
private func removedLines(from original: String, in edited: String) -> Int {
    lines(edited).difference(from: lines(original)).removals.count
}
