import GRDB

extension ScoreColumns {
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?"

    var arguments: StatementArguments {
        [score, scoreMin, scoreMax, notRated, rating, creditLimit, creditLimitCurrency, creditLimitNotApplicable, status]
    }

    /// Reads the columns back from a row that selected `names`, starting at `offset`.
    init(row: Row, offset: Int) {
        self.init(
            score: row[offset], scoreMin: row[offset + 1], scoreMax: row[offset + 2], notRated: row[offset + 3] ?? false,
            rating: row[offset + 4], creditLimit: row[offset + 5], creditLimitCurrency: row[offset + 6],
            creditLimitNotApplicable: row[offset + 7] ?? false, status: row[offset + 8]
        )
    }
}
