import Foundation
import VigieCore

/// Reads an Altares (Dun & Bradstreet France) score answer into an observation.
///
/// **Unverified.** Altares publishes no public API description, sample or fixture (see
/// `FORMATS.md`). This shape is Vigie's own, written to carry what Altares' score product is
/// known to state — a score on 0–20, a recommended credit limit ("encours conseillé"), the
/// company's state — with French keys as Altares uses in its documents:
///
/// ```json
/// {"siren": "843703869", "raisonSociale": "FRIZY", "dateScore": "2026-02-02",
///  "score": {"valeur": 11, "min": 0, "max": 20}, "encoursConseille": {"montant": 15000, "devise": "EUR"},
///  "etat": "actif"}
/// ```
///
/// Against the live service, this decoder (and `AltaresProvider`'s path) is the one place to
/// change. `etat` is `actif`, `cesse` or `radie`; a `score` of `null` is "not rated".
public enum AltaresScoreDecoder {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    struct Answer: Decodable {
        struct Score: Decodable { var valeur: Double?; var min: Double?; var max: Double? }
        struct Amount: Decodable { var montant: Double?; var devise: String? }
        var siren: String
        var raisonSociale: String?
        var dateScore: String?
        var score: Score?
        var encoursConseille: Amount?
        var etat: String?
    }

    public static func decode(_ data: Data, observedOn fallback: CalendarDay) throws(Failure) -> ScoreObservation {
        let answer: Answer
        do {
            answer = try SkimmingJSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw Failure(description: "not an Altares score answer (\(String(describing: error).prefix(160)))")
        }
        guard let siren = try? SIREN(answer.siren) else { throw Failure(description: "Altares returned SIREN \"\(answer.siren)\", which is not valid") }
        let score: ScoreValue? = answer.score.map { score in
            score.valeur.map { .value($0, minimum: score.min ?? 0, maximum: score.max ?? 20) } ?? .notRated
        }
        let status: CompanyStatus? = switch answer.etat.map(TextRepair.fold) {
        case "actif"?: .active
        case "cesse"?: .ceased
        case "radie"?: .struckOff
        default: nil
        }
        return ScoreObservation(
            siren: siren, provider: "altares", observedOn: answer.dateScore.flatMap { CalendarDay(iso: $0) } ?? fallback, score: score,
            creditLimit: answer.encoursConseille?.montant.map { .amount($0, currency: answer.encoursConseille?.devise) }, status: status,
            companyName: answer.raisonSociale
        )
    }
}
