import Foundation
import VigieCore

/// The language messages are written in, for people.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case en, fr
}

/// What every channel says about an alert, before it is put into the channel's format and
/// escaped for it: who, what happened, how severe, what is at stake, the evidence.
///
/// Plain text only. Text from outside (company names, the court's words) is carried as is
/// here; each format escapes it for its own markup.
public struct MessageContent: Sendable {
    public struct Fact: Sendable, Hashable {
        public var label: String
        public var value: String
    }

    public var language: Language
    /// "PASARGAD (881 843 924)".
    public var company: String
    /// "PASARGAD", or the SIREN when the name is unknown.
    public var companyName: String
    /// What happened, in the message's language.
    public var title: String
    public var severity: Severity
    public var severityLabel: String
    /// "CRITICAL · PASARGAD (881 843 924) · Receivership opened".
    public var headline: String
    public var facts: [Fact]
    public var evidenceURL: String?
    /// The court's own words, shortened.
    public var courtText: String?
    /// For retractions and corrections: a sentence that says so.
    public var status: String?
    /// "881 843 924", kept apart so that a shortened name keeps its SIREN.
    var sirenLabel: String?

    /// Text from outside (names, the court's words) is put on one line here, for every channel:
    /// a line break would end a Markdown heading or table row, a Slack quote or bold run.
    public init(alert: Alert, language: Language) {
        self.language = language
        let french = language == .fr
        let oneLine = Escape.singleLine
        let wording = french ? CaseWording.french : CaseWording.english
        if let siren = alert.siren {
            companyName = oneLine(alert.companyName ?? siren.formatted)
            sirenLabel = siren.formatted
            company = "\(companyName) (\(siren.formatted))"
        } else if case .digest(let digest) = alert.evidence {
            companyName = oneLine(digest.owner)
            company = companyName
        } else if case .shift(let shift) = alert.evidence {
            companyName = oneLine("\(ProviderName.display(shift.provider)) (\(french ? "source de données" : "data source"))")
            company = companyName
        } else {
            companyName = oneLine(Self.sourceLabel(alert, language))
            company = companyName
        }
        title = oneLine(french ? FrenchTitles.title(for: alert) : alert.title)
        severity = alert.severity
        severityLabel = Self.severityLabel(alert.severity, language)
        headline = "\(severityLabel.uppercased()) · \(company) · \(title)"
        if alert.state == .retracted {
            status = french ? "Cette alerte est retirée : l’événement a été annulé ou rétracté." : "This alert is retracted: the event was cancelled or retracted."
        } else if alert.revision > 1 {
            status = french ? "Cette alerte a été rectifiée (révision \(alert.revision))." : "This alert was corrected (revision \(alert.revision))."
        }

        var facts: [Fact] = [Fact(label: alert.siren == nil ? "Source" : french ? "Société" : "Company", value: company)]
        facts.append(Fact(label: french ? "Gravité" : "Severity", value: severityLabel))
        let style: NumberStyle = french ? .french : .english
        let coverage = CoverageWording.of(style)
        if let position = alert.position {
            // Owed, covered, uncovered: what a credit manager weighs first.
            let owed = position.money(position.owed).formatted(style)
            facts.append(Fact(label: coverage.owed, value: owed + (coverage.owedDetail(position).map { " (\($0))" } ?? "")))
            let covered = position.money(position.covered).formatted(style)
            facts.append(Fact(label: coverage.covered, value: covered + (coverage.covers(position).map { " — \(oneLine($0))" } ?? "")))
            facts.append(Fact(label: coverage.uncoveredLabel, value: position.money(position.uncovered).formatted(style)))
            if let claim = position.toDeclare {
                let asOf = position.toDeclareAsOf.map { " (\(coverage.agedBalance(of: $0)))" } ?? ""
                facts.append(Fact(label: coverage.toDeclare, value: claim.formatted(style) + asOf))
            }
        }
        let exposure = alert.exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }
        if !exposure.isEmpty, alert.position == nil { facts.append(Fact(label: french ? "Encours" : "Exposure", value: exposure.joined(separator: ", "))) }
        let byList = alert.exposureByList
        if !byList.isEmpty {
            let figures = byList.map { "\($0.watchlist) \($0.exposure.formatted(style))" }.joined(separator: ", ")
            facts.append(Fact(label: french ? "Encours par liste (le plus élevé retenu)" : "Exposure by list (the largest is used)", value: figures))
        }
        let uncovered = SeverityRule.uncovered(alert).filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }
        if !uncovered.isEmpty, alert.position == nil, alert.watch.contains(where: { $0.insuredLimit != nil }) || alert.kind.hasPrefix("credit_limit") {
            facts.append(Fact(label: french ? "Non couvert" : "Uncovered", value: uncovered.joined(separator: ", ")))
        }
        if let rule = alert.escalatedBy { facts.append(Fact(label: french ? "Gravité relevée par" : "Severity raised by", value: rule)) }
        let limits = alert.watch.compactMap(\.insuredLimit).map { $0.formatted(style) }
        if !limits.isEmpty, alert.position == nil { facts.append(Fact(label: french ? "Limite assurée" : "Insured limit", value: limits.joined(separator: ", "))) }
        let owners = Array(Set(alert.watch.compactMap(\.owner))).sorted()
        if !owners.isEmpty { facts.append(Fact(label: french ? "Responsable" : "Owner", value: owners.joined(separator: ", "))) }
        let lists = Array(Set(alert.watch.map(\.watchlist))).sorted()
        if !lists.isEmpty { facts.append(Fact(label: french ? "Liste" : "Watchlist", value: lists.joined(separator: ", "))) }
        switch alert.evidence {
        case .notice(let notice):
            if let tribunal = notice.tribunal { facts.append(Fact(label: french ? "Tribunal" : "Court", value: tribunal)) }
            if let date = notice.judgmentDate { facts.append(Fact(label: french ? "Date du jugement" : "Judgment date", value: date.iso)) }
            if let published = notice.published { facts.append(Fact(label: french ? "Publié au BODACC" : "Published in BODACC", value: published.iso)) }
            facts.append(Fact(label: french ? "Annonce" : "Notice", value: notice.noticeID))
            evidenceURL = notice.url
            courtText = notice.complement.map { Limits.cut($0, 1000) }
            if let claims = notice.claims {
                facts.append(Fact(label: wording.claimsLabel, value: wording.declareBy(claims.deadline.iso, claims.mandataire)))
            }
        case .observation(let observation):
            let value = { (raw: String?) in raw.map { french ? FrenchTitles.value($0) : $0 } ?? "—" }
            let change = "\(value(observation.old)) → \(value(observation.new))"
            facts.append(Fact(label: french ? "Source" : "Source", value: "\(observation.provider), \(observation.observedOn.iso)"))
            facts.append(Fact(label: french ? "Évolution" : "Change", value: change))
            if let judgement = observation.latestLegalEvent {
                facts.append(Fact(label: french ? "Dernier événement légal (fournisseur)" : "Provider's latest legal event", value: judgement))
            }
        case .source(let source) where source.isWatchlist:
            facts.append(Fact(label: french ? "Fichier" : "File", value: source.sourceName))
            facts.append(Fact(label: french ? "Problèmes depuis" : "Problems since", value: source.failingSince.iso8601))
            if let recovered = source.recoveredAt { facts.append(Fact(label: french ? "Corrigé le" : "Fixed at", value: recovered.iso8601)) }
            if let problems = source.lastError { facts.append(Fact(label: french ? "Problèmes" : "Problems", value: problems.count > 1500 ? String(problems.prefix(1500)) + "…" : problems)) }
        case .source(let source):
            facts.append(Fact(label: french ? "En échec depuis" : "Failing since", value: source.failingSince.iso8601))
            facts.append(Fact(label: french ? "Cycles en échec" : "Failing cycles", value: "\(source.failingCycles)"))
            if let recovered = source.recoveredAt { facts.append(Fact(label: french ? "Rétablie le" : "Recovered at", value: recovered.iso8601)) }
            if let error = source.lastError { facts.append(Fact(label: french ? "Dernière erreur" : "Last error", value: error.count > 300 ? String(error.prefix(300)) + "…" : error)) }
        case .digest(let digest):
            let stake = digest.atStake.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }
            if !stake.isEmpty { facts.append(Fact(label: french ? "En jeu" : "At stake", value: stake.joined(separator: ", "))) }
            if let uncovered = digest.uncovered {
                let text = uncovered.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }.joined(separator: ", ")
                facts.append(Fact(label: CoverageWording.of(style).uncoveredLabel, value: text))
            }
            if let since = digest.since { facts.append(Fact(label: french ? "Depuis" : "Since", value: since.iso8601)) }
            func describe(_ line: OwnerDigest.Line) -> String {
                let exposure = line.exposure.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }.joined(separator: ", ")
                let uncovered = line.uncovered.map { "\(CoverageWording.of(style).uncoveredLabel.lowercased()) \($0.formatted(style))" }
                return [Self.severityLabel(line.severity, language), line.title, exposure.isEmpty ? nil : exposure, uncovered, "\(line.ageDays) \(french ? "j" : "d")",
                        wording.states[line.state] ?? line.state.rawValue, line.deadline.map { "\(french ? "déclarer avant le" : "declare by") \($0.iso)" }]
                    .compactMap { $0 }.joined(separator: " · ")
            }
            for line in digest.newFacts.prefix(25) { facts.append(Fact(label: "\(french ? "Nouveau" : "New") · \(line.company)", value: describe(line))) }
            if digest.newFacts.count > 25 { facts.append(Fact(label: french ? "Nouveau" : "New", value: "… \(digest.newFacts.count - 25) \(french ? "de plus" : "more")")) }
            for line in digest.openCases.prefix(50) { facts.append(Fact(label: line.company, value: describe(line))) }
            if digest.openCases.count > 50 { facts.append(Fact(label: french ? "Dossiers" : "Cases", value: "… \(digest.openCases.count - 50) \(french ? "de plus" : "more")")) }
        case .shift(let shift):
            facts.append(Fact(label: french ? "Sociétés comparées" : "Companies compared", value: "\(shift.compared)"))
            facts.append(Fact(label: french ? "Dégradées d’un coup" : "Weakened at once", value: "\(shift.weakened) (\(shift.percent) %)"))
            facts.append(Fact(label: french ? "Écarts de score (points)" : "Score moves (points)", value: shift.distributionText))
            facts.append(Fact(label: french ? "Alertes retenues" : "Alerts held", value: "\(shift.held.count)"))
            let command = "vigie cases release-shift \(alert.id)  |  vigie cases discard-shift \(alert.id)"
            facts.append(Fact(label: french ? "À décider" : "Decide", value: shift.decision.map { "\($0.rawValue)\(shift.decidedBy.map { " (\($0))" } ?? "")" } ?? command))
        case .case(let item):
            facts.append(Fact(label: french ? "État du dossier" : "Case state", value: wording.states[item.state] ?? item.state.rawValue))
            facts.append(Fact(label: french ? "Ouvert le" : "Opened", value: CalendarDay(item.openedAt).iso))
            if let claims = item.claims {
                facts.append(Fact(label: wording.claimsLabel, value: wording.declareBy(claims.deadline.iso, claims.mandataire)))
            }
        }
        if let others = alert.alsoReportedBy, !others.isEmpty {
            facts.append(Fact(label: french ? "Aussi signalé par" : "Also reported by", value: others.map(ProviderName.display).joined(separator: ", ")))
        }
        if let actions = alert.nextActions?[language.rawValue], !actions.isEmpty {
            let numbered = actions.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: " ")
            facts.append(Fact(label: french ? "À faire" : "What to do", value: numbered))
        }
        if let caseID = alert.caseID { facts.append(Fact(label: french ? "Dossier" : "Case", value: caseID)) }
        self.facts = facts.map { Fact(label: $0.label, value: oneLine($0.value)) }
        courtText = courtText.map(oneLine)
    }

    /// "Creditsafe (data source)": what a source-health alert is about.
    static func sourceLabel(_ alert: Alert, _ language: Language) -> String {
        guard case .source(let source) = alert.evidence else { return "?" }
        let kind = source.isWatchlist ? (language == .fr ? "liste de surveillance" : "watchlist") : (language == .fr ? "source de données" : "data source")
        return "\(source.displayName) (\(kind))"
    }

    /// The message as plain text: the email's text part, and the fallback where markup is not shown.
    public var plainText: String {
        var lines = [headline, ""]
        if let status { lines += [status, ""] }
        lines += facts.map { "\($0.label): \($0.value)" }
        if let courtText { lines += ["", courtText] }
        if let evidenceURL { lines += ["", evidenceURL] }
        return lines.joined(separator: "\n")
    }

    static func severityLabel(_ severity: Severity, _ language: Language) -> String {
        switch (severity, language) {
        case (.critical, .en): "Critical"
        case (.high, .en): "High"
        case (.warning, .en): "Warning"
        case (.info, .en): "Info"
        case (.critical, .fr): "Critique"
        case (.high, .fr): "Élevée"
        case (.warning, .fr): "Attention"
        case (.info, .fr): "Info"
        }
    }
}

/// Titles in French, from what the alert holds.
enum FrenchTitles {
    /// A provider's value as French reads it: statuses and "not rated" are Vigie's own words,
    /// translated; scores and amounts are left as they are.
    static func value(_ raw: String) -> String {
        values[raw.lowercased()] ?? raw
    }

    static let values: [String: String] = [
        "active": "active", "ceased": "cessée", "struck_off": "radiée", "not applicable": "sans objet", "not rated": "non notée",
    ]

    static func procedure(_ procedure: Procedure?) -> String {
        procedure?.french ?? "procédure collective"
    }

    static func title(for alert: Alert) -> String {
        let suffix = alert.revision > 1 && alert.state == .active ? " (rectifiée)" : ""
        switch alert.evidence {
        case .notice(let notice):
            return noticeTitle(kind: alert.kind, notice) + suffix
        case .observation(let observation):
            let old = observation.old ?? "—", new = observation.new ?? "—", provider = ProviderName.display(observation.provider)
            if let kind = CoverageEvent(rawValue: alert.kind) { return CoverageWording.french.title(kind, observation) }
            switch alert.kind {
            case ScoreEvent.scoreDrop.rawValue: return "Score \(provider) en baisse : \(old) → \(new)"
            case ScoreEvent.ratingDowngrade.rawValue: return "Note \(provider) dégradée : \(old) → \(new)"
            case ScoreEvent.creditLimitCut.rawValue: return "Limite de crédit \(provider) réduite : \(old) → \(new)"
            case ScoreEvent.creditLimitCancelled.rawValue: return "Limite de crédit \(provider) supprimée (était \(old))"
            case ScoreEvent.companyCeased.rawValue: return "Cessation d’activité (\(provider))"
            case ScoreEvent.companyStruckOff.rawValue: return "Radiée du registre (\(provider))"
            case ScoreEvent.companyInFailure.rawValue: return "\(provider) signale la société en défaillance"
            case ScoreEvent.providerJudgement.rawValue: return "\(provider) signale un nouveau jugement : \(new)"
            case ScoreEvent.providerProcedure.rawValue: return "\(provider) signale une procédure collective : \(new)"
            case ScoreEvent.privilegeRegistered.rawValue: return "\(provider) signale de nouveaux privilèges fiscaux ou sociaux (\(old) → \(new) actifs)"
            default: return alert.title
            }
        case .source(let source) where source.isWatchlist:
            return source.state == .failing ? "Liste \(source.displayName) : problèmes à corriger" : "Liste \(source.displayName) corrigée"
        case .case(let item):
            return CaseWording.french.title(item, exposure: alert.exposure)
        case .digest(let digest):
            return digest.title(.french, french: true)
        case .shift(let shift):
            return "\(ProviderName.display(shift.provider)) : \(shift.weakened) sociétés sur \(shift.compared) dégradées d’un coup (\(shift.percent) %) ; \(shift.held.count) alertes retenues en attente de décision"

        case .source(let source):
            let name = source.displayName
            return source.state == .failing
                ? "\(name) en échec depuis \(source.failingCycles) cycles"
                : "\(name) rétablie après \(source.failingCycles) cycles en échec"
        }
    }

    static func noticeTitle(kind: String, _ notice: NoticeEvidence) -> String {
        let name = procedure(notice.procedure)
        switch NoticeEvent(rawValue: kind) {
        case .opened: return "Ouverture d’une procédure de \(name)"
        case .extended: return "Extension d’une procédure de \(name)"
        case .converted: return "Conversion en \(name)"
        case .planAdopted:
            switch notice.detail {
            case "sale": return "Plan de cession arrêté"
            case "safeguard_plan": return "Plan de sauvegarde arrêté"
            default: return "Plan de redressement arrêté"
            }
        case .planModified: return "Modification du plan"
        case .planResolved: return notice.procedure.map { "Résolution du plan et \($0.french)" } ?? "Résolution du plan"
        case .ended: return "Fin de la procédure de \(name)"
        case .closed:
            switch notice.detail {
            case "insufficient_assets": return "Clôture pour insuffisance d’actif"
            case "debts_extinguished": return "Clôture pour extinction du passif"
            default: return "Clôture de la procédure"
            }
        case .resumed: return "Reprise de la procédure de \(name)"
        case .retracted: return "Rétractation du jugement d’ouverture sur tierce opposition"
        case .personSanction: return notice.detail == "personal_bankruptcy" ? "Faillite personnelle" : "Interdiction de gérer"
        case .appealRuling: return "Arrêt de la cour d’appel"
        case .noticeCancelled: return "Annonce BODACC annulée"
        case .struckOff: return "Radiation du registre"
        case .accountsFiled: return "Dépôt des comptes"
        case .claimsFiling, .procedural, .otherJudgment, .registryNotice, .unclassified, nil:
            return notice.nature ?? "Annonce BODACC"
        }
    }
}

/// Several alerts as one message: a digest route's window.
public struct DigestContent: Sendable {
    public var title: String
    public var lines: [String]
    public var severity: Severity

    public init(_ contents: [MessageContent], language: Language) {
        severity = contents.map(\.severity).max() ?? .info
        title = language == .fr ? "\(contents.count) alertes Vigie" : "\(contents.count) Vigie alerts"
        lines = contents.map { content in
            content.headline + (content.evidenceURL.map { " — \($0)" } ?? "")
        }
    }

    public var plainText: String { ([title, ""] + lines.map { "• \($0)" }).joined(separator: "\n") }

    /// The title of one part of a digest sent as several messages: "12 Vigie alerts (2/3)".
    public func title(part: Int, of parts: Int) -> String {
        parts > 1 ? "\(title) (\(part + 1)/\(parts))" : title
    }

    /// Lines joined into as few texts as fit `limit` each (as `measure` counts); a line longer
    /// than the limit stands alone (its caller cuts lines first).
    static func pack(_ lines: [String], limit: Int, separator: String = "\n", measure: (String) -> Int = Limits.length) -> [String] {
        var parts: [String] = []
        var current = ""
        for line in lines {
            let candidate = current.isEmpty ? line : current + separator + line
            if !current.isEmpty, measure(candidate) > limit {
                parts.append(current)
                current = line
            } else {
                current = candidate
            }
        }
        if !current.isEmpty || parts.isEmpty { parts.append(current) }
        return parts
    }
}
