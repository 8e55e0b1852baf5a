import Errors
import Foundation

/// An INI file as the AWS CLI reads `~/.aws/config` and `~/.aws/credentials` (Python's
/// RawConfigParser, then botocore's one level of nesting): `[section]` headers, `key = value`
/// or `key: value`, `#`/`;` comment lines, and indented lines continuing the previous key —
/// a key whose value starts on the next line holds nested `name = value` settings.
struct ConfigFile {
    enum Value: Equatable {
        case text(String)
        case nested([String: String])
    }

    struct ParseError: ReportableError {
        let path: String, line: Int, message: String
        var problem: Problem { Problem(message, at: TextLocation(file: path, line: line)) }
    }

    let path: String
    /// Section name → lower-cased key → value. Repeated sections merge, later keys win.
    private(set) var sections: [String: [String: Value]] = [:]

    /// nil when the file does not exist.
    static func load(_ path: String) throws -> ConfigFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try ConfigFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    init(path: String, text: String) throws {
        self.path = path
        var section: String?
        var key: String?
        // A continued value's raw lines, flushed into `sections` when the next key or section starts.
        var pending: [String] = []
        var keyLine = 0
        func flush() throws {
            guard let section, let key else { return }
            sections[section, default: [:]][key] = try Self.value(pending, path: path, line: keyLine)
        }
        for (index, rawLine) in text.components(separatedBy: .newlines).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if rawLine.first == " " || rawLine.first == "\t", key != nil {
                pending.append(line)
                continue
            }
            try flush()
            key = nil
            pending = []
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ParseError(path: path, line: index + 1, message: "a section header needs a closing ']'")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                section = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard section != nil else {
                throw ParseError(path: path, line: index + 1, message: "a setting before any [section] header")
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ParseError(path: path, line: index + 1, message: "expected 'name = value', found '\(line)'")
            }
            key = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            keyLine = index + 1
            pending = [line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)]
        }
        try flush()
    }

    /// A single line is text; an empty first line followed by indented lines is a nested block.
    private static func value(_ lines: [String], path: String, line keyLine: Int) throws -> Value {
        guard lines.count > 1, lines[0].isEmpty else { return .text(lines.joined(separator: "\n")) }
        var nested: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: keyLine, message: "nested setting '\(line)' needs 'name = value'")
            }
            nested[line[..<equals].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return .nested(nested)
    }

    func text(_ section: String, _ key: String) -> String? {
        if case .text(let value)? = sections[section]?[key] { return value }
        return nil
    }

    func nested(_ section: String, _ key: String) -> [String: String]? {
        if case .nested(let value)? = sections[section]?[key] { return value }
        return nil
    }

    /// The config file names profiles `[profile NAME]` (and `[default]`).
    func configSection(forProfile profile: String) -> String? {
        if profile == "default", sections["default"] != nil { return "default" }
        let name = "profile \(profile)"
        return sections[name] != nil ? name : nil
    }
}
