/// When a change in score or limit is worth an alert. A watchlist sets defaults, an entry
/// overrides them; a value left out falls back to the one above it.
public struct Thresholds: Hashable, Sendable, Codable {
    /// A drop of at least this many points on a 0–100 scale (scaled for other scales).
    public var scoreDropPoints: Double?
    /// A drop of at least this share of the previous score, in percent.
    public var scoreDropPercent: Double?
    /// A credit limit cut by at least this share, in percent.
    public var creditLimitCutPercent: Double?
    /// After a drop is alerted, the score must come back this many points (0–100 scale) above
    /// the level alerted at before a new drop alerts again: a score wavering around a band edge
    /// (52, 48, 52, 48) alerts once.
    public var hysteresisPoints: Double?
    /// …and stay there this many days: a one-day rebound is not a recovery.
    public var hysteresisDays: Double?

    public init(
        scoreDropPoints: Double? = nil, scoreDropPercent: Double? = nil, creditLimitCutPercent: Double? = nil,
        hysteresisPoints: Double? = nil, hysteresisDays: Double? = nil
    ) {
        self.scoreDropPoints = scoreDropPoints
        self.scoreDropPercent = scoreDropPercent
        self.creditLimitCutPercent = creditLimitCutPercent
        self.hysteresisPoints = hysteresisPoints
        self.hysteresisDays = hysteresisDays
    }

    /// Vigie's defaults: 10 points, 20 %, a 25 % limit cut; re-armed 5 points above the level
    /// alerted, held 7 days (half a drop, and a week of daily reports agreeing).
    public static let standard = Thresholds(scoreDropPoints: 10, scoreDropPercent: 20, creditLimitCutPercent: 25, hysteresisPoints: 5, hysteresisDays: 7)

    /// These thresholds, with the gaps filled from `fallback`.
    public func over(_ fallback: Thresholds) -> Thresholds {
        Thresholds(
            scoreDropPoints: scoreDropPoints ?? fallback.scoreDropPoints,
            scoreDropPercent: scoreDropPercent ?? fallback.scoreDropPercent,
            creditLimitCutPercent: creditLimitCutPercent ?? fallback.creditLimitCutPercent,
            hysteresisPoints: hysteresisPoints ?? fallback.hysteresisPoints,
            hysteresisDays: hysteresisDays ?? fallback.hysteresisDays
        )
    }
}

/// Risk bands on the normalized 0–100 scale, after Creditsafe's international score bands:
/// A very low risk (71–100), B low (51–70), C moderate (30–50), D high (0–29).
public enum RiskBand: String, Hashable, Sendable, Codable, Comparable {
    case a = "A", b = "B", c = "C", d = "D"

    public init(normalized score: Double) {
        switch score {
        case 71...: self = .a
        case 51..<71: self = .b
        case 30..<51: self = .c
        default: self = .d
        }
    }

    /// Worse bands compare greater.
    public static func < (lhs: RiskBand, rhs: RiskBand) -> Bool { lhs.rawValue < rhs.rawValue }
}
