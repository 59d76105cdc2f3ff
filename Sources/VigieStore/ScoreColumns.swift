import VigieCore

/// A score, a rating, a limit and a status as table columns: snapshots and observations are
/// written by the hundred thousand per cycle, and plain columns cost a fraction of JSON. Both
/// stores map them here, once, so that they cannot disagree on what a column means.
struct ScoreColumns: Codable, Sendable {
    static let names = "score, score_min, score_max, not_rated, rating, credit_limit, credit_limit_currency, credit_limit_not_applicable, status"

    var score: Double?
    var scoreMin: Double?
    var scoreMax: Double?
    var notRated: Bool
    var rating: String?
    var creditLimit: Double?
    var creditLimitCurrency: String?
    var creditLimitNotApplicable: Bool
    var status: String?

    enum CodingKeys: String, CodingKey {
        case score, scoreMin = "score_min", scoreMax = "score_max", notRated = "not_rated", rating
        case creditLimit = "credit_limit", creditLimitCurrency = "credit_limit_currency"
        case creditLimitNotApplicable = "credit_limit_not_applicable", status
    }

    init(score: ScoreValue?, rating: String?, creditLimit: CreditLimit?, status: CompanyStatus?) {
        if case .value(let number, let low, let high)? = score { (self.score, scoreMin, scoreMax) = (number, low, high) }
        notRated = score == .notRated
        self.rating = rating
        if case .amount(let amount, let code)? = creditLimit { (self.creditLimit, creditLimitCurrency) = (amount, code) }
        creditLimitNotApplicable = creditLimit == .notApplicable
        self.status = status?.rawValue
    }

    init(
        score: Double?, scoreMin: Double?, scoreMax: Double?, notRated: Bool, rating: String?,
        creditLimit: Double?, creditLimitCurrency: String?, creditLimitNotApplicable: Bool, status: String?
    ) {
        (self.score, self.scoreMin, self.scoreMax, self.notRated, self.rating) = (score, scoreMin, scoreMax, notRated, rating)
        (self.creditLimit, self.creditLimitCurrency, self.creditLimitNotApplicable, self.status) = (creditLimit, creditLimitCurrency, creditLimitNotApplicable, status)
    }

    var scoreValue: ScoreValue? {
        if let score { return .value(score, minimum: scoreMin ?? 0, maximum: scoreMax ?? 100) }
        return notRated ? .notRated : nil
    }

    var creditLimitValue: CreditLimit? {
        if let creditLimit { return .amount(creditLimit, currency: creditLimitCurrency) }
        return creditLimitNotApplicable ? .notApplicable : nil
    }

    var companyStatus: CompanyStatus? { status.flatMap(CompanyStatus.init(rawValue:)) }
}
