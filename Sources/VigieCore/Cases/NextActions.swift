import Foundation

/// What a credit manager should do about a case, per situation and language: templates with
/// `{deadline}` and `{officer}` filled from the case's claims deadline. Built-in defaults,
/// replaced by `alerts/actions.<language>.yaml` when the file exists.
public struct NextActions: Hashable, Sendable {
    /// What the actions are about.
    public enum Topic: String, Hashable, Sendable, CaseIterable {
        case safeguard, receivership, liquidation, cessation, deterioration
    }

    /// By language code (`en`, `fr`), by topic, the action templates in order.
    public var templates: [String: [Topic: [String]]]

    public init(templates: [String: [Topic: [String]]] = NextActions.defaults) {
        self.templates = templates
    }

    /// What stands for an officer or a deadline the judgment does not give.
    static let unknown: [String: (officer: String, deadline: String)] = [
        "en": ("the mandataire judiciaire named in the judgment", "two months after the BODACC publication"),
        "fr": ("le mandataire judiciaire désigné par le jugement", "deux mois après la publication au BODACC"),
    ]

    public static let defaults: [String: [Topic: [String]]] = [
        "en": [
            .safeguard: [
                "Declare the claim to {officer} by {deadline}, even if it is not due yet: an undeclared claim is left out of the plan.",
                "Keep selling only against payment or guarantees: debts born after the judgment are paid when due.",
                "Claim goods sold under a retention-of-title clause within three months of the publication.",
            ],
            .receivership: [
                "Stop selling on credit; deliver only against payment.",
                "Declare the claim to {officer} by {deadline}.",
                "Claim goods sold under a retention-of-title clause within three months of the publication.",
                "Tell the credit insurer, if the client is insured, within the policy's time.",
            ],
            .liquidation: [
                "Stop all deliveries.",
                "Declare the claim to {officer} by {deadline}.",
                "Claim goods sold under a retention-of-title clause within three months of the publication.",
                "Tell the credit insurer and recover VAT on the unpaid invoices (bad debt relief).",
            ],
            .cessation: [
                "Stop selling on credit and collect what is owed now.",
                "Check whether a successor took over the business, and who owes the invoices.",
            ],
            .deterioration: [
                "Review the client's credit limit against what it owes.",
                "Ask for a guarantee, a deposit or shorter payment terms.",
                "Check that the credit insurer still covers the exposure.",
            ],
        ],
        "fr": [
            .safeguard: [
                "Déclarer la créance auprès de {officer} avant le {deadline}, même non échue : une créance non déclarée est écartée du plan.",
                "Ne vendre qu’au comptant ou contre garantie : les créances nées après le jugement sont payées à échéance.",
                "Revendiquer les marchandises vendues avec clause de réserve de propriété dans les trois mois de la publication.",
            ],
            .receivership: [
                "Cesser de vendre à crédit ; livrer contre paiement.",
                "Déclarer la créance auprès de {officer} avant le {deadline}.",
                "Revendiquer les marchandises vendues avec clause de réserve de propriété dans les trois mois de la publication.",
                "Prévenir l’assureur-crédit, si le client est assuré, dans le délai de la police.",
            ],
            .liquidation: [
                "Arrêter toute livraison.",
                "Déclarer la créance auprès de {officer} avant le {deadline}.",
                "Revendiquer les marchandises vendues avec clause de réserve de propriété dans les trois mois de la publication.",
                "Prévenir l’assureur-crédit et récupérer la TVA sur les factures impayées.",
            ],
            .cessation: [
                "Cesser de vendre à crédit et recouvrer dès maintenant ce qui est dû.",
                "Vérifier si un repreneur a pris le fonds, et qui doit les factures.",
            ],
            .deterioration: [
                "Revoir la limite de crédit du client au regard de son encours.",
                "Demander une garantie, un acompte ou des délais de paiement plus courts.",
                "Vérifier que l’assureur-crédit couvre toujours l’encours.",
            ],
        ],
    ]

    /// The actions, in every language, for what an alert says; none for a fact that calls for
    /// nothing new (a closure, a procedural step, a retraction).
    public func actions(for alert: Alert) -> [String: [String]]? {
        guard let topic = Self.topic(of: alert) else { return nil }
        var claims: ClaimsDeadline?
        switch alert.evidence {
        case .notice(let notice): claims = notice.claims
        case .case(let item): claims = item.claims
        default: break
        }
        return actions(topic, claims: claims)
    }

    public func actions(_ topic: Topic, claims: ClaimsDeadline?) -> [String: [String]] {
        templates.reduce(into: [:]) { result, entry in
            let unknown = Self.unknown[entry.key] ?? Self.unknown["en"]!
            result[entry.key] = (entry.value[topic] ?? []).map { template in
                template.replacingOccurrences(of: "{officer}", with: claims?.mandataire ?? unknown.officer)
                    .replacingOccurrences(of: "{deadline}", with: claims?.deadline.iso ?? unknown.deadline)
            }
        }
    }

    static func topic(_ status: ProcedureStatus?) -> Topic? {
        switch status {
        case .safeguard: .safeguard
        case .receivership: .receivership
        case .liquidation: .liquidation
        case .closed, nil: nil
        }
    }

    /// The topic of a case, as it stands.
    public static func topic(of item: Case) -> Topic? {
        switch item.situation {
        case .procedure: topic(item.procedure)
        case .cessation: .cessation
        case .deterioration: .deterioration
        }
    }

    static let openings: Set<String> = [
        NoticeEvent.opened.rawValue, NoticeEvent.extended.rawValue, NoticeEvent.converted.rawValue, NoticeEvent.planResolved.rawValue, NoticeEvent.resumed.rawValue,
        ScoreEvent.companyInFailure.rawValue, ScoreEvent.providerJudgement.rawValue, ScoreEvent.providerProcedure.rawValue,
    ]

    static func topic(of alert: Alert) -> Topic? {
        if case .case(let item) = alert.evidence {
            guard item.purpose != .resolved, item.purpose != .acknowledged else { return nil }
            switch item.situation {
            case .procedure: return topic(item.procedure)
            case .cessation: return .cessation
            case .deterioration: return .deterioration
            }
        }
        guard alert.state == .active, let situation = CaseSituation.of(kind: alert.kind) else { return nil }
        switch situation {
        case .procedure:
            guard openings.contains(alert.kind) else { return nil }
            return topic(CaseFact.procedure(of: alert))
        case .cessation: return .cessation
        case .deterioration: return alert.kind == ScoreEvent.scoreRecovered.rawValue ? nil : .deterioration
        }
    }
}
