import Foundation

/// A guarantee the client brought to cover its own debt to the supplier: reverse credit
/// insurance, a bank guarantee, a parent's letter. It pays a share (`rate`) of what is owed,
/// up to a maximum outstanding, between two dates.
public struct Guarantee: Hashable, Sendable, Codable {
    /// Who stands behind it (`LeanPay`, `BNP Paribas`).
    public var issuer: String
    /// The largest outstanding it covers.
    public var maximum: Money
    /// The share of the covered outstanding it pays, 0 to 1 (`0.9` for 90 %).
    public var rate: Decimal
    public var startsOn: CalendarDay?
    public var expiresOn: CalendarDay?
    /// The day its issuer cancelled it, if it did.
    public var cancelledOn: CalendarDay?

    public init(issuer: String, maximum: Money, rate: Decimal = 1, startsOn: CalendarDay? = nil, expiresOn: CalendarDay? = nil, cancelledOn: CalendarDay? = nil) {
        self.issuer = issuer
        self.maximum = maximum
        self.rate = rate
        self.startsOn = startsOn
        self.expiresOn = expiresOn
        self.cancelledOn = cancelledOn
    }

    /// Whether it covers anything on `day`: started, not expired, not cancelled.
    public func inForce(on day: CalendarDay) -> Bool {
        if let startsOn, day < startsOn { return false }
        if let expiresOn, expiresOn < day { return false }
        if let cancelledOn, cancelledOn <= day { return false }
        return true
    }

    /// What it pays on `owed` (in its currency) on `day`: min(owed, maximum) × rate, rounded
    /// to the cent; nothing when not in force or in another currency.
    public func covered(_ owed: Money, on day: CalendarDay) -> Decimal {
        guard inForce(on: day), owed.currency == maximum.currency, owed.amount > 0 else { return 0 }
        var share = min(owed.amount, maximum.amount) * rate, rounded = Decimal()
        NSDecimalRound(&rounded, &share, 2, .plain)
        return rounded
    }

    /// `LeanPay, 90 % of up to 20 000 EUR, until 2027-03-31`.
    public func summary(_ style: NumberStyle) -> String {
        let percent = "\(rate * 100)".replacingOccurrences(of: ".", with: style == .french ? "," : ".")
        let upTo = style == .french ? "de" : "of up to"
        let until = expiresOn.map { style == .french ? ", jusqu’au \($0.iso)" : ", until \($0.iso)" } ?? ""
        return "\(issuer), \(percent) % \(upTo) \(maximum.formatted(style))\(until)"
    }
}
