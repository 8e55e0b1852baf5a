import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Manifest
import Processes

// A pipeline's overrides applied to its rendered template, as Copilot applies them before every
// `pipeline deploy` and `pipeline package` (internal/pkg/override: patch.go, cdk.go): YAML patches
// in place, or a CDK application run with Node. sluice deploys nothing it cannot override.

enum TemplateOverrides {
    /// `template` with the overrides of `pipeline` applied (unchanged when it has none).
    static func apply(to template: TemplateValue, of pipeline: PipelineContext, environment: [String: String]) async throws -> TemplateValue {
        switch try pipeline.overrides ?? PipelineOverrides.load(workspaceRoot: pipeline.workspaceRoot, pipeline: pipeline.manifest.name) {
        case .none:
            return template
        case .yamlPatches(let file, let patches):
            // Every patch, CodePipeline V2's settings included, applies as Copilot applies it: the template is Copilot's.
            // The patch that left it no longer the pipeline's template, unless a later one mended it.
            var breaking: (patch: TemplatePatch, problem: String)?
            let patched = try TemplatePatching.apply(patches, file: file, to: template) { patch, document in
                let problem = TemplateCheck.structuralProblem(document)
                if let problem, breaking == nil { breaking = (patch, problem) } else if problem == nil { breaking = nil }
            }
            if let (patch, problem) = breaking {
                throw ManifestError(file: file, line: patch.line, column: patch.column,
                                    message: "after this patch (op \(patch.operation), path \(patch.path)) the template \(problem)",
                                    hint: "paths start with / (`/Resources/…`, `/Outputs`); `show template` without the patch shows them")
            }
            return patched ?? .object([])
        case .cdk(let directory):
            return try await CDKOverride(directory: directory, displayPath: PipelineOverrides.directory(pipeline: pipeline.manifest.name),
                                         application: pipeline.application, environment: environment).apply(to: template)
        }
    }
}

/// Copilot's YAML patches (override.Patch): add, remove and replace at JSON pointers, one after the
/// other, with Copilot's quirks kept — the pointer's first token is skipped at the document, `add`
/// on an existing key replaces its value — and its error texts, located at the patch.
enum TemplatePatching {
    /// `template` patched (nil when the patches removed all of it); throws at a patch that does not
    /// apply. `afterEach` sees the document after each patch. `markingDescription`: Copilot's mark of a
    /// patched template (false when reading settings out of patches).
    static func apply(_ patches: [TemplatePatch], file: String, to template: TemplateValue?, markingDescription: Bool = true,
                      afterEach: (TemplatePatch, TemplateValue?) -> Void = { _, _ in }) throws -> TemplateValue? {
        var document = template
        for (index, patch) in patches.enumerated() {
            defer { afterEach(patch, document) }
            do {
                switch patch.operation {
                case "add": try add(patch, to: &document)
                case "remove": try remove(patch, from: &document)
                case "replace": try replace(patch, in: &document)
                default:
                    throw ManifestError(file: file, line: patch.line, column: patch.column,
                                        message: "unsupported operation \"\(patch.operation)\": supported operations are \"add\", \"remove\", and \"replace\".",
                                        hint: "a patch's `op` is add, remove or replace")
                }
            } catch let problem as PatchProblem {
                throw ManifestError(file: file, line: patch.line, column: patch.column,
                                    message: "unable to apply the \"\(patch.operation)\" patch at index \(index): \(problem.message)",
                                    hint: "`show template` without the patch shows the paths it can use (resources in JSON form: {\"Fn::GetAtt\": […]}, not !GetAtt)")
            }
        }
        // Copilot marks a patched template in its description (an empty patch file too).
        if markingDescription, case .object(var entries)? = document,
           let index = entries.firstIndex(where: { $0.0 == "Description" }), case .string(let text) = entries[index].1 {
            entries[index].1 = .string((text.hasSuffix(".") ? String(text.dropLast()) : text) + " using AWS Copilot with YAML patches.")
            document = .object(entries)
        }
        return document
    }

    struct PatchProblem: Error { var message: String }

    /// RFC 6901's tokens: split at `/`, then `~1` is `/` and `~0` is `~`.
    static func pointer(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func value(of patch: TemplatePatch) throws -> TemplateValue {
        guard let value = patch.value else { throw PatchProblem(message: "value required") }
        return CloudFormationYAML.value(value)
    }

    static func add(_ patch: TemplatePatch, to document: inout TemplateValue?) throws {
        let value = try value(of: patch)
        try changeParent(of: patch.path, in: &document, whole: value) { entries, key, _ in
            if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = value } else { entries.append((key, value)) }
        } inSequence: { items, key, parent in
            items.insert(value, at: key == "-" ? items.count : try index(key, last: items.count, traversed: parent))
        }
    }

    static func remove(_ patch: TemplatePatch, from document: inout TemplateValue?) throws {
        try changeParent(of: patch.path, in: &document, whole: nil) { entries, key, parent in
            guard let index = entries.firstIndex(where: { $0.0 == key }) else { throw notFound(key, traversed: parent) }
            entries.remove(at: index)
        } inSequence: { items, key, parent in
            items.remove(at: try index(key, last: items.count - 1, traversed: parent))
        }
    }

    /// Changes the mapping or sequence holding the node at `path` (its last token is the key); a path
    /// whose parent is the document makes the document `whole`, as Copilot's encoding into the document node does.
    private static func changeParent(of path: String, in document: inout TemplateValue?, whole: TemplateValue?,
                                     inMapping: (inout [(String, TemplateValue)], String, [String]) throws -> Void,
                                     inSequence: (inout [TemplateValue], String, [String]) throws -> Void) throws {
        let pointer = pointer(path)
        let parent = Array(pointer.dropLast()), key = pointer.last ?? ""
        guard !parent.isEmpty else { document = whole; return }
        try change(&document, at: parent) { node in
            switch node {
            case .object(var entries):
                try inMapping(&entries, key, parent)
                node = .object(entries)
            case .array(var items):
                try inSequence(&items, key, parent)
                node = .array(items)
            default:
                throw invalidKind(node, traversed: parent)
            }
        }
    }

    static func replace(_ patch: TemplatePatch, in document: inout TemplateValue?) throws {
        let value = try value(of: patch)
        try change(&document, at: pointer(patch.path)) { $0 = value }
    }

    /// Runs `body` on the node at `pointer`, whose first token names the document (any text does, as in Copilot's findNodeWithPointer).
    static func change(_ document: inout TemplateValue?, at pointer: [String], _ body: (inout TemplateValue) throws -> Void) throws {
        guard var root = document else { throw PatchProblem(message: "invalid yaml document node with no content") }
        try change(&root, remaining: pointer.dropFirst(), traversed: Array(pointer.prefix(1)), body)
        document = root
    }

    private static func change(_ node: inout TemplateValue, remaining: ArraySlice<String>, traversed: [String],
                               _ body: (inout TemplateValue) throws -> Void) throws {
        guard let key = remaining.first else { return try body(&node) }
        switch node {
        case .object(var entries):
            guard let index = entries.firstIndex(where: { $0.0 == key }) else { throw notFound(key, traversed: traversed) }
            try change(&entries[index].1, remaining: remaining.dropFirst(), traversed: traversed + [key], body)
            node = .object(entries)
        case .array(var items):
            let index = try index(key, last: items.count - 1, traversed: traversed)
            try change(&items[index], remaining: remaining.dropFirst(), traversed: traversed + [key], body)
            node = .array(items)
        default:
            throw invalidKind(node, traversed: traversed)
        }
    }

    /// A sequence index from 0 to `last` (Copilot's idxOrError, whose message calls `last` the length).
    private static func index(_ key: String, last: Int, traversed: [String]) throws -> Int {
        guard let index = Int(key) else {
            throw PatchProblem(message: "key \"\(traversed.joined(separator: "/"))\": expected index in sequence, got \"\(key)\"")
        }
        guard index >= 0, index <= last else {
            throw PatchProblem(message: "key \"\(traversed.joined(separator: "/"))\": index \(index) out of bounds for sequence of length \(last)")
        }
        return index
    }

    private static func notFound(_ key: String, traversed: [String]) -> PatchProblem {
        PatchProblem(message: "key \"\(traversed.joined(separator: "/"))\": \"\(key)\" not found in map")
    }

    private static func invalidKind(_ node: TemplateValue, traversed: [String]) -> PatchProblem {
        let kind: String
        switch node {
        case .object: kind = "mapping"
        case .array: kind = "sequence"
        default: kind = "scalar"
        }
        return PatchProblem(message: "key \"\(traversed.joined(separator: "/"))\": invalid node type \(kind)")
    }
}

/// YAML as CloudFormation reads it into its JSON form: the short-form functions (`!Ref X`,
/// `!GetAtt A.B`, `!Sub …`) become `{"Ref": …}`, `{"Fn::GetAtt": [A, B]}`, `{"Fn::Sub": …}`;
/// plain scalars are typed by YAML 1.2's core schema (as Copilot's YAML library reads them).
enum CloudFormationYAML {
    static func value(_ yaml: TaggedYAML) -> TemplateValue {
        switch yaml {
        case .scalar(let text, let tag, let plain):
            guard let tag else { return plain ? typed(text) : .string(text) }
            if isShortForm(tag) { return function(tag, typed(text)) }
            switch tag {
            case "tag:yaml.org,2002:null": return .null
            case "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": return typed(text)
            default: return .string(text)
            }
        case .sequence(let items, let tag):
            let array = TemplateValue.array(items.map(value))
            return tag.map { isShortForm($0) ? function($0, array) : array } ?? array
        case .mapping(let entries, let tag):
            let object = TemplateValue.object(entries.map { ($0.key, value($0.value)) })
            return tag.map { isShortForm($0) ? function($0, object) : object } ?? object
        }
    }

    /// `!Ref`, `!Sub`…; not YAML's own tags (`!!str`).
    private static func isShortForm(_ tag: String) -> Bool {
        tag.hasPrefix("!") && !tag.hasPrefix("!!")
    }

    /// The JSON form of the short-form function `tag` (`!Sub`) applied to `argument`.
    static func function(_ tag: String, _ argument: TemplateValue) -> TemplateValue {
        let function = String(tag.dropFirst())
        switch function {
        case "Ref", "Condition":
            return .object([(function, argument)])
        case "GetAtt":
            // `!GetAtt Resource.Attribute`: the attribute may itself hold dots.
            if case .string(let text) = argument, let dot = text.firstIndex(of: ".") {
                return .getAtt(String(text[..<dot]), String(text[text.index(after: dot)...]))
            }
            return .object([("Fn::GetAtt", argument)])
        default:
            return .object([("Fn::\(function)", argument)])
        }
    }

    /// A plain scalar by YAML 1.2's core schema: null, booleans, integers and floats; text otherwise.
    static func typed(_ text: String) -> TemplateValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if text.wholeMatch(of: #/[-+]?[0-9]+/#) != nil {
            return Int(text).map(TemplateValue.int) ?? .number(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        }
        if text.hasPrefix("0x"), let number = Int(text.dropFirst(2), radix: 16) { return .int(number) }
        if text.hasPrefix("0o"), let number = Int(text.dropFirst(2), radix: 8) { return .int(number) }
        if text.wholeMatch(of: #/[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/#) != nil, let number = Double(text) {
            // JSON wants a digit on both sides of the point and no `+`: written back from the number.
            return .number(text.wholeMatch(of: #/-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/#) != nil ? text : "\(number)")
        }
        return .string(text)
    }
}

/// Copilot's CDK override: the package manager installs the overrides' dependencies (the CDK
/// among them), `cdk synth` transforms the template, and Copilot's clean-up follows.
struct CDKOverride {
    var directory: URL
    /// The directory relative to the workspace root, for messages.
    var displayPath: String
    var application: String
    var environment: [String: String]

    func apply(to template: TemplateValue) async throws -> TemplateValue {
        let manager = try packageManager()
        try await run(manager, ["install"], what: "\(manager) install")
        let cdk = directory.appendingPathComponent("node_modules/.bin/cdk")
        guard FileManager.default.isExecutableFile(atPath: cdk.path) else {
            throw ManifestError(file: displayPath, message: "the CDK toolkit is not installed: \(manager) install left no node_modules/.bin/cdk",
                                hint: "the overrides' package.json must depend on aws-cdk (as `copilot pipeline override --toolkit cdk` writes it)")
        }
        // Where Copilot's CDK application reads the template, in a directory of the overrides' own.
        try AtomicFile.write(Data(template.rendered().utf8), to: directory.appendingPathComponent(".build/in.yml"),
                             directories: .created(within: directory))
        let synthesized = try await run(cdk.path, ["synth", "--no-version-reporting"], what: "cdk synth", keepsOutput: true)
        guard let yaml = try TaggedYAML.parse(synthesized, file: "\(displayPath) (cdk synth output)", aliases: .bounded) else {
            throw ManifestError(file: displayPath, message: "cdk synth printed no template", hint: "run `npx cdk synth` in the directory to see why")
        }
        let overridden = cleanUp(CloudFormationYAML.value(yaml))
        if let problem = TemplateCheck.structuralProblem(overridden) {
            throw ManifestError(file: displayPath, message: "the template cdk synth printed \(problem)",
                                hint: "the CDK application must keep the template it is given (.build/in.yml) and change it")
        }
        return overridden
    }

    /// Copilot's clean-up: the template's sections in their usual order (CDK's Rules dropped),
    /// no BootstrapVersion parameter, and the description marked.
    func cleanUp(_ synthesized: TemplateValue) -> TemplateValue {
        var sections: [(String, TemplateValue)] = []
        for name in ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Transform",
                     "Resources", "Outputs"] {
            var section = synthesized[name]
            if name == "Description" {
                var text: String = ""
                if case .string(let described)? = section { text = described.hasSuffix(".") ? String(described.dropLast()) : described }
                section = .string(text + " using AWS Copilot and CDK.")
            }
            if name == "Parameters", case .object(let parameters)? = section {
                let kept = parameters.filter { $0.0 != "BootstrapVersion" }
                section = kept.isEmpty ? nil : .object(kept)
            }
            if let section { sections.append((name, section)) }
        }
        return .object(sections)
    }

    /// npm or yarn, as Copilot chooses: the only one installed, else the one whose lock file the overrides have (npm first).
    private func packageManager() throws -> String {
        let path = environment["PATH"] ?? ""
        let managers = ["npm", "yarn"].filter { programPath($0, searchPath: path) != nil }
        let missing = (programPath("node", searchPath: path) == nil ? ["node"] : []) + (managers.isEmpty ? ["npm (or yarn)"] : [])
        guard missing.isEmpty else {
            throw ManifestError(file: displayPath,
                                message: "this pipeline's overrides are a CDK application (cdk.json), which needs Node.js and npm or yarn; "
                                    + "not on PATH: \(missing.joined(separator: ", "))",
                                hint: "install Node.js and npm (https://docs.npmjs.com/downloading-and-installing-node-js-and-npm) "
                                    + "or yarn; sluice deploys no pipeline without its overrides")
        }
        if managers.count > 1, FileManager.default.fileExists(atPath: directory.appendingPathComponent("yarn.lock").path),
           !FileManager.default.fileExists(atPath: directory.appendingPathComponent("package-lock.json").path) {
            return "yarn"
        }
        return managers[0]
    }

    /// Each step may take 10 minutes (`npm install` downloads); the template `cdk synth` prints is
    /// kept up to 8 MiB (CloudFormation takes at most 1 MB).
    static let limits = ChildLimits(timeout: .seconds(600), outputBytes: 8 << 20)

    /// Runs a program in the overrides directory, bounded (see ``ChildProcess``); what it prints
    /// goes to stderr a line at a time, masked, as Copilot shows it — but for the template
    /// `cdk synth` prints (`keepsOutput`), which is returned.
    @discardableResult
    private func run(_ program: String, _ arguments: [String], what: String, keepsOutput: Bool = false) async throws -> String {
        let diagnostics = ChildStream.lines { line in
            var bytes = Array(line)
            Secrets.redact(&bytes)
            bytes.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
        let process = ChildProcess(program: program, arguments: arguments, directory: directory,
                                   environment: environment.merging(["COPILOT_APPLICATION_NAME": application]) { $1 },
                                   limits: try ChildLimits.configured("SLUICE_CDK_TIMEOUT", default: Self.limits, environment: environment),
                                   output: keepsOutput ? .kept : diagnostics, errors: diagnostics, name: what)
        let finished = try await process.run()
        guard finished.status == 0 else {
            throw ManifestError(file: displayPath, message: "\(what) failed (exit status \(finished.status))",
                                hint: "its output is above; the template was not overridden, so nothing was deployed")
        }
        return String(decoding: finished.output, as: UTF8.self)
    }
}

/// The executable `program` in a directory of `searchPath` (a PATH value), as a shell finds it.
func programPath(_ program: String, searchPath: String) -> String? {
    searchPath.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
