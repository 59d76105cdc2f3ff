/// Reads a credit insurer's limit decisions as its portal exports them (CSV): one buyer per
/// row, the buyer's SIREN or SIRET, what was requested and granted, the decision, its date and
/// expiry. Column names differ per insurer: a preset gives the usual ones, the configuration
/// can name any column, and every bad row is reported at `file:line` while the others are read.
public enum InsurerExport {
    /// The column names an insurer's export is known to use, on top of the common ones.
    ///
    /// UNVERIFIED: no insurer publishes its export's columns; these are the names their portals
    /// show (Allianz Trade's, Coface's "CofaNet", Atradius' "Atrium"). A configuration's
    /// `columns:` names any other.
    public enum Preset: String, Sendable, CaseIterable {
        case generic
        case allianzTrade = "allianz-trade"
        case coface
        case atradius

        var extra: [String: [String]] {
            switch self {
            case .generic: [:]
            case .allianzTrade: [
                "identifier": ["buyersiren", "buyerregistrationnumber", "nationalid", "buyernationalid"],
                "name": ["buyername", "buyercompanyname"],
                "requested": ["requestedamount", "amountrequested"],
                "granted": ["decisionamount", "grantedamount", "creditlimitamount"],
                "decision": ["decisiontype", "decisionstatus", "gradedecision"],
                "decided_on": ["decisiondate", "effectivedate"],
                "expires_on": ["expirydate", "enddate"],
                "reference": ["buyerid", "decisionreference", "policynumber"],
            ]
            case .coface: [
                "identifier": ["sirenacheteur", "siretacheteur", "identifiantnational"],
                "name": ["raisonsocialeacheteur", "nomacheteur", "acheteur"],
                "requested": ["montantdemande", "montantsollicite", "demande"],
                "granted": ["montantagree", "montantaccorde", "agrement", "montantdelagrement"],
                "decision": ["typededecision", "decision", "naturedeladecision"],
                "decided_on": ["datedeffet", "datededecision", "datedecision"],
                "expires_on": ["datedefin", "datedefindevalidite", "finvalidite"],
                "reference": ["numeroeasy", "easy", "easynumber", "numerodecontrat"],
            ]
            case .atradius: [
                "identifier": ["buyerregistrationnumber", "buyersiren"],
                "name": ["buyername"],
                "requested": ["creditlimitamountrequested", "requestedamount"],
                "granted": ["creditlimitamountdecided", "decidedamount", "creditlimitamount"],
                "decision": ["decision", "decisioncode", "creditlimitdecision"],
                "decided_on": ["decisiondate"],
                "expires_on": ["expirydate", "validuntil"],
                "reference": ["buyernumber", "policynumber"],
            ]
            }
        }

        /// The common names (English and French, folded) with this preset's own.
        var columns: [CSVColumns.Column] {
            InsurerExport.common.map { column in
                CSVColumns.Column(key: column.key, names: column.names.union(extra[column.key] ?? []))
            }
        }
    }

    /// The keys a configuration's `columns:` can name.
    public static var columnKeys: [String] { common.map(\.key) }

    static let common: [CSVColumns.Column] = [
        .init(key: "identifier", names: ["siren", "siret", "nsiren", "nsiret", "numerosiren", "sirenacheteur", "identifiant", "identifiantacheteur", "buyersiren", "companyid", "registrationnumber"]),
        .init(key: "name", names: ["name", "nom", "buyer", "buyername", "raisonsociale", "acheteur", "denomination", "client"]),
        .init(key: "requested", names: ["requested", "requestedamount", "montantdemande", "demande", "amountrequested"]),
        .init(key: "granted", names: ["granted", "grantedamount", "montantaccorde", "montantagree", "limiteaccordee", "agrement", "creditlimit", "limite", "coveramount", "montantgaranti"]),
        .init(key: "currency", names: ["currency", "devise", "monnaie"]),
        .init(key: "decision", names: ["decision", "status", "statut", "typededecision", "decisioncode", "codedecision", "decisiontype"]),
        .init(key: "decided_on", names: ["decidedon", "decisiondate", "datededecision", "datedecision", "datedeffet", "effectivedate"]),
        .init(key: "expires_on", names: ["expireson", "expirydate", "datedexpiration", "datedefin", "finvalidite", "validuntil", "echeance"]),
        .init(key: "reference", names: ["reference", "ref", "numerodedecision", "decisionreference", "policynumber", "numerodecontrat"]),
    ]

    /// One export read: the decision in force per buyer, and every problem.
    public struct Result: Sendable {
        /// The latest decision per buyer (by decision date, then by row).
        public var covers: [SIREN: InsurerCover] = [:]
        /// Where each buyer's decision was read, for messages.
        public var lines: [SIREN: Int] = [:]
        /// Buyers whose only rows could not be read: their last good decision stays in force.
        public var unreadable: [SIREN: FileIssue] = [:]
        public var issues: [FileIssue] = []

        public var errors: [FileIssue] { issues.filter { !$0.isWarning } }

        public init() {}
    }

    /// Reads one export's text; `columns` maps keys (`granted`, `decision`…) to the export's
    /// own header names, over the preset's.
    public static func parse(_ text: String, file: String, insurer: String, preset: Preset = .generic, columns overrides: [String: String] = [:]) -> Result {
        var result = Result()
        let reader = CSVReader(text: text)
        guard let header = reader.records.first else {
            result.issues.append(FileIssue(file: file, line: 1, message: "the export is empty; its first line must name the columns, e.g. siren;granted;decision;decided_on;expires_on"))
            return result
        }
        let columns = CSVColumns(header: header, columns: preset.columns, overrides: overrides, file: file)
        result.issues = columns.issues
        for key in ["identifier", "decision"] where !columns.has(key) {
            result.issues.append(FileIssue(file: file, line: header.line, message: "no \(key) column among \(columns.seen); name it in the insurer's columns: (\(key): \"…\") or use a preset (\(Preset.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        guard result.errors.isEmpty else { return result }

        for record in reader.records.dropFirst() {
            var row = ExportRow(columns: columns, record: record, file: file)
            guard let siren = row.siren(field: "identifier", missing: "no SIREN or SIRET for this buyer; the row is not read") else {
                result.issues += row.problems
                continue
            }
            let currency = row.currency()
            func money(_ key: String) -> Money? {
                row.amount(key, currency: currency, signed: false).map { Money(amount: $0, currency: currency) }
            }
            let rawDecision = row.text("decision") ?? ""
            let decision = CoverDecision.reading(rawDecision)
            if decision == nil {
                row.fail("decision", rawDecision.isEmpty
                    ? "no decision for this buyer; write approved, partly approved, conditional, refused, reduced, cancelled, under review or expired"
                    : "\"\(rawDecision)\" is not a decision Vigie knows; write approved, partly approved, conditional, refused, reduced, cancelled, under review or expired (or an EDIFACT 4507 code, 1 to 11)")
            }
            var cover = InsurerCover(
                insurer: insurer, decision: decision ?? .underReview, requested: money("requested"), granted: money("granted"),
                decidedOn: row.day("decided_on"), expiresOn: row.day("expires_on"), reference: row.text("reference")
            )
            if let decision, decision.covers, (cover.granted?.amount ?? 0) <= 0 {
                row.fail("granted", "a decision that covers (\(decision.rawValue)) with no amount granted; give the granted amount")
            }
            if let decision, !decision.covers { cover.granted = Money(amount: 0, currency: cover.granted?.currency ?? currency) }
            if let reference = cover.reference, let problem = UnsafeText.problem(in: reference) {
                row.fail("reference", "\"\(reference)\" \(problem)")
            }
            guard row.problems.isEmpty else {
                result.issues += row.problems
                if result.covers[siren] == nil { result.unreadable[siren] = row.problems[0] }
                continue
            }
            result.unreadable[siren] = nil
            // Several rows for one buyer are its history: the latest decision is the one in force.
            if let known = result.covers[siren], let knownDay = known.decidedOn, let day = cover.decidedOn, day < knownDay { continue }
            result.covers[siren] = cover
            result.lines[siren] = record.line
        }
        return result
    }
}
