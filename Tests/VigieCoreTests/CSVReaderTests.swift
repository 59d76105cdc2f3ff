import Testing
@testable import VigieCore
import VigieTestSupport

/// The CSV reader on what exports hold: quoted fields with the delimiter, doubled quotes and
/// line breaks inside, CRLF, a BOM, text after a closing quote, empty fields; each record at the
/// line it starts on. The same records whether handed over one by one or all at once.
@Suite("The CSV reader")
struct CSVReaderTests {
    static let table: [(text: String, records: [[String]], lines: [Int], delimiter: Character)] = [
        ("a;b\n1;2\n", [["a", "b"], ["1", "2"]], [1, 2], ";"),
        ("\u{FEFF}a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]], [1, 2], ","),
        ("a;b\n\"x;y\";2\n", [["a", "b"], ["x;y", "2"]], [1, 2], ";"),
        ("a;b\n\"say \"\"hi\"\"\";2\n", [["a", "b"], ["say \"hi\"", "2"]], [1, 2], ";"),
        ("a;b\n\"two\nlines\";2\n3;4", [["a", "b"], ["two\nlines", "2"], ["3", "4"]], [1, 2, 4], ";"),
        ("a;b\n\"q\"tail;2\n", [["a", "b"], ["qtail", "2"]], [1, 2], ";"),
        ("a;b\n;\n\"\";x\n", [["a", "b"], ["", ""], ["", "x"]], [1, 2, 3], ";"),
        ("a\tb\n1\t2", [["a", "b"], ["1", "2"]], [1, 2], "\t"),
        ("a;b\n\n  \n1;2\n", [["a", "b"], ["1", "2"]], [1, 4], ";"),
        ("nom;é\nÉtienne;à\n", [["nom", "é"], ["Étienne", "à"]], [1, 2], ";"),
        ("a;b\r1;2\r", [["a", "b"], ["1", "2"]], [1, 2], ";"),
    ]

    @Test("every shape an export takes, at its line", arguments: 0..<table.count)
    func shapes(_ index: Int) {
        let row = Self.table[index]
        let reader = CSVReader(text: row.text)
        #expect(reader.records.map(\.fields) == row.records)
        #expect(reader.records.map(\.line) == row.lines)
        #expect(reader.delimiter == row.delimiter)
        var scanned: [[String]] = []
        CSVReader.scan(row.text) { scanned.append($0.fields) }
        #expect(scanned == row.records)
    }
}

@Suite("A big export read by several readers side by side")
struct ParallelWatchlistTests {
    /// A SIREN: eight digits and the Luhn check digit.
    static func siren(_ stem: Int) -> String {
        SIREN.samples(1, first: stem)[0].digits
    }

    /// Rows of every kind a reader must agree on, in seeded order: quoted names with the
    /// delimiter, line breaks and doubled quotes; a quote inside an unquoted name; CRLF, LF and
    /// lone CR endings; blank lines; bad identifiers, amounts and currencies; too many fields;
    /// companies listed twice, far apart.
    static func export(rows: Int, seed: UInt64) -> String {
        var random = SplitMix(state: seed)
        var text = "siren;name;owner;exposure;currency\r\n"
        for row in 0..<rows {
            let siren = siren(Int(random.next() % 5_000) * 7_919 + 1)
            let ending = ["\n", "\r\n", "\r"][Int(random.next() % 3)]
            switch random.next() % 12 {
            case 0: text += "\(siren);\"QUOTED; \"\"NAME\"\"\nON TWO\r\nLINES\";owner;1 200,50;EUR" + ending
            case 1: text += "\(siren);12\" SCREENS;owner;100;EUR" + ending
            case 2: text += "123456789;BAD SIREN;owner;100;EUR" + ending
            case 3: text += "\(siren);BAD AMOUNT;owner;12-5;EUR" + ending
            case 4: text += "\(siren);BAD CURRENCY;owner;100;EURO" + ending
            case 5: text += "\(siren);TOO;MANY;FIELDS;100;EUR" + ending
            case 6: text += ending
            case 7: text += "\"\(siren)\";\"\";\"\";\"\";\"\"" + ending
            default: text += "\(siren);COMPANY \(row);owner\(row % 7)@example.fr;\(row * 13 % 50_000),\(row % 100);EUR" + ending
            }
        }
        return text
    }

    @Test("the entries and problems are those of one reader, however the rows are split", arguments: [1, 2, 3, 5])
    func sameAsOneReader(seed: UInt64) {
        let text = Self.export(rows: 3_000, seed: seed)
        let one = WatchlistCSVParser.parse(text, file: "big.csv", name: "big", readers: 1, bytesPerReader: .max)
        #expect((one.watchlist?.entries.count ?? 0) > 1_000)
        #expect(one.issues.contains { $0.message.contains("is already listed at line") })
        #expect(one.issues.contains { $0.message.contains("fields but the header has") })
        for (readers, bytes) in [(2, 1), (3, 1_000), (4, 20_000), (7, 1), (16, 3)] {
            let many = WatchlistCSVParser.parse(text, file: "big.csv", name: "big", readers: readers, bytesPerReader: bytes)
            #expect(many.watchlist == one.watchlist, "\(readers) readers of \(bytes) bytes at least")
            // The first problem that differs, not two lists of hundreds.
            let differing = zip(many.issues, one.issues).first { $0 != $1 }
            #expect(many.issues.count == one.issues.count && differing == nil, "\(readers) readers of \(bytes) bytes at least: \(many.issues.count) problems against \(one.issues.count); first difference \(differing.map { "\($0) against \($1)" } ?? "none")")
        }
    }

    @Test("a split never falls inside a quoted field")
    func splitsOutsideQuotes() {
        var text = "siren;name\n"
        for row in 0..<200 { text += "\(Self.siren(row + 1));\"A\nB\r\nC\"\"\n\"\n" }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            let all = UnsafeBufferPointer(buffer)
            let splits = CSVReader.splits(all, delimiter: UInt8(ascii: ";"), firstLine: 1, near: Array(stride(from: 1, to: all.count, by: 97)))
            #expect(!splits.isEmpty)
            for split in splits {
                // Each record is four lines long (three line breaks inside its quotes) and starts with a SIREN.
                #expect(all[split.offset] != UInt8(ascii: "\n") && (split.line - 2) % 4 == 0, "split at \(split.offset), line \(split.line)")
                let head = String(decoding: all[split.offset..<split.offset + 9], as: UTF8.self)
                #expect(head.allSatisfy { $0.isNumber }, "\(head)")
            }
        }
    }
}
