import Foundation
import Manifest

/// `name`: present, letters, digits and hyphens from a letter, within CodePipeline's limit on pipeline
/// names and CloudFormation's on the stack name it becomes part of.
public enum PipelineNameRule: ManifestRule {
    case missing
    case invalidCharacters(name: String)
    case tooLong(name: String)
    /// `application` nil: the workspace is not known, so the stack name is shown with APP.
    case stackNameTooLong(application: String?, name: String)

    /// CodePipeline's limit on pipeline names, which Copilot applies to the manifest's name.
    public static let maxLength = 100

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .missing:
            return "the pipeline has no name"
        case .invalidCharacters(let name):
            return "pipeline name \(name) must start with a letter and hold only letters, digits and hyphens"
        case .tooLong(let name):
            return "pipeline name \(name) is longer than \(Self.maxLength) characters"
        case .stackNameTooLong(let application, let name):
            return "the stack name \(StackNames.pipeline(application: application ?? "APP", pipeline: name)) "
                + "is longer than \(StackNames.maxLength) characters"
        }
    }

    public var hint: String? {
        switch self {
        case .missing:
            return "add `name: NAME` (letters, digits and hyphens)"
        case .invalidCharacters:
            return "it becomes part of a CloudFormation stack name, which allows nothing else"
        case .tooLong:
            return "CodePipeline allows at most \(Self.maxLength), and Copilot refuses longer names"
        case .stackNameTooLong(let application, let name):
            let stack = StackNames.pipeline(application: application ?? "", pipeline: name)
            return "shorten the pipeline name to at most \(StackNames.maxLength - (stack.count - name.count)) characters"
        }
    }

    /// A new pipeline's name unless told: Copilot's REPO-BRANCH, lowercased, with what a pipeline name
    /// cannot hold turned into hyphens (`api` on `release/2.x`: `api-release-2-x`), starting with a letter.
    /// Copilot offers no name then, and asks; a script cannot be asked.
    public static func defaultName(repository: String, branch: String) -> String {
        var name = ""
        for character in "\(repository)-\(branch)".lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                name.append(character)
            } else if !name.isEmpty, name.last != "-" {
                name.append("-")
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        return name.first?.isLetter == true ? name : "pipeline-" + name
    }

    static func check(_ input: RuleInput, into findings: inout Findings) {
        let name = input.manifest.name
        let path: [PathStep] = [.key("name")]
        guard input.isWritten(path), !name.isEmpty else {
            findings.add(.name(.missing), at: .top)
            return
        }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        if !allowed || !(name.unicodeScalars.first.map { CharacterSet.letters.contains($0) && $0.isASCII } ?? false) {
            findings.add(.name(.invalidCharacters(name: name)), at: .value(path))
        }
        if name.count > maxLength {
            findings.add(.name(.tooLong(name: name)), at: .value(path))
        }
        if StackNames.pipeline(application: input.application ?? "", pipeline: name).count > StackNames.maxLength {
            findings.add(.name(.stackNameTooLong(application: input.application, name: name)), at: .value(path))
        }
    }
}
