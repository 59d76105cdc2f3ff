import Foundation

/// The ordered rules that read a judgment's nature (or, for "Autre jugement…", its text).
///
/// Rules match on folded text (lower case, no accents, plain apostrophes). Order matters: a
/// claims list "nées après le jugement d'ouverture d'une procédure de liquidation" mentions an
/// opening, so filings come before openings; conversions and resolutions before openings; a
/// closure "de la procédure de liquidation" before anything that names a liquidation.
struct ClassificationRule: Sendable {
    /// Every alternative is a list of fragments that must all appear; any alternative matching is enough.
    let anyOf: [[String]]
    let classify: @Sendable (_ text: String) -> NoticeClassification

    init(_ anyOf: [[String]], _ classify: @escaping @Sendable (_ text: String) -> NoticeClassification) {
        self.anyOf = anyOf
        self.classify = classify
    }

    func matches(_ text: String) -> Bool {
        anyOf.contains { fragments in fragments.allSatisfy { text.includes($0) } }
    }
}

enum ClassificationRules {
    /// The procedure a text names, most severe first when several are named.
    static func mentioned(_ text: String) -> Procedure? {
        if text.includes("liquidation") { return .liquidation }
        if text.includes("redressement") || text.includes("continuation") { return .receivership }
        if text.includes("sauvegarde") { return .safeguard }
        return nil
    }

    /// The procedure named right after a marker ("conversion en liquidation…", "et le redressement…").
    static func procedure(after marker: String, in text: String) -> Procedure? {
        guard let range = text.range(of: marker) else { return nil }
        let rest = text[range.upperBound...]
        let candidates: [(Procedure, String)] = [(.liquidation, "liquidation"), (.receivership, "redressement"), (.safeguard, "sauvegarde")]
        return candidates
            .compactMap { procedure, word in rest.range(of: word).map { (procedure, $0.lowerBound) } }
            .min { $0.1 < $1.1 }?.0
    }

    static func openingSeverity(_ procedure: Procedure) -> Severity {
        procedure == .safeguard ? .high : .critical
    }

    /// The flavour of an opening or conversion, read from the nature and the court's text.
    static func variant(_ text: String, procedure: Procedure) -> String? {
        switch procedure {
        case .liquidation: text.includes("simplifiee") ? "simplified" : nil
        case .safeguard:
            text.includes("financiere acceleree") ? "financial_accelerated" : text.includes("acceleree") ? "accelerated" : nil
        case .receivership: nil
        }
    }

    static func planProcedure(_ text: String) -> Procedure? {
        if text.includes("plan de sauvegarde") { return .safeguard }
        if text.includes("plan de redressement") || text.includes("plan de continuation") || text.includes("plan de cession") {
            return .receivership
        }
        return nil
    }

    static func planDetail(_ text: String) -> String? {
        if text.includes("plan de cession") { return "sale" }
        if text.includes("sortie de crise") { return "crisis_exit" }
        if text.includes("plan de sauvegarde") { return "safeguard_plan" }
        if text.includes("plan de redressement") || text.includes("plan de continuation") { return "continuation" }
        return nil
    }

    /// Words by which a judgment opens or pronounces a procedure, in its operative part.
    static let pronouncements = [
        "prononcant l'ouverture", "prononce l'ouverture", "ouvrant une procedure", "ouvrant la procedure",
        "ouvre la procedure", "ouvre une procedure", "ouvre la liquidation", "ouvre les operations de la liquidation",
        "prononcant la liquidation", "prononce la liquidation", "prononcant le redressement", "prononce le redressement",
        "prononcant la sauvegarde", "prononce la sauvegarde",
    ]

    /// Phrases that speak of an end or a closure without the judgment ending the company's
    /// procedure: an officer's mission ends, a deadline for the closure is set. Blanked before
    /// the rules read the text, so that "fin" and "clôture" rules only see what they mean.
    static let notAnEnd: [(fragment: String, blank: String)] = [
        ("fin a la mission", "mission"), ("fin aux missions", "missions"), ("fin de la mission", "mission"),
        ("fin aux fonctions", "fonctions"), ("fin a ses fonctions", "fonctions"),
        ("aux fins de cloture", "delai"), ("delai de cloture", "delai"), ("delai pour la cloture", "delai"),
        ("delai pour proceder a la cloture", "delai"), ("examen de la cloture", "examen"),
        ("examiner la cloture", "examen"), ("date de cloture", "date"), ("terme de cloture", "terme"),
    ]

    /// The text with `notAnEnd` phrases blanked; unchanged (and not copied) when none appears.
    static func withoutFalseEnds(_ text: String) -> String {
        guard text.includes("fin") || text.includes("cloture") else { return text }
        var result = text
        for (fragment, blank) in notAnEnd where result.includes(fragment) {
            result = result.replacingOccurrences(of: fragment, with: blank)
        }
        return result
    }

    static let all: [ClassificationRule] = [
        ClassificationRule([["retractation"]]) { text in
            NoticeClassification(event: .retracted, procedure: mentioned(text), severity: .warning, detail: "third_party_opposition")
        },
        ClassificationRule([["depot de l'etat des creances"], ["projet de repartition"], ["liste des creances"],
                            ["etat de collocation"], ["releve de forclusion"], ["etat des creances"]]) { text in
            NoticeClassification(event: .claimsFiling, procedure: mentioned(text), severity: .info)
        },
        ClassificationRule([["faillite personnelle"]]) { _ in
            NoticeClassification(event: .personSanction, severity: .warning, detail: "personal_bankruptcy")
        },
        ClassificationRule([["interdiction de gerer"]]) { _ in
            NoticeClassification(event: .personSanction, severity: .warning, detail: "management_ban")
        },
        ClassificationRule([["resolution du plan"]]) { text in
            let target = procedure(after: "resolution du plan", in: text.replacingOccurrences(of: "plan de redressement", with: "plan")
                .replacingOccurrences(of: "plan de sauvegarde", with: "plan"))
            guard let target else {
                return NoticeClassification(event: .planResolved, fromProcedure: planProcedure(text), severity: .high, detail: planDetail(text))
            }
            return NoticeClassification(
                event: .planResolved, procedure: target, fromProcedure: planProcedure(text),
                statusAfter: ProcedureStatus(target), severity: .critical, detail: planDetail(text)
            )
        },
        ClassificationRule([["conversion en"]]) { text in
            let target = procedure(after: "conversion en", in: text) ?? .liquidation
            let origin: Procedure? = text.includes("de la procedure de sauvegarde") ? .safeguard : (target == .liquidation ? .receivership : nil)
            return NoticeClassification(
                event: .converted, procedure: target, fromProcedure: origin, statusAfter: ProcedureStatus(target),
                severity: .critical, detail: variant(text, procedure: target)
            )
        },
        ClassificationRule([["extension"]]) { text in
            let target = mentioned(text) ?? .liquidation
            return NoticeClassification(event: .extended, procedure: target, statusAfter: ProcedureStatus(target), severity: openingSeverity(target))
        },
        ClassificationRule([["reprise de la procedure"], ["reprise des operations"]]) { text in
            let target = mentioned(text) ?? .liquidation
            return NoticeClassification(event: .resumed, procedure: target, statusAfter: ProcedureStatus(target), severity: .high)
        },
        // What a judgment pronounces or opens outranks what it ends: "mettant fin à la procédure
        // de sortie de crise, prononçant l'ouverture d'une liquidation" opens a liquidation.
        ClassificationRule(pronouncements.map { [$0] }) { text in
            let marker = pronouncements
                .compactMap { marker in text.range(of: marker).map { (marker, $0.lowerBound) } }
                .min { $0.1 < $1.1 }?.0 ?? ""
            let target = mentioned(marker) ?? procedure(after: marker, in: text) ?? mentioned(text) ?? .liquidation
            // "Prononçant la liquidation" ends an observation period: a conversion, as the
            // "Jugement de conversion…" natures that carry the same text.
            let converts = marker.hasSuffix("la liquidation") && !marker.hasPrefix("ouvre")
            return NoticeClassification(
                event: converts ? .converted : .opened, procedure: target, statusAfter: ProcedureStatus(target),
                severity: openingSeverity(target), detail: variant(text, procedure: target)
            )
        },
        ClassificationRule([["cloture", "insuffisance d'actif"]]) { text in
            NoticeClassification(event: .closed, procedure: mentioned(text) ?? .liquidation, statusAfter: .closed, severity: .high, detail: "insufficient_assets")
        },
        ClassificationRule([["cloture", "extinction du passif"]]) { text in
            NoticeClassification(event: .closed, procedure: mentioned(text) ?? .liquidation, statusAfter: .closed, severity: .info, detail: "debts_extinguished")
        },
        ClassificationRule([["cloture"]]) { text in
            NoticeClassification(event: .closed, procedure: mentioned(text), statusAfter: .closed, severity: .warning)
        },
        ClassificationRule([["mettant fin a la procedure"], ["met fin a la procedure"], ["fin de la procedure"]]) { text in
            NoticeClassification(event: .ended, procedure: mentioned(text), statusAfter: .closed, severity: .info)
        },
        ClassificationRule([["modifiant le plan"], ["modification du plan"], ["modifie le plan"]]) { text in
            NoticeClassification(event: .planModified, procedure: planProcedure(text), severity: .warning, detail: planDetail(text))
        },
        ClassificationRule([["plan de cession"]]) { text in
            NoticeClassification(event: .planAdopted, procedure: planProcedure(text), severity: .high, detail: "sale")
        },
        ClassificationRule([["arretant le plan"], ["arrete le plan"], ["jugement de plan"], ["plan de continuation"], ["plan de redressement"], ["plan de sauvegarde"]]) { text in
            NoticeClassification(event: .planAdopted, procedure: planProcedure(text), severity: .warning, detail: planDetail(text))
        },
        ClassificationRule([["ouverture", "liquidation"], ["ouvre la liquidation"], ["ouvre les operations de la liquidation"]]) { text in
            NoticeClassification(event: .opened, procedure: .liquidation, statusAfter: .liquidation, severity: .critical, detail: variant(text, procedure: .liquidation))
        },
        ClassificationRule([["ouverture", "redressement"], ["ouvre la procedure de redressement"], ["ouvre une procedure de redressement"]]) { _ in
            NoticeClassification(event: .opened, procedure: .receivership, statusAfter: .receivership, severity: .critical)
        },
        ClassificationRule([["ouverture", "sauvegarde"], ["ouvre la procedure de sauvegarde"], ["ouvre une procedure de sauvegarde"]]) { text in
            NoticeClassification(event: .opened, procedure: .safeguard, statusAfter: .safeguard, severity: .high, detail: variant(text, procedure: .safeguard))
        },
        ClassificationRule([["designation des organes"], ["designe en qualite"], ["remplacement"]]) { text in
            NoticeClassification(event: .procedural, procedure: mentioned(text), severity: .info, detail: "officers")
        },
        ClassificationRule([["date de cessation des paiements", "modifi"], ["report de la date de cessation"]]) { text in
            NoticeClassification(event: .procedural, procedure: mentioned(text), severity: .info, detail: "insolvency_date")
        },
        ClassificationRule([["rectifi"], ["erreur materielle"]]) { text in
            NoticeClassification(event: .procedural, procedure: mentioned(text), severity: .info, detail: "correction")
        },
    ]
}
