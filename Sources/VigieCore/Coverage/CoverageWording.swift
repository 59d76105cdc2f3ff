/// The titles of the money-at-risk alerts, one table per language: an alert's title is built
/// from its evidence, so that a French channel words the same fact in French.
public struct CoverageWording: Sendable {
    let style: NumberStyle
    let insurerCut: @Sendable (_ insurer: String, _ old: String, _ new: String) -> String
    let insurerCancelled: @Sendable (_ insurer: String, _ old: String) -> String
    let insurerRefused: @Sendable (_ insurer: String) -> String
    let insurerExpiring: @Sendable (_ insurer: String, _ limit: String, _ date: String) -> String
    let uncovered: @Sendable (_ amount: String, _ owed: String) -> String
    let guaranteeExceeded: @Sendable (_ issuer: String, _ owed: String, _ maximum: String) -> String
    let guaranteeExpiring: @Sendable (_ issuer: String, _ date: String) -> String
    let guaranteeCancelled: @Sendable (_ issuer: String, _ date: String) -> String
    let overdue: @Sendable (_ amount: String) -> String
    let overdueDays: @Sendable (_ days: String) -> String
    let paymentsStopped: @Sendable (_ date: String, _ days: String) -> String
    let delayWorsening: @Sendable (_ old: String, _ new: String, _ months: String) -> String
    /// Labels of the position line.
    public let owed: String
    public let covered: String
    public let uncoveredLabel: String
    public let insured: String
    public let guaranteed: String
    public let toDeclare: String
    let listLimit: String
    let agedBalanceOf: @Sendable (_ day: String) -> String
    let overdueAmount: @Sendable (_ amount: String) -> String

    public static let english = CoverageWording(
        style: .english,
        insurerCut: { "\($0) cut its credit limit from \($1) to \($2)" },
        insurerCancelled: { "\($0) cancelled its credit limit (was \($1))" },
        insurerRefused: { "\($0) refused a credit limit" },
        insurerExpiring: { "\($0) credit limit of \($1) expires on \($2)" },
        uncovered: { "Uncovered exposure reached \($0) (owed \($1))" },
        guaranteeExceeded: { "Exposure \($1) above the \($0) guarantee's maximum of \($2)" },
        guaranteeExpiring: { "\($0) guarantee expires on \($1)" },
        guaranteeCancelled: { "\($0) cancelled its guarantee on \($1)" },
        overdue: { "Overdue invoices reached \($0)" },
        overdueDays: { "Invoices overdue by more than \($0) days" },
        paymentsStopped: { "No payment since \($0) (\($1) days) while invoices fall due" },
        delayWorsening: { "Average payment delay worsened from \($0) to \($1) days in \($2) months" },
        owed: "Owed", covered: "Covered", uncoveredLabel: "Uncovered", insured: "Insured", guaranteed: "Guaranteed",
        toDeclare: "Claim to declare", listLimit: "the watchlist's insured limit",
        agedBalanceOf: { "aged balance of \($0)" }, overdueAmount: { "\($0) overdue" }
    )

    public static let french = CoverageWording(
        style: .french,
        insurerCut: { "\($0) réduit sa limite de crédit : \($1) → \($2)" },
        insurerCancelled: { "\($0) supprime sa limite de crédit (était \($1))" },
        insurerRefused: { "\($0) refuse la limite de crédit" },
        insurerExpiring: { "La limite de crédit \($0) de \($1) expire le \($2)" },
        uncovered: { "Encours non couvert : \($0) (dû \($1))" },
        guaranteeExceeded: { "Encours de \($1) au-delà du plafond de la garantie \($0) (\($2))" },
        guaranteeExpiring: { "La garantie \($0) expire le \($1)" },
        guaranteeCancelled: { "\($0) a résilié sa garantie le \($1)" },
        overdue: { "Factures échues impayées : \($0)" },
        overdueDays: { "Factures échues depuis plus de \($0) jours" },
        paymentsStopped: { "Aucun règlement depuis le \($0) (\($1) jours) alors que des factures sont échues" },
        delayWorsening: { "Retard moyen de paiement passé de \($0) à \($1) jours en \($2) mois" },
        owed: "Dû", covered: "Couvert", uncoveredLabel: "Non couvert", insured: "Assuré", guaranteed: "Garanti",
        toDeclare: "Créance à déclarer", listLimit: "limite assurée de la liste",
        agedBalanceOf: { "balance âgée du \($0)" }, overdueAmount: { "dont \($0) échus" }
    )

    public static func of(_ style: NumberStyle) -> CoverageWording { style == .french ? french : english }

    /// The title of a money-at-risk alert from its evidence; nil for another kind.
    public func title(_ kind: CoverageEvent, _ evidence: ObservationEvidence) -> String {
        let who = ProviderName.display(evidence.provider)
        func money(_ value: Money?, _ fallback: String?) -> String { value?.formatted(style) ?? fallback ?? "—" }
        let new = evidence.new ?? "—", old = evidence.old ?? "—"
        return switch kind {
        case .insurerLimitReduced: insurerCut(who, money(evidence.reference, evidence.old), money(evidence.amount, evidence.new))
        case .insurerLimitCancelled: insurerCancelled(who, money(evidence.reference, evidence.old))
        case .insurerLimitRefused: insurerRefused(who)
        case .insurerLimitExpiring: insurerExpiring(who, money(evidence.amount, evidence.old), new)
        case .uncoveredExposure: uncovered(money(evidence.amount, evidence.new), money(evidence.reference, nil))
        case .guaranteeExceeded: guaranteeExceeded(who, money(evidence.amount, evidence.new), money(evidence.reference, evidence.old))
        case .guaranteeExpiring: guaranteeExpiring(who, new)
        case .guaranteeCancelled: guaranteeCancelled(who, new)
        case .overdueAmount: overdue(money(evidence.amount, evidence.new))
        case .overdueDays: overdueDays(new)
        case .paymentsStopped: paymentsStopped(old, new)
        case .paymentDelayWorsening: delayWorsening(old, new, evidence.reasons.first ?? "?")
        }
    }

    /// What covers the client, and whose: `insured 5,000 EUR (Allianz Trade), guaranteed 9,000 EUR
    /// (LeanPay)`; nil when nothing does.
    public func covers(_ position: Position) -> String? {
        var covers: [String] = []
        if let by = position.insuredBy {
            let whose = by == "watchlist" ? listLimit : ProviderName.display(CoverageSource.insurer(by))
            covers.append("\(insured.lowercased()) \(position.money(position.insured).formatted(style)) (\(whose))")
        }
        if let guarantor = position.guarantor, position.guaranteed > 0 {
            covers.append("\(guaranteed.lowercased()) \(position.money(position.guaranteed).formatted(style)) (\(guarantor))")
        }
        return covers.isEmpty ? nil : covers.joined(separator: ", ")
    }

    /// Where the owed figure comes from: `aged balance of 2026-01-31, 18,900 EUR overdue`; nil
    /// when it is the watchlist's.
    public func owedDetail(_ position: Position) -> String? {
        guard let asOf = position.asOf else { return nil }
        guard let overdue = position.overdue, overdue > 0 else { return agedBalanceOf(asOf.iso) }
        return "\(agedBalanceOf(asOf.iso)), \(overdueAmount(position.money(overdue).formatted(style)))"
    }

    /// `aged balance of 2025-12-31`: what a claim to declare is read from.
    public func agedBalance(of day: CalendarDay) -> String { agedBalanceOf(day.iso) }

    /// `owed 18,400 EUR · covered 5,000 EUR · uncovered 13,400 EUR`.
    public func position(_ position: Position) -> String {
        "\(owed.lowercased()) \(position.money(position.owed).formatted(style)) · \(covered.lowercased()) \(position.money(position.covered).formatted(style)) · \(uncoveredLabel.lowercased()) \(position.money(position.uncovered).formatted(style))"
    }
}
