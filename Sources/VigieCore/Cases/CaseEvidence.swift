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
            "merged_into_procedure": "carried on in the collective procedure's case",
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
            "merged_into_procedure": "repris dans le dossier de la procédure collective",
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

/// A periodic summary for one owner: what happened to their clients since the last one,
/// what is still open, and what is at stake.
public struct OwnerDigest: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        public var caseID: String
        public var company: String
        public var severity: Severity
        public var title: String
        public var exposure: [String: Decimal]
        /// What is owed beyond what covers it, when an aged balance, an insurer or a guarantee says.
        public var uncovered: Money?
        public var state: CaseState
        public var ageDays: Int
        public var deadline: CalendarDay?
    }

    public var owner: String
    public var since: Date?
    /// New facts told since the last digest, most severe first.
    public var newFacts: [Line]
    /// Open cases, the most money at stake first.
    public var openCases: [Line]
    public var atStake: [String: Decimal]
    /// Of which uncovered, over the cases whose cover is known; nil in digests before it existed.
    public var uncovered: [String: Decimal]?

    public static let kind = "owner_digest"

    /// "3 new facts, 5 open cases, 216,830 EUR at stake".
    public func title(_ style: NumberStyle, french: Bool) -> String {
        let stake = atStake.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }.joined(separator: ", ")
        if french {
            return "Synthèse Vigie : \(newFacts.count) fait\(newFacts.count > 1 ? "s" : "") nouveau\(newFacts.count > 1 ? "x" : ""), \(openCases.count) dossier\(openCases.count > 1 ? "s" : "") ouvert\(openCases.count > 1 ? "s" : "")\(stake.isEmpty ? "" : ", \(stake) en jeu")"
        }
        return "Vigie digest: \(newFacts.count) new fact\(newFacts.count == 1 ? "" : "s"), \(openCases.count) open case\(openCases.count == 1 ? "" : "s")\(stake.isEmpty ? "" : ", \(stake) at stake")"
    }
}

extension CaseBook {
    /// One digest per owner and route with an `owner_digest` interval, when that interval has
    /// passed since the owner's last one (`last`, by `route|owner`): the new facts told on
    /// their open cases since then, the open cases, the money at stake. Cases with no owner are
    /// in no digest. Returns the digests with their destinations, and when each was sent.
    public static func ownerDigests(_ cases: [Case], router: Router, last: [String: Date], now: Date) -> (outcome: Outcome, sent: [String: Date]) {
        var outcome = Outcome()
        var sent: [String: Date] = [:]
        for route in router.routes {
            guard let interval = route.ownerDigest else { continue }
            let matching = cases.filter { item in
                item.state(at: now).isActive && item.owner != nil && route.matches(Alert(
                    id: "", siren: item.siren, companyName: item.companyName, kind: item.facts.last { $0.active && $0.severity == item.severity }?.kind ?? "",
                    severity: item.severity, title: item.title, evidence: .case(CaseEvidence(item, purpose: .reminder, at: now)), watch: item.watch, createdAt: now
                ))
            }
            for (owner, owned) in Dictionary(grouping: matching, by: { $0.owner! }).sorted(by: { $0.key < $1.key }) {
                let key = "\(route.name)|\(owner)"
                let since = last[key]
                if let since, now.timeIntervalSince(since) < interval.seconds { continue }
                func line(_ item: Case, title: String, severity: Severity) -> OwnerDigest.Line {
                    OwnerDigest.Line(
                        caseID: item.id, company: item.companyName ?? item.siren.formatted, severity: severity, title: title, exposure: item.exposure,
                        uncovered: item.position.map { $0.money($0.uncovered) }, state: item.state(at: now), ageDays: item.ageDays(at: now), deadline: item.claims?.deadline
                    )
                }
                let fresh = owned.flatMap { item in
                    item.facts.filter { $0.disposition == .notified && $0.at > (since ?? .distantPast) }.map { (item, $0) }
                }.sorted { $0.1.severity > $1.1.severity }.map { line($0.0, title: $0.1.title, severity: $0.1.severity) }
                let open = CaseFilter(asOf: now).apply(owned).map { line($0, title: $0.title, severity: $0.severity) }
                let atStake = owned.reduce(into: [String: Decimal]()) { total, item in
                    for (currency, amount) in item.exposure { total[currency, default: 0] += amount }
                }
                var digest = OwnerDigest(owner: owner, since: since, newFacts: fresh, openCases: open, atStake: atStake)
                let uncovered = owned.compactMap(\.position).reduce(into: [String: Decimal]()) { total, position in
                    total[position.currency, default: 0] += position.uncovered
                }
                digest.uncovered = uncovered.isEmpty ? nil : uncovered
                let alert = Alert(
                    id: AlertIdentity.id(subject: "owner:\(owner)", kind: OwnerDigest.kind, evidenceKey: "\(route.name):\(Int(now.timeIntervalSince1970))"),
                    siren: nil, companyName: nil, kind: OwnerDigest.kind, severity: open.map(\.severity).max() ?? .info,
                    title: digest.title(.english, french: false), evidence: .digest(digest),
                    watch: [WatchContext(watchlist: route.name, owner: owner, tags: [], exposure: nil, insuredLimit: nil)], createdAt: now
                )
                outcome.changes.append(.raised(alert))
                outcome.destinations[alert.id] = route.channels.map { Router.Destination(channel: $0) }
                sent[key] = now
            }
        }
        return (outcome, sent)
    }
}
