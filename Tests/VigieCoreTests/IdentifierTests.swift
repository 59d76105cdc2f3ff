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
        let file = try JSONDecoder().decode(File.self, from: try RepositoryData.data("french-identifiers-real-examples.json"))
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

@Suite("Identifiers against python-stdnum")
struct IdentifierCrossCheckTests {
    @Test("a SIRET passing Luhn on 14 digits but whose SIREN fails is refused, and says why")
    func siretWithInvalidSIREN() {
        #expect(throws: IdentifierError.self) { try SIRET("82757516070972") }
        do {
            _ = try SIRET("82757516070972")
        } catch {
            #expect(error.reason == .sirenCheckDigit("827575160"))
            #expect(error.description.contains("827575160, which is not a valid SIREN"))
        }
        #expect(throws: IdentifierError.self) { try CompanyIdentifier("82757516070972") }
    }

    /// Random numbers, half of them made to pass the 14-digit Luhn check (the trap above): Vigie
    /// and python-stdnum must agree on every one. La Poste's SIRETs are left to the real-data
    /// test above: stdnum accepts them by the mod-5 rule only, while INSEE's own data holds a
    /// few that follow Luhn instead, which Vigie accepts.
    @Test("Vigie and python-stdnum agree on 4 000 random SIRENs and SIRETs")
    func agreesWithStdnum() throws {
        var generator = SplitMix(state: 20261130)
        var lines: [String] = []
        for index in 0..<2000 {
            var digits = (0..<9).map { _ in UInt8(generator.next() % 10) }
            if digits.map(String.init).joined() == SIREN.laPoste.digits { digits[0] = 1 }
            if index % 4 < 2 {
                // Half the SIRENs made valid, so that valid SIRETs are common in the sample.
                for last in UInt8(0)...9 {
                    digits[8] = last
                    if luhn(digits) { break }
                }
            }
            lines.append("siren " + digits.map(String.init).joined())
            var siret = digits + (0..<5).map { _ in UInt8(generator.next() % 10) }
            if index % 2 == 0 {
                // Fix the last digit so that the 14 digits pass Luhn.
                for last in UInt8(0)...9 {
                    siret[13] = last
                    if luhn(siret) { break }
                }
            }
            lines.append("siret " + siret.map(String.init).joined())
        }
        let output = try TestServer.run("check_ids.py", input: Data(lines.joined(separator: "\n").utf8))
        let verdicts = String(decoding: output, as: UTF8.self).split(separator: "\n").map { $0 == "1" }
        try #require(verdicts.count == lines.count)
        var disagreements: [String] = []
        var validSIRETs = 0
        for (line, stdnumSays) in zip(lines, verdicts) {
            let parts = line.split(separator: " ")
            let number = String(parts[1])
            let vigieSays = parts[0] == "siren" ? (try? SIREN(number)) != nil : (try? SIRET(number)) != nil
            if parts[0] == "siret" && vigieSays { validSIRETs += 1 }
            if vigieSays != stdnumSays { disagreements.append("\(line): Vigie \(vigieSays), stdnum \(stdnumSays)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(validSIRETs > 100, "the sample must hold valid SIRETs too")
    }

    func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 { value = value * 2 > 9 ? value * 2 - 9 : value * 2 }
            sum += value
        }
        return sum % 10 == 0
    }
}
