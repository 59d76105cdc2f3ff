/// Reads delimiter-separated text as an ERP exports it: a header row, `;` or `,` (or tab),
/// quoted fields with doubled quotes and line breaks, CRLF or LF, with or without a BOM.
/// Each record keeps the line it starts on, for messages.
struct CSVReader {
    struct Record {
        var line: Int
        var fields: [String]
    }

    let delimiter: Character
    let records: [Record]

    init(text: String) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        delimiter = Self.detectDelimiter(String(firstLine))
        records = Self.parse(body, delimiter: delimiter)
    }

    /// The candidate found most often outside quotes in the header row.
    static func detectDelimiter(_ header: String) -> Character {
        var counts: [Character: Int] = [";": 0, ",": 0, "\t": 0]
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() } else if !quoted, counts[character] != nil { counts[character]! += 1 }
        }
        return [";", ",", "\t"].max { counts[$0]! < counts[$1]! }.flatMap { counts[$0]! > 0 ? $0 : nil } ?? ";"
    }

    static func parse(_ text: String, delimiter: Character) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil

        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }

        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" || character == "\r" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                quoted = true
            case delimiter:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
