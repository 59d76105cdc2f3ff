/// Reads a watchlist exported from an ERP as CSV: a header row naming the columns in English
/// or French, one company per row. Unknown columns are ignored: exports carry many.
public enum WatchlistCSVParser {
    /// Header names each column answers to, folded (lower case, no accents, letters and digits only).
    static let columns: [(key: String, names: Set<String>)] = [
        ("identifier", ["siren", "siret", "sirensiret", "identifiant", "nsiren", "numerosiren", "nsiret", "numerosiret", "companyid", "registrationnumber", "regno", "id"]),
        ("name", ["name", "nom", "raisonsociale", "denomination", "company", "companyname", "societe", "client", "nomclient"]),
        ("owner", ["owner", "responsable", "gestionnaire", "chargedecompte", "accountmanager", "commercial"]),
        ("tags", ["tags", "tag", "etiquettes", "etiquette", "labels", "segment"]),
        ("exposure", ["exposure", "encours", "encoursclient", "outstanding", "receivables", "montant"]),
        ("currency", ["currency", "devise", "monnaie"]),
        ("insured_limit", ["insuredlimit", "limiteassuree", "limitedecreditassuree", "garantie", "creditlimit", "limitecredit", "limite"]),
        ("score_drop_points", ["scoredroppoints", "seuilpoints", "baissepoints"]),
        ("score_drop_percent", ["scoredroppercent", "seuilpourcentage", "seuilpourcent", "baissepourcentage"]),
        ("credit_limit_cut_percent", ["creditlimitcutpercent", "seuillimite", "baisselimitepourcentage"]),
    ]

    static func fold(_ header: String) -> String {
        String(TextRepair.fold(header).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    public static func parse(_ text: String, file: String, name: String) -> WatchlistParseResult {
        let reader = CSVReader(text: text)
        guard let header = reader.records.first else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; the first line must name the columns, e.g. siren;name;owner;exposure")])
        }
        var positions: [String: Int] = [:]
        for (index, title) in header.fields.enumerated() {
            let folded = fold(title)
            if let column = columns.first(where: { $0.names.contains(folded) }), positions[column.key] == nil {
                positions[column.key] = index
            }
        }
        guard positions["identifier"] != nil else {
            let seen = header.fields.map { "\"\($0)\"" }.joined(separator: ", ")
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(
                file: file, line: header.line,
                message: "no SIREN/SIRET column among \(seen); name one column siren, siret or identifiant (delimiter read as \"\(reader.delimiter == "\t" ? "tab" : String(reader.delimiter))\")"
            )])
        }

        var issues: [FileIssue] = []
        var entries: [WatchEntry] = []
        var duplicates = DuplicateCheck()
        for record in reader.records.dropFirst() {
            func value(_ key: String) -> EntryDraft.Value? {
                guard let index = positions[key], index < record.fields.count else { return nil }
                let text = record.fields[index].trimmed
                return text.isEmpty ? nil : EntryDraft.Value(text: text, line: record.line)
            }
            if record.fields.count > header.fields.count {
                issues.append(FileIssue(file: file, line: record.line, message: "\(record.fields.count) fields but the header has \(header.fields.count); quote values that contain \"\(reader.delimiter)\""))
                continue
            }
            var draft = EntryDraft(line: record.line)
            draft.identifier = value("identifier")
            draft.name = value("name")
            draft.owner = value("owner")
            draft.tags = value("tags").map { WatchlistFields.tags($0.text) } ?? []
            draft.exposure = value("exposure")
            draft.insuredLimit = value("insured_limit")
            draft.currency = value("currency")
            for field in EntryDraft.Field.allCases {
                if let raw = value(field.rawValue) { draft.thresholds[field] = raw }
            }
            if let entry = draft.build(file: file, defaults: ListDefaults(), issues: &issues) {
                if let duplicate = duplicates.check(entry.identifier, line: record.line, file: file) {
                    issues.append(duplicate)
                } else {
                    entries.append(entry)
                }
            }
        }
        return WatchlistParseResult(watchlist: Watchlist(name: name, file: file, entries: entries), issues: issues)
    }
}
