import GRDB
import VigieCore

/// A score, a rating, a limit and a status as table columns: snapshots and observations are
/// written by the hundred thousand per cycle, and plain columns cost a fraction of JSON.
struct ScoreColumns {
    static let names = "score, score_min, score_max, not_rated, rating, credit_limit, credit_limit_currency, credit_limit_not_applicable, status"
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?"

    var score: ScoreValue?
    var rating: String?
    var creditLimit: CreditLimit?
    var status: CompanyStatus?

    var arguments: StatementArguments {
        var value: Double?, minimum: Double?, maximum: Double?
        if case .value(let number, let low, let high)? = score { (value, minimum, maximum) = (number, low, high) }
        var limit: Double?, currency: String?
        if case .amount(let amount, let code)? = creditLimit { (limit, currency) = (amount, code) }
        return [value, minimum, maximum, score == .notRated, rating, limit, currency, creditLimit == .notApplicable, status?.rawValue]
    }

    /// Reads the columns back from a row that selected `names`, starting at `offset`.
    init(row: Row, offset: Int) {
        if let value: Double = row[offset] {
            score = .value(value, minimum: row[offset + 1] ?? 0, maximum: row[offset + 2] ?? 100)
        } else if row[offset + 3] == true {
            score = .notRated
        }
        rating = row[offset + 4]
        if let amount: Double = row[offset + 5] {
            creditLimit = .amount(amount, currency: row[offset + 6])
        } else if row[offset + 7] == true {
            creditLimit = .notApplicable
        }
        status = (row[offset + 8] as String?).flatMap(CompanyStatus.init(rawValue:))
    }

    init(score: ScoreValue?, rating: String?, creditLimit: CreditLimit?, status: CompanyStatus?) {
        self.score = score
        self.rating = rating
        self.creditLimit = creditLimit
        self.status = status
    }
}
