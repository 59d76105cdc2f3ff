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
        /// Registered only in the RNE (sole traders, some companies): `statut_rcs` says nothing.
        var statut_rne: String?
        var statut_consolide: String?
        var date_radiation_rcs: String?
        var date_radiation_rne: String?
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
            if let list = try? SkimmingJSONDecoder().decode([Response].self, from: data), let first = list.first {
                response = first
            } else {
                response = try SkimmingJSONDecoder().decode(Response.self, from: data)
            }
        } catch {
            throw Failure(description: "not a Pappers company (\(String(describing: error).prefix(160)))")
        }
        guard let siren = try? SIREN(response.siren) else { throw Failure(description: "Pappers returned SIREN \"\(response.siren)\", which is not valid") }
        // Pappers has no `date_radiation`: the RCS and the RNE each have their own, and a
        // company registered only in the RNE is struck off there alone.
        let struckOff = response.date_radiation_rcs != nil || response.date_radiation_rne != nil
            || [response.statut_rcs, response.statut_rne, response.statut_consolide].contains { TextRepair.fold($0 ?? "").hasPrefix("radie") }
        let status: CompanyStatus? = struckOff ? .struckOff : response.entreprise_cessee == true ? .ceased : response.entreprise_cessee == false ? .active : nil
        let procedures = (response.procedures_collectives ?? []).map { record in
            let folded = TextRepair.fold(record.type ?? "")
            let procedure: Procedure? = folded.includes("liquidation") ? .liquidation : folded.includes("redressement") ? .receivership : folded.includes("sauvegarde") ? .safeguard : nil
            return ProcedureRecord(procedure: procedure, type: record.type ?? "", started: record.date_debut.flatMap { CalendarDay(iso: $0) }, ended: record.date_fin.flatMap { CalendarDay(iso: $0) })
        }
        // Observed on the day Vigie asked: `derniere_mise_a_jour_rcs` is when Pappers' own
        // database last changed, not when the company's state was seen.
        var observation = ScoreObservation(siren: siren, provider: "pappers", observedOn: fallback, status: status, companyName: response.nom_entreprise)
        // Each procedure's opening and, when it ended, its end, as legal events.
        observation.legalEvents = procedures.flatMap { record -> [LegalEvent] in
            [LegalEvent(on: record.started, code: nil, label: record.type, authority: nil)]
                + (record.ended.map { [LegalEvent(on: $0, code: nil, label: "\(record.type) : fin", authority: nil)] } ?? [])
        }.sorted { ($0.on?.iso ?? "") > ($1.on?.iso ?? "") }
        observation.inFailure = response.procedure_collective_en_cours
        observation.facts = response.procedures_collectives.map { _ in
            procedures.map { ProviderFact(kind: .procedure, on: $0.started, label: $0.type) }
        }
        return Company(observation: observation, procedures: procedures, procedureOngoing: response.procedure_collective_en_cours ?? false)
    }
}
