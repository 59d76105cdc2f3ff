import Foundation
import Testing
import VigieCore
@testable import VigieProviders
import VigieTestSupport

@Suite("Ellisphère and Pappers")
struct ProviderReportTests {
    static let fallback = CalendarDay(year: 2000, month: 1, day: 1)!

    @Test("the real Ellisphère report: SIREN 300 254 471, score 5/10, class B, credit opinion 15 000 EUR, active")
    func ellisphere() throws {
        let observation = try EllisphereReportDecoder.decode(try RepositoryData.data("providers/ellisphere-online-order-response.xml"), observedOn: Self.fallback)
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

    @Test("Ellisphère's business errors are read from the body, with what they mean", arguments: [
        ("ERR", "Entreprise inconnue : aucun résultat pour 552081317", EllisphereReportDecoder.Refusal.Meaning.unknownCompany),
        ("ERR", "Authentification refusée : identifiant ou mot de passe invalide", .credentials),
        ("ERR", "Quota de commandes atteint", .other),
    ])
    func ellisphereRefusal(code: String, message: String, meaning: EllisphereReportDecoder.Refusal.Meaning) {
        let body = #"<svcOnlineOrderResponse lang="FR" version="2.2"><result code="\#(code)"><message>\#(message)</message></result></svcOnlineOrderResponse>"#
        #expect {
            _ = try EllisphereReportDecoder.decode(Data(body.utf8), observedOn: Self.fallback)
        } throws: { error in
            guard let refusal = error as? EllisphereReportDecoder.Refusal else { return false }
            return refusal.code == code && refusal.message == message && refusal.meaning == meaning
        }
    }

    @Test("Ellisphère's order carries the context and the raw delivery its public clients send, and no deliveryType")
    func ellisphereOrder() throws {
        let api = EllisphereAPI(baseURL: "https://example", contractID: "12345", userPrefix: "VIG", userID: "vigie", password: "p<&>")
        let xml = api.orderXML(for: try SIREN("300254471"), at: Date(timeIntervalSince1970: 1_770_000_000))
        #expect(xml.contains("<context>") && xml.contains(#"<appId version="1">WSPRO</appId>"#) && xml.contains("<date>2026-02-02T02:40:00</date>"))
        #expect(xml.contains("<deliveryOptions>") && xml.contains("<outputMethod>raw</outputMethod>"))
        #expect(!xml.contains("deliveryType"))
        #expect(xml.contains("<password>p&lt;&amp;&gt;</password>"))
    }

    @Test("Ellisphère amounts keep their currencyUnit: a limit in thousands is a thousand times larger")
    func ellisphereCurrencyUnit() throws {
        let real = String(decoding: try RepositoryData.data("providers/ellisphere-online-order-response.xml"), as: UTF8.self)
        let thousands = real.replacingOccurrences(of: #"<upTo format="currency" currencyCode="EUR" currencyUnit="0">15000.00"#, with: #"<upTo format="currency" currencyCode="EUR" currencyUnit="3">15.00"#)
        #expect(try EllisphereReportDecoder.decode(Data(thousands.utf8), observedOn: Self.fallback).creditLimit == .amount(15_000, currency: "EUR"))
    }

    @Test("the real Pappers answer: GAMM VERT, active, no procedure")
    func pappers() throws {
        let company = try PappersCompanyDecoder.decode(try RepositoryData.data("providers/pappers-entreprise.json"), observedOn: Self.fallback)
        #expect(company.observation.siren.digits == "337891287")
        #expect(company.observation.companyName == "GAMM VERT")
        #expect(company.observation.status == .active)
        #expect(company.observation.score == nil, "Pappers publishes no score")
        #expect(company.observation.observedOn == Self.fallback, "the day Vigie asked, not Pappers' derniere_mise_a_jour_rcs")
        #expect(company.procedures.isEmpty && !company.procedureOngoing)
    }

    @Test("a Pappers company in liquidation and struck off")
    func pappersProcedures() throws {
        let body = #"{"siren": "494814452", "nom_entreprise": "LE JULES VERNE", "entreprise_cessee": true, "statut_rcs": "Radié", "date_radiation_rcs": "2014-09-26", "procedure_collective_en_cours": false, "procedures_collectives": [{"type": "Liquidation judiciaire", "date_debut": "2013-03-27", "date_fin": "2014-09-17"}, {"type": "Redressement judiciaire", "date_debut": "2011-11-16"}]}"#
        let company = try PappersCompanyDecoder.decode(Data(body.utf8), observedOn: Self.fallback)
        #expect(company.observation.status == .struckOff)
        #expect(company.procedures.map(\.procedure) == [.liquidation, .receivership])
        #expect(company.procedures.first?.ended == CalendarDay(year: 2014, month: 9, day: 17))
        #expect(company.observation.legalEvents.map(\.summary) == [
            "Liquidation judiciaire : fin, 2014-09-17", "Liquidation judiciaire, 2013-03-27", "Redressement judiciaire, 2011-11-16",
        ])
    }

    @Test("Pappers' strike-off fields as its API names them: RCS, RNE, and the consolidated status; `date_radiation` alone means nothing", arguments: [
        (#""date_radiation_rcs": "2024-05-02""#, CompanyStatus.struckOff),
        (#""statut_rcs": null, "statut_rne": "Radié", "date_radiation_rne": "2024-05-02""#, .struckOff),
        (#""statut_consolide": "radié""#, .struckOff),
        (#""date_radiation": "2024-05-02""#, .active),
    ])
    func pappersStrikeOff(fields: String, expected: CompanyStatus) throws {
        let body = #"{"siren": "494814452", "entreprise_cessee": false, \#(fields)}"#
        #expect(try PappersCompanyDecoder.decode(Data(body.utf8), observedOn: Self.fallback).observation.status == expected)
    }
}
