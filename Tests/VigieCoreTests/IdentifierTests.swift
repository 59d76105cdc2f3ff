import Foundation
import Testing
import VigieCore
import VigieTestSupport

@Suite("French identifiers")
struct IdentifierTests {
    struct RealExample: Decodable {
        var siren: String
        var siret: String
        var tva_published: String?
        var name: String
    }

    struct LaPosteSIRET: Decodable {
        var siret: String
    }

    static func examples() throws -> (real: [RealExample], laPoste: [LaPosteSIRET]) {
        struct File: Decodable {
            var real_examples: [RealExample]
            var la_poste_sirets_from_insee_snapshot: [LaPosteSIRET]
            var la_poste_head_office_siret: String
        }
        let file = try JSONDecoder().decode(File.self, from: try SharedData.data("french-identifiers-real-examples.json"))
        return (file.real_examples, file.la_poste_sirets_from_insee_snapshot + [LaPosteSIRET(siret: file.la_poste_head_office_siret)])
    }

    @Test("every real SIREN, SIRET and VAT number is accepted, and they agree")
    func realExamples() throws {
        let real = try Self.examples().real
        #expect(real.count >= 4)
        for example in real {
            let siren = try SIREN(example.siren)
            let siret = try SIRET(example.siret)
            #expect(siret.siren == siren, "\(example.name)")
            if let published = example.tva_published {
                let vat = try FrenchVATNumber(published)
                #expect(vat.siren == siren)
                #expect(vat.description == published)
                #expect(FrenchVATNumber(siren: siren).description == published, "computed key for \(example.name)")
            }
        }
    }

    @Test("all 201 real La Poste SIRETs are accepted, by the mod-5 rule or by Luhn")
    func laPoste() throws {
        let sirets = try Self.examples().laPoste
        #expect(sirets.count == 201)
        for entry in sirets {
            let siret = try SIRET(entry.siret)
            #expect(siret.siren == SIREN.laPoste)
        }
        // 35600000000725 passes only Luhn; the others only the digit sum.
        #expect(throws: Never.self) { try SIRET("35600000000725") }
    }

    @Test("the mod-5 exception is La Poste's alone")
    func modFiveIsNotGeneral() throws {
        // 33789128700019 is GAMM VERT's head office; 33789128700011 fails Luhn but its digits sum to 50,
        // and a digit sum divisible by 5 must not rescue it.
        #expect(throws: IdentifierError.self) { try SIRET("33789128700011") }
        #expect(throws: IdentifierError.self) { try SIRET("35600000000726") }
    }

    @Test("spaces, dots and non-breaking spaces are accepted", arguments: [
        "552 081 317", "552.081.317", "552\u{00A0}081\u{00A0}317", " 552081317 ",
    ])
    func separators(input: String) throws {
        #expect(try SIREN(input).digits == "552081317")
        #expect(try SIREN(input).formatted == "552 081 317")
    }

    @Test("rejections say why", arguments: [
        ("55208131", "has 8 digits, expected 9"),
        ("5520813170", "has 10 digits, expected 9"),
        ("552O81317", "holds \"O\" at position 4"),
        ("552-081-317", "holds \"-\" at position 4"),
        ("552081318", "fails its check digit"),
    ])
    func sirenRejections(input: String, reason: String) {
        do {
            _ = try SIREN(input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test("a company identifier is a SIREN or a SIRET, and a SIRET watches its company")
    func companyIdentifier() throws {
        #expect(try CompanyIdentifier("337 891 287").siren.digits == "337891287")
        #expect(try CompanyIdentifier("337 891 287 00019").siren.digits == "337891287")
        do {
            _ = try CompanyIdentifier("3378912870001")
            Issue.record("13 digits accepted")
        } catch {
            #expect(error.description.contains("has 13 digits, expected 9 or 14"))
        }
    }

    @Test("VAT numbers: wrong keys are rejected, old alphanumeric keys are flagged")
    func vat() throws {
        #expect(throws: IdentifierError.self) { try FrenchVATNumber("FR86494814452") }
        #expect(throws: IdentifierError.self) { try FrenchVATNumber("DE85494814452") }
        let old = try FrenchVATNumber("FRA1494814452")
        #expect(!old.hasComputedKey)
        #expect(FrenchVATNumber.key(for: try SIREN("494814452")) == "85")
    }
}
