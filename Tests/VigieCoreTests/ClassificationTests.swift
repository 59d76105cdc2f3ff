import Testing
import VigieCore
import VigieTestSupport

@Suite("Classifying BODACC judgments")
struct ClassificationTests {
    @Test("every nature found in shared/data means what it says", arguments: ExpectedClassifications.byNature.keys.sorted())
    func nature(nature: String) throws {
        let expected = try #require(ExpectedClassifications.byNature[nature])
        let result = NoticeClassifier.classify(Judgment(famille: nil, nature: nature, date: nil, complement: nil))
        #expect(result.event == expected.event)
        #expect(result.procedure == expected.procedure)
        #expect(result.statusAfter == expected.status)
        #expect(result.severity == expected.severity)
        #expect(result.nature == nature)
    }

    @Test("\"Autre …\" natures are classified from the court's text", arguments: ExpectedClassifications.byComplement.indices)
    func complement(index: Int) {
        let (nature, complement, expected) = ExpectedClassifications.byComplement[index]
        let famille = nature.contains("Cour d'Appel") ? "Arrêt de la Cour d'Appel" : "Jugement prononçant"
        let result = NoticeClassifier.classify(Judgment(famille: famille, nature: nature, date: nil, complement: complement))
        #expect(result.event == expected.event, "\(complement)")
        #expect(result.procedure == expected.procedure)
        #expect(result.statusAfter == expected.status)
        #expect(result.severity == expected.severity)
    }

    @Test("an \"Autre jugement\" whose text says nothing known is kept as other_judgment")
    func otherJudgment() {
        let result = NoticeClassifier.classify(Judgment(famille: "Extrait de jugement", nature: "Autre jugement et ordonnance", date: nil, complement: "Ordonnance du juge-commissaire."))
        #expect(result.event == .otherJudgment)
        #expect(result.severity == .warning)
        #expect(result.nature == "Autre jugement et ordonnance")
    }

    @Test("a nature nobody planned for is reported as unclassified with its raw text")
    func unclassified() {
        let result = NoticeClassifier.classify(Judgment(famille: "Jugement", nature: "Jugement ordonnant une mesure inédite", date: nil, complement: nil))
        #expect(result.event == .unclassified)
        #expect(result.nature == "Jugement ordonnant une mesure inédite")
        #expect(result.severity == .warning)
    }

    @Test("accelerated safeguard and simplified liquidation are told apart")
    func variants() {
        let accelerated = NoticeClassifier.classify(Judgment(famille: nil, nature: "Jugement d'ouverture d'une procédure de sauvegarde accélérée", date: nil, complement: nil))
        #expect(accelerated.event == .opened && accelerated.procedure == .safeguard && accelerated.detail == "accelerated")
        let financial = NoticeClassifier.classify(Judgment(famille: nil, nature: "Jugement d'ouverture d'une procédure de sauvegarde financière accélérée", date: nil, complement: nil))
        #expect(financial.detail == "financial_accelerated")
        let simplified = NoticeClassifier.classify(Judgment(famille: nil, nature: "Jugement d'ouverture de liquidation judiciaire", date: nil, complement: "Jugement d'ouverture de liquidation judiciaire simplifiée."))
        #expect(simplified.detail == "simplified")
    }

    @Test("mojibake in the nature does not defeat the classification")
    func mojibakeNature() {
        let result = NoticeClassifier.classify(Judgment(famille: nil, nature: "Jugement de clÃ´ture pour insuffisance d'actif", date: nil, complement: nil))
        #expect(result.event == .closed && result.detail == "insufficient_assets")
        #expect(result.nature == "Jugement de clôture pour insuffisance d'actif")
    }

    @Test("an annulation is a cancelled notice, whatever its judgment")
    func annulation() {
        let notice = BodaccNotice(
            id: "A202602051234", kind: .annulation, published: nil, sirens: [], companyName: "V.P.C.S.",
            judgment: Judgment(type: "annule", famille: "Jugement de clôture", nature: "Jugement de clôture pour insuffisance d'actif", date: nil, complement: nil)
        )
        let result = NoticeClassifier.classify(notice)
        #expect(result.event == .noticeCancelled)
        #expect(result.statusAfter == nil)
        #expect(result.detail == "procedure_closed")
    }
}
