import Foundation
import Testing
import VigieCore
import VigieProviders
import VigieTestSupport

@Suite("Ellisphère and Pappers")
struct ProviderReportTests {
    static let fallback = CalendarDay(year: 2000, month: 1, day: 1)!

    @Test("the real Ellisphère report: SIREN 300 254 471, score 5/10, class B, credit opinion 15 000 EUR, active")
    func ellisphere() throws {
        let observation = try EllisphereReportDecoder.decode(try SharedData.data("providers/ellisphere-online-order-response.xml"), observedOn: Self.fallback)
        #expect(observation.siren.digits == "300254471")
        #expect(observation.provider == "ellisphere")
        #expect(observation.companyName == "ENTREPRISE EDOUIN ERIC")
        #expect(observation.observedOn == CalendarDay(year: 2022, month: 8, day: 3))
        #expect(observation.score == .value(5, minimum: 0, maximum: 10))
        #expect(observation.rating == "B")
        #expect(observation.creditLimit == .amount(15_000, currency: "EUR"))
        #expect(observation.status == .active)
        // Its 15 legal events, newest first, with the register that published them.
        #expect(observation.legalEvents.count == 15)
        #expect(observation.legalEvents.first?.summary == "Modification sur les représentants (153), 2022-01-16, BODACC")
        #expect(observation.legalEvents.contains { $0.code == "194" && $0.label == "Reconstitution de l'Actif Net" && $0.authority == "RNCS" })
    }

    @Test("an Ellisphère error answer is refused with its code")
    func ellisphereError() {
        let body = #"<svcOnlineOrderResponse lang="FR" version="2.2"><result code="KO"/></svcOnlineOrderResponse>"#
        do {
            _ = try EllisphereReportDecoder.decode(Data(body.utf8), observedOn: Self.fallback)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "Ellisphère answered result code KO, not OK")
        }
    }

    @Test("the real Pappers answer: GAMM VERT, active, no procedure")
    func pappers() throws {
        let company = try PappersCompanyDecoder.decode(try SharedData.data("providers/pappers-entreprise.json"), observedOn: Self.fallback)
        #expect(company.observation.siren.digits == "337891287")
        #expect(company.observation.companyName == "GAMM VERT")
        #expect(company.observation.status == .active)
        #expect(company.observation.score == nil, "Pappers publishes no score")
        #expect(company.observation.observedOn == CalendarDay(year: 2025, month: 6, day: 11))
        #expect(company.procedures.isEmpty && !company.procedureOngoing)
    }

    @Test("a Pappers company in liquidation and struck off")
    func pappersProcedures() throws {
        let body = #"{"siren": "494814452", "nom_entreprise": "LE JULES VERNE", "entreprise_cessee": true, "statut_rcs": "Radié", "date_radiation": "2014-09-26", "procedure_collective_en_cours": false, "procedures_collectives": [{"type": "Liquidation judiciaire", "date_debut": "2013-03-27", "date_fin": "2014-09-17"}, {"type": "Redressement judiciaire", "date_debut": "2011-11-16"}]}"#
        let company = try PappersCompanyDecoder.decode(Data(body.utf8), observedOn: Self.fallback)
        #expect(company.observation.status == .struckOff)
        #expect(company.procedures.map(\.procedure) == [.liquidation, .receivership])
        #expect(company.procedures.first?.ended == CalendarDay(year: 2014, month: 9, day: 17))
        #expect(company.observation.legalEvents.map(\.summary) == [
            "Liquidation judiciaire : fin, 2014-09-17", "Liquidation judiciaire, 2013-03-27", "Redressement judiciaire, 2011-11-16",
        ])
    }
}
