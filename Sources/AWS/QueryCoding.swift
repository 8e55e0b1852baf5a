import Foundation

/// The AWS Query protocol's two halves: a request shape flattened to form parameters
/// (`Parameters.member.1.ParameterKey=…`), and an XML response read into a response shape
/// (`<Stacks><member>…</member></Stacks>` is a list).
enum QueryCoding {
    /// Flattens `value` into form parameters. Lists are `NAME.member.N` (1-based); an empty
    /// list is sent as `NAME=` so that "none" differs from "unchanged", as botocore does.
    static func parameters<Value: Encodable>(_ value: Value) throws -> [(name: String, value: String)] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .custom { MemberName.wireKey($0.last!) }
        let object = try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
        var out: [(name: String, value: String)] = []
        flatten(object, prefix: "", into: &out)
        return out
    }

    private static func flatten(_ object: Any, prefix: String, into out: inout [(name: String, value: String)]) {
        switch object {
        case let dictionary as [String: Any]:
            for key in dictionary.keys.sorted() {
                flatten(dictionary[key]!, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &out)
            }
        case let array as [Any]:
            if array.isEmpty { out.append((name: prefix, value: "")) }
            for (index, element) in array.enumerated() { flatten(element, prefix: "\(prefix).member.\(index + 1)", into: &out) }
        case let string as String:
            out.append((name: prefix, value: string))
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; their Objective-C type is `c`.
            let isBool = String(cString: number.objCType) == "c"
            out.append((name: prefix, value: isBool ? (number.boolValue ? "true" : "false") : number.stringValue))
        default:
            break // NSNull: an absent value
        }
    }

    /// Decodes the `<ACTIONResult>` element of a Query response.
    static func decode<Value: Decodable>(_ type: Value.Type, from node: XMLNode) throws -> Value {
        try Value(from: XMLValueDecoder(node: node, codingPath: []))
    }
}

/// Timestamps as AWS sends them: epoch seconds (JSON protocols) or ISO-8601 (Query, and moto
/// in some JSON responses), with or without fractional seconds and a zone (`Z` or `±hh:mm`; none
/// is UTC). Every field must be in range and nothing may follow: `2099-13-45T99:99:99Z` is no time.
public enum AWSTimestamp {
    public static func parse(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard bytes.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              (1...12).contains(month), (1...CivilDate.days(inMonth: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            fraction = Double("0." + String(decoding: bytes[start..<index], as: UTF8.self)) ?? 0
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let colon = index + 3 < bytes.count && bytes[index + 3] == UInt8(ascii: ":")
            guard let hours = number(index + 1..<index + 3), let minutes = number((colon ? index + 4 : index + 3)..<(colon ? index + 6 : index + 5)),
                  hours < 24, minutes < 60 else { return nil }
            offset = (bytes[index] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            index += colon ? 6 : 5
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

extension CivilDate {
    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A `Decoder` over an XML element: a keyed container reads child elements by name, an
/// unkeyed one reads `<member>` children, a single value is the element's text.
private struct XMLValueDecoder: Decoder, SingleValueDecodingContainer {
    let node: XMLNode
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        Unkeyed(members: node.children.filter { $0.name == "member" }, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }

    func scalar<T: LosslessStringConvertible>(_ type: T.Type) throws -> T {
        let text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = T(text) else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "'\(text)' is not a \(T.self)"))
        }
        return value
    }

    func decode(_ type: String.Type) throws -> String { node.text }
    func decode(_ type: Bool.Type) throws -> Bool { try scalar(Bool.self) }
    func decode(_ type: Double.Type) throws -> Double { try scalar(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard let date = AWSTimestamp.parse(node.text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw DecodingError.typeMismatch(Date.self, .init(codingPath: codingPath, debugDescription: "'\(node.text)' is not a timestamp"))
            }
            return date as! T
        }
        return try T(from: self)
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let node: XMLNode
        let codingPath: [CodingKey]
        var allKeys: [Key] { node.children.compactMap { Key(stringValue: MemberName.swiftName($0.name)) } }

        /// The child element for a Swift member name (`stackId` reads `<StackId>`).
        func element(_ key: CodingKey) -> XMLNode? {
            node.children.first { MemberName.swiftName($0.name) == key.stringValue }
        }

        func contains(_ key: Key) -> Bool { element(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let child = element(key) else {
                // A list with no members may be left out altogether.
                if let empty = (T.self as? EmptyList.Type)?.empty as? T { return empty }
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no <\(key.stringValue)> in <\(node.name)>"))
            }
            return try XMLValueDecoder(node: child, codingPath: codingPath + [key]).decode(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(node: element(key) ?? XMLNode(name: key.stringValue),
                                                    codingPath: codingPath + [key]))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            try XMLValueDecoder(node: element(key) ?? XMLNode(name: key.stringValue), codingPath: codingPath + [key])
                .unkeyedContainer()
        }

        func superDecoder() throws -> Decoder { XMLValueDecoder(node: node, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> Decoder {
            XMLValueDecoder(node: element(key) ?? XMLNode(name: key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let members: [XMLNode]
        let codingPath: [CodingKey]
        var currentIndex = 0
        var count: Int? { members.count }
        var isAtEnd: Bool { currentIndex >= members.count }

        mutating func decodeNil() throws -> Bool { false }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath, debugDescription: "no more <member> elements"))
            }
            defer { currentIndex += 1 }
            return try XMLValueDecoder(node: members[currentIndex], codingPath: codingPath).decode(T.self)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try nextDecoder().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try nextDecoder().unkeyedContainer() }
        mutating func superDecoder() throws -> Decoder { try nextDecoder() }

        private mutating func nextDecoder() throws -> XMLValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(XMLNode.self, .init(codingPath: codingPath, debugDescription: "no more <member> elements"))
            }
            defer { currentIndex += 1 }
            return XMLValueDecoder(node: members[currentIndex], codingPath: codingPath)
        }
    }
}

/// Lists, which an XML response leaves out when they have no members.
private protocol EmptyList { static var empty: Self { get } }
extension Array: EmptyList { fileprivate static var empty: Self { [] } }

/// Swift member names for AWS wire names: the leading capitals lower-cased (`StackId` →
/// `stackId`, `ARN` → `arn`, `RoleARN` → `roleARN`, `ARNList` → `arnList`), camelCase names
/// unchanged. Requests go back by capitalising the first letter.
enum MemberName {
    static func swiftName(_ wire: String) -> String {
        let characters = Array(wire)
        var run = 0
        while run < characters.count, characters[run].isUppercase { run += 1 }
        // In `ARNList` the L starts the next word: keep it.
        let lowered = run > 1 && run < characters.count ? run - 1 : run
        return String(characters[..<lowered]).lowercased() + String(characters[lowered...])
    }

    static func swiftKey(_ key: CodingKey) -> CodingKey { AnyKey(swiftName(key.stringValue)) }

    static func wireKey(_ key: CodingKey) -> CodingKey {
        if key.intValue != nil { return key }
        return AnyKey(key.stringValue.prefix(1).uppercased() + key.stringValue.dropFirst())
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
