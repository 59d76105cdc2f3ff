import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// `RecordJSONEncoder` writes what `JSONEncoder` (snake case, sorted keys, slashes unescaped)
/// writes: every case here is compared byte for byte with it.
@Suite("Records written as JSONEncoder writes them")
struct RecordJSONEncoderTests {
    static func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Inner: Encodable {
        var relatedAlertID: String?
        var myURLProperty = "https://example.fr/a/b"
        var counts: [String: Int] = ["camelKey": 1, "B": 2, "é": 3, "a": 4]
        var flags: [Bool] = [true, false]
    }

    struct Record: Encodable {
        var id = "vg_1"
        var revision = 3
        var title = "Quote \" backslash \\ line\nfeed\ttab \u{01} control, é accents, € euro, emoji 🙂, </script>"
        var absent: String?
        var createdAt = "2026-12-02T03:00:00Z"
        var ABC = "upper"
        var _private = "underscore"
        var already_snake = "snake"
        var x = -42
        var big = UInt64.max
        var nested = Inner(relatedAlertID: "vg_0")
        var list = [Inner(), Inner(relatedAlertID: nil, myURLProperty: "", counts: [:], flags: [])]
        var empty: [String] = []
        var nothing: [String: String] = [:]
    }

    @Test("keys converted and sorted, strings escaped, dictionaries' keys left as they are, nil left out")
    func sameText() throws {
        let record = Record()
        #expect(try RecordJSONEncoder().encode(record) == (try Self.foundation(record)))
    }

    @Test("a key seen for the first time by many threads at once is converted the same")
    func concurrentKeys() async throws {
        struct Keyed: Encodable {
            var key: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: AnyKey.self)
                try container.encode(1, forKey: AnyKey(stringValue: key))
            }
        }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let keys = (0..<200).map { "concurrentKeyNumber\($0)XMLValue" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in keys + keys {
                group.addTask {
                    let ours = try RecordJSONEncoder().encode(Keyed(key: key))
                    let theirs = try Self.foundation(Keyed(key: key))
                    #expect(ours == theirs)
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("what a super encoder writes lands where JSONEncoder puts it")
    func superEncoders() throws {
        struct Layered: Encodable {
            enum Keys: String, CodingKey { case ownPart, baseRecord, listPart }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode("own", forKey: .ownPart)
                try Inner().encode(to: container.superEncoder())
                try Inner(relatedAlertID: "x").encode(to: container.superEncoder(forKey: .baseRecord))
                var list = container.nestedUnkeyedContainer(forKey: .listPart)
                try list.encode(1)
                try "second".encode(to: list.superEncoder())
            }
        }
        #expect(try RecordJSONEncoder().encode(Layered()) == (try Self.foundation(Layered())))
    }

    @Test("a record with a date or a double falls back to JSONEncoder, with the same text")
    func fallback() throws {
        struct Dated: Encodable {
            var at = Date(timeIntervalSince1970: 1_700_000_000)
            var ratio = 0.1
        }
        #expect(throws: RecordJSONEncoder.Unsupported.self) { try RecordJSONEncoder().encode(Dated()) }
        #expect(RecordJSONEncoder.line(Dated()) == (try Self.foundation(Dated())))
    }

    @Test("seeded random records, strings from the whole range of characters")
    func fuzz() throws {
        var random = SplitMix(state: 14)
        let alphabet = Array("aZ09 _-\"\\/\n\t\u{0}\u{1F}\u{7F}é€🙂\u{2028}") + ["e\u{301}"]
        func text() -> String { String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }) }
        for _ in 0..<300 {
            var record = Record()
            record.title = text()
            record.absent = random.next() % 2 == 0 ? nil : text()
            record.nested.counts = Dictionary((0..<Int(random.next() % 4)).map { _ in (text(), Int(truncatingIfNeeded: random.next())) }, uniquingKeysWith: { first, _ in first })
            record.list = (0..<Int(random.next() % 3)).map { _ in Inner(relatedAlertID: text(), myURLProperty: text()) }
            #expect(try RecordJSONEncoder().encode(record) == (try Self.foundation(record)))
        }
    }
}
