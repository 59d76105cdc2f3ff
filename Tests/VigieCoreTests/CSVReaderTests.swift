import Testing
@testable import VigieCore

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
