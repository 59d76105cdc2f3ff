import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// The two decoders' verdicts on one document: the same value, or both an error.
///
/// Foundation's `JSONDecoder` lets through some text that is not JSON in the parts a type does
/// not read (`[1,]`, `01`, `"\x"`); the skimming decoder refuses it, as
/// RFC 8259 does. With `mayBeStricter`, that is the one difference allowed: it never reads a
/// value JSONDecoder does not, nor accepts what JSONDecoder refuses.
func sameVerdict<T: Decodable & Equatable>(
    _ type: T.Type, _ bytes: [UInt8], _ comment: Comment? = nil, mayBeStricter: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
) {
    let reference = Result { try JSONDecoder().decode(type, from: Data(bytes)) }
    let skimmed = Result { try SkimmingJSONDecoder().decode(type, from: bytes) }
    switch (reference, skimmed) {
    case (.success(let expected), .success(let value)):
        #expect(value == expected, comment, sourceLocation: sourceLocation)
    case (.failure, .failure): break
    case (.success, .failure) where mayBeStricter: break
    case (.success(let expected), .failure(let error)):
        Issue.record("JSONDecoder read \(expected), the skimming decoder failed: \(error) — \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
    case (.failure(let error), .success(let value)):
        Issue.record("JSONDecoder failed (\(error)), the skimming decoder read \(value) — \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
    }
}

@Suite("Skimming JSON decoder")
struct SkimmingJSONDecoderTests {
    struct Report: Decodable, Equatable {
        struct Rating: Decodable, Equatable {
            var value: Int
            var letter: String?
            var limit: Double?
        }

        var name: String
        var rating: Rating?
        var history: [Rating]?
        var active: Bool?
        var count: Int64?
        var small: UInt8?
        var tags: [String?]?
    }

    /// Documents a provider could send, good and bad, each read by both decoders.
    static let documents: [String] = [
        #"{"name": "A", "rating": {"value": 52, "letter": "B", "limit": 150000.5}}"#,
        #"{"ignored": {"deep": [1, 2, {"x": [true, false, null]}], "s": "}]\"{["}, "name": "A"}"#,
        #"{"name": "A", "rating": null, "history": [{"value": 1}, {"value": 2, "letter": null}]}"#,
        #"  {"name":"\u00e9t\u00C9 \ud83d\ude00 \n\t\"\\\/ \b\f\r"}  "#,
        #"{"name": "été ☃ 𝄞"}"#,
        #"{"name": "A", "count": -9223372036854775808, "small": 255}"#,
        #"{"name": "A", "small": 256}"#,
        #"{"name": "A", "count": 1.0}"#,
        #"{"name": "A", "count": 1.5}"#,
        #"{"name": "A", "count": 1e3}"#,
        #"{"name": "A", "rating": {"value": 1E+2, "limit": -0.5e-3}}"#,
        #"{"name": "A", "rating": {"value": "52"}}"#,
        #"{"name": "A", "rating": {"letter": "B"}}"#,
        #"{"name": 12}"#,
        #"{"name": null}"#,
        #"{"rating": {"value": 1}}"#,
        #"{"name": "A", "active": true, "tags": ["x", null, "y"]}"#,
        #"{"name": "A", "active": 1}"#,
        #"{"name": "A", "tags": []}"#,
        #"{"name": "A", "history": [], "rating": {}}"#,
        #"{"name": "A", "x": tru}"#,
        #"{"name": "A", "x": nul}"#,
        #"{"name": "A", "x": .5}"#,
        #"{"name": "A", "x": +1}"#,
        #"{"name": "A", "x": "\u12"}"#,
        #"{"name": "A" "active": true}"#,
        #"{"name": "A", "x": [1 2]}"#,
        #"{"name": "A", "x": "a"#,
        #"{"name": "A", "x": {"#,
        #"{"name": "A", "x": [}"#,
        #"{"name": "A", "x": {]}"#,
        #"{"name": "A"} x"#,
        #"{"name": "A"}}"#,
        #"{"name": "A"} {"name": "B"}"#,
        #"{name: "A"}"#,
        #"{'name': 'A'}"#,
        #"["name", "A"]"#,
        #""A""#,
        "",
        "   ",
        "{\"name\": \"A\"\u{0C}}",
        "{\"name\": \"A\tB\"}",
        "{\"name\": \"A\", \"x\": \"\u{1}\"}",
        "{\"name\": \"A\", \"x\": \"\u{1}\", \"history\": [{\"value\": 1, \"letter\": \"\u{1F}\"}]}",
    ]

    /// Not JSON, though `JSONDecoder` lets each through where the type reads nothing: refused.
    static let notJSON: [String] = [
        #"{"name": "A",}"#,
        #"{"name": "A", "x": [1,]}"#,
        #"{"name": "A", "x": 01}"#,
        #"{"name": "A", "x": -}"#,
        #"{"name": "A", "x": 1.}"#,
        #"{"name": "A", "x": 1e}"#,
        #"{"name": "A", "x": "\x"}"#,
    ]

    @Test("reads what JSONDecoder reads, and refuses what it refuses", arguments: Self.documents)
    func table(document: String) {
        sameVerdict(Report.self, Array(document.utf8), "\(document)")
    }

    @Test("what is not JSON is refused, even where the type reads nothing", arguments: Self.notJSON)
    func strict(document: String) throws {
        let error = try #require(throws: DecodingError.self) { try SkimmingJSONDecoder().decode(Report.self, from: Array(document.utf8)) }
        #expect("\(error)".contains("line 1, column"), "\(error)")
    }

    @Test("every document read as a whole, through the Decoder protocol alone", arguments: Self.documents)
    func whole(document: String) {
        sameVerdict(AnyJSON.self, Array(document.utf8), "\(document)")
    }

    @Test("strings that are not UTF-8, and lone surrogates, are refused where read")
    func encoding() {
        let bad: [[UInt8]] = [
            Array(#"{"name": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"name": ""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            Array(#"{"name": "\ud83d"}"#.utf8),
            Array(#"{"name": "\ude00 x"}"#.utf8),
            Array(#"{"name": "\ud83d\u0041"}"#.utf8),
        ]
        for bytes in bad {
            #expect(throws: DecodingError.self) { try SkimmingJSONDecoder().decode(Report.self, from: bytes) }
        }
    }

    @Test("nesting deeper than 512 levels is an error, not a crashed stack")
    func depth() {
        for depth in [600, 100_000] {
            let bytes = Array((#"{"name": "A", "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
            #expect(throws: DecodingError.self) { try SkimmingJSONDecoder().decode(Report.self, from: bytes) }
        }
        let fine = Array((#"{"name": "A", "x": "# + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}").utf8)
        #expect((try? SkimmingJSONDecoder().decode(Report.self, from: fine))?.name == "A")
    }

    @Test("an error says where: the line and column of bad JSON, the path of a wrong value")
    func errors() throws {
        let broken = Array("{\n  \"name\": \"A\",\n  \"x\": [1, 2,, 3]\n}".utf8)
        let error = try #require(throws: DecodingError.self) { try SkimmingJSONDecoder().decode(Report.self, from: broken) }
        #expect("\(error)".contains("line 3, column 14"), "\(error)")
        let wrong = Array(#"{"name": "A", "history": [{"value": 1}, {"value": "two"}]}"#.utf8)
        let mismatch = try #require(throws: DecodingError.self) { try SkimmingJSONDecoder().decode(Report.self, from: wrong) }
        guard case .typeMismatch(_, let context) = mismatch else { Issue.record("\(mismatch)"); return }
        #expect(context.codingPath.map(\.stringValue) == ["history", "Index 1", "value"])
    }

    @Test("dates as the store writes them, ISO 8601, and decimals as written")
    func datesAndDecimals() throws {
        struct Stamp: Codable, Equatable {
            var at: Date
            var amount: Decimal
        }
        let stamp = Stamp(at: Date(timeIntervalSince1970: 1_764_577_299), amount: Decimal(string: "12500.35")!)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let bytes = try encoder.encode(stamp)
        #expect(try SkimmingJSONDecoder(dateDecoding: .iso8601).decode(Stamp.self, from: bytes) == stamp)
        #expect(try SkimmingJSONDecoder().decode(Stamp.self, from: try JSONEncoder().encode(stamp)) == stamp)
    }

    @Test("a seeded fuzz: documents cut, reordered and with a byte changed get JSONDecoder's verdicts")
    func fuzz() throws {
        var generator = SplitMix(state: 14)
        let document = #"{"name": "GAMM \"VERT\"", "rating": {"value": 52, "letter": "B", "limit": 1.5e5}, "noise": {"a": [1, -2.5, "x\u0041", null, true, {"b": []}]}, "history": [{"value": 3, "letter": null}], "count": 7, "tags": ["t", null]}"#
        let bytes = Array(document.utf8)
        for cut in 0..<bytes.count { sameVerdict(Report.self, Array(bytes.prefix(cut)), "cut at \(cut)") }
        let whole = try JSONDecoder().decode(AnyJSON.self, from: Data(bytes))
        for round in 0..<50 { sameVerdict(Report.self, Array(whole.written(shuffling: &generator).utf8), "order \(round)") }
        let structural = Array("{}[]\",:0-1.eE+tfn \\u".utf8)
        for round in 0..<3_000 {
            var mutated = bytes
            mutated[Int.random(in: 0..<mutated.count, using: &generator)] = structural.randomElement(using: &generator)!
            sameVerdict(Report.self, mutated, "mutation \(round): \(String(decoding: mutated, as: UTF8.self))", mayBeStricter: true)
            sameVerdict(AnyJSON.self, mutated, "mutation \(round): \(String(decoding: mutated, as: UTF8.self))", mayBeStricter: true)
        }
    }
}

@Suite("Skimming JSON decoder on the repository's real JSON")
struct SkimmingJSONDecoderRealTests {
    /// Every JSON file the repository holds: provider reports, BODACC records, scenarios.
    static let files: [String] = {
        let root = RepositoryData.repositoryRoot
        var found: [String] = []
        for folder in ["data", "scenarios"] {
            let base = root.appendingPathComponent(folder)
            guard let walk = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walk where url.pathExtension == "json" {
                found.append(String(url.path.dropFirst(root.path.count + 1)))
            }
        }
        return found.sorted()
    }()

    @Test("each reads to the same document through both decoders")
    func each() throws {
        #expect(Self.files.count >= 40)
        for file in Self.files {
            let bytes = try [UInt8](Data(contentsOf: RepositoryData.repositoryRoot.appendingPathComponent(file)))
            sameVerdict(AnyJSON.self, bytes, "\(file)")
            #expect((try? SkimmingJSONDecoder().decode(AnyJSON.self, from: bytes)) != nil, "\(file) reads")
        }
    }
}
