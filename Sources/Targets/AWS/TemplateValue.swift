import Text

// A CloudFormation template as an ordered JSON value.
//
// Keys keep the order they were added in, so the same manifest always renders to the
// same bytes and `show template` reads top-down like Copilot's YAML (Type before
// Properties, Source before Build). Foundation's JSONSerialization would sort or
// shuffle them.

/// One JSON value of a template.
public indirect enum TemplateValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    /// A JSON number as written (a float from an override's YAML).
    case number(String)
    case bool(Bool)
    case null
    case array([TemplateValue])
    case object([(String, TemplateValue)])

    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value under `key` when this is an object.
    public subscript(key: String) -> TemplateValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.0 == key }?.1
    }

    // Intrinsic functions, spelled as CloudFormation's JSON form.
    public static func ref(_ logicalID: String) -> TemplateValue { .object([("Ref", .string(logicalID))]) }
    public static func getAtt(_ logicalID: String, _ attribute: String) -> TemplateValue {
        .object([("Fn::GetAtt", .array([.string(logicalID), .string(attribute)]))])
    }
    public static func sub(_ text: String) -> TemplateValue { .object([("Fn::Sub", .string(text))]) }
    public static func strings(_ values: [String]) -> TemplateValue { .array(values.map(TemplateValue.string)) }

    /// JSON on one line, no spaces: a JSON document held in a string property (a CodeBuild action's EnvironmentVariables).
    public func compactRendered() -> String {
        switch self {
        case .array(let items): return "[" + items.map { $0.compactRendered() }.joined(separator: ",") + "]"
        case .object(let entries):
            return "{" + entries.map { key, value in
                var out = ""
                TemplateValue.writeString(key, to: &out)
                return out + ":" + value.compactRendered()
            }.joined(separator: ",") + "}"
        default:
            var out = ""
            write(to: &out, indent: 0)
            return out
        }
    }

    /// Pretty JSON, two-space indent, a trailing newline.
    public func rendered() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .string(let text): TemplateValue.writeString(text, to: &out)
        case .int(let number): out += String(number)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent + 1)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let entries):
            if entries.isEmpty { out += "{}"; return }
            out += "{\n"
            for (index, (key, value)) in entries.enumerated() {
                out += pad
                TemplateValue.writeString(key, to: &out)
                out += ": "
                value.write(to: &out, indent: indent + 1)
                out += index == entries.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        JSONEscaping.append(text, quotedTo: &out)
    }
}
