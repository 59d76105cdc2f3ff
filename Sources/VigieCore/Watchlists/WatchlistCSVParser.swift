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

    /// Stops the scan when the header makes the rest of the file unreadable.
    private struct Unreadable: Error {}

    public static func parse(_ text: String, file: String, name: String) -> WatchlistParseResult {
        // Rows are handled as they are read, never all held at once: a million-line export
        // costs its entries, not its records too. Lines give the capacity to reserve.
        let expected = text.utf8.withContiguousStorageIfAvailable { bytes in
            var count = 0
            for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
            return count
        } ?? 0
        var entries: [WatchEntry] = []
        var issues: [FileIssue] = []
        var duplicates = DuplicateCheck(expected: expected)
        var reading: RowReader?
        var header: CSVReader.Record?
        let delimiter = CSVReader.delimiter(of: text)
        do {
            try CSVReader.scan(text) { record in
                if let reading {
                    reading.read(record, file: file, issues: &issues, entries: &entries, duplicates: &duplicates)
                    return
                }
                header = record
                let columns = CSVColumns(header: record, columns: Self.columns, file: file)
                guard columns.has("identifier") else { throw Unreadable() }
                issues = columns.issues
                entries.reserveCapacity(expected)
                reading = RowReader(columns: columns, header: record, delimiter: delimiter)
            }
        } catch {
            let columns = CSVColumns(header: header!, columns: Self.columns, file: file)
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(
                file: file, line: header!.line,
                message: "no SIREN/SIRET column among \(columns.seen); name one column siren, siret or identifiant (delimiter read as \"\(delimiter == "\t" ? "tab" : String(delimiter))\")"
            )])
        }
        guard header != nil else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; the first line must name the columns, e.g. siren;name;owner;exposure")])
        }
        return WatchlistParseResult(watchlist: Watchlist(name: name, file: file, entries: entries), issues: issues)
    }

    /// One list's rows read into entries, the columns' positions found once: a million rows
    /// ask for a dozen columns each.
    struct RowReader {
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

        func read(_ record: CSVReader.Record, file: String, issues: inout [FileIssue], entries: inout [WatchEntry], duplicates: inout DuplicateCheck) {
            func value(_ index: Int?) -> EntryDraft.Value? {
                columns.value(at: index, in: record).map { EntryDraft.Value(text: $0, line: record.line) }
            }
            if record.fields.count > header.fields.count {
                issues.append(FileIssue(file: file, line: record.line, message: "\(record.fields.count) fields but the header has \(header.fields.count); quote values that contain \"\(delimiter)\""))
                return
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
            if let entry = draft.build(file: file, defaults: defaults, issues: &issues) {
                if let duplicate = duplicates.check(entry.identifier, line: record.line, file: file) {
                    issues.append(duplicate)
                } else {
                    entries.append(entry)
                }
            }
        }
    }
}
