import Foundation

/// Decodes a `Decodable` from JSON bytes reading only what the type asks for.
///
/// Foundation's `JSONDecoder` first maps the whole document, every member of every object,
/// and only then hands values to the type; a 125 KB Creditsafe report, of which Vigie reads
/// about thirty fields, spent more than half of a poll's CPU in that map. This decoder walks
/// the bytes lazily instead: an object's members are found one by one as keys are asked for,
/// and what no key asks for is skipped with a byte scan that builds nothing. An object a
/// nested type has already walked is stepped over by its recorded end, so a document is
/// read about once, however deep the fields are.
///
/// What it reads is what `JSONDecoder` reads, value for value; the tests hold both to the same
/// verdicts on every real report, cut, reordered and mutated. The whole document is checked to
/// be JSON, the skipped parts too (brackets, separators, escapes, literals, numbers), so a
/// truncated or garbled answer is refused rather than half read; strings read must be UTF-8;
/// numbers must fit the type asked for. Where it differs, it is stricter, and never on what a
/// provider sends: `JSONDecoder` lets `[1,]`, `01` or `"\x"` through in parts a type does not
/// read, and this refuses them; of duplicate keys it reads the first, as `JSONDecoder` does;
/// nesting deeper than 512 levels is refused.
/// Errors are `DecodingError`s with the coding path and, for bad JSON, the line and column.
public struct SkimmingJSONDecoder: Sendable {
    /// How a `Date` is read.
    public enum DateDecoding: Sendable {
        /// As `JSONDecoder`'s default: seconds since 2001-01-01, a number.
        case deferredToDate
        /// An ISO 8601 string with a time zone (`2026-12-01T08:21:39Z`).
        case iso8601
    }

    public var dateDecoding: DateDecoding

    public init(dateDecoding: DateDecoding = .deferredToDate) {
        self.dateDecoding = dateDecoding
    }

    /// `[UInt8]` as the transport hands an answer over, or `Data`: read in place, not copied.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: some ContiguousBytes) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// A string's UTF-8, read in place (a stored record).
    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        var text = text
        return try text.withUTF8 { try decode(type, from: $0) }
    }

    /// The buffer is read only during this call: no decoder or container outlives it.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: UnsafeBufferPointer<UInt8>) throws -> T {
        let document = SkimDocument(buffer, dateDecoding: dateDecoding)
        let start = document.skipWhitespace(0)
        guard start < buffer.count else { throw document.corrupted(at: start, "The document is empty") }
        document.rootStart = start
        let root = SkimDecoder(document: document, slot: .root)
        let value = try root.decode(type)
        // Everything the type did not read is still checked to be JSON, and nothing may follow.
        let end = try document.end(of: start, slot: .root)
        let rest = document.skipWhitespace(end)
        guard rest == buffer.count else { throw document.corrupted(at: rest, "Unexpected \(document.describe(rest)) after the document") }
        return value
    }
}

// MARK: - The document

/// An object's members or an array's elements, found so far. Shared by reference so that
/// every container over the same bytes continues the same walk.
final class SkimContainer {
    struct Entry {
        /// The key's bytes, between its quotes (objects only).
        var key: Range<Int>
        var keyEscaped: Bool
        var value: Int
        /// The walk of the value, when a nested type opened it as a container.
        var child: SkimContainer?
    }

    let start: Int
    let isObject: Bool
    // The walk's state is read and written on every member: unchecked, each access would cost
    // a dynamic exclusivity check (a thread-local lookup). One decode runs on one thread, and
    // no access to these outlives the statement that makes it.
    @exclusivity(unchecked) var entries: [Entry] = []
    /// Where the walk goes on: just after the opening bracket, or at the last entry's value.
    @exclusivity(unchecked) var position: Int
    /// Whether the last entry's value still has to be stepped over before the next entry.
    @exclusivity(unchecked) var pendingValue = false
    /// Just past the closing bracket, once reached.
    @exclusivity(unchecked) var end: Int?
    /// What broke the walk: every later step says the same.
    @exclusivity(unchecked) var failure: (any Error)?

    /// Where the container sits: its parent is kept alive by the document's tree of
    /// containers (`root`, then each entry's `child`) as long as any decoder is, so it is held
    /// without counting (a counted reference would make a cycle of every parent and child).
    unowned(unsafe) let parent: SkimContainer?
    let index: Int
    /// How deep the container is, for the nesting limit.
    let depth: Int
    var slot: SkimSlot { SkimSlot(parent: parent, index: index) }

    init(start: Int, isObject: Bool, slot: SkimSlot) {
        self.start = start
        self.isObject = isObject
        parent = slot.parent
        index = slot.index
        depth = slot.depth
        position = start + 1
    }
}

/// Where a value is held: the root, or an entry of a container. A container opened on the
/// value is recorded there, so that the parent's walk steps over it by its end. It is also
/// the value's coding path, walked up through the containers only when an error names it: a
/// decoder's path costs no allocation.
struct SkimSlot {
    var parent: SkimContainer?
    var index: Int

    static var root: SkimSlot { SkimSlot(parent: nil, index: 0) }

    var depth: Int { parent.map { $0.depth + 1 } ?? 0 }

    /// The keys from the root: members' names as written, `Index N` for elements.
    func keys(_ document: SkimDocument) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var slot = self
        while let parent = slot.parent {
            if parent.isObject {
                let key = parent.entries[slot.index]
                keys.append(JSONPathKey(stringValue: (try? document.string(in: key.key, escaped: key.keyEscaped, at: key.key.lowerBound - 1, path: .root)) ?? ""))
            } else {
                keys.append(JSONPathKey(intValue: slot.index))
            }
            slot = parent.slot
        }
        return keys.reversed()
    }
}

final class SkimDocument {
    let bytes: UnsafeBufferPointer<UInt8>
    let dateDecoding: SkimmingJSONDecoder.DateDecoding
    /// The root's container, once opened.
    @exclusivity(unchecked) var root: SkimContainer?
    /// Where the root value starts.
    @exclusivity(unchecked) var rootStart = 0
    static let maximumDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>, dateDecoding: SkimmingJSONDecoder.DateDecoding) {
        self.bytes = bytes
        self.dateDecoding = dateDecoding
    }

    @inline(__always) func byte(_ index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    @inline(__always) func skipWhitespace(_ index: Int) -> Int {
        var index = index
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case 0x20:
                index += 1
                // A pretty-printed answer's indentation, eight spaces at a time.
                while index + 8 <= count, load(index) == Self.spaces { index += 8 }
            case 0x0A, 0x0D, 0x09: index += 1
            default: return index
            }
        }
        return index
    }

    /// Eight bytes from `index`, the first in the lowest byte (what SWAR reads).
    @inline(__always) func load(_ index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
    }

    static let spaces: UInt64 = 0x2020_2020_2020_2020
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that equals `byte`'s (repeated in each byte), exact
    /// up to the lowest such byte: what finds the first quote in a word at once.
    @inline(__always) static func matches(_ word: UInt64, _ repeated: UInt64) -> UInt64 {
        let zeroed = word ^ repeated
        return (zeroed &- ones) & ~zeroed & highs
    }

    // MARK: Containers

    func container(in slot: SkimSlot) -> SkimContainer? {
        if let parent = slot.parent { return parent.entries[slot.index].child }
        return root
    }

    /// The container of the value at `start`, opened once and kept in its slot.
    func open(at start: Int, isObject: Bool, slot: SkimSlot) -> SkimContainer {
        if let existing = container(in: slot) { return existing }
        let container = SkimContainer(start: start, isObject: isObject, slot: slot)
        if let parent = slot.parent { parent.entries[slot.index].child = container } else { root = container }
        return container
    }

    /// Just past the value at `start`: by its container's walk when one was opened, else by a skip.
    func end(of start: Int, slot: SkimSlot) throws -> Int {
        if let container = container(in: slot) { return try finish(container, depth: 0) }
        return try skipValue(at: start, depth: 0)
    }

    /// Walks a container to its closing bracket.
    func finish(_ container: SkimContainer, depth: Int) throws -> Int {
        while try advance(container, depth: depth) {}
        return container.end!
    }

    /// Finds the container's next entry; false at its closing bracket.
    func advance(_ container: SkimContainer, depth: Int) throws -> Bool {
        if container.end != nil { return false }
        if let failure = container.failure { throw failure }
        do {
            return try step(container, depth: depth)
        } catch {
            container.failure = error
            throw error
        }
    }

    private func step(_ container: SkimContainer, depth: Int) throws -> Bool {
        var index = container.position
        if container.pendingValue {
            let last = container.entries[container.entries.count - 1]
            let valueEnd = if let child = last.child { try finish(child, depth: depth + 1) } else { try skipValue(at: last.value, depth: depth + 1) }
            index = skipWhitespace(valueEnd)
            container.pendingValue = false
            let close: UInt8 = container.isObject ? 0x7D : 0x5D
            guard let next = byte(index) else { throw corrupted(at: index, "Unexpected end of the document: \(container.isObject ? "an object" : "an array") is not closed") }
            if next == close {
                container.end = index + 1
                return false
            }
            guard next == 0x2C else { throw corrupted(at: index, "Expected ',' or '\(Character(UnicodeScalar(close)))', found \(describe(index))") }
            index = skipWhitespace(index + 1)
        } else {
            index = skipWhitespace(index)
            if container.entries.isEmpty, byte(index) == (container.isObject ? 0x7D : 0x5D) {
                container.end = index + 1
                return false
            }
        }
        var entry = SkimContainer.Entry(key: 0..<0, keyEscaped: false, value: 0)
        if container.isObject {
            (entry.key, entry.keyEscaped, index) = try member(at: index)
        }
        guard index < bytes.count else { throw corrupted(at: index, "Unexpected end of the document: a value is missing") }
        entry.value = index
        container.entries.append(entry)
        container.position = index
        container.pendingValue = true
        return true
    }

    // MARK: Skipping

    /// Just past the value at `index`, checked to be JSON, building nothing.
    func skipValue(at index: Int, depth: Int) throws -> Int {
        guard let first = byte(index) else { throw corrupted(at: index, "Unexpected end of the document: a value is missing") }
        switch first {
        case 0x22: return try skipString(at: index).end
        case 0x7B, 0x5B: return try skipContainer(at: index, depth: depth)
        case 0x74: return try skipLiteral("true", at: index)
        case 0x66: return try skipLiteral("false", at: index)
        case 0x6E: return try skipLiteral("null", at: index)
        case 0x2D, 0x30...0x39: return try skipNumber(at: index)
        default: throw corrupted(at: index, "Unexpected \(describe(index))")
        }
    }

    /// The bulk of a report is stepped over here: strings, numbers and nested containers
    /// without a call each, bytes read through the base pointer (no optional per byte).
    func skipContainer(at start: Int, depth: Int) throws -> Int {
        guard depth < Self.maximumDepth else { throw corrupted(at: start, "The document is nested more than \(Self.maximumDepth) levels deep") }
        let base = bytes.baseAddress!
        let count = bytes.count
        let isObject = base[start] == 0x7B
        let close: UInt8 = isObject ? 0x7D : 0x5D
        var index = skipWhitespace(start + 1)
        if index < count, base[index] == close { return index + 1 }
        while true {
            if isObject {
                index = try member(at: index).value
            }
            guard index < count else { throw corrupted(at: index, "Unexpected end of the document: a value is missing") }
            let first = base[index]
            if first == 0x22 {
                index = try skipString(at: index).end
            } else if first &- 0x30 < 10 || first == 0x2D {
                index = try skipNumber(at: index)
            } else if first == 0x7B || first == 0x5B {
                index = try skipContainer(at: index, depth: depth + 1)
            } else {
                index = try skipValue(at: index, depth: depth + 1)
            }
            index = skipWhitespace(index)
            guard index < count else { throw corrupted(at: index, "Unexpected end of the document: \(isObject ? "an object" : "an array") is not closed") }
            let next = base[index]
            if next == 0x2C {
                index = skipWhitespace(index + 1)
            } else if next == close {
                return index + 1
            } else {
                throw corrupted(at: index, "Expected ',' or '\(Character(UnicodeScalar(close)))', found \(describe(index))")
            }
        }
    }

    /// The member whose name starts at `index` (a quoted string, then `:`): the name's bytes,
    /// whether they hold escapes, and where its value starts. Every walk of an object reads
    /// its members through this one.
    @inline(__always) func member(at index: Int) throws -> (key: Range<Int>, escaped: Bool, value: Int) {
        guard byte(index) == 0x22 else { throw corrupted(at: index, "Expected a member's name in quotes, found \(describe(index))") }
        let (keyEnd, escaped) = try skipString(at: index)
        let colon = skipWhitespace(keyEnd)
        guard byte(colon) == 0x3A else { throw corrupted(at: colon, "Expected ':' after a member's name, found \(describe(colon))") }
        return ((index + 1)..<(keyEnd - 1), escaped, skipWhitespace(colon + 1))
    }

    /// Just past the number at `start`: integers and plain decimals (most of a report's
    /// numbers) in one loop each; an exponent, or anything the grammar refuses, through
    /// `number(at:)`, which says what is wrong.
    @inline(__always) func skipNumber(at start: Int) throws -> Int {
        let base = bytes.baseAddress!
        let count = bytes.count
        var index = base[start] == 0x2D ? start + 1 : start
        let first = index
        while index < count, base[index] &- 0x30 < 10 { index += 1 }
        guard index > first, base[first] != 0x30 || index - first == 1 else { return try number(at: start).end }
        if index < count, base[index] == 0x2E {
            index += 1
            let fraction = index
            while index < count, base[index] &- 0x30 < 10 { index += 1 }
            guard index > fraction else { return try number(at: start).end }
        }
        if index < count, base[index] | 0x20 == 0x65 { return try number(at: start).end }
        return index
    }

    /// Just past the closing quote of the string at `start`, and whether it holds escapes.
    /// A raw tab or line feed inside a string is not JSON; as `JSONDecoder` does, it is let
    /// through here, in a string no one reads, and refused in one that is read.
    @inline(__always) func skipString(at start: Int) throws -> (end: Int, escaped: Bool) {
        var index = start + 1
        var escaped = false
        let count = bytes.count
        while index < count {
            // The bulk of a string, eight bytes at a time up to its first quote or backslash.
            while index + 8 <= count {
                let word = load(index)
                let special = Self.matches(word, 0x2222_2222_2222_2222) | Self.matches(word, 0x5C5C_5C5C_5C5C_5C5C)
                if special != 0 {
                    index += special.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < count else { break }
            let byte = bytes[index]
            if byte == 0x22 { return (index + 1, escaped) }
            if byte == 0x5C {
                escaped = true
                guard index + 1 < count else { break }
                switch bytes[index + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: index += 2
                case 0x75:
                    guard index + 5 < count, (2...5).allSatisfy({ Self.hex(bytes[index + $0]) != nil }) else {
                        throw corrupted(at: index, "Invalid \\u escape in a string")
                    }
                    index += 6
                default: throw corrupted(at: index, "Invalid escape \\\(describe(index + 1)) in a string")
                }
                continue
            }
            index += 1
        }
        throw corrupted(at: count, "Unexpected end of the document inside a string")
    }

    func skipLiteral(_ literal: StaticString, at index: Int) throws -> Int {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count, memcmp(bytes.baseAddress! + index, literal.utf8Start, length) == 0 else {
            throw corrupted(at: index, "Unexpected \(describe(index))")
        }
        return index + length
    }

    /// The number at `index`, checked against JSON's grammar: its end, and whether it is an
    /// integer (no fraction, no exponent).
    func number(at start: Int) throws -> (end: Int, integer: Bool) {
        let count = bytes.count
        var index = start
        @inline(__always) func isDigit(_ index: Int) -> Bool { index < count && bytes[index] &- 0x30 < 10 }
        if index < count, bytes[index] == 0x2D { index += 1 }
        let first = index
        while isDigit(index) { index += 1 }
        guard index > first else { throw corrupted(at: index, "Invalid number: a digit is missing") }
        if bytes[first] == 0x30, index - first > 1 { throw corrupted(at: start, "Invalid number: a leading zero") }
        var integer = true
        if index < count, bytes[index] == 0x2E {
            index += 1
            integer = false
            let fraction = index
            while isDigit(index) { index += 1 }
            guard index > fraction else { throw corrupted(at: index, "Invalid number: no digit after the decimal point") }
        }
        if index < count, bytes[index] | 0x20 == 0x65 {
            index += 1
            integer = false
            if index < count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let exponent = index
            while isDigit(index) { index += 1 }
            guard index > exponent else { throw corrupted(at: index, "Invalid number: no digit in the exponent") }
        }
        return (index, integer)
    }

    // MARK: Reading values

    /// The string at `start`, unescaped and checked to be UTF-8.
    func string(at start: Int, path: SkimSlot) throws -> String {
        let (end, escaped) = try skipString(at: start)
        return try string(in: (start + 1)..<(end - 1), escaped: escaped, at: start, path: path)
    }

    func string(in range: Range<Int>, escaped: Bool, at start: Int, path: SkimSlot) throws -> String {
        // A raw control character in a string read is refused, as `JSONDecoder` refuses it.
        for index in range where bytes[index] < 0x20 {
            throw corrupted(at: index, "Unescaped control character in a string", path: path)
        }
        if !escaped {
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "The string at \(position(start)) is not valid UTF-8"))
            }
            return text
        }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == 0x5C else {
                unescaped.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case 0x62: unescaped.append(0x08)
            case 0x66: unescaped.append(0x0C)
            case 0x6E: unescaped.append(0x0A)
            case 0x72: unescaped.append(0x0D)
            case 0x74: unescaped.append(0x09)
            case 0x75:
                var scalar = hexQuad(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by its low half, as `\uDC00`…`\uDFFF`.
                    guard index + 6 <= range.upperBound, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                        throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "A lone surrogate in the string at \(position(start))"))
                    }
                    let low = hexQuad(at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "A lone surrogate in the string at \(position(start))"))
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "A lone surrogate in the string at \(position(start))"))
                }
                unescaped.append(contentsOf: String(Character(UnicodeScalar(scalar)!)).utf8)
            default: unescaped.append(kind)  // `"`, `\`, `/`
            }
        }
        guard let text = String(validating: unescaped, as: UTF8.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "The string at \(position(start)) is not valid UTF-8"))
        }
        return text
    }

    private func hexQuad(at index: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | UInt32(Self.hex(bytes[index + $1])!) }
    }

    @inline(__always) static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Whether the key's bytes spell `name` (UTF-8), compared in place unless it holds escapes.
    @inline(__always) func key(_ entry: SkimContainer.Entry, spells name: UnsafeBufferPointer<UInt8>) -> Bool {
        if entry.keyEscaped {
            return (try? string(in: entry.key, escaped: true, at: entry.key.lowerBound - 1, path: .root)).map { $0.utf8.elementsEqual(name) } ?? false
        }
        return name.count == entry.key.count && (name.isEmpty || memcmp(name.baseAddress!, bytes.baseAddress! + entry.key.lowerBound, name.count) == 0)
    }

    // MARK: Errors

    /// `line L, column C`, counted in characters as an editor does.
    func position(_ index: Int) -> String {
        var line = 1
        var column = 1
        var at = 0
        let end = min(index, bytes.count)
        while at < end {
            if bytes[at] == 0x0A {
                line += 1
                column = 1
            } else if bytes[at] & 0xC0 != 0x80 {
                column += 1
            }
            at += 1
        }
        return "line \(line), column \(column)"
    }

    func describe(_ index: Int) -> String {
        guard let byte = byte(index) else { return "end of the document" }
        if byte >= 0x20, byte < 0x7F { return "character '\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    func corrupted(at index: Int, _ what: String, path: SkimSlot = .root) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "The given data was not valid JSON: \(what) at \(position(index))."))
    }
}

// MARK: - The decoder

struct SkimDecoder: Decoder {
    let document: SkimDocument
    /// Where the value is, and so its coding path: two references and an index, so that the
    /// decoder fits an existential's inline buffer and passing it as `any Decoder` or
    /// `any SingleValueDecodingContainer` (every nested type, every enum) allocates nothing.
    let slot: SkimSlot
    var start: Int { if let parent = slot.parent { parent.entries[slot.index].value } else { document.rootStart } }
    var codingPath: [any CodingKey] { slot.keys(document) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let start = start
        guard document.byte(start) == 0x7B else { throw mismatch([String: Any].self, "an object") }
        return KeyedDecodingContainer(SkimKeyedContainer<Key>(document: document, container: document.open(at: start, isObject: true, slot: slot)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let start = start
        guard document.byte(start) == 0x5B else { throw mismatch([Any].self, "an array") }
        return SkimUnkeyedContainer(document: document, container: document.open(at: start, isObject: false, slot: slot))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        document.mismatch(at: start, path: slot, type, expected)
    }

    // MARK: Values

    /// The types read from the bytes themselves, told apart by comparing metatypes (a pointer
    /// each), not casting them: this runs for every value a record holds.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let type = ObjectIdentifier(T.self)
        if type == ObjectIdentifier(String.self) { return try decodeString() as! T }
        if type == ObjectIdentifier(Int.self) { return try integer(Int.self) as! T }
        if type == ObjectIdentifier(Bool.self) { return try decodeBool() as! T }
        if type == ObjectIdentifier(Double.self) { return try decodeDouble() as! T }
        if type == ObjectIdentifier(Date.self), document.dateDecoding == .iso8601 {
            let text = try decodeString()
            guard let date = Date(iso8601: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Expected date string to be ISO8601-formatted."))
            }
            return date as! T
        }
        if type == ObjectIdentifier(Float.self) { return Float(try decodeDouble()) as! T }
        if type == ObjectIdentifier(Int64.self) { return try integer(Int64.self) as! T }
        if type == ObjectIdentifier(Int32.self) { return try integer(Int32.self) as! T }
        if type == ObjectIdentifier(UInt.self) { return try integer(UInt.self) as! T }
        if type == ObjectIdentifier(UInt64.self) { return try integer(UInt64.self) as! T }
        if type == ObjectIdentifier(Decimal.self) { return try document.decimal(at: start, path: slot) as! T }
        if type == ObjectIdentifier(URL.self) {
            guard let url = URL(string: try decodeString()) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Invalid URL string."))
            }
            return url as! T
        }
        return try T(from: self)
    }

    func decodeString() throws -> String {
        let start = start
        guard document.byte(start) == 0x22 else { throw mismatch(String.self, "a string") }
        return try document.string(at: start, path: slot)
    }

    func decodeBool() throws -> Bool { try document.bool(at: start, path: slot) }
    func decodeDouble() throws -> Double { try document.double(at: start, path: slot) }
    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I { try document.integer(I.self, at: start, path: slot) }
}

// MARK: - Scalars, as the decoder and `JSONReader` read them

extension SkimDocument {
    /// The locale decimals are read in, made once.
    static let posix = Locale(identifier: "en_US_POSIX")

    func mismatch(at start: Int, path: SkimSlot, _ type: Any.Type, _ expected: String) -> DecodingError {
        if byte(start) == 0x6E {
            return DecodingError.valueNotFound(type, .init(codingPath: path.keys(self), debugDescription: "Expected \(expected) but found null instead."))
        }
        return DecodingError.typeMismatch(type, .init(codingPath: path.keys(self), debugDescription: "Expected \(expected) but found \(found(at: start)) instead."))
    }

    func found(at start: Int) -> String {
        switch byte(start) {
        case 0x22: "a string"
        case 0x7B: "an object"
        case 0x5B: "an array"
        case 0x74, 0x66: "a boolean"
        case 0x6E: "null"
        default: "a number"
        }
    }

    func bool(at start: Int, path: SkimSlot) throws -> Bool {
        switch byte(start) {
        case 0x74:
            _ = try skipLiteral("true", at: start)
            return true
        case 0x66:
            _ = try skipLiteral("false", at: start)
            return false
        default: throw mismatch(at: start, path: path, Bool.self, "a boolean")
        }
    }

    /// The number's text, checked against JSON's grammar.
    func numberText(at start: Int, path: SkimSlot) throws -> (text: String, integer: Bool) {
        guard let first = byte(start), first == 0x2D || (0x30...0x39).contains(first) else { throw mismatch(at: start, path: path, Double.self, "a number") }
        let (end, integer) = try number(at: start)
        return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), integer)
    }

    func double(at start: Int, path: SkimSlot) throws -> Double {
        let (text, _) = try numberText(at: start, path: path)
        guard let value = Double(text), value.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "Parsed JSON number <\(text)> does not fit in Double."))
        }
        return value
    }

    func decimal(at start: Int, path: SkimSlot) throws -> Decimal {
        let (text, integer) = try numberText(at: start, path: path)
        // Most amounts are whole: exact from the integer, no scanner. (A locale made per number
        // was a tenth of reading a stored alert back.)
        if integer, let whole = Int64(text) { return Decimal(whole) }
        guard let value = Decimal(string: text, locale: Self.posix) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "Parsed JSON number <\(text)> does not fit in Decimal."))
        }
        return value
    }

    /// An integer as `JSONDecoder` reads one: `12`, or `1.2e1`, but not `1.5` nor one out of range.
    func integer<I: FixedWidthInteger>(_ type: I.Type, at start: Int, path: SkimSlot) throws -> I {
        let (text, integer) = try numberText(at: start, path: path)
        if integer, let value = I(text) { return value }
        if !integer, let double = Double(text), let value = I(exactly: double) { return value }
        throw DecodingError.dataCorrupted(.init(codingPath: path.keys(self), debugDescription: "Parsed JSON number <\(text)> does not fit in \(I.self)."))
    }
}

extension SkimDecoder: SingleValueDecodingContainer {
    /// Checked without an error in the usual case: building one counts lines from the start.
    func decodeNil() -> Bool {
        let start = start
        return document.byte(start) == 0x6E && (try? document.skipLiteral("null", at: start)) != nil
    }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decodeDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
}

// MARK: - Containers

struct SkimKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let document: SkimDocument
    let container: SkimContainer
    var codingPath: [any CodingKey] { container.slot.keys(document) }

    var allKeys: [Key] {
        _ = try? document.finish(container, depth: container.depth)
        return container.entries.compactMap { entry in
            (try? document.string(in: entry.key, escaped: entry.keyEscaped, at: entry.key.lowerBound - 1, path: container.slot)).flatMap(Key.init(stringValue:))
        }
    }

    /// The entry of `key`: among those found so far, else walking on until it is found or the
    /// object ends. A document broken after the key is still found broken at the end.
    func entry(_ key: Key) throws -> Int? {
        var name = key.stringValue
        // The name's bytes taken once for the whole search.
        return try name.withUTF8 { name in
            for index in container.entries.indices where document.key(container.entries[index], spells: name) { return index }
            while try document.advance(container, depth: container.depth) {
                let index = container.entries.count - 1
                if document.key(container.entries[index], spells: name) { return index }
            }
            return nil
        }
    }

    func decoder(_ key: Key) throws -> SkimDecoder {
        guard let index = try entry(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return decoder(key, at: index)
    }

    func decoder(_ key: Key, at index: Int) -> SkimDecoder {
        SkimDecoder(document: document, slot: SkimSlot(parent: container, index: index))
    }

    func contains(_ key: Key) -> Bool { (try? entry(key)) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(type) }

    /// Absent or null is nil, as `JSONDecoder` reads an optional; one lookup, not three.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try decodeIfPresent(type, forKey: key, optional: ())
    }

    // The optionals of the types records hold most, each found with one lookup too.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(type, forKey: key, optional: ()) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(type, forKey: key, optional: ()) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(type, forKey: key, optional: ()) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(type, forKey: key, optional: ()) }

    private func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key, optional: Void) throws -> T? {
        guard let index = try entry(key) else { return nil }
        let decoder = decoder(key, at: index)
        if decoder.decodeNil() { return nil }
        return try decoder.decode(type)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decoder(key).decodeDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).integer(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).integer(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).integer(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).integer(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).integer(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).integer(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).integer(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).integer(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).integer(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).integer(UInt64.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try decoder(Key(stringValue: "super")!)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try decoder(key)
    }
}

struct SkimUnkeyedContainer: UnkeyedDecodingContainer {
    let document: SkimDocument
    let container: SkimContainer
    var codingPath: [any CodingKey] { container.slot.keys(document) }
    private(set) var currentIndex = 0

    init(document: SkimDocument, container: SkimContainer) {
        self.document = document
        self.container = container
    }

    var count: Int? {
        _ = try? document.finish(container, depth: container.depth)
        return container.entries.count
    }

    var isAtEnd: Bool {
        if currentIndex < container.entries.count { return false }
        return !((try? document.advance(container, depth: container.depth)) ?? false)
    }

    struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue!)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    /// The decoder of the next element, found if need be; the index moves on only once it is read.
    func next() throws -> SkimDecoder {
        if currentIndex >= container.entries.count, try !document.advance(container, depth: container.depth) {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [Index(currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        return SkimDecoder(document: document, slot: SkimSlot(parent: container, index: currentIndex))
    }

    mutating func read<T>(_ body: (SkimDecoder) throws -> T) throws -> T {
        let value = try body(try next())
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try next().decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try read { try $0.decode(type) } }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try read { try $0.decodeBool() } }
    mutating func decode(_ type: String.Type) throws -> String { try read { try $0.decodeString() } }
    mutating func decode(_ type: Double.Type) throws -> Double { try read { try $0.decodeDouble() } }
    mutating func decode(_ type: Float.Type) throws -> Float { try read { Float(try $0.decodeDouble()) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try read { try $0.integer(Int.self) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try read { try $0.integer(Int8.self) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try read { try $0.integer(Int16.self) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try read { try $0.integer(Int32.self) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try read { try $0.integer(Int64.self) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try read { try $0.integer(UInt.self) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try read { try $0.integer(UInt8.self) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try read { try $0.integer(UInt16.self) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try read { try $0.integer(UInt32.self) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try read { try $0.integer(UInt64.self) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try read { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try read { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try read { $0 }
    }
}
