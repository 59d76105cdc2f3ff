import Foundation
import VigieCore

/// Reads a Pappers `GET /v2/entreprise` answer: the company's legal state (ceased, struck
/// off) as an observation, and its collective procedures. Pappers publishes no score.
public enum PappersCompanyDecoder {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// One collective procedure as Pappers lists it.
    public struct ProcedureRecord: Sendable, Hashable {
        public var procedure: Procedure?
        public var type: String
        public var started: CalendarDay?
        public var ended: CalendarDay?
    }

    public struct Company: Sendable {
        public var observation: ScoreObservation
        public var procedures: [ProcedureRecord]
        /// `procedure_collective_en_cours`.
        public var procedureOngoing: Bool
    }

    struct Response: Decodable {
        var siren: String
        var nom_entreprise: String?
        var entreprise_cessee: Bool?
        var statut_rcs: String?
        var date_radiation: String?
        var derniere_mise_a_jour_rcs: String?
        var procedure_collective_en_cours: Bool?
        var procedures_collectives: [Procedure]?

        struct Procedure: Decodable {
            var type: String?
            var date_debut: String?
            var date_fin: String?
        }
    }

    /// Accepts the object, or the one-element array some exports wrap it in.
    public static func decode(_ data: Data, observedOn fallback: CalendarDay) throws(Failure) -> Company {
        let response: Response
        do {
            if let list = try? JSONDecoder().decode([Response].self, from: data), let first = list.first {
                response = first
            } else {
                response = try JSONDecoder().decode(Response.self, from: data)
            }
        } catch {
            throw Failure(description: "not a Pappers company (\(String(describing: error).prefix(160)))")
        }
        guard let siren = try? SIREN(response.siren) else { throw Failure(description: "Pappers returned SIREN \"\(response.siren)\", which is not valid") }
        let struckOff = response.date_radiation != nil || TextRepair.fold(response.statut_rcs ?? "").hasPrefix("radie")
        let status: CompanyStatus? = struckOff ? .struckOff : response.entreprise_cessee == true ? .ceased : response.entreprise_cessee == false ? .active : nil
        let procedures = (response.procedures_collectives ?? []).map { record in
            let folded = TextRepair.fold(record.type ?? "")
            let procedure: Procedure? = folded.includes("liquidation") ? .liquidation : folded.includes("redressement") ? .receivership : folded.includes("sauvegarde") ? .safeguard : nil
            return ProcedureRecord(procedure: procedure, type: record.type ?? "", started: record.date_debut.flatMap { CalendarDay(iso: $0) }, ended: record.date_fin.flatMap { CalendarDay(iso: $0) })
        }
        var observation = ScoreObservation(
            siren: siren, provider: "pappers", observedOn: response.derniere_mise_a_jour_rcs.flatMap { CalendarDay(iso: $0) } ?? fallback,
            status: status, companyName: response.nom_entreprise
        )
        // Each procedure's opening and, when it ended, its end, as legal events.
        observation.legalEvents = procedures.flatMap { record -> [LegalEvent] in
            [LegalEvent(on: record.started, code: nil, label: record.type, authority: nil)]
                + (record.ended.map { [LegalEvent(on: $0, code: nil, label: "\(record.type) : fin", authority: nil)] } ?? [])
        }.sorted { ($0.on?.iso ?? "") > ($1.on?.iso ?? "") }
        return Company(observation: observation, procedures: procedures, procedureOngoing: response.procedure_collective_en_cours ?? false)
    }
}
