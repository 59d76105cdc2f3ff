import Foundation
import Synchronization

/// Encodes a record as one line of JSON, byte for byte what `JSONEncoder` writes with
/// `.convertToSnakeCase`, `.sortedKeys` and `.withoutEscapingSlashes`, several times faster.
///
/// Every alert is written as such a line (the alert log, the signed webhook's `data`, `alerts
/// list --format jsonl`); `JSONEncoder` boxed each value, converted each key to snake case
/// anew and sorted through generic code: a quarter of a webhook delivery's CPU. This builds a
/// small tree of the record's values, converts each distinct key once (by asking `JSONEncoder`
/// itself, so that the conversion is exactly its own) and writes the tree with
/// `JSONLine`'s escaping.
///
/// It knows strings, integers, booleans, arrays, keyed objects and `[String: …]` dictionaries
/// (whose keys, as `JSONEncoder` does, are written as they are). A record holding anything else
/// (`Date`, `Data`, `URL`, floating-point or decimal numbers, which `JSONEncoder` formats in its
/// own ways) makes `encode` throw `Unsupported`; `line(_:)` then falls back to `JSONEncoder`.
public struct RecordJSONEncoder: Sendable {
    public struct Unsupported: Error, CustomStringConvertible {
        public var type: String
        public var description: String { "RecordJSONEncoder does not write \(type) values" }
    }

    public init() {}

    /// The record's JSON.
    public func encode<T: Encodable>(_ value: T) throws -> String {
        var line = JSONLine.Writer()
        try RecordNode.of(value).write(to: &line)
        return line.text
    }

    /// The record's JSON, through `JSONEncoder` when it holds a value this encoder does not
    /// write: the same text either way.
    public static func line<T: Encodable>(_ value: T) -> String {
        if let text = try? RecordJSONEncoder().encode(value) { return text }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// A value of the record, once encoded.
enum RecordNode {
    case string(String)
    case integer(String)
    case bool(Bool)
    case null
    case array(RecordArray)
    case object(RecordObject)

    /// Scalars are told apart by their type, compared, not cast: a dynamic cast per value
    /// was a third of the encoding.
    static func of<T: Encodable>(_ value: T) throws -> RecordNode {
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .integer(String(value as! Int)) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        switch value {
        case let int as Int64: return .integer(String(int))
        case let int as Int32: return .integer(String(int))
        case let int as UInt: return .integer(String(int))
        case let int as UInt64: return .integer(String(int))
        case is Date, is Data, is URL, is Decimal, is Double, is Float:
            throw RecordJSONEncoder.Unsupported(type: "\(T.self)")
        case let dictionary as any StringKeyedEncodable:
            return .object(try dictionary.recordObject())
        default:
            let encoder = RecordTreeEncoder()
            try value.encode(to: encoder)
            return encoder.node ?? .object(RecordObject())
        }
    }

    func write(to line: inout JSONLine.Writer) throws {
        switch self {
        case .string(let string): line.string(string)
        case .integer(let digits): line.raw(digits)
        case .bool(let bool): line.raw(bool ? "true" : "false")
        case .null: line.raw("null")
        case .array(let array):
            line.byte(UInt8(ascii: "["))
            for (index, element) in array.elements.enumerated() {
                if index > 0 { line.byte(UInt8(ascii: ",")) }
                try element.write(to: &line)
            }
            line.byte(UInt8(ascii: "]"))
        case .object(let object):
            line.byte(UInt8(ascii: "{"))
            // `.sortedKeys` orders keys by their UTF-8 bytes.
            let members = object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in members.enumerated() {
                if index > 0 { line.byte(UInt8(ascii: ",")) }
                line.string(member.key)
                line.byte(UInt8(ascii: ":"))
                try member.value.write(to: &line)
            }
            line.byte(UInt8(ascii: "}"))
        }
    }
}

final class RecordArray {
    var elements: [RecordNode] = []
}

final class RecordObject {
    var members: [(key: String, value: RecordNode)] = []

    /// As `JSONEncoder`, a key encoded twice keeps its last value.
    func set(_ key: String, _ value: RecordNode) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
    }
}

/// `[String: V]`: written with its keys as they are, as `JSONEncoder` writes it.
protocol StringKeyedEncodable {
    func recordObject() throws -> RecordObject
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    func recordObject() throws -> RecordObject {
        let object = RecordObject()
        for (key, value) in self { object.set(key, try RecordNode.of(value)) }
        return object
    }
}

/// Snake-case keys, each converted once by `JSONEncoder` itself: exactly its conversion.
enum SnakeCaseKeys {
    private static let converted = Mutex<[String: String]>([:])

    static func convert(_ key: String) -> String {
        // A key in ASCII without a capital letter is its own snake case: no lock to take.
        if key.utf8.allSatisfy({ $0 < 0x80 && $0 &- 0x41 >= 26 }) { return key }
        if let known = converted.withLock({ $0[key] }) { return known }
        let snake = convertedByJSONEncoder(key)
        converted.withLock { $0[key] = snake }
        return snake
    }

    private struct OneKey: Encodable {
        var key: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(0, forKey: AnyKey(stringValue: key))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func convertedByJSONEncoder(_ key: String) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(OneKey(key: key)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let snake = object.keys.first
        else { return key }
        return snake
    }
}

/// The `Encoder` the tree is built with.
final class RecordTreeEncoder: Encoder {
    var node: RecordNode?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: RecordObject
        if case .object(let existing) = node {
            object = existing
        } else {
            object = RecordObject()
            node = .object(object)
        }
        return KeyedEncodingContainer(RecordKeyedContainer<Key>(object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: RecordArray
        if case .array(let existing) = node {
            array = existing
        } else {
            array = RecordArray()
            node = .array(array)
        }
        return RecordUnkeyedContainer(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { RecordSingleValue(encoder: self) }
}

struct RecordKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: RecordObject
    var codingPath: [any CodingKey] { [] }

    func encodeNil(forKey key: Key) throws { object.set(SnakeCaseKeys.convert(key.stringValue), .null) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(SnakeCaseKeys.convert(key.stringValue), try RecordNode.of(value))
    }

    // What records hold most, without going through the generic path.
    func encode(_ value: String, forKey key: Key) throws { object.set(SnakeCaseKeys.convert(key.stringValue), .string(value)) }
    func encode(_ value: Int, forKey key: Key) throws { object.set(SnakeCaseKeys.convert(key.stringValue), .integer(String(value))) }
    func encode(_ value: Bool, forKey key: Key) throws { object.set(SnakeCaseKeys.convert(key.stringValue), .bool(value)) }
    func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = RecordObject()
        object.set(SnakeCaseKeys.convert(key.stringValue), .object(nested))
        return KeyedEncodingContainer(RecordKeyedContainer<NestedKey>(object: nested))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = RecordArray()
        object.set(SnakeCaseKeys.convert(key.stringValue), .array(nested))
        return RecordUnkeyedContainer(array: nested)
    }

    func superEncoder() -> any Encoder { RecordSuperEncoder { [object] in object.set("super", $0) } }
    func superEncoder(forKey key: Key) -> any Encoder {
        let name = SnakeCaseKeys.convert(key.stringValue)
        return RecordSuperEncoder { [object] in object.set(name, $0) }
    }
}

struct RecordUnkeyedContainer: UnkeyedEncodingContainer {
    let array: RecordArray
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.elements.count }

    func encodeNil() throws { array.elements.append(.null) }

    func encode<T: Encodable>(_ value: T) throws { array.elements.append(try RecordNode.of(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = RecordObject()
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(RecordKeyedContainer<NestedKey>(object: nested))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = RecordArray()
        array.elements.append(.array(nested))
        return RecordUnkeyedContainer(array: nested)
    }

    func superEncoder() -> any Encoder { RecordSuperEncoder { [array] in array.elements.append($0) } }
}

struct RecordSingleValue: SingleValueEncodingContainer {
    let encoder: RecordTreeEncoder
    var codingPath: [any CodingKey] { [] }

    func encodeNil() throws { encoder.node = .null }
    func encode<T: Encodable>(_ value: T) throws { encoder.node = try RecordNode.of(value) }
}

/// A super encoder: what it encodes is placed (under its key, or as the next element) once
/// it is done with.
final class RecordSuperEncoder: Encoder {
    let inner = RecordTreeEncoder()
    let place: (RecordNode) -> Void
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(place: @escaping (RecordNode) -> Void) {
        self.place = place
    }

    deinit { place(inner.node ?? .object(RecordObject())) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
