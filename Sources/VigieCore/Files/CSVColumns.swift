import Foundation

/// The columns of a CSV export, read from its header row by the names each one answers to:
/// one way for watchlists, insurer exports and aged balances to accept English and French
/// headers, warn about the columns they do not use (with the one probably meant), and say
/// which column is missing.
struct CSVColumns {
    /// A column Vigie reads: its key, and the header names it answers to, folded.
    struct Column {
        var key: String
        var names: Set<String>
    }

    /// Where each key's column is, by position in a record.
    private(set) var positions: [String: Int] = [:]
    /// Warnings about the header: columns not used, a column given twice.
    private(set) var issues: [FileIssue] = []
    let header: CSVReader.Record

    /// Reads `header`; `overrides` names, for some keys, the exact header an export uses
    /// (a configured column mapping), which wins over the usual names.
    init(header: CSVReader.Record, columns: [Column], overrides: [String: String] = [:], file: String) {
        self.header = header
        let wanted = overrides.mapValues(Self.fold)
        for (index, title) in header.fields.enumerated() {
            let folded = Self.fold(title)
            let key = wanted.first { $0.value == folded }?.key
                ?? columns.first { $0.names.contains(folded) && wanted[$0.key] == nil }?.key
            if let key {
                if let first = positions[key] {
                    issues.append(FileIssue(file: file, line: header.line, field: title, message: "a second \(key) column (the first is \"\(header.fields[first])\"); this one is not read", isWarning: true))
                } else {
                    positions[key] = index
                }
            } else if !folded.isEmpty {
                issues.append(FileIssue(file: file, line: header.line, field: title, message: "column not used by Vigie; \(Self.suggestion(for: folded, columns: columns))", isWarning: true))
            }
        }
    }

    /// The trimmed value of `key`'s column in `record`, nil when absent or empty.
    func value(_ key: String, in record: CSVReader.Record) -> String? {
        value(at: positions[key], in: record)
    }

    /// The same by the column's position, looked up once before the rows are read.
    func value(at index: Int?, in record: CSVReader.Record) -> String? {
        guard let index, index < record.fields.count else { return nil }
        let text = record.fields[index].trimmed
        return text.isEmpty ? nil : text
    }

    func position(_ key: String) -> Int? { positions[key] }

    func has(_ key: String) -> Bool { positions[key] != nil }

    /// The header's names, quoted, for a message about a missing column.
    var seen: String { header.fields.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// Lower case, no accents, letters and digits only: `N° SIREN` and `nsiren` are one name.
    static func fold(_ header: String) -> String {
        String(TextRepair.fold(header).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// "did you mean" the closest column Vigie reads, or the list of what it reads.
    static func suggestion(for folded: String, columns: [Column]) -> String {
        let known = columns.flatMap { column in column.names.map { (column.key, $0) } }
        let close = known.min { YAMLReading.distance(folded, $0.1) < YAMLReading.distance(folded, $1.1) }
        if let close, YAMLReading.distance(folded, close.1) <= max(2, close.1.count / 3) || folded.contains(close.1) && close.1.count >= 5 {
            return "did you mean \(close.0)? (rename the column \(close.0) if it holds that)"
        }
        if let inside = known.first(where: { $0.1.count >= 5 && folded.contains($0.1) }) {
            return "did you mean \(inside.0)? (rename the column \(inside.0) if it holds that)"
        }
        return "Vigie reads \(columns.map(\.key).joined(separator: ", "))"
    }
}

/// Reading the figures and dates of exports, shared by every CSV Vigie reads.
enum ExportFields {
    /// A day as exports write it: `2026-11-30`, `30/11/2026`, `30.11.2026`, `30 novembre 2026`.
    static func day(_ raw: String) throws(FieldError) -> CalendarDay {
        let text = raw.trimmed
        let dotted = text.split(separator: ".")
        if dotted.count == 3, let d = Int(dotted[0]), let m = Int(dotted[1]), let y = Int(dotted[2]), let day = CalendarDay(year: y, month: m, day: d) {
            return day
        }
        // Excel writes `30/11/2026 00:00` when a date column holds times.
        if let day = FrenchDate.parse(String(text.split(separator: " ").first ?? "")) ?? FrenchDate.parse(text) { return day }
        throw FieldError("\"\(raw)\" is not a date; write it like 2026-11-30 or 30/11/2026")
    }
}

/// One row of an export, read value by value: one way for the insurer and aged-balance readers
/// to read identifiers, currencies, amounts and dates, every problem kept at the row's line.
struct ExportRow {
    let columns: CSVColumns
    let record: CSVReader.Record
    let file: String
    private(set) var problems: [FileIssue] = []

    init(columns: CSVColumns, record: CSVReader.Record, file: String) {
        self.columns = columns
        self.record = record
        self.file = file
    }

    var hasErrors: Bool { problems.contains { !$0.isWarning } }

    mutating func fail(_ field: String, _ message: String, warning: Bool = false) {
        problems.append(FileIssue(file: file, line: record.line, field: field, message: message, isWarning: warning))
    }

    func text(_ key: String) -> String? { columns.value(key, in: record) }

    /// The company the row is about (its `identifier` column, a SIREN or a SIRET); nil, with
    /// the problem under `field`, when it names none or a wrong one.
    mutating func siren(field: String, missing: String) -> SIREN? {
        guard let identifier = text("identifier") else {
            fail(field, missing)
            return nil
        }
        do {
            return try WatchlistFields.identifier(identifier).siren
        } catch {
            fail(field, error.message)
            return nil
        }
    }

    /// The row's currency column, else EUR.
    mutating func currency() -> String {
        guard let raw = text("currency") else { return "EUR" }
        do { return try WatchlistFields.currency(raw) } catch {
            fail("currency", error.message)
            return "EUR"
        }
    }

    /// An amount in the row's currency (one written beside it must be the same); a negative
    /// one (a credit note) only when `signed`.
    mutating func amount(_ key: String, currency: String, signed: Bool) -> Decimal? {
        guard let raw = text(key) else { return nil }
        do {
            let (value, written) = signed ? try WatchlistFields.signedMoney(raw) : try WatchlistFields.money(raw)
            if let written, written != currency {
                fail(key, "\"\(raw)\" is in \(written) but the row is in \(currency); give the row's currency in a devise column")
                return nil
            }
            return value
        } catch {
            fail(key, error.message)
            return nil
        }
    }

    mutating func day(_ key: String) -> CalendarDay? {
        guard let raw = text(key) else { return nil }
        do { return try ExportFields.day(raw) } catch {
            fail(key, error.message)
            return nil
        }
    }
}
