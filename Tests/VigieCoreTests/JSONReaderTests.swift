import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// `JSONReader` is held to `JSONDecoder` as `SkimmingJSONDecoder` is: the same documents, the
/// same fuzz, the same verdicts (the one difference allowed: refusing text that is not JSON).
@Suite("JSON reader")
struct JSONReaderTests {
    typealias Report = SkimmingJSONDecoderTests.Report

    /// A reader written by hand, as a provider's is: required members checked at the end.
    static func read(_ bytes: [UInt8]) throws -> Report {
        try JSONReader.read(bytes) { reader in
            var name: String?
            var rating: Report.Rating??
            var history: [Report.Rating]??
            var active: Bool??
            var count: Int64??
            var small: UInt8??
            var tags: [String?]??
            try reader.members { key, reader in
                switch key {
                case "name": name = try reader.read(String.self)
                case "rating": rating = .some(reader.readNull() ? nil : try readRating(&reader))
                case "history": history = .some(reader.readNull() ? nil : try reader.array(readRating))
                case "active": active = .some(try reader.read(Bool?.self))
                case "count": count = .some(reader.readNull() ? nil : try reader.integer(Int64.self))
                case "small": small = .some(reader.readNull() ? nil : try reader.integer(UInt8.self))
                case "tags": tags = .some(try reader.read([String?]?.self))
                default: break
                }
            }
            guard let name else { throw DecodingError.keyNotFound(JSONPathKey(stringValue: "name"), .init(codingPath: [], debugDescription: "no name")) }
            return Report(name: name, rating: rating ?? nil, history: history ?? nil, active: active ?? nil, count: count ?? nil, small: small ?? nil, tags: tags ?? nil)
        }
    }

    static func readRating(_ reader: inout JSONReader) throws -> Report.Rating {
        var value: Int?
        var letter: String?
        var limit: Double?
        try reader.members { key, reader in
            switch key {
            case "value": value = try reader.read(Int.self)
            case "letter": letter = try reader.read()
            case "limit": limit = try reader.read()
            default: break
            }
        }
        guard let value else { throw DecodingError.keyNotFound(JSONPathKey(stringValue: "value"), .init(codingPath: [], debugDescription: "no value")) }
        return Report.Rating(value: value, letter: letter, limit: limit)
    }

    /// The two readers' verdicts on one document, as `sameVerdict` compares the decoders'.
    static func sameVerdict(_ bytes: [UInt8], _ comment: Comment, mayBeStricter: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = Result { try JSONDecoder().decode(Report.self, from: Data(bytes)) }
        let read = Result { try Self.read(bytes) }
        switch (reference, read) {
        case (.success(let expected), .success(let value)): #expect(value == expected, comment, sourceLocation: sourceLocation)
        case (.failure, .failure): break
        case (.success, .failure) where mayBeStricter: break
        case (.success(let expected), .failure(let error)):
            Issue.record("JSONDecoder read \(expected), the reader failed: \(error) — \(comment.rawValue)", sourceLocation: sourceLocation)
        case (.failure(let error), .success(let value)):
            Issue.record("JSONDecoder failed (\(error)), the reader read \(value) — \(comment.rawValue)", sourceLocation: sourceLocation)
        }
    }

    @Test("reads what JSONDecoder reads, and refuses what it refuses", arguments: SkimmingJSONDecoderTests.documents)
    func table(document: String) {
        Self.sameVerdict(Array(document.utf8), "\(document)")
    }

    @Test("what is not JSON is refused, even where nothing is read", arguments: SkimmingJSONDecoderTests.notJSON)
    func strict(document: String) throws {
        let error = try #require(throws: DecodingError.self) { try Self.read(Array(document.utf8)) }
        #expect("\(error)".contains("line 1, column"), "\(error)")
    }

    @Test("nesting deeper than 512 levels is an error, not a crashed stack")
    func depth() {
        for depth in [600, 100_000] {
            let bytes = Array((#"{"name": "A", "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
            #expect(throws: DecodingError.self) { try Self.read(bytes) }
        }
        let fine = Array((#"{"name": "A", "x": "# + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}").utf8)
        #expect((try? Self.read(fine))?.name == "A")
    }

    @Test("an error says where: the line and column of bad JSON, the path of a wrong value")
    func errors() throws {
        let broken = Array("{\n  \"name\": \"A\",\n  \"x\": [1, 2,, 3]\n}".utf8)
        let error = try #require(throws: DecodingError.self) { try Self.read(broken) }
        #expect("\(error)".contains("line 3, column 14"), "\(error)")
        let wrong = Array(#"{"name": "A", "history": [{"value": 1}, {"value": "two"}]}"#.utf8)
        let mismatch = try #require(throws: DecodingError.self) { try Self.read(wrong) }
        guard case .typeMismatch(_, let context) = mismatch else { Issue.record("\(mismatch)"); return }
        #expect(context.codingPath.map(\.stringValue) == ["history", "Index 1", "value"])
    }

    @Test("a key with escapes matches its unescaped name; of duplicate keys the first counts, as with JSONDecoder", arguments: [
        #"{"n\u0061me": "A"}"#, #"{"name": "A", "name": "B"}"#, #"{"name": "A", "n\u0061me": "B"}"#, #"{"name": "A", "name": 12}"#,
        #"{"name": "A", "rating": {"value": 1}, "rating": {"value": "x"}, "rating": 3}"#, #"{"name": 1, "name": "A"}"#,
    ])
    func keys(document: String) throws {
        Self.sameVerdict(Array(document.utf8), "\(document)")
        #expect((try? Self.read(Array(document.utf8)))?.name == (document.hasPrefix(#"{"name": 1"#) ? nil : "A"))
    }

    @Test("a seeded fuzz: documents cut, reordered and with a byte changed get JSONDecoder's verdicts")
    func fuzz() throws {
        var generator = SplitMix(state: 14)
        let document = #"{"name": "GAMM \"VERT\"", "rating": {"value": 52, "letter": "B", "limit": 1.5e5}, "noise": {"a": [1, -2.5, "x\u0041", null, true, {"b": []}]}, "history": [{"value": 3, "letter": null}], "count": 7, "tags": ["t", null]}"#
        let bytes = Array(document.utf8)
        for cut in 0..<bytes.count { Self.sameVerdict(Array(bytes.prefix(cut)), "cut at \(cut)") }
        let whole = try JSONDecoder().decode(AnyJSON.self, from: Data(bytes))
        for round in 0..<50 { Self.sameVerdict(Array(whole.written(shuffling: &generator).utf8), "order \(round)") }
        let structural = Array("{}[]\",:0-1.eE+tfn \\u".utf8)
        for round in 0..<3_000 {
            var mutated = bytes
            mutated[Int.random(in: 0..<mutated.count, using: &generator)] = structural.randomElement(using: &generator)!
            Self.sameVerdict(mutated, "mutation \(round): \(String(decoding: mutated, as: UTF8.self))", mayBeStricter: true)
        }
    }
}
