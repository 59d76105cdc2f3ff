import Foundation

/// Reads an aged balance as ERPs export it (CSV, `;`, French headers and numbers, UTF-8 or
/// Windows-1252): one client per row — or per account, added up per client — with what it
/// owes, not yet due and past due by bucket, its oldest unpaid invoice and last payment.
public enum AgedBalanceReader {
    static let columns: [CSVColumns.Column] = [
        .init(key: "identifier", names: ["siren", "siret", "nsiren", "nsiret", "numerosiren", "numerosiret", "sirenclient", "siretclient", "identifiant", "companyid", "registrationnumber"]),
        .init(key: "name", names: ["name", "nom", "client", "nomclient", "raisonsociale", "libelleclient", "customer", "customername", "compte", "libellecompte"]),
        .init(key: "currency", names: ["currency", "devise", "monnaie"]),
        .init(key: "outstanding", names: ["outstanding", "total", "totaldu", "solde", "soldeclient", "soldetotal", "encours", "encourstotal", "montantdu", "balance", "totalbalance", "totalttc"]),
        .init(key: "not_due", names: ["notdue", "current", "nonechu", "nonechus", "aechoir", "nonexigible", "encoursnonechu"]),
        .init(key: "overdue_1_30", names: ["overdue130", "130", "130j", "130jours", "130days", "echu130", "echu130j", "echu130jours", "retard130", "de1a30j", "de1a30jours", "1a30j", "1a30jours", "030", "030j"]),
        .init(key: "overdue_31_60", names: ["overdue3160", "3160", "3160j", "3160jours", "3160days", "echu3160", "echu3160j", "echu3160jours", "retard3160", "de31a60j", "de31a60jours", "31a60j", "31a60jours"]),
        .init(key: "overdue_61_90", names: ["overdue6190", "6190", "6190j", "6190jours", "6190days", "echu6190", "echu6190j", "echu6190jours", "retard6190", "de61a90j", "de61a90jours", "61a90j", "61a90jours"]),
        .init(key: "overdue_over_90", names: ["overdueover90", "over90", "over90days", "90", "90j", "91", "91plus", "plusde90j", "plusde90jours", "echuplusde90j", "echuplusde90jours", "echu90", "retardplusde90j", "au90j", "sup90j", "supa90j", "90etplus"]),
        .init(key: "oldest_unpaid", names: ["oldestunpaid", "oldestinvoice", "oldestunpaidinvoice", "dateplusanciennefacture", "plusanciennefacture", "datepremiereimpaye", "plusancienimpaye", "oldestduedate"]),
        .init(key: "last_payment", names: ["lastpayment", "lastpaymentdate", "dernierreglement", "datedernierreglement", "dernierpaiement", "datedernierpaiement"]),
        .init(key: "as_of", names: ["asof", "date", "datesituation", "datedesituation", "datebalance", "arretea", "datearrete", "statementdate"]),
    ]

    public struct Result: Sendable {
        /// Per client: the balance, added up over its rows.
        public var balances: [SIREN: AgedBalance] = [:]
        /// Clients with a row that could not be read: their last good balance stays in force,
        /// since a part of what they owe is not known.
        public var unreadable: [SIREN: FileIssue] = [:]
        public var issues: [FileIssue] = []

        public var errors: [FileIssue] { issues.filter { !$0.isWarning } }

        public init() {}
    }

    /// Reads an aged balance; rows without their own date are stated at `asOf` (the export's).
    public static func parse(_ text: String, file: String, asOf: CalendarDay) -> Result {
        var result = Result()
        let reader = CSVReader(text: text)
        guard let header = reader.records.first else {
            result.issues.append(FileIssue(file: file, line: 1, message: "the aged balance is empty; its first line must name the columns, e.g. siren;total;non echu;1-30;31-60;61-90;+90"))
            return result
        }
        let columns = CSVColumns(header: header, columns: Self.columns, file: file)
        result.issues = columns.issues
        if !columns.has("identifier") {
            result.issues.append(FileIssue(file: file, line: header.line, message: "no SIREN/SIRET column among \(columns.seen); name one column siren or siret (delimiter read as \"\(reader.delimiter == "\t" ? "tab" : String(reader.delimiter))\")"))
        }
        let buckets = ["not_due", "overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_over_90"]
        if !columns.has("outstanding"), !buckets.contains(where: columns.has) {
            result.issues.append(FileIssue(file: file, line: header.line, message: "no amount column among \(columns.seen); name a column total (or solde) and, for the ageing, non echu, 1-30, 31-60, 61-90 and +90"))
        }
        guard result.errors.isEmpty else { return result }

        for record in reader.records.dropFirst() {
            if record.fields.count > header.fields.count {
                result.issues.append(FileIssue(file: file, line: record.line, message: "\(record.fields.count) fields but the header has \(header.fields.count); quote values that contain \"\(reader.delimiter)\""))
                continue
            }
            var row = ExportRow(columns: columns, record: record, file: file)
            // Totals and subtotal lines name no client: ERPs write them, and they are not clients.
            if row.text("identifier") == nil, let name = row.text("name"), TextRepair.fold(name).hasPrefix("total") { continue }
            guard let siren = row.siren(field: "siren", missing: "no SIREN or SIRET for this client; the row is not read") else {
                result.issues += row.problems
                continue
            }
            let currency = row.currency()
            func amount(_ key: String) -> Decimal? { row.amount(key, currency: currency, signed: true) }
            let notDue = amount("not_due") ?? 0
            let ageing: [Decimal] = ["overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_over_90"].map { amount($0) ?? 0 }
            let sum: Decimal = ageing.reduce(notDue, +)
            let outstanding = amount("outstanding") ?? sum
            if row.problems.isEmpty, columns.has("outstanding"), buckets.contains(where: columns.has), (outstanding - sum).magnitude > 1 {
                row.fail("outstanding", "the total (\(outstanding)) is not the sum of its buckets (\(sum)); the total is used", warning: true)
            }
            let balance = AgedBalance(
                asOf: row.day("as_of") ?? asOf, currency: currency, outstanding: outstanding, notDue: notDue,
                overdue1to30: ageing[0], overdue31to60: ageing[1], overdue61to90: ageing[2], overdueOver90: ageing[3],
                oldestUnpaid: row.day("oldest_unpaid"), lastPayment: row.day("last_payment")
            )
            result.issues += row.problems
            if row.hasErrors {
                result.unreadable[siren] = row.problems.first { !$0.isWarning }
                continue
            }
            if var known = result.balances[siren] {
                guard known.currency == balance.currency else {
                    result.issues.append(FileIssue(file: file, line: record.line, field: "currency", message: "this client is also listed in \(known.currency); one currency per client is read, this row is not"))
                    continue
                }
                known.add(balance)
                result.balances[siren] = known
            } else {
                result.balances[siren] = balance
            }
        }
        // A client with any unreadable row keeps its last good balance: a part is not a whole.
        for siren in result.unreadable.keys { result.balances[siren] = nil }
        return result
    }
}
