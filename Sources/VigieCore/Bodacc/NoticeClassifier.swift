/// Turns a BODACC notice into an event of Vigie's taxonomy: what happened, to which
/// procedure, where the company stands afterwards, and how severe it is.
///
/// Pure and deterministic: the same notice always gives the same classification, which the
/// alert identity relies on.
public enum NoticeClassifier {
    public static func classify(_ notice: BodaccNotice) -> NoticeClassification {
        let judgment = notice.judgment
        if judgment?.nature == nil, judgment?.famille == nil, let family = notice.family, family != "collective" {
            return registry(family: family, comment: notice.registryComment)
        }
        var result = classify(judgment)
        if notice.kind == .annulation || judgment?.type == "annule" {
            result = NoticeClassification(
                event: .noticeCancelled, procedure: result.procedure, severity: .warning,
                detail: result.event.rawValue, nature: result.nature
            )
        }
        return result
    }

    public static func classify(_ judgment: Judgment?) -> NoticeClassification {
        let rawNature = judgment?.nature ?? judgment?.famille
        guard let rawNature, !rawNature.isEmpty else {
            return NoticeClassification(event: .unclassified, severity: .warning, nature: nil)
        }
        let nature = TextRepair.fold(rawNature)
        let famille = TextRepair.fold(judgment?.famille ?? "")
        // The court's text is long and only read for some natures: folded on demand.
        var foldedComplement: String?
        func complement() -> String {
            if let foldedComplement { return foldedComplement }
            let folded = TextRepair.fold(judgment?.complement ?? "")
            foldedComplement = folded
            return folded
        }

        var result: NoticeClassification
        if famille.includes("cour d'appel") || nature.includes("cour d'appel") {
            result = appeal(nature: nature, complement: complement())
        } else if nature.hasPrefix("autre ") {
            result = firstMatch(complement()) ?? NoticeClassification(event: .otherJudgment, severity: .warning)
        } else if let matched = firstMatch(nature) {
            result = matched
            if result.detail == nil, let procedure = result.procedure, [.opened, .converted, .extended].contains(result.event) {
                result.detail = ClassificationRules.variant(complement(), procedure: procedure)
            }
        } else {
            result = NoticeClassification(event: .unclassified, severity: .warning)
        }
        result.nature = rawNature
        return result
    }

    /// Notices outside collective procedures, classified by their family alone; a radiation
    /// whose comment is a "rapport de radiation d'office" cancels an earlier strike-off: the
    /// company is on the register again, which is no alert.
    static func registry(family: String, comment: String? = nil) -> NoticeClassification {
        let folded = TextRepair.fold(comment ?? "")
        switch family {
        case "radiation" where folded.includes("rapport de radiation"):
            return NoticeClassification(event: .registryNotice, severity: .info, detail: "strike_off_cancelled", nature: comment)
        case "radiation": return NoticeClassification(event: .struckOff, severity: .high, nature: "Radiation")
        case "dpc": return NoticeClassification(event: .accountsFiled, severity: .info, nature: "Dépôt des comptes")
        default: return NoticeClassification(event: .registryNotice, severity: .info, detail: family, nature: family)
        }
    }

    static func firstMatch(_ text: String) -> NoticeClassification? {
        guard !text.isEmpty else { return nil }
        let text = ClassificationRules.withoutFalseEnds(text)
        return ClassificationRules.all.first { $0.matches(text) }?.classify(text)
    }

    /// An appeal ruling: what the court of appeal decides is read from its text ("infirme…
    /// prononce l'ouverture d'une procédure de redressement judiciaire").
    static func appeal(nature: String, complement: String) -> NoticeClassification {
        let decision = complement.range(of: "statuant a nouveau").map { String(complement[$0.upperBound...]) } ?? complement
        let decided = firstMatch(decision)
        let reverses = nature.includes("infirm") || complement.includes("infirm")
        return NoticeClassification(
            event: .appealRuling,
            procedure: decided?.procedure,
            statusAfter: decided?.statusAfter,
            severity: max(decided?.severity ?? .warning, .warning),
            detail: reverses ? "reversed" : (complement.includes("confirm") ? "confirmed" : nil)
        )
    }
}
