import Foundation

/// Reads a watchlist exported from an ERP as CSV: a header row naming the columns in English
/// or French, one company per row. Exports carry many columns Vigie does not use: each is
/// reported as a warning (with the column it probably meant), so that a renamed "Encours TTC"
/// is never lost in silence, and the file stays good.
public enum WatchlistCSVParser {
    /// Header names each column answers to, folded (lower case, no accents, letters and digits only).
    static let columns: [CSVColumns.Column] = [
        .init(key: "identifier", names: ["siren", "siret", "sirensiret", "identifiant", "nsiren", "numerosiren", "nsiret", "numerosiret", "nosiren", "nosiret", "numsiren", "numsiret", "codesiren", "codesiret", "siretclient", "sirenclient", "companyid", "registrationnumber", "regno", "id"]),
        .init(key: "name", names: ["name", "nom", "raisonsociale", "raisonsocialeclient", "nomraisonsociale", "denomination", "denominationsociale", "company", "companyname", "societe", "client", "nomclient", "libelleclient"]),
        .init(key: "owner", names: ["owner", "responsable", "gestionnaire", "chargedecompte", "accountmanager", "commercial"]),
        .init(key: "tags", names: ["tags", "tag", "etiquettes", "etiquette", "labels", "segment"]),
        .init(key: "exposure", names: ["exposure", "encours", "encoursclient", "encoursttc", "encoursht", "encourstotal", "encoursglobal", "totalencours", "montantencours", "montant", "montantttc", "soldeclient", "solde", "outstanding", "receivables"]),
        .init(key: "currency", names: ["currency", "devise", "monnaie"]),
        .init(key: "postcode", names: ["postcode", "postalcode", "zipcode", "zip", "codepostal", "cp"]),
        .init(key: "insured_limit", names: ["insuredlimit", "limiteassuree", "limitedecreditassuree", "limiteassurance", "garantie", "garantieaccordee", "montantgaranti", "agrement", "montantagree", "creditlimit", "limitecredit", "limite"]),
        .init(key: "score_drop_points", names: ["scoredroppoints", "seuilpoints", "baissepoints"]),
        .init(key: "score_drop_percent", names: ["scoredroppercent", "seuilpourcentage", "seuilpourcent", "baissepourcentage"]),
        .init(key: "credit_limit_cut_percent", names: ["creditlimitcutpercent", "seuillimite", "baisselimitepourcentage"]),
        .init(key: "hysteresis_points", names: ["hysteresispoints", "hysteresis", "marge", "margepoints"]),
        .init(key: "hysteresis_days", names: ["hysteresisdays", "margejours"]),
        .init(key: "guarantee_issuer", names: ["guaranteeissuer", "guarantor", "garant", "emetteurgarantie", "assureurgarantie"]),
        .init(key: "guarantee_maximum", names: ["guaranteemaximum", "guaranteemax", "plafondgarantie", "encoursmaxgaranti", "montantmaxgaranti", "garantiemax"]),
        .init(key: "guarantee_rate", names: ["guaranteerate", "tauxcouverture", "tauxgarantie", "quotite", "quotitegarantie"]),
        .init(key: "guarantee_start", names: ["guaranteestart", "debutgarantie", "datedebutgarantie"]),
        .init(key: "guarantee_expiry", names: ["guaranteeexpiry", "fingarantie", "echeancegarantie", "expirationgarantie", "datefingarantie"]),
        .init(key: "guarantee_cancelled", names: ["guaranteecancelled", "garantieresiliee", "resiliationgarantie", "dateresiliationgarantie"]),
    ]

    static func fold(_ header: String) -> String { CSVColumns.fold(header) }

    /// Stops the scan at the header.
    private struct HeaderRead: Error {}

    /// A file of more than a few megabytes is read by as many readers as there are cores, each
    /// a part of the rows (a million-line export is read in half the time on two); the entries
    /// and problems come out as one reader would give them.
    public static func parse(_ text: String, file: String, name: String) -> WatchlistParseResult {
        parse(text, file: file, name: name, readers: ProcessInfo.processInfo.activeProcessorCount, bytesPerReader: 4 << 20)
    }

    /// `readers` at most, each given `bytesPerReader` of rows at least.
    static func parse(_ text: String, file: String, name: String, readers: Int, bytesPerReader: Int) -> WatchlistParseResult {
        var text = text
        return text.withUTF8 { all in
            var start = 0
            if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }
            var headerEnd = start
            while headerEnd < all.count, all[headerEnd] != UInt8(ascii: "\n"), all[headerEnd] != UInt8(ascii: "\r") { headerEnd += 1 }
            let separator = CSVReader.detectDelimiter(all[start..<headerEnd])
            let delimiter = Character(Unicode.Scalar(separator))
            let bytes = UnsafeBufferPointer(rebasing: all[start...])
            var found: CSVReader.Record?
            try? CSVReader.parse(bytes, delimiter: separator) { record in
                found = record
                throw HeaderRead()
            }
            guard let header = found else {
                return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; the first line must name the columns, e.g. siren;name;owner;exposure")])
            }
            let columns = CSVColumns(header: header, columns: Self.columns, file: file)
            guard columns.has("identifier") else {
                return WatchlistParseResult(watchlist: nil, issues: [FileIssue(
                    file: file, line: header.line,
                    message: "no SIREN/SIRET column among \(columns.seen); name one column siren, siret or identifiant (delimiter read as \"\(delimiter == "\t" ? "tab" : String(delimiter))\")"
                )])
            }
            let reader = RowReader(columns: columns, header: header, delimiter: delimiter)
            let rows = UnsafeBufferPointer(rebasing: bytes[min(header.end, bytes.count)...])
            let count = max(1, min(readers, rows.count / max(bytesPerReader, 1)))
            let targets = (1..<max(count, 1)).map { rows.count * $0 / count }
            let splits = count > 1 ? CSVReader.splits(rows, delimiter: separator, firstLine: header.nextLine, near: targets) : []
            let starts = [(offset: 0, line: header.nextLine)] + splits
            let parts = starts.indices.map { index in
                Part(bytes: UnsafeBufferPointer(rebasing: rows[starts[index].offset..<(index + 1 < starts.count ? starts[index + 1].offset : rows.count)]), firstLine: starts[index].line)
            }
            return read(parts, reader: reader, headerIssues: columns.issues, file: file, name: name)
        }
    }

    /// Some rows of the file, read by one reader into its own region of the entries.
    struct Part: @unchecked Sendable {
        /// Valid while the file's text is held: the readers run within `parse`.
        let bytes: UnsafeBufferPointer<UInt8>
        let firstLine: Int

        /// At most one entry per line break, and one for a last line without one.
        var capacity: Int {
            bytes.count(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) + 1
        }

        /// Reads the rows into `region` (uninitialized, `capacity` entries long): the count of
        /// entries written, and the problems.
        func read(into region: UnsafeMutablePointer<WatchEntry>, reader: RowReader, file: String) -> (count: Int, issues: [FileIssue]) {
            var count = 0
            var issues: [FileIssue] = []
            CSVReader.parse(bytes, delimiter: reader.delimiter.asciiValue!, firstLine: firstLine) { record in
                if let entry = reader.read(record, file: file, issues: &issues) {
                    (region + count).initialize(to: entry)
                    count += 1
                }
            }
            return (count, issues)
        }
    }

    /// The parts read side by side when there are several, each into its region of one array;
    /// then, in the array itself, the regions closed up and a company listed twice kept at its
    /// first line (the later lines reported), every problem in line order: what one reader gives,
    /// in the memory of one array of entries.
    static func read(_ parts: [Part], reader: RowReader, headerIssues: [FileIssue], file: String, name: String) -> WatchlistParseResult {
        let capacities = parts.concurrentMap(\.capacity)
        let offsets = capacities.reduce(into: [0]) { $0.append($0.last! + $1) }
        var read: [(count: Int, issues: [FileIssue])] = []
        var duplicated: [FileIssue] = []
        let entries = [WatchEntry](unsafeUninitializedCapacity: offsets.last!) { buffer, initialized in
            // Each reader writes its own region of the storage, `offsets` apart.
            let base = UncheckedSendable(value: buffer.baseAddress!)
            read = Array(parts.indices).concurrentMap { parts[$0].read(into: base.value + offsets[$0], reader: reader, file: file) }
            var duplicates = DuplicateCheck(expected: read.reduce(0) { $0 + $1.count })
            var kept = 0
            for (index, part) in read.enumerated() {
                let region = base.value + offsets[index]
                for position in 0..<part.count {
                    let entry = region + position
                    if let issue = duplicates.check(entry.pointee.identifier, line: entry.pointee.line, file: file) {
                        duplicated.append(issue)
                        entry.deinitialize(count: 1)
                    } else {
                        if base.value + kept != entry { (base.value + kept).moveInitialize(from: entry, count: 1) }
                        kept += 1
                    }
                }
            }
            initialized = kept
        }
        #if canImport(Glibc)
        // The other readers' threads allocated in arenas of their own; what they freed (each
        // row's fields and drafts) stays mapped there unless handed back (55 MB more resident
        // for a 100 000-company cycle with two readers).
        if parts.count > 1 { _ = mallocTrim(0) }
        #endif
        // Each part's problems are in line order, and the parts are; a duplicate comes after
        // the other problems of its line, as the row's own are found first.
        var issues = headerIssues
        issues.reserveCapacity(headerIssues.count + duplicated.count + read.reduce(0) { $0 + $1.issues.count })
        var next = duplicated[...]
        for part in read {
            for issue in part.issues {
                while let duplicate = next.first, duplicate.line < issue.line {
                    issues.append(duplicate)
                    next = next.dropFirst()
                }
                issues.append(issue)
            }
        }
        issues.append(contentsOf: next)
        return WatchlistParseResult(watchlist: Watchlist(name: name, file: file, entries: entries), issues: issues)
    }

    /// One list's rows read into entries, the columns' positions found once: a million rows
    /// ask for a dozen columns each. A class: the scan's closure holds it for every row, and a
    /// struct of this size was copied (and its arrays retained and released) once per row.
    final class RowReader: Sendable {
        let columns: CSVColumns
        let header: CSVReader.Record
        let delimiter: Character
        let guaranteeColumns: [(EntryDraft.GuaranteeField, Int)]
        let thresholdColumns: [(EntryDraft.Field, Int)]
        let identifier, name, owner, tags, exposure, insured, currency, postcode: Int?
        /// An export has no list-wide settings; one value, so that its entries share their terms.
        let defaults = ListDefaults()

        init(columns: CSVColumns, header: CSVReader.Record, delimiter: Character) {
            self.columns = columns
            self.header = header
            self.delimiter = delimiter
            guaranteeColumns = EntryDraft.GuaranteeField.allCases.compactMap { field in columns.position("guarantee_\(field.rawValue)").map { (field, $0) } }
            thresholdColumns = EntryDraft.Field.allCases.compactMap { field in columns.position(field.rawValue).map { (field, $0) } }
            (identifier, name, owner, tags, exposure, insured, currency, postcode) = (
                columns.position("identifier"), columns.position("name"), columns.position("owner"), columns.position("tags"),
                columns.position("exposure"), columns.position("insured_limit"), columns.position("currency"), columns.position("postcode")
            )
        }

        /// The row's entry, its problems added to `issues`.
        func read(_ record: CSVReader.Record, file: String, issues: inout [FileIssue]) -> WatchEntry? {
            func value(_ index: Int?) -> EntryDraft.Value? {
                columns.value(at: index, in: record).map { EntryDraft.Value(text: $0, line: record.line) }
            }
            if record.fields.count > header.fields.count {
                issues.append(FileIssue(file: file, line: record.line, message: "\(record.fields.count) fields but the header has \(header.fields.count); quote values that contain \"\(delimiter)\""))
                return nil
            }
            var draft = EntryDraft(line: record.line)
            draft.identifier = value(identifier)
            draft.name = value(name)
            draft.owner = value(owner)
            draft.tags = value(tags).map { WatchlistFields.tags($0.text) } ?? []
            draft.tagsLine = record.line
            draft.exposure = value(exposure)
            draft.insuredLimit = value(insured)
            draft.currency = value(currency)
            draft.postcode = value(postcode)
            for (field, index) in guaranteeColumns {
                if let raw = value(index) { draft.guarantee[field] = raw }
            }
            for (field, index) in thresholdColumns {
                if let raw = value(index) { draft.thresholds[field] = raw }
            }
            // A company listed twice is found once the parts are read (`read(_:reader:…)`).
            return draft.build(file: file, defaults: defaults, issues: &issues)
        }
    }
}

extension Array {
    /// `map` with the elements handed to as many threads as there are cores: for CPU-bound
    /// work over a few large pieces (a watchlist's parts). The results come back in order.
    func concurrentMap<T>(_ transform: (Element) -> T) -> [T] {
        // One element (a small list) stays on the caller's thread.
        guard count > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        // Each iteration initializes its own slot, and only that one.
        let slots = UncheckedSendable(value: results.baseAddress!)
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedSendable(value: (self, transform))
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                let (elements, transform) = work.value
                (slots.value + offset).initialize(to: transform(elements[offset]))
            }
        }
        return (0..<count).map { (results.baseAddress! + $0).move() }
    }
}

/// A value handed to `concurrentPerform`'s threads, which only read it (or, for a pointer,
/// write each its own part of what it points to).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

#if canImport(Glibc)
/// glibc's `malloc_trim(3)`, which the Glibc module leaves out (it is in `malloc.h`).
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
#endif
