extension NoticeClassification {
    /// One line a credit manager understands, in English with the French legal term.
    public var title: String {
        let procedureName = procedure.map(Self.name) ?? "Collective procedure"
        switch event {
        case .opened:
            return "\(procedureName) opened"
        case .extended:
            return "\(procedureName) extended to this company"
        case .converted:
            if let from = fromProcedure { return "\(Self.name(from)) converted into \(Self.name(procedure ?? .liquidation).lowercasedFirst)" }
            return "Converted into \(Self.name(procedure ?? .liquidation).lowercasedFirst)"
        case .planAdopted:
            switch detail {
            case "sale": return "Sale plan adopted (plan de cession)"
            case "safeguard_plan": return "Safeguard plan adopted"
            default: return "Continuation plan adopted"
            }
        case .planModified:
            return "Plan modified"
        case .planResolved:
            if let procedure { return "Plan resolved, \(Self.name(procedure).lowercasedFirst) opened" }
            return "Plan resolved"
        case .ended:
            return "\(procedureName) ended by the court"
        case .closed:
            switch detail {
            case "insufficient_assets": return "\(procedureName) closed for insufficient assets"
            case "debts_extinguished": return "\(procedureName) closed, debts extinguished"
            default: return "\(procedureName) closed"
            }
        case .resumed:
            return "\(procedureName) resumed"
        case .retracted:
            return "Opening judgment retracted on third-party opposition"
        case .claimsFiling:
            return "Claims filing: \(nature ?? "avis de dépôt")"
        case .procedural:
            return "Procedural judgment: \(nature ?? "jugement")"
        case .personSanction:
            return detail == "personal_bankruptcy" ? "Personal bankruptcy pronounced (faillite personnelle)" : "Management ban pronounced (interdiction de gérer)"
        case .appealRuling:
            if let procedure, statusAfter != nil { return "Court of appeal ruling: \(Self.name(procedure).lowercasedFirst)" }
            return "Court of appeal ruling"
        case .otherJudgment:
            return "Judgment: \(nature ?? "autre jugement")"
        case .noticeCancelled:
            return "BODACC notice cancelled (avis d’annulation)"
        case .struckOff:
            return "Company struck off the register (radiation)"
        case .accountsFiled:
            return "Annual accounts filed"
        case .registryNotice:
            return "Registry notice: \(nature ?? "BODACC")"
        case .unclassified:
            return "Unclassified BODACC notice: \(nature ?? "no nature")"
        }
    }

    static func name(_ procedure: Procedure) -> String {
        switch procedure {
        case .safeguard: "Safeguard (sauvegarde)"
        case .receivership: "Receivership (redressement judiciaire)"
        case .liquidation: "Liquidation (liquidation judiciaire)"
        }
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
