import Foundation

/// What a client owes, what covers it, and what is left at risk, on a day: the figures every
/// alert, case, digest and page about a client shows.
///
/// Owed is the ERP's aged balance when one is read, else the watchlist's exposure (the largest
/// a list gives). Insured is the insurers' limits in force (the largest), else the watchlist's
/// insured limit; guaranteed is what the client's own guarantee pays on what it owes. Covered
/// never exceeds what is owed.
public struct Position: Hashable, Sendable, Codable {
    public var currency: String
    public var owed: Decimal
    /// Where `owed` comes from: `receivables` (with `asOf`) or `watchlist`.
    public var owedFrom: String
    public var asOf: CalendarDay?
    /// Past due, when an aged balance says.
    public var overdue: Decimal?
    /// The limit in force at an insurer (or the watchlist's insured limit), and what of the
    /// owed it covers.
    public var insuredLimit: Decimal?
    public var insured: Decimal
    /// Whose limit: `allianz-trade`, or `watchlist`.
    public var insuredBy: String?
    public var guaranteed: Decimal
    public var guarantor: String?
    /// For a procedure opened against the client: what it owed at the judgment, by the aged
    /// balance stated on or before that day — the claim to declare to the mandataire.
    public var toDeclare: Money?
    public var toDeclareAsOf: CalendarDay?

    public init(
        currency: String, owed: Decimal, owedFrom: String, asOf: CalendarDay? = nil, overdue: Decimal? = nil, insuredLimit: Decimal? = nil,
        insured: Decimal = 0, insuredBy: String? = nil, guaranteed: Decimal = 0, guarantor: String? = nil
    ) {
        self.currency = currency
        self.owed = owed
        self.owedFrom = owedFrom
        self.asOf = asOf
        self.overdue = overdue
        self.insuredLimit = insuredLimit
        self.insured = insured
        self.insuredBy = insuredBy
        self.guaranteed = guaranteed
        self.guarantor = guarantor
    }

    public var covered: Decimal { min(owed, insured + guaranteed) }
    public var uncovered: Decimal { max(0, owed - covered) }

    public func money(_ amount: Decimal) -> Money { Money(amount: amount, currency: currency) }

    /// The position of `company` on `day`, from its snapshots by source (`receivables`,
    /// `insurer:…`); nil when nothing says what it owes.
    public static func of(_ company: WatchSet.Company, snapshots: [String: Snapshot], on day: CalendarDay) -> Position? {
        let entries = company.entries.map(\.entry)
        var position: Position
        if let balance = snapshots[CoverageSource.receivables]?.detail?.balance {
            position = Position(currency: balance.currency, owed: balance.outstanding, owedFrom: CoverageSource.receivables, asOf: balance.asOf, overdue: balance.overdue)
        } else {
            let exposures = company.exposureInUse
            guard let exposure = exposures.first(where: { $0.currency == "EUR" }) ?? exposures.first else { return nil }
            position = Position(currency: exposure.currency, owed: exposure.amount, owedFrom: "watchlist")
        }
        let owed = position.money(position.owed)
        let limits = snapshots.values.compactMap { snapshot -> (String, Decimal)? in
            guard let cover = snapshot.detail?.cover, let limit = cover.limit(on: day), limit.currency == owed.currency else { return nil }
            return (cover.insurer, limit.amount)
        }
        let insurerKnown = snapshots.values.contains { $0.detail?.cover != nil }
        if let best = limits.max(by: { $0.1 < $1.1 }) {
            position.insuredLimit = best.1
            position.insuredBy = best.0
        } else if insurerKnown {
            // An insurer's word (refused, cancelled, expired) overrides the list's typed figure.
            position.insuredLimit = 0
            position.insuredBy = snapshots.values.compactMap(\.detail?.cover?.insurer).min()
        } else if let typed = entries.compactMap(\.insuredLimit).filter({ $0.currency == owed.currency }).map(\.amount).max() {
            position.insuredLimit = typed
            position.insuredBy = "watchlist"
        }
        position.insured = min(owed.amount, max(0, position.insuredLimit ?? 0))
        let guarantees = entries.compactMap(\.guarantee).map { ($0.issuer, $0.covered(owed, on: day)) }
        if let best = guarantees.max(by: { $0.1 < $1.1 }), best.1 > 0 {
            position.guaranteed = best.1
            position.guarantor = best.0
        }
        return position
    }

    /// `owed 18 400 EUR · covered 5 000 EUR · uncovered 13 400 EUR`, in the reader's language.
    public func summary(_ style: NumberStyle) -> String {
        CoverageWording.of(style).position(self)
    }
}

/// The sources that say what a client owes and what covers it, as snapshots name them.
public enum CoverageSource {
    /// The ERP's aged balance.
    public static let receivables = "receivables"
    /// The review's own state per company (alerts already raised, payment-delay samples).
    public static let position = "position"
    /// `insurer:allianz-trade`.
    public static func insurer(_ name: String) -> String { "insurer:\(name)" }
    public static func isInsurer(_ source: String) -> Bool { source.hasPrefix("insurer:") }
}
