import Foundation

/// Reads JSON forward, once, for a reader written against one shape of document: each object's
/// members are handed over as they come, the reader takes the values it wants and every other
/// value is stepped over by a byte scan that builds nothing.
///
/// Why not `SkimmingJSONDecoder`: `Codable` costs, per object, a boxed container and a
/// generic metadata lookup, per value calls through the protocols' witnesses, and per key a
/// search among the members found so far. On 125 KB Creditsafe reports, of which Vigie reads
/// about forty values, reading this way took a fifth off a steady poll's CPU; what is left of
/// the reading is mostly the scan (BENCHMARKS.md, issue 14, fifth session).
/// A type read on the poll's hot path conforms to `JSONReadable` as well as `Decodable`:
/// `JSONDecoder` reading the `Decodable` conformance is the reference the tests hold the
/// reader to, value for value, on every real document, cut, reordered and mutated.
///
/// It reads as `SkimmingJSONDecoder` does (the same scanner): the whole document is checked to
/// be JSON, the parts stepped over too; a value of the wrong type is an error; `null` is nil
/// for an optional and an error otherwise; a number must fit the type asked for. Of duplicate
/// keys the first is read and the others stepped over, as `JSONDecoder` does. Errors are
/// `DecodingError`s whose coding path is built as they leave each object and array.
public struct JSONReader {
    let document: SkimDocument
    /// Where the value to read next starts (past any whitespace).
    var index: Int
    /// How deep the value is, for the nesting limit.
    var depth: Int

    /// Reads the document in `bytes` (`[UInt8]` as the transport hands an answer over, or
    /// `Data`: read in place, not copied); nothing but whitespace may follow the value.
    public static func read<T>(_ bytes: some ContiguousBytes, _ body: (inout JSONReader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            let buffer = raw.assumingMemoryBound(to: UInt8.self)
            let document = SkimDocument(buffer, dateDecoding: .deferredToDate)
            var reader = JSONReader(document: document, index: document.skipWhitespace(0), depth: 0)
            guard reader.index < buffer.count else { throw document.corrupted(at: reader.index, "The document is empty") }
            let start = reader.index
            let value = try body(&reader)
            if reader.index == start { try reader.skip() }
            let rest = document.skipWhitespace(reader.index)
            guard rest == buffer.count else { throw document.corrupted(at: rest, "Unexpected \(document.describe(rest)) after the document") }
            return value
        }
    }

    /// Reads a value of a type that knows how.
    @inlinable public mutating func read<T: JSONReadable>(_ type: T.Type = T.self) throws -> T {
        try T.read(from: &self)
    }

    /// Whether the value is `null`; a `null` is read.
    public mutating func readNull() -> Bool {
        guard document.byte(index) == 0x6E, let end = try? document.skipLiteral("null", at: index) else { return false }
        index = end
        return true
    }

    /// Steps over the value, checking that it is JSON.
    public mutating func skip() throws {
        index = try document.skipValue(at: index, depth: depth)
    }

    /// Hands each member of the object to `body`, with the reader at its value; a value
    /// `body` does not read is stepped over.
    public mutating func members(_ body: (JSONKey, inout JSONReader) throws -> Void) throws {
        try entries(of: 0x7B, [String: Any].self, "an object") { reader in
            /// The members read so far: a later member of the same name is stepped over.
            var read: [JSONKey] = []
            repeat {
                let member = try reader.document.member(at: reader.index)
                let key = JSONKey(document: reader.document, range: member.key, escaped: member.escaped)
                reader.index = member.value
                try reader.entry(JSONPathKey(stringValue: key.name)) { reader in
                    if !read.contains(where: { $0.spells(key) }) { try body(key, &reader) }
                } read: {
                    read.append(key)
                }
            } while try reader.next(close: 0x7D, isObject: true)
        }
    }

    /// Hands each element of the array to `body`; an element `body` does not read is stepped over.
    public mutating func elements(_ body: (inout JSONReader) throws -> Void) throws {
        try entries(of: 0x5B, [Any].self, "an array") { reader in
            var position = 0
            repeat {
                try reader.entry(JSONPathKey(intValue: position), body)
                position += 1
            } while try reader.next(close: 0x5D, isObject: false)
        }
    }

    /// Steps into the object or array at the reader (`open` is its bracket), one level deeper,
    /// and has `body` read its entries; an empty one is stepped over without it.
    private mutating func entries(of open: UInt8, _ type: Any.Type, _ expected: String, _ body: (inout JSONReader) throws -> Void) throws {
        guard document.byte(index) == open else { throw document.mismatch(at: index, path: .root, type, expected) }
        guard depth < SkimDocument.maximumDepth else { throw document.corrupted(at: index, "The document is nested more than \(SkimDocument.maximumDepth) levels deep") }
        index = document.skipWhitespace(index + 1)
        // The closing bracket is the opening one plus two, in ASCII: `{` `}`, `[` `]`.
        if document.byte(index) == open + 2 {
            index += 1
            return
        }
        depth += 1
        defer { depth -= 1 }
        try body(&self)
    }

    /// One entry's value, read by `body` or else stepped over (then not `read`); an error
    /// leaving it names the entry in its coding path.
    private mutating func entry(_ key: @autoclosure () -> JSONPathKey, _ body: (inout JSONReader) throws -> Void, read: () -> Void = {}) throws {
        guard index < document.bytes.count else { throw document.corrupted(at: index, "Unexpected end of the document: a value is missing") }
        let start = index
        do {
            try body(&self)
            if index == start { try skip() } else { read() }
        } catch let error as DecodingError {
            throw error.inside(key())
        }
    }

    /// The array's elements, each read by `read`.
    public mutating func array<T>(_ read: (inout JSONReader) throws -> T) throws -> [T] {
        var elements: [T] = []
        try self.elements { elements.append(try read(&$0)) }
        return elements
    }

    /// Past a separator to the next entry (true), or past the closing bracket (false).
    private mutating func next(close: UInt8, isObject: Bool) throws -> Bool {
        index = document.skipWhitespace(index)
        guard let byte = document.byte(index) else {
            throw document.corrupted(at: index, "Unexpected end of the document: \(isObject ? "an object" : "an array") is not closed")
        }
        if byte == close {
            index += 1
            return false
        }
        guard byte == 0x2C else { throw document.corrupted(at: index, "Expected ',' or '\(Character(UnicodeScalar(close)))', found \(document.describe(index))") }
        index = document.skipWhitespace(index + 1)
        return true
    }


    public mutating func string() throws -> String {
        guard document.byte(index) == 0x22 else { throw document.mismatch(at: index, path: .root, String.self, "a string") }
        let (end, escaped) = try document.skipString(at: index)
        let text = try document.string(in: (index + 1)..<(end - 1), escaped: escaped, at: index, path: .root)
        index = end
        return text
    }

    /// A number, as `JSONDecoder` reads a `Double` (finite).
    public mutating func double() throws -> Double {
        let value = try document.double(at: index, path: .root)
        index = try document.number(at: index).end
        return value
    }

    public mutating func integer<I: FixedWidthInteger>(_ type: I.Type = I.self) throws -> I {
        let value = try document.integer(I.self, at: index, path: .root)
        index = try document.number(at: index).end
        return value
    }

    /// A number as `SkimmingJSONDecoder` reads a `Decimal`: exact from its digits.
    public mutating func decimal() throws -> Decimal {
        let value = try document.decimal(at: index, path: .root)
        index = try document.number(at: index).end
        return value
    }

    public mutating func bool() throws -> Bool {
        let value = try document.bool(at: index, path: .root)
        index += value ? 4 : 5
        return value
    }

    /// The kind of the value, without reading it.
    public var isString: Bool { document.byte(index) == 0x22 }
}

/// A member's name, valid while its object is read; matched against a literal in a `switch`.
public struct JSONKey {
    let document: SkimDocument
    let range: Range<Int>
    let escaped: Bool

    /// The name as text (for errors, or a name with escapes).
    public var name: String {
        (try? document.string(in: range, escaped: escaped, at: range.lowerBound - 1, path: .root)) ?? ""
    }

    /// Whether both name the same member (`"n\u0061me"` is `"name"`).
    func spells(_ other: JSONKey) -> Bool {
        if escaped || other.escaped { return name == other.name }
        return range.count == other.range.count && memcmp(document.bytes.baseAddress! + range.lowerBound, document.bytes.baseAddress! + other.range.lowerBound, range.count) == 0
    }

    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        if key.escaped { return key.name == pattern.description }
        let count = pattern.utf8CodeUnitCount
        return count == key.range.count && (count == 0 || memcmp(pattern.utf8Start, key.document.bytes.baseAddress! + key.range.lowerBound, count) == 0)
    }
}

/// A value a `JSONReader` reads, moving past it.
public protocol JSONReadable {
    static func read(from reader: inout JSONReader) throws -> Self
}

extension String: JSONReadable {
    public static func read(from reader: inout JSONReader) throws -> String { try reader.string() }
}

extension Int: JSONReadable {
    public static func read(from reader: inout JSONReader) throws -> Int { try reader.integer() }
}

extension Double: JSONReadable {
    public static func read(from reader: inout JSONReader) throws -> Double { try reader.double() }
}

extension Bool: JSONReadable {
    public static func read(from reader: inout JSONReader) throws -> Bool { try reader.bool() }
}

/// `null` is nil, as `decodeIfPresent` reads it; a member absent is left as it was.
extension Optional: JSONReadable where Wrapped: JSONReadable {
    @inlinable public static func read(from reader: inout JSONReader) throws -> Wrapped? {
        reader.readNull() ? nil : try Wrapped.read(from: &reader)
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    @inlinable public static func read(from reader: inout JSONReader) throws -> [Element] {
        try reader.array(Element.read)
    }
}

/// A struct whose optional members are read from an object's: a table of what each member
/// it reads sets, in one line each; the members it does not name are stepped over.
public protocol JSONRecord: JSONReadable, Sendable {
    static var fields: JSONFields<Self> { get }
}

extension JSONRecord {
    /// Inlinable, so that each record's reader is specialized where it is declared: generic,
    /// each member cost a metadata lookup and two reabstraction thunks.
    @inlinable public static func read(from reader: inout JSONReader) throws -> Self {
        let fields = Self.fields
        var record = fields.blank
        try reader.members { key, reader in
            if let read = fields[key] { try read(&record, &reader) }
        }
        return record
    }
}

/// The record before any member is read, and member names, each with what reading it sets:
/// `JSONFields(blank: Status(), ["status": { $0.status = try $1.read() }])`.
public struct JSONFields<Record: Sendable>: Sendable {
    public typealias Read = @Sendable (inout Record, inout JSONReader) throws -> Void
    @usableFromInline let blank: Record
    @usableFromInline let names: [StaticString]
    @usableFromInline let reads: [Read]

    public init(blank: Record, _ fields: KeyValuePairs<StaticString, Read>) {
        self.blank = blank
        names = fields.map(\.key)
        reads = fields.map(\.value)
    }

    /// A handful of names, compared by length first: a scan beats hashing the key.
    @inlinable subscript(key: JSONKey) -> Read? {
        for index in names.indices where names[index] ~= key { return reads[index] }
        return nil
    }
}

/// A key of a coding path that `JSONReader` builds as an error leaves each object and array.
public struct JSONPathKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

extension DecodingError {
    /// What a person reads in a log or a dead letter: where in the document, and what was
    /// wrong there (`evidence.notice.published: Expected to decode String but found number
    /// instead.`), not Swift's dump of the error's cases and contexts.
    public var summary: String {
        let context: Context? = switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context): context
        @unknown default: nil
        }
        guard let context else { return "\(self)" }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? context.debugDescription : "\(path.dropFirst(path.hasPrefix(".") ? 1 : 0)): \(context.debugDescription)"
    }

    /// The same error, one level further down a coding path.
    func inside(_ key: any CodingKey) -> DecodingError {
        func moved(_ context: Context) -> Context {
            Context(codingPath: [key] + context.codingPath, debugDescription: context.debugDescription, underlyingError: context.underlyingError)
        }
        return switch self {
        case .typeMismatch(let type, let context): .typeMismatch(type, moved(context))
        case .valueNotFound(let type, let context): .valueNotFound(type, moved(context))
        case .keyNotFound(let missing, let context): .keyNotFound(missing, moved(context))
        case .dataCorrupted(let context): .dataCorrupted(moved(context))
        @unknown default: self
        }
    }
}
