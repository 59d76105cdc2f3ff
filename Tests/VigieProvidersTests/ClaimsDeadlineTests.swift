import Foundation
import Testing
import VigieCore
import VigieProviders
import VigieTestSupport

/// The claims deadline and the officer to declare to, on every real opening judgment in the data.
@Suite("Claims deadline")
struct ClaimsDeadlineTests {
    @Test("two months after publication, four from outside metropolitan France; a missing day is the month's last")
    func arithmetic() {
        let day = { (y: Int, m: Int, d: Int) in CalendarDay(year: y, month: m, day: d)! }
        #expect(ClaimsDeadline(published: day(2026, 2, 5), months: 2, mandataire: nil, role: nil).deadline == day(2026, 4, 5))
        #expect(ClaimsDeadline(published: day(2025, 12, 31), months: 2, mandataire: nil, role: nil).deadline == day(2026, 2, 28))
        #expect(ClaimsDeadline(published: day(2027, 12, 31), months: 2, mandataire: nil, role: nil).deadline == day(2028, 2, 29))
        #expect(ClaimsDeadline(published: day(2026, 11, 30), months: 4, mandataire: nil, role: nil).deadline == day(2027, 3, 30))
    }

    @Test("the officer is read from the court's own words", arguments: [
        ("Jugement prononçant la liquidation judiciaire, date de cessation des paiements le 30 novembre 2007 désignant liquidateur Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin. Les déclarations de créances sont à déposer au liquidateur dans les deux mois de la présente publication.",
         "Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin", "liquidateur"),
        ("Jugement prononçant l'ouverture d'une procédure de redressement judiciaire, date de cessation des paiements le 31 mars 2007 désignant administrateur SELARL Michel en la personne de Maître Daniel Valdman, 10 rue Saint Jacques, 02100 Saint Quentin, avec les pouvoirs : (mission d'assistance), mandataire judiciaire Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin. Les déclarations des créances sont à déposer au mandataire judiciaire dans les deux mois à compter de la présente publication.",
         "Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin", "mandataire judiciaire"),
        ("Ouvre la procédure de redressement - Date de cessation des paiements : 30 Janvier 2026 - Mandataire : TORELLI Frédéric, 3 Boulevard Pasteur, 07200 AUBENAS - Redressement judiciaire limité au patrimoine professionnel.",
         "TORELLI Frédéric, 3 Boulevard Pasteur, 07200 AUBENAS", "mandataire judiciaire"),
        ("Jugement prononçant la liquidation judiciaire , date de cessation des paiements le 27 Juillet 2024, désignant liquidateur SELARL MJ DE L'ALLIER, représentée par Maître RAYNAUD Pascal 4/6, rue Pétillât - Résidence les Lilas - Bât. C - 03200 Vichy . Les créances sont à adresser, dans les deux mois de la présente publication, auprès du liquidateur.",
         "SELARL MJ DE L'ALLIER, représentée par Maître RAYNAUD Pascal 4/6, rue Pétillât - Résidence les Lilas - Bât. C - 03200 Vichy", "liquidateur"),
        ("Jugement prononçant la liquidation judiciaire simplifiée, date de cessation des paiements le 2 janvier 2026,désignant liquidateur Selafa Mja en la personne de Me Frédérique Lévy 41 rue de l'Echiquier 75010 Paris. Les déclarations des créances sont à adresser au mandataire judiciaire.",
         "Selafa Mja en la personne de Me Frédérique Lévy 41 rue de l'Echiquier 75010 Paris", "liquidateur"),
    ])
    func officer(text: String, name: String, role: String) {
        let found = ClaimsDeadline.officer(in: text)
        #expect(found?.name == name)
        #expect(found?.role == role)
    }

    @Test("a text that only says where claims go, with no designation, names no officer")
    func noDesignation() {
        #expect(ClaimsDeadline.officer(in: "Les créances sont à adresser, dans les deux mois de la présente publication, auprès du liquidateur ou sur le portail électronique.") == nil)
    }

    @Test("on every real opening in the data, the deadline is set and the officer found for most")
    func realNotices() throws {
        var openings = 0, found = 0
        let notices = try BodaccDecodingTests.read("bodacc/dila-PCL_BXA20080010.xml") + BodaccDecodingTests.read("bodacc/collective-notices-sample.json")
        for notice in notices {
            let event = NoticeClassifier.classify(notice).event
            guard ClaimsDeadline.opening.contains(event), notice.published != nil else { continue }
            let claims = try #require(ClaimsDeadline.of(notice, event: event))
            #expect(claims.deadline > claims.published)
            openings += 1
            if claims.mandataire != nil { found += 1 }
        }
        print("claims deadline: \(openings) openings, officer found in \(found) (\(found * 100 / max(openings, 1)) %)")
        #expect(openings > 100)
        #expect(found * 100 / openings >= 80, "officer found in \(found) of \(openings)")
    }
}
