import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// A boxed position is written and read as the optional it replaced: the documents Vigie stores
/// and sends are the same with the box as without it.
@Suite("A value in a box")
struct BoxedTests {
    /// What the property was before the box, for comparison.
    struct Plain: Codable, Hashable {
        var id = "vg_1"
        var position: Position?
    }

    struct InABox: Codable, Hashable {
        var id = "vg_1"
        @Boxed var position: Position?
    }

    static let position = Position(currency: "EUR", owed: 12_480.5, owedFrom: "watchlist", asOf: CalendarDay(iso: "2026-12-01"), overdue: 300)

    static func json<T: Encodable>(_ value: T, snake: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if snake { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("empty, the key is left out; full, the value is written as it was; both read back, from either form", arguments: [false, true])
    func sameDocuments(full: Bool) throws {
        let plain = Plain(position: full ? Self.position : nil)
        var boxed = InABox()
        boxed.position = plain.position
        #expect(try Self.json(boxed) == Self.json(plain))
        #expect(try Self.json(boxed, snake: true) == Self.json(plain, snake: true))
        #expect(RecordJSONEncoder.line(boxed) == RecordJSONEncoder.line(plain))
        let written = try Self.json(boxed)
        #expect(full || !written.contains("position"))
        let read = try JSONDecoder().decode(InABox.self, from: Data(Self.json(plain).utf8))
        #expect(read == boxed)
        #expect(read.position == plain.position)
        #expect(try JSONDecoder().decode(InABox.self, from: Data(#"{"id":"vg_1","position":null}"#.utf8)).position == nil)
    }

    @Test("a copy changed does not change the original; equal values are equal whatever their box")
    func copies() {
        var first = InABox()
        first.position = Self.position
        var second = first
        second.position?.overdue = 1
        #expect(first.position?.overdue == 300)
        #expect(second.position?.overdue == 1)
        second.position?.overdue = 300
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        second.position = nil
        #expect(first != second)
    }
}
