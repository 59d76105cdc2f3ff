import Foundation

/// A case, as the evidence of a message about it (resolved, a reminder, a claims deadline):
/// what the case is, how old, and what must be done.
public struct CaseEvidence: Hashable, Sendable, Codable {
    public enum Purpose: String, Hashable, Sendable, Codable {
        case resolved
        case acknowledged
        case reminder
        case claimsDeadline = "claims_deadline"
    }

    public var caseID: String
    public var purpose: Purpose
    public var situation: CaseSituation
    public var procedure: ProcedureStatus?
    public var state: CaseState
    public var openedAt: Date
    /// Whole days since the case opened, when the message was written.
    public var ageDays: Int
    /// The worst active fact's title.
    public var headline: String
    /// Why a resolved case was resolved.
    public var resolution: String?
    public var claims: ClaimsDeadline?
    /// For a claims reminder: days left until the deadline.
    public var daysLeft: Int?
    /// Who acknowledged or resolved the case by hand.
    public var actor: String?

    public init(_ item: Case, purpose: Purpose, at now: Date, daysLeft: Int? = nil, actor: String? = nil) {
        self.actor = actor
        caseID = item.id
        self.purpose = purpose
        situation = item.situation
        procedure = item.procedure
        state = item.state(at: now)
        openedAt = item.openedAt
        ageDays = item.ageDays(at: now)
        headline = item.title
        resolution = item.resolution
        claims = item.claims
        self.daysLeft = daysLeft
    }
}

/// What a case's messages say, in one language: one table per language, so that a
/// translation is read in one place and a new language is a new table.
public struct CaseWording: Sendable {
    public var procedures: [ProcedureStatus: String]
    public var situations: [CaseSituation: String]
    public var resolutions: [String: String]
    public var states: [CaseState: String]
    public var style: NumberStyle
    public var resolved: @Sendable (_ what: String, _ why: String) -> String
    public var acknowledged: @Sendable (_ what: String, _ who: String?) -> String
    public var reminder: @Sendable (_ what: String, _ days: Int, _ stake: String?) -> String
    public var claims: @Sendable (_ deadline: String, _ daysLeft: Int, _ whom: String?) -> String
    /// "Declare the claim to": the label of the claims fact in messages.
    public var claimsLabel: String
    public var declareBy: @Sendable (_ deadline: String, _ whom: String?) -> String

    public static let english = CaseWording(
        procedures: [.safeguard: "Safeguard", .receivership: "Receivership", .liquidation: "Liquidation", .closed: "Closed procedure"],
        situations: [.procedure: "Collective procedure", .cessation: "Ceased or struck off", .deterioration: "Weakening"],
        resolutions: [
            "procedure_closed": "procedure closed", "score_recovered": "score recovered", "unwatched": "no longer watched",
            "retracted": "its facts were retracted", "by_hand": "resolved by hand",
        ],
        states: [.open: "open", .acknowledged: "acknowledged", .snoozed: "snoozed", .resolved: "resolved"],
        style: .english,
        resolved: { what, why in "Case resolved: \(what) (\(why))" },
        acknowledged: { what, who in "Case acknowledged: \(what)\(who.map { ", by \($0)" } ?? "")" },
        reminder: { what, days, stake in "\(what) for \(days) day\(days == 1 ? "" : "s")\(stake.map { ", \($0) at stake" } ?? ""), not acknowledged" },
        claims: { deadline, left, whom in "Declare the claim by \(deadline) (\(left) day\(left == 1 ? "" : "s") left)\(whom.map { " to \($0)" } ?? "")" },
        claimsLabel: "Declare the claim",
        declareBy: { deadline, whom in "by \(deadline)\(whom.map { ", to \($0)" } ?? "")" }
    )

    public static let french = CaseWording(
        procedures: [.safeguard: "Sauvegarde", .receivership: "Redressement judiciaire", .liquidation: "Liquidation judiciaire", .closed: "Procédure close"],
        situations: [.procedure: "Procédure collective", .cessation: "Cessation ou radiation", .deterioration: "Dégradation"],
        resolutions: [
            "procedure_closed": "procédure close", "score_recovered": "score rétabli", "unwatched": "plus surveillée",
            "retracted": "faits rétractés", "by_hand": "clos à la main",
        ],
        states: [.open: "ouvert", .acknowledged: "pris en charge", .snoozed: "en sommeil", .resolved: "clos"],
        style: .french,
        resolved: { what, why in "Dossier clos : \(what) (\(why))" },
        acknowledged: { what, who in "Dossier pris en charge : \(what)\(who.map { ", par \($0)" } ?? "")" },
        reminder: { what, days, stake in "\(what) depuis \(days) jour\(days > 1 ? "s" : "")\(stake.map { ", \($0) en jeu" } ?? ""), non pris en charge" },
        claims: { deadline, left, whom in "Déclarer la créance avant le \(deadline) (\(left) jour\(left > 1 ? "s" : "") restant\(left > 1 ? "s" : ""))\(whom.map { " auprès de \($0)" } ?? "")" },
        claimsLabel: "Déclaration de créance",
        declareBy: { deadline, whom in "avant le \(deadline)\(whom.map { ", auprès de \($0)" } ?? "")" }
    )

    /// What the case is about, in a few words: its procedure, else its situation.
    public func what(_ evidence: CaseEvidence) -> String {
        if evidence.situation == .procedure, let procedure = evidence.procedure, let name = procedures[procedure] { return name }
        return situations[evidence.situation] ?? evidence.situation.rawValue
    }

    /// The message's title.
    public func title(_ evidence: CaseEvidence, exposure: [String: Decimal] = [:]) -> String {
        switch evidence.purpose {
        case .resolved:
            return resolved(what(evidence), resolutions[evidence.resolution ?? ""] ?? evidence.resolution ?? "")
        case .acknowledged:
            return acknowledged(what(evidence), evidence.actor)
        case .reminder:
            let stake = exposure.isEmpty ? nil : exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }.joined(separator: ", ")
            return reminder(what(evidence), evidence.ageDays, stake)
        case .claimsDeadline:
            return claims(evidence.claims?.deadline.iso ?? "?", evidence.daysLeft ?? 0, evidence.claims?.mandataire)
        }
    }
}
