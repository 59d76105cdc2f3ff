import Foundation
import VigieCore
import VigieDelivery

/// The dashboard's words, one table per language: a translation is read in one place.
struct DashboardWords: Sendable {
    var table: [String: String]
    var style: NumberStyle
    var daysWord: @Sendable (Int) -> String

    static let english = DashboardWords(table: [
        "menu": "Menu", "inbox": "Inbox", "portfolio": "Portfolio", "sources": "Sources", "deliveries": "Deliveries", "logout": "Sign out",
        "otherLanguage": "Français", "login": "Sign in", "token": "API token", "signIn": "Sign in",
        "tokenHint": "Use a token from http.tokens in vigie.yaml. A viewer reads; an operator also acts on cases and deliveries.",
        "owner": "Owner", "severity": "Severity", "any": "any", "filter": "Filter", "nothingOpen": "No open case: nothing waits for someone to take it.",
        "inboxCaption": "Open cases nobody has taken yet, the most money at stake first", "company": "Company", "what": "What", "atStake": "At stake", "moneyAtStake": "Money at stake", "uncovered": "uncovered", 
        "age": "Age", "nextAction": "Next action", "declareBy": "Declare the claim by", "claims": "Claim to declare", "whatToDo": "What to do",
        "act": "Act", "note": "Note (for the audit trail)", "assignTo": "Assign to", "snoozeUntil": "Snooze until (empty: until something new)",
        "ack": "Acknowledge", "assign": "Assign", "snooze": "Snooze", "resolve": "Resolve", "reopen": "Reopen", "timeline": "Timeline",
        "notice": "The notice", "audit": "Audit trail", "scores": "Scores over time", "chartCaption": "Each source's score on a 0-100 scale; the lines are the risk bands' edges (D below 30, C below 51, B below 71, A above).",
        "noScores": "No score recorded yet.", "cases": "Cases", "bodacc": "BODACC history", "entries": "Watch entries", "byBand": "By risk band",
        "byOwner": "By owner", "largest": "The 20 largest", "source": "Source", "state": "State", "lastPoll": "Last poll", "lastError": "Last error",
        "noDead": "No dead letter: every delivery went out or waits for its retry.", "deadCaption": "Deliveries Vigie gave up on", "channel": "Channel",
        "alert": "Alert", "why": "Why", "redeliver": "Send again", "notFound": "Nothing here by that name.", "readOnly": "This token reads only; an operator's acts.",
        "source_ok": "ok", "source_failing": "failing", "done_acknowledge": "Acknowledged.", "done_assign": "Assigned.", "done_snooze": "Snoozed.",
        "done_resolve": "Resolved.", "done_reopen": "Reopened.", "done_redeliver": "Queued again.",
        "disposition_merged": "same fact, another source", "disposition_inhibited": "silenced by the procedure", "disposition_recorded": "recorded, not sent",
        "disposition_held": "held by the mass-shift guard",
        "action_opened": "opened", "action_absorbed": "carries on the weakening case", "action_opened_quietly": "opened without a message", "action_reopened": "reopened by a new fact", "action_woken": "woken by a new fact",
        "action_escalated": "escalated", "action_resolved": "resolved", "action_acknowledge": "acknowledged", "action_assign": "assigned",
        "action_snooze": "snoozed", "action_resolve": "resolved by hand", "action_reopen": "reopened by hand",
        "state_open": "open", "state_acknowledged": "acknowledged", "state_snoozed": "snoozed", "state_resolved": "resolved",
        "severity_critical": "Critical", "severity_high": "High", "severity_warning": "Warning", "severity_info": "Info",
        "case": "Case", "sourcesTitle": "Sources",
    ], style: .english, daysWord: { $0 == 1 ? "1 day" : "\($0) days" })

    static let french = DashboardWords(table: [
        "menu": "Menu", "inbox": "À traiter", "portfolio": "Portefeuille", "sources": "Sources", "deliveries": "Envois", "logout": "Se déconnecter",
        "otherLanguage": "English", "login": "Connexion", "token": "Jeton d’API", "signIn": "Se connecter",
        "tokenHint": "Un jeton de http.tokens dans vigie.yaml. Un lecteur consulte ; un opérateur agit aussi sur les dossiers et les envois.",
        "owner": "Responsable", "severity": "Gravité", "any": "toutes", "filter": "Filtrer", "nothingOpen": "Aucun dossier ouvert : rien n’attend d’être pris en charge.",
        "inboxCaption": "Dossiers ouverts que personne n’a pris en charge, le plus d’argent en jeu d’abord", "company": "Société", "what": "Quoi", "atStake": "En jeu", "moneyAtStake": "Argent en jeu", "uncovered": "non couvert", 
        "age": "Âge", "nextAction": "Prochaine action", "declareBy": "Déclarer la créance avant le", "claims": "Créance à déclarer", "whatToDo": "À faire",
        "act": "Agir", "note": "Note (pour l’historique)", "assignTo": "Confier à", "snoozeUntil": "En sommeil jusqu’au (vide : jusqu’à du nouveau)",
        "ack": "Prendre en charge", "assign": "Confier", "snooze": "Mettre en sommeil", "resolve": "Clore", "reopen": "Rouvrir", "timeline": "Chronologie",
        "notice": "L’annonce", "audit": "Historique", "scores": "Scores dans le temps", "chartCaption": "Le score de chaque source sur 0-100 ; les lignes sont les limites des classes de risque (D sous 30, C sous 51, B sous 71, A au-delà).",
        "noScores": "Aucun score enregistré.", "cases": "Dossiers", "bodacc": "Historique BODACC", "entries": "Listes de surveillance", "byBand": "Par classe de risque",
        "byOwner": "Par responsable", "largest": "Les 20 plus gros encours", "source": "Source", "state": "État", "lastPoll": "Dernière interrogation", "lastError": "Dernière erreur",
        "noDead": "Aucun envoi abandonné : tout est parti ou attend sa nouvelle tentative.", "deadCaption": "Envois abandonnés", "channel": "Canal",
        "alert": "Alerte", "why": "Pourquoi", "redeliver": "Renvoyer", "notFound": "Rien ici sous ce nom.", "readOnly": "Ce jeton ne fait que lire ; il faut un opérateur.",
        "source_ok": "ok", "source_failing": "en échec", "done_acknowledge": "Pris en charge.", "done_assign": "Confié.", "done_snooze": "Mis en sommeil.",
        "done_resolve": "Clos.", "done_reopen": "Rouvert.", "done_redeliver": "Remis en file.",
        "disposition_merged": "même fait, autre source", "disposition_inhibited": "tu pendant la procédure", "disposition_recorded": "enregistré, non envoyé",
        "disposition_held": "retenu (mouvement de masse)",
        "action_opened": "ouvert", "action_absorbed": "reprend le dossier de dégradation", "action_opened_quietly": "ouvert sans message", "action_reopened": "rouvert par un fait nouveau", "action_woken": "réveillé par un fait nouveau",
        "action_escalated": "aggravé", "action_resolved": "clos", "action_acknowledge": "pris en charge", "action_assign": "confié",
        "action_snooze": "mis en sommeil", "action_resolve": "clos à la main", "action_reopen": "rouvert à la main",
        "state_open": "ouvert", "state_acknowledged": "pris en charge", "state_snoozed": "en sommeil", "state_resolved": "clos",
        "severity_critical": "Critique", "severity_high": "Élevée", "severity_warning": "Attention", "severity_info": "Info",
        "case": "Dossier", "sourcesTitle": "Sources",
    ], style: .french, daysWord: { $0 <= 1 ? "\($0) jour" : "\($0) jours" })

    var expired: String { table["login"].map { _ in style == .french ? "Session expirée ou formulaire périmé : reconnectez-vous." : "Session expired or stale form: sign in again." } ?? "" }
    var badToken: String { style == .french ? "Jeton inconnu." : "Unknown token." }
    var failed: String { style == .french ? "Le stockage n’a pas répondu ; voir le journal de Vigie." : "The store failed to answer; see Vigie's log." }

    func severity(_ severity: Severity) -> String { table["severity_" + severity.rawValue] ?? severity.rawValue }
    func state(_ state: CaseState) -> String { table["state_" + state.rawValue] ?? state.rawValue }
    func days(_ count: Int) -> String { daysWord(count) }
    func money(_ amounts: [String: Decimal]) -> String {
        amounts.isEmpty ? "—" : amounts.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).formatted(style) }.joined(separator: ", ")
    }
}

/// A company's scores over time as inline SVG drawn by the server: one line per source on the
/// normalized 0–100 scale, with the risk bands' edges.
enum ScoreChart {
    static let colours = ["#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"]

    static func svg(_ observations: [ScoreObservation], words: DashboardWords) -> String? {
        let points = observations.compactMap { observation in observation.score?.normalized.map { (observation.provider, observation.observedOn, $0) } }
        guard let first = points.map(\.1).min(), let last = points.map(\.1).max() else { return nil }
        let (width, height, left, bottom) = (640.0, 240.0, 40.0, 24.0)
        let span = Double(max(1, first.days(until: last)))
        func x(_ day: CalendarDay) -> Double { left + Double(first.days(until: day)) / span * (width - left - 10) }
        func y(_ score: Double) -> Double { (height - bottom) - score / 100 * (height - bottom - 10) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(Markup.escaped(words.table["scores"] ?? ""))\">"
        for (edge, band) in [(30.0, "D | C"), (51.0, "C | B"), (71.0, "B | A")] {
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y(edge))\" y2=\"\(y(edge))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/><text x=\"2\" y=\"\(y(edge) + 4)\" font-size=\"10\" fill=\"#555\">\(band)</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 6)\" font-size=\"10\" fill=\"#555\">\(first.iso)</text><text x=\"\(width - 80)\" y=\"\(height - 6)\" font-size=\"10\" fill=\"#555\">\(last.iso)</text>"
        for (index, provider) in Set(points.map(\.0)).sorted().enumerated() {
            let line = points.filter { $0.0 == provider }.sorted { $0.1 < $1.1 }
            let colour = colours[index % colours.count]
            let coordinates = line.map { "\(String(format: "%.1f", x($0.1))),\(String(format: "%.1f", y($0.2)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coordinates)\"><title>\(Markup.escaped(ProviderName.display(provider)))</title></polyline>"
            for point in line {
                svg += "<circle cx=\"\(String(format: "%.1f", x(point.1)))\" cy=\"\(String(format: "%.1f", y(point.2)))\" r=\"3\" fill=\"\(colour)\"><title>\(Markup.escaped("\(ProviderName.display(provider)) \(point.1.iso): \(ScoreValue.text(point.2))"))</title></circle>"
            }
            svg += "<text x=\"\(width - 150)\" y=\"\(14 + index * 14)\" font-size=\"11\" fill=\"\(colour)\">\(Markup.escaped(ProviderName.display(provider)))</text>"
        }
        return svg + "</svg>"
    }
}
