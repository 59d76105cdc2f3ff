/// When a change in score or limit is worth an alert. A watchlist sets defaults, an entry
/// overrides them; a value left out falls back to the one above it.
public struct Thresholds: Hashable, Sendable, Codable {
    /// A drop of at least this many points on a 0–100 scale (scaled for other scales).
    public var scoreDropPoints: Double?
    /// A drop of at least this share of the previous score, in percent.
    public var scoreDropPercent: Double?
    /// A credit limit cut by at least this share, in percent.
    public var creditLimitCutPercent: Double?

    public init(scoreDropPoints: Double? = nil, scoreDropPercent: Double? = nil, creditLimitCutPercent: Double? = nil) {
        self.scoreDropPoints = scoreDropPoints
        self.scoreDropPercent = scoreDropPercent
        self.creditLimitCutPercent = creditLimitCutPercent
    }

    /// Vigie's defaults: 10 points, 20 %, a 25 % limit cut.
    public static let standard = Thresholds(scoreDropPoints: 10, scoreDropPercent: 20, creditLimitCutPercent: 25)

    /// These thresholds, with the gaps filled from `fallback`.
    public func over(_ fallback: Thresholds) -> Thresholds {
        Thresholds(
            scoreDropPoints: scoreDropPoints ?? fallback.scoreDropPoints,
            scoreDropPercent: scoreDropPercent ?? fallback.scoreDropPercent,
            creditLimitCutPercent: creditLimitCutPercent ?? fallback.creditLimitCutPercent
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
