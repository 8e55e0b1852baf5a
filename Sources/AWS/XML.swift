import Errors
import Foundation

/// An element of an XML document: enough of XML for AWS Query responses and XML errors
/// (elements, text, character references, CDATA; attributes and namespaces are skipped).
struct XMLNode: Equatable {
    var name: String
    var children: [XMLNode] = []
    var text: String = ""

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// The first element named `name` at any depth, this one included.
    func descendant(_ name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children { if let found = child.descendant(name) { return found } }
        return nil
    }

    struct ParseError: ReportableError {
        let offset: Int, message: String
        var problem: Problem { Problem("malformed XML at byte \(offset): \(message)") }
    }

    /// Parses a whole document and returns its root element.
    static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        var reader = Reader(bytes: bytes)
        var stack: [XMLNode] = []
        var root: XMLNode?
        while let byte = reader.peek() {
            if byte != UInt8(ascii: "<") {
                let text = try reader.text()
                if !stack.isEmpty { stack[stack.count - 1].text += text }
                continue
            }
            if reader.skip(prefix: "<?") { try reader.skip(through: "?>"); continue }
            if reader.skip(prefix: "<!--") { try reader.skip(through: "-->"); continue }
            if reader.skip(prefix: "<![CDATA[") {
                let text = try reader.until("]]>")
                if !stack.isEmpty { stack[stack.count - 1].text += text }
                continue
            }
            if reader.skip(prefix: "<!") { try reader.skip(through: ">"); continue }
            if reader.skip(prefix: "</") {
                let name = reader.name()
                try reader.skip(through: ">")
                guard let open = stack.popLast(), open.name == name else {
                    throw ParseError(offset: reader.offset, message: "unexpected </\(name)>")
                }
                if stack.isEmpty { root = open } else { stack[stack.count - 1].children.append(open) }
                continue
            }
            reader.advance()
            let node = XMLNode(name: reader.name())
            let selfClosing = try reader.skipAttributes()
            if selfClosing {
                if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
            } else {
                stack.append(node)
            }
        }
        guard stack.isEmpty, let root else {
            throw ParseError(offset: reader.offset, message: stack.isEmpty ? "no root element" : "<\(stack.last!.name)> is not closed")
        }
        return root
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        mutating func advance() { offset += 1 }

        /// Compared in place against the literal's own UTF-8 bytes: `until` asks at every candidate.
        mutating func skip(prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard bytes.count - offset >= count else { return false }
            let literal = UnsafeBufferPointer(start: prefix.utf8Start, count: count)
            for index in 0..<count where bytes[offset + index] != literal[index] { return false }
            offset += count
            return true
        }

        mutating func skip(through terminator: StaticString) throws { _ = try until(terminator) }

        /// The raw text up to `terminator`, which is consumed. Only where its first byte occurs is
        /// the rest compared.
        mutating func until(_ terminator: StaticString) throws -> String {
            let start = offset
            let first = terminator.utf8Start.pointee
            while let candidate = bytes[offset...].firstIndex(of: first) {
                offset = candidate
                if skip(prefix: terminator) { return String(decoding: bytes[start..<candidate], as: UTF8.self) }
                offset += 1
            }
            offset = bytes.count
            throw ParseError(offset: start, message: "missing '\(terminator)'")
        }

        mutating func name() -> String {
            let start = offset
            while let byte = peek(), !Self.isSpace(byte), byte != UInt8(ascii: ">"), byte != UInt8(ascii: "/") { offset += 1 }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        /// Skips to the end of a start tag; true when it was `/>`.
        mutating func skipAttributes() throws -> Bool {
            var quote: UInt8?
            while let byte = peek() {
                offset += 1
                if let open = quote { if byte == open { quote = nil }; continue }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { quote = byte; continue }
                if byte == UInt8(ascii: ">") { return offset >= 2 && bytes[offset - 2] == UInt8(ascii: "/") }
            }
            throw ParseError(offset: offset, message: "unterminated start tag")
        }

        /// Character data up to the next `<`, with entity and character references replaced.
        mutating func text() throws -> String {
            let end = bytes[offset...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
            if !bytes[offset..<end].contains(UInt8(ascii: "&")) {
                defer { offset = end }
                return String(decoding: bytes[offset..<end], as: UTF8.self)
            }
            var out: [UInt8] = []
            while let byte = peek(), byte != UInt8(ascii: "<") {
                offset += 1
                guard byte == UInt8(ascii: "&") else { out.append(byte); continue }
                let start = offset
                while let next = peek(), next != UInt8(ascii: ";") { offset += 1; if offset - start > 10 { break } }
                guard peek() == UInt8(ascii: ";") else { throw ParseError(offset: start, message: "unterminated '&' reference") }
                let entity = String(decoding: bytes[start..<offset], as: UTF8.self)
                offset += 1
                out += try Array(Self.resolve(entity, at: start).utf8)
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func resolve(_ entity: String, at offset: Int) throws -> String {
            switch entity {
            case "lt": return "<"
            case "gt": return ">"
            case "amp": return "&"
            case "quot": return "\""
            case "apos": return "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else {
                    throw ParseError(offset: offset, message: "unknown reference '&\(entity);'")
                }
                return String(Character(scalar))
            }
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
    }
}
