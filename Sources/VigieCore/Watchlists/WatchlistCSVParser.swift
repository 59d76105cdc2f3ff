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

    public static func parse(_ text: String, file: String, name: String) -> WatchlistParseResult {
        let reader = CSVReader(text: text)
        guard let header = reader.records.first else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(file: file, line: 1, message: "the file is empty; the first line must name the columns, e.g. siren;name;owner;exposure")])
        }
        let columns = CSVColumns(header: header, columns: Self.columns, file: file)
        var issues = columns.issues
        guard columns.has("identifier") else {
            return WatchlistParseResult(watchlist: nil, issues: [FileIssue(
                file: file, line: header.line,
                message: "no SIREN/SIRET column among \(columns.seen); name one column siren, siret or identifiant (delimiter read as \"\(reader.delimiter == "\t" ? "tab" : String(reader.delimiter))\")"
            )])
        }

        var entries: [WatchEntry] = []
        entries.reserveCapacity(reader.records.count)
        var duplicates = DuplicateCheck(expected: reader.records.count)
        // Each column's position, found once: a million rows ask for a dozen columns each.
        let at = Dictionary(uniqueKeysWithValues: Self.columns.map { ($0.key, columns.position($0.key)) })
        let guaranteeColumns = EntryDraft.GuaranteeField.allCases.compactMap { field in at["guarantee_\(field.rawValue)"]!.map { (field, $0) } }
        let thresholdColumns = EntryDraft.Field.allCases.compactMap { field in at[field.rawValue]!.map { (field, $0) } }
        let (identifier, nameColumn, owner, tags, exposure, insured, currency, postcode) = (
            at["identifier"]!, at["name"]!, at["owner"]!, at["tags"]!, at["exposure"]!, at["insured_limit"]!, at["currency"]!, at["postcode"]!
        )
        for record in reader.records.dropFirst() {
            func value(_ index: Int?) -> EntryDraft.Value? {
                columns.value(at: index, in: record).map { EntryDraft.Value(text: $0, line: record.line) }
            }
            if record.fields.count > header.fields.count {
                issues.append(FileIssue(file: file, line: record.line, message: "\(record.fields.count) fields but the header has \(header.fields.count); quote values that contain \"\(reader.delimiter)\""))
                continue
            }
            var draft = EntryDraft(line: record.line)
            draft.identifier = value(identifier)
            draft.name = value(nameColumn)
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
