import Testing
import VigieCore
import VigieTestSupport

@Suite("Classifying BODACC judgments")
struct ClassificationTests {
    @Test("every nature found in data/ means what it says", arguments: ExpectedClassifications.byNature.keys.sorted())
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

@Suite("What a judgment opens outranks what it ends")
struct OpeningOutranksEndingTests {
    /// Real "Autre jugement prononçant" texts (reported by outside testing) and the DILA texts
    /// that end an officer's mission: each opens or pronounces a liquidation.
    static let liquidations: [String] = [
        "Jugement mettant fin à la procédure de traitement de sortie de crise, prononçant l'ouverture d'une procédure de liquidation judiciaire, désignant liquidateur Selarl X",
        "Jugement prononçant la liquidation judiciaire, désignant liquidateur Me Y, met fin à la mission de l'administrateur Me Z, fixé le délai aux fins de clôture de la procédure à 18 mois",
        "Jugement prononçant la liquidation judiciaire désignant liquidateur Me Cardon Didier 15 Impasse de l'Horloge 06117 Le Cannet, et mettant fin à la mission de l'administrateur Me Pierre Louis Ezavin 1 Rue Alexandre Mari 06300 NICE.",
        "Jugement mettant fin à la procédure de sauvegarde et ouvrant une procédure de liquidation judiciaire. Liquidateur : Me W",
        "Jugement prononçant l'ouverture d'une procédure de liquidation judiciaire simplifiée, date de clôture de l'exercice fixée au 31/12",
    ]

    @Test("a text that opens a liquidation is a critical liquidation, never a closure", arguments: liquidations)
    func opensLiquidation(text: String) {
        let result = NoticeClassifier.classify(Judgment(famille: "Jugement prononçant", nature: "Autre jugement prononçant", date: nil, complement: text))
        #expect([.opened, .converted].contains(result.event), "\(result.event)")
        #expect(result.procedure == .liquidation)
        #expect(result.statusAfter == .liquidation)
        #expect(result.severity == .critical)
    }

    @Test("ending a receivership, a mission's end aside, is still an end; a closure is still a closure")
    func endsStillEnd() {
        let ended = NoticeClassifier.classify(Judgment(famille: nil, nature: "Autre jugement prononçant", date: nil, complement: "Jugement mettant fin à la procédure de redressement judiciaire et met fin à la mission du mandataire"))
        #expect(ended.event == .ended && ended.statusAfter == .closed)
        let closed = NoticeClassifier.classify(Judgment(famille: nil, nature: "Autre jugement prononçant", date: nil, complement: "Jugement prononçant la clôture pour insuffisance d'actif de la procédure de liquidation judiciaire"))
        #expect(closed.event == .closed && closed.detail == "insufficient_assets")
    }

    @Test("ending an officer's mission while adopting a plan is a plan, not an end")
    func planWithMissionEnd() {
        let result = NoticeClassifier.classify(Judgment(famille: nil, nature: "Autre jugement prononçant", date: nil, complement: "Jugement arrêtant le plan de redressement, durée du plan 10 nomme Commissaire à l'exécution du plan Me bouychou. Met fin a la mission de me bouychou 95 rue saint lazare 75009 paris"))
        #expect(result.event == .planAdopted)
    }
}
