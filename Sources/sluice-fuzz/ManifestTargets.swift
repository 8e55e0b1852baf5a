import Manifest

extension FuzzTarget {
    /// Any text either loads or is refused; a loaded manifest takes every edit so that the text it
    /// writes reads back to the model the edit made, and an edit that inserts keeps the other lines.
    static let manifest = FuzzTarget(
        name: "manifest", summary: "manifest text → model; every edit reads back, insertions keep the other lines",
        seeds: ["../shared/data/pipeline-corpus", "examples"]
    ) { input in
        guard let document = try? ManifestDocument(text: String(decoding: input, as: UTF8.self)) else { return }
        for probe in EditProbe.all where probe.applies(document.manifest) {
            var edited = document
            guard (try? probe.edit(&edited, document.manifest)) == true else { continue }
            guard let reread = try? ManifestDocument(text: edited.text) else {
                violated("\(probe.name) wrote a manifest that does not load")
            }
            if reread.manifest != edited.manifest { violated("\(probe.name): the written text and the model disagree") }
            if probe.inserts, removedLines(from: document.text, in: edited.text) > 1 {
                violated("\(probe.name) changed lines it does not concern")
            }
        }
    }

    /// Values written into a manifest (the splicer quotes them) read back exactly. The first byte
    /// picks the field, the rest is the value.
    static let splicer = FuzzTarget(
        name: "splicer", summary: "a value written into a manifest reads back exactly",
        seeds: ["Sources/sluice-fuzz/Seeds/splicer"]
    ) { input in
        guard let field = input.first else { return }
        let value = String(decoding: input.dropFirst(), as: UTF8.self)
        // Yams decodes scalars with Foundation, which drops a leading U+FEFF: no spelling keeps it.
        if value.unicodeScalars.first == "\u{FEFF}" { return }
        var document = try! ManifestDocument(text: splicerManifest)
        let written: String?
        switch field % 4 {
        case 0:
            guard (try? document.setBuildImage(value)) != nil else { return }
            written = document.manifest.build?.image
        case 1:
            guard (try? document.setBuildspecPath(value)) != nil else { return }
            written = document.manifest.build?.buildspec
        case 2:
            guard (try? document.addTestCommand(value, stage: "test")) != nil else { return }
            written = document.manifest.stages[0].testCommands.last
        default:
            guard (try? document.setSource(provider: .gitHub, repository: "https://github.com/acme/api", branch: value)) != nil else { return }
            written = document.manifest.source.properties.branch
        }
        guard let reread = try? ManifestDocument(text: document.text) else {
            violated("writing \(value.debugDescription) made a manifest that does not load")
        }
        if reread.manifest != document.manifest || written != value {
            violated("\(value.debugDescription) was written as \(String(describing: written).debugDescription)")
        }
    }

    static let buildspec = FuzzTarget(
        name: "buildspec", summary: "buildspec text → phases, or a located refusal",
        seeds: ["../shared/data/pipeline-corpus"]
    ) { input in
        _ = try? BuildspecParser.parse(String(decoding: input, as: UTF8.self), path: "fuzz")
    }
}

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
        let anyStage: (PipelineManifest) -> Bool = { !$0.stages.isEmpty }
        return [
            EditProbe(name: "source set", applies: { _ in true }) { document, _ in
                try document.setSource(provider: .gitHub, repository: "https://github.com/acme/fuzz", branch: "release", connectionName: "acme")
            },
            EditProbe(name: "stage add", applies: { _ in true }, edit: { document, _ in try document.addStage("zz-fuzz") }, inserts: true),
            EditProbe(name: "stage add before", applies: anyStage) { document, original in
                try document.addStage("aa-fuzz", at: .before(original.stages[0].name))
            },
            EditProbe(name: "stage rm", applies: anyStage) { document, original in try document.removeStage(original.stages[0].name) },
            EditProbe(name: "stage move", applies: { $0.stages.count >= 2 }) { document, original in
                try document.moveStage(original.stages.last!.name, to: .before(original.stages[0].name))
            },
            EditProbe(name: "approval", applies: anyStage) { document, original in
                try document.setApproval(!original.stages[0].requiresApproval, stage: original.stages[0].name)
            },
            EditProbe(name: "test add", applies: anyStage, edit: { document, original in
                try document.addTestCommand("make fuzz", stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "test rm", applies: { $0.stages.first?.testCommands.isEmpty == false }) { document, original in
                try document.removeTestCommand(at: 1, stage: original.stages[0].name)
            },
            EditProbe(name: "deploy add", applies: anyStage, edit: { document, original in
                try document.addDeployment(Deployment(name: "fuzz-web", templatePath: "infrastructure/web.yml", dependsOn: []),
                                           stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "deploy rm", applies: { $0.stages.first?.deployments.isEmpty == false }) { document, original in
                try document.removeDeployment(named: original.stages[0].deployments[0].name, stage: original.stages[0].name)
            },
            EditProbe(name: "pre add", applies: anyStage, edit: { document, original in
                try document.addAction(DeploymentAction(name: "fuzz-migrate", buildspec: "migrate.yml"), .pre, stage: original.stages[0].name)
            }, inserts: true),
            EditProbe(name: "post rm", applies: { $0.stages.first?.postDeployments.isEmpty == false }) { document, original in
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
