/// Reads a watchlist exported from an ERP as CSV: a header row naming the columns in English
/// or French, one company per row. Exports carry many columns Vigie does not use: each is
/// reported as a warning (with the column it probably meant), so that a renamed "Encours TTC"
/// is never lost in silence, and the file stays good.
public enum WatchlistCSVParser {
    /// Header names each column answers to, folded (lower case, no accents, letters and digits only).
    static let columns: [(key: String, names: Set<String>)] = [
        ("identifier", ["siren", "siret", "sirensiret", "identifiant", "nsiren", "numerosiren", "nsiret", "numerosiret", "nosiren", "nosiret", "numsiren", "numsiret", "codesiren", "codesiret", "siretclient", "sirenclient", "companyid", "registrationnumber", "regno", "id"]),
        ("name", ["name", "nom", "raisonsociale", "raisonsocialeclient", "nomraisonsociale", "denomination", "denominationsociale", "company", "companyname", "societe", "client", "nomclient", "libelleclient"]),
        ("owner", ["owner", "responsable", "gestionnaire", "chargedecompte", "accountmanager", "commercial"]),
        ("tags", ["tags", "tag", "etiquettes", "etiquette", "labels", "segment"]),
        ("exposure", ["exposure", "encours", "encoursclient", "encoursttc", "encoursht", "encourstotal", "encoursglobal", "totalencours", "montantencours", "montant", "montantttc", "soldeclient", "solde", "outstanding", "receivables"]),
        ("currency", ["currency", "devise", "monnaie"]),
        ("postcode", ["postcode", "postalcode", "zipcode", "zip", "codepostal", "cp"]),
        ("insured_limit", ["insuredlimit", "limiteassuree", "limitedecreditassuree", "limiteassurance", "garantie", "garantieaccordee", "montantgaranti", "agrement", "montantagree", "creditlimit", "limitecredit", "limite"]),
        ("score_drop_points", ["scoredroppoints", "seuilpoints", "baissepoints"]),
        ("score_drop_percent", ["scoredroppercent", "seuilpourcentage", "seuilpourcent", "baissepourcentage"]),
        ("credit_limit_cut_percent", ["creditlimitcutpercent", "seuillimite", "baisselimitepourcentage"]),
        ("hysteresis_points", ["hysteresispoints", "hysteresis", "marge", "margepoints"]),
        ("hysteresis_days", ["hysteresisdays", "margejours"]),
    ]

    /// "did you mean" the closest column Vigie reads, or the list of what it reads.
    static func suggestion(for folded: String) -> String {
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

    static func fold(_ header: String) -> String {
        String(TextRepair.fold(header).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    public static func parse(_ text: String, file: String, name: String) -> WatchlistParseResult {
        let reader = CSVReader(text: text)
        guard let header = reader.records.first else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; the first line must name the columns, e.g. siren;name;owner;exposure")])
        }
        var positions: [String: Int] = [:]
        var issues: [FileIssue] = []
        for (index, title) in header.fields.enumerated() {
            let folded = fold(title)
            if let column = columns.first(where: { $0.names.contains(folded) }) {
                if let first = positions[column.key] {
                    issues.append(FileIssue(file: file, line: header.line, field: title, message: "a second \(column.key) column (the first is \"\(header.fields[first])\"); this one is not read", isWarning: true))
                } else {
                    positions[column.key] = index
                }
            } else if !folded.isEmpty {
                issues.append(FileIssue(file: file, line: header.line, field: title, message: "column not used by Vigie; \(suggestion(for: folded))", isWarning: true))
            }
        }
        guard positions["identifier"] != nil else {
            let seen = header.fields.map { "\"\($0)\"" }.joined(separator: ", ")
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(
                file: file, line: header.line,
                message: "no SIREN/SIRET column among \(seen); name one column siren, siret or identifiant (delimiter read as \"\(reader.delimiter == "\t" ? "tab" : String(reader.delimiter))\")"
            )])
        }

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
            draft.tagsLine = record.line
            draft.exposure = value("exposure")
            draft.insuredLimit = value("insured_limit")
            draft.currency = value("currency")
            draft.postcode = value("postcode")
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
