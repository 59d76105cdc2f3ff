import Foundation
import Testing
import VigieCore

@Suite("Credit insurance: decisions, exports, guarantees, aged balances, positions")
struct CoverageTests {
    static let pasargad = (try! SIREN("881843924"))
    static let frizy = (try! SIREN("843703869"))
    static func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    @Test("decision kinds: every EDIFACT 4507 code, and the words insurer portals export in French and English")
    func decisions() {
        let table: [(String, CoverageDecisionCase)] = [
            ("1", .is(.underReview)), ("2", .is(.approved)), ("3", .is(.refused)), ("4", .is(.conditional)), ("5", .is(.partlyApproved)),
            ("6", .is(.underReview)), ("7", .is(.refused)), ("8", .is(.cancelled)), ("9", .is(.reduced)), ("10", .none), ("11", .is(.cancelled)),
            ("Approved", .is(.approved)), ("Agréé", .is(.approved)), ("AGREMENT", .is(.approved)), ("Accord total", .is(.approved)),
            ("Agrément partiel", .is(.partlyApproved)), ("Partly approved", .is(.partlyApproved)), ("Partiellement agréé", .is(.partlyApproved)),
            ("Conditional approval", .is(.conditional)), ("Agréé sous conditions", .is(.conditional)),
            ("Refus", .is(.refused)), ("Non agréé", .is(.refused)), ("Not approved", .is(.refused)), ("Declined", .is(.refused)),
            ("Réduction", .is(.reduced)), ("Reduced", .is(.reduced)), ("Limite réduite", .is(.reduced)),
            ("Résiliation", .is(.cancelled)), ("Annulée", .is(.cancelled)), ("Cancellation", .is(.cancelled)), ("Withdrawn", .is(.cancelled)),
            ("En attente", .is(.underReview)), ("Still investigating", .is(.underReview)), ("Pending", .is(.underReview)),
            ("Expired", .is(.expired)), ("Échue", .is(.expired)),
            ("Change of name", .none), ("", .none), ("42", .none),
        ]
        for (text, expected) in table {
            #expect(CoverageDecisionCase(CoverDecision.reading(text)) == expected, "\(text)")
        }
        #expect(CoverDecision.allCases.filter(\.covers) == [.approved, .partlyApproved, .conditional, .reduced])
    }

    enum CoverageDecisionCase: Equatable {
        case `is`(CoverDecision)
        case none
        init(_ decision: CoverDecision?) { self = decision.map { .is($0) } ?? .none }
    }

    static let cofaceExport = """
        SIREN acheteur;Raison sociale acheteur;Montant demandé;Montant agréé;Devise;Type de décision;Date d'effet;Date de fin;Numéro EASY
        881 843 924;PASARGAD;20 000;15 000,50;EUR;Agrément partiel;15/06/2025;30/06/2028;E-118
        881843924;PASARGAD;20 000;5 000;EUR;Réduction;15/12/2025;30/06/2028;E-118
        843703869;FRIZY;30 000;30 000;EUR;Agréé;02.05.2025;2028-06-30;E-071
        123456789;BAD SIREN;1 000;1 000;EUR;Agréé;02/05/2025;;E-1
        494523335;QUATRE SAISONS;1 000;;EUR;Agréé;02/05/2025;;E-2
        337891287;GAMM VERT;1 000;1 000;EUR;Peut-être;02/05/2025;;E-3
        300254471;EDOUIN;1 000;1 000;EUR;Refus;31/02/2025;;E-4

        """

    @Test("an insurer's export with French headers (Coface's preset): French amounts and dates, the latest decision per buyer, bad rows at file:line")
    func frenchExport() throws {
        let result = InsurerExport.parse(Self.cofaceExport, file: "coface.csv", insurer: "coface", preset: .coface)
        #expect(result.covers.count == 2)
        let pasargad = try #require(result.covers[Self.pasargad])
        #expect(pasargad.decision == .reduced)
        #expect(pasargad.granted == Money(amount: 5_000))
        #expect(pasargad.requested == Money(amount: 20_000))
        #expect(pasargad.decidedOn == Self.day("2025-12-15"))
        #expect(pasargad.reference == "E-118")
        #expect(result.lines[Self.pasargad] == 3)
        #expect(result.covers[Self.frizy]?.decidedOn == Self.day("2025-05-02"))
        #expect(result.covers[Self.frizy]?.expiresOn == Self.day("2028-06-30"))
        #expect(result.errors.map(\.description) == [
            "coface.csv:5: identifier: SIREN \"123456789\" fails its check digit (Luhn); a digit is probably mistyped",
            "coface.csv:6: granted: a decision that covers (approved) with no amount granted; give the granted amount",
            "coface.csv:7: decision: \"Peut-être\" is not a decision Vigie knows; write approved, partly approved, conditional, refused, reduced, cancelled, under review or expired (or an EDIFACT 4507 code, 1 to 11)",
            "coface.csv:8: decided_on: \"31/02/2025\" is not a date; write it like 2026-11-30 or 30/11/2026",
        ])
        #expect(Set(result.unreadable.keys) == [(try! SIREN("494523335")), (try! SIREN("337891287")), (try! SIREN("300254471"))])
    }

    @Test("English headers (Allianz Trade's preset) and a configured column mapping; a refusal grants nothing; missing columns are named")
    func englishExport() throws {
        let text = "Buyer ID,Buyer SIREN,Buyer Name,Requested Amount,Decision Amount,Currency,Decision Type,Decision Date,Expiry Date\nB1,881843924,PASARGAD,\"20,000.00\",\"15,000.00\",EUR,Partly approved,2025-06-15,2028-06-30\nB2,843703869,FRIZY,30000,30000,EUR,Not approved,2025-05-02,\n"
        let result = InsurerExport.parse(text, file: "at.csv", insurer: "allianz-trade", preset: .allianzTrade)
        #expect(result.errors.isEmpty, "\(result.issues)")
        #expect(result.covers[Self.pasargad]?.granted == Money(amount: 15_000))
        #expect(result.covers[Self.pasargad]?.reference == "B1")
        #expect(result.covers[Self.frizy]?.decision == .refused)
        #expect(result.covers[Self.frizy]?.granted == Money(amount: 0))
        #expect(result.covers[Self.frizy]?.limit(on: Self.day("2026-01-01")) == nil)

        let custom = "Kunde;Limite en vigueur;Statut\n881843924;12 000;2\n"
        let mapped = InsurerExport.parse(custom, file: "x.csv", insurer: "x", columns: ["identifier": "Kunde", "granted": "Limite en vigueur", "decision": "Statut"])
        #expect(mapped.covers[Self.pasargad]?.granted == Money(amount: 12_000))
        #expect(mapped.covers[Self.pasargad]?.decision == .approved)

        let missing = InsurerExport.parse("siren;montant\n881843924;1\n", file: "m.csv", insurer: "m")
        #expect(missing.errors.map(\.description) == [
            "m.csv:1: no decision column among \"siren\", \"montant\"; name it in the insurer's columns: (decision: \"…\") or use a preset (generic, allianz-trade, coface, atradius)",
        ])
    }

    @Test("guarantees: min(owed, maximum) × rate, only in force, in its currency; read from YAML and CSV, bad values at file:line")
    func guarantees() throws {
        let guarantee = Guarantee(issuer: "LeanPay", maximum: Money(amount: 20_000), rate: 0.9, startsOn: Self.day("2026-01-01"), expiresOn: Self.day("2026-12-31"))
        let inside = Self.day("2026-06-01")
        let table: [(owed: Money, on: CalendarDay, covered: Decimal)] = [
            (Money(amount: 12_480.5), inside, 11_232.45),
            (Money(amount: 20_000), inside, 18_000),
            (Money(amount: 35_000), inside, 18_000),
            (Money(amount: 0), inside, 0),
            (Money(amount: 12_000), Self.day("2025-12-31"), 0),
            (Money(amount: 12_000), Self.day("2027-01-01"), 0),
            (Money(amount: 12_000, currency: "USD"), inside, 0),
        ]
        for row in table {
            #expect(guarantee.covered(row.owed, on: row.on) == row.covered, "\(row)")
        }
        var cancelled = guarantee
        cancelled.cancelledOn = Self.day("2026-05-01")
        #expect(cancelled.covered(Money(amount: 10_000), on: inside) == 0)
        #expect(guarantee.summary(.english) == "LeanPay, 90 % of up to 20,000 EUR, until 2026-12-31")

        let yaml = """
            name: test
            companies:
              - siren: 881843924
                exposure: 12 480,50
                guarantee: { issuer: LeanPay, maximum: 20000, rate: 90 %, start: 2026-01-01, expiry: 31/12/2026 }
              - siren: 843703869
                guarantee: { issuer: LeanPay, maximum: 20000, rate: 150 % }
              - siren: 494523335
                guarantee: { maximum: 1000, start: 2026-02-01, expiry: 2026-01-01, issuer: X }
            """
        let parsed = WatchlistYAMLParser.parse(yaml, file: "w.yaml", name: "w")
        #expect(parsed.watchlist?.entries.first?.guarantee == guarantee)
        #expect(parsed.errors.map(\.description) == [
            "w.yaml:7: guarantee.rate: rate \"150 %\" is not between 0 and 100 %; write it like 90 % or 0.9",
            "w.yaml:9: guarantee.expiry: the guarantee expires (2026-01-01) before it starts (2026-02-01); check the dates",
        ])
        let csv = "siren;encours;garant;plafond garantie;quotité;fin garantie\n881843924;12 480,50;LeanPay;20 000;0,9;31/12/2026\n"
        let fromCSV = WatchlistCSVParser.parse(csv, file: "w.csv", name: "w")
        #expect(fromCSV.isClean, "\(fromCSV.issues)")
        #expect(fromCSV.watchlist?.entries.first?.guarantee == Guarantee(issuer: "LeanPay", maximum: Money(amount: 20_000), rate: 0.9, expiresOn: Self.day("2026-12-31")))
    }

    static let agedBalance = """
        N° SIREN;Raison sociale;Non échu;Échu 1-30 j;31 à 60 jours;61-90 j;Plus de 90 jours;Total TTC;Date plus ancienne facture;Dernier règlement
        881843924;PASARGAD;6 000,00;7 400,00;8 500,00;0,00;0,00;21 900,00;02/10/2025;20/11/2025
        843703869;FRIZY — compte 1;20 000,00;0;0;0;0;20 000,00;05/11/2025;22/12/2025
        843703869;FRIZY — compte 2;7 500,00;0;0;0;(1 200,00);6 300,00;01/09/2025;
        494523335;QUATRE SAISONS;abc;0;0;0;0;4 300;;
        123456789;BAD;1;0;0;0;0;1;;
        337891287;GAMM VERT;100;0;0;0;0;900;;
        ;TOTAL;;;;;;;;

        """

    @Test("an aged balance as an ERP writes it: French headers and numbers, accounts added per client, credit notes, a totals line; bad rows at file:line")
    func agedBalance() throws {
        let result = AgedBalanceReader.parse(Self.agedBalance, file: "balance.csv", asOf: Self.day("2025-12-31"))
        let pasargad = try #require(result.balances[Self.pasargad])
        #expect(pasargad.outstanding == 21_900)
        #expect(pasargad.overdue == 15_900)
        #expect(pasargad.overdueDays == 31)
        #expect(pasargad.asOf == Self.day("2025-12-31"))
        #expect(pasargad.lastPayment == Self.day("2025-11-20"))
        let expectedDelay: Double = (7_400.0 * 15 + 8_500.0 * 45) / 21_900.0
        #expect(abs(pasargad.averageDelay - expectedDelay) < 1e-9)
        let frizy = try #require(result.balances[Self.frizy])
        #expect(frizy.outstanding == 26_300)
        #expect(frizy.overdueOver90 == -1_200)
        #expect(frizy.oldestUnpaid == Self.day("2025-09-01"))
        #expect(frizy.lastPayment == Self.day("2025-12-22"))
        #expect(result.balances[(try! SIREN("337891287"))]?.outstanding == 900)
        #expect(result.errors.map(\.description) == [
            "balance.csv:5: not_due: \"abc\" is not an amount; write it like 12500 or 12 500,50",
            "balance.csv:6: siren: SIREN \"123456789\" fails its check digit (Luhn); a digit is probably mistyped",
        ])
        #expect(result.issues.filter(\.isWarning).map(\.description) == [
            "balance.csv:7: warning: outstanding: the total (900) is not the sum of its buckets (100); the total is used",
        ])
        #expect(Array(result.unreadable.keys) == [(try! SIREN("494523335"))])
        #expect(result.balances[(try! SIREN("494523335"))] == nil)

        let english = "siren,customer,current,1-30,31-60,61-90,over 90,as of\n881843924,PASARGAD,100,200,300,400,500,2026-01-31\n"
        let read = try #require(AgedBalanceReader.parse(english, file: "b.csv", asOf: Self.day("2025-01-01")).balances[Self.pasargad])
        #expect(read.outstanding == 1_500)
        #expect(read.overdueDays == 91)
        #expect(read.asOf == Self.day("2026-01-31"))
        // Windows-1252, as older ERPs export: the accents of the headers survive.
        let latin = try #require(ExportText.decode(Data(Self.agedBalance.data(using: .windowsCP1252)!)))
        #expect(AgedBalanceReader.parse(latin, file: "b.csv", asOf: Self.day("2025-12-31")).balances[Self.pasargad] == pasargad)
        #expect(AgedBalanceReader.parse("nom;total\nX;1\n", file: "n.csv", asOf: Self.day("2025-12-31")).errors.map(\.description) == [
            "n.csv:1: no SIREN/SIRET column among \"nom\", \"total\"; name one column siren or siret (delimiter read as \";\")",
        ])
    }
}
