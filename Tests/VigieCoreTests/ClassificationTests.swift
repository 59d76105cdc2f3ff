import Testing
import VigieCore

/// Every `nature` found in the real notices of shared/data, with what it must mean.
/// `VigieProvidersTests` checks that this table covers every notice of those files.
enum ExpectedClassifications {
    typealias Expected = (event: ProcedureEvent, procedure: Procedure?, status: ProcedureStatus?, severity: Severity)

    static let byNature: [String: Expected] = [
        "Jugement d'ouverture de liquidation judiciaire": (.opened, .liquidation, .liquidation, .critical),
        "Jugement d'ouverture d'une procédure de redressement judiciaire": (.opened, .receivership, .receivership, .critical),
        "Jugement d'ouverture d'une procédure de sauvegarde": (.opened, .safeguard, .safeguard, .high),
        "Jugement d'extension de liquidation judiciaire": (.extended, .liquidation, .liquidation, .critical),
        "Jugement d'extension d'une procédure de redressement judiciaire": (.extended, .receivership, .receivership, .critical),
        "Jugement de conversion en liquidation judiciaire": (.converted, .liquidation, .liquidation, .critical),
        "Jugement de conversion en liquidation judiciaire de la procédure de sauvegarde": (.converted, .liquidation, .liquidation, .critical),
        "Jugement de conversion en redressement judiciaire de la procédure de sauvegarde": (.converted, .receivership, .receivership, .critical),
        "Jugement prononçant la résolution du plan de redressement et la liquidation judiciaire": (.planResolved, .liquidation, .liquidation, .critical),
        "Jugement prononçant la résolution du plan de sauvegarde et le redressement judiciaire": (.planResolved, .receivership, .receivership, .critical),
        "Jugement prononçant la résolution du plan de sauvegarde accélérée et la liquidation judiciaire": (.planResolved, .liquidation, .liquidation, .critical),
        "Jugement prononçant la résolution du plan de cession et la liquidation judiciaire": (.planResolved, .liquidation, .liquidation, .critical),
        "Jugement de plan de redressement": (.planAdopted, .receivership, nil, .warning),
        "Jugement arrêtant le plan de sauvegarde": (.planAdopted, .safeguard, nil, .warning),
        "Jugement arrêtant un plan de cession": (.planAdopted, .receivership, nil, .high),
        "Jugement modifiant le plan de redressement": (.planModified, .receivership, nil, .warning),
        "Jugement modifiant le plan de continuation": (.planModified, .receivership, nil, .warning),
        "Jugement modifiant le plan de sauvegarde": (.planModified, .safeguard, nil, .warning),
        "Jugement modifiant le plan de traitement de sortie de crise": (.planModified, nil, nil, .warning),
        "Jugement mettant fin à la procédure de redressement judiciaire": (.ended, .receivership, .closed, .info),
        "Jugement mettant fin à la procédure de sauvegarde": (.ended, .safeguard, .closed, .info),
        "Jugement de clôture pour insuffisance d'actif": (.closed, .liquidation, .closed, .high),
        "Jugement de clôture pour extinction du passif": (.closed, .liquidation, .closed, .info),
        "Jugement de reprise de la procédure de liquidation judiciaire": (.resumed, .liquidation, .liquidation, .high),
        "Rétractation de jugement d'ouverture sur tierce opposition": (.retracted, nil, nil, .warning),
        "Dépôt de l'état des créances": (.claimsFiling, nil, nil, .info),
        "Dépôt de l'état des créances Loi de 1985": (.claimsFiling, nil, nil, .info),
        "Dépôt de l'état des créances et du projet de répartition": (.claimsFiling, nil, nil, .info),
        "Dépôt du projet de répartition": (.claimsFiling, nil, nil, .info),
        "Dépôt de l'état de collocation": (.claimsFiling, nil, nil, .info),
        "Liste des créances nées après le jugement d'ouverture d'une procédure de liquidation judiciaire": (.claimsFiling, .liquidation, nil, .info),
        "Liste des créances nées après le jugement d'ouverture d'une procédure de redressement judiciaire": (.claimsFiling, .receivership, nil, .info),
        "Jugement accordant un délai pour déposer la liste des créances": (.claimsFiling, nil, nil, .info),
        "Jugement de faillite personnelle": (.personSanction, nil, nil, .warning),
        "Jugement de faillite personnelle Loi de 1985": (.personSanction, nil, nil, .warning),
        "Jugement d'interdiction de gérer": (.personSanction, nil, nil, .warning),
        "Jugement d'interdiction de gérer Loi de 1985": (.personSanction, nil, nil, .warning),
        "Jugement de désignation des organes de la procédure": (.procedural, nil, nil, .info),
        "Jugement modifiant la date de cessation des paiements": (.procedural, nil, nil, .info),
        "Arrêt de la cour d'appel infirmant une décision soumise à publicité": (.appealRuling, nil, nil, .warning),
    ]

    /// "Autre …" natures are read from the court's text; these are real texts from shared/data.
    static let byComplement: [(nature: String, complement: String, expected: Expected)] = [
        ("Autre jugement et ordonnance", "Ouvre la procédure de redressement - Date de cessation des paiements : 30 Janvier 2026 - Mandataire : TORELLI Frédéric", (.opened, .receivership, .receivership, .critical)),
        ("Autre jugement et ordonnance", "Ouvre les opérations de la liquidation judiciaire - Date de cessation des paiements : 04 Octobre 2024 - Liquidateur : SELARL ATHENA", (.opened, .liquidation, .liquidation, .critical)),
        ("Autre jugement prononçant", "Par jugement du 21/01/2026 le Tribunal de Commerce de VANNES a arrêté le plan de cession de la SA AQUATONALE, au profit de Monsieur LE TRIONNAIRE Arnaud", (.planAdopted, .receivership, nil, .high)),
        ("Autre jugement prononçant", "Jugement prononçant la liquidation judiciaire simplifiée désignant liquidateur Selarl Garnier Philippe", (.converted, .liquidation, .liquidation, .critical)),
        ("Autre jugement prononçant", "Jugement du Tribunal de commerce de LILLE METROPOLE en date du 2 février 2026 rectifie le jugement rendu le 5 janvier 2026 comme suit : DESIGNE en qualité d' Administrateur Judiciaire", (.procedural, nil, nil, .info)),
        ("Autre jugement prononçant", "Jugement de conversion en liquidation judiciaire simplifiée en application du II de l’article L. 681-2 du code de commerce désignant liquidateur : Selarl Actis", (.converted, .liquidation, .liquidation, .critical)),
        ("Autre jugement d'ouverture", "Jugement de rectification d'une erreur matérielle", (.procedural, nil, nil, .info)),
        ("Autre jugement d'ouverture", "Jugement d'ouverture de liquidation judiciaire simplifiée Entrepreneur individuel L681-2 III, date de cessation des paiements le 01/12/2025", (.opened, .liquidation, .liquidation, .critical)),
        ("Autre arrêt de la Cour d'Appel", "Par arrêt de la Cour d'Appel de Paris en date du : 10 décembre 2025 , infirme le jugement rendu le 11 juin 2025 ayant ouvert une procédure de liquidation judiciaire et statuant à nouveau et y ajoutant : Prononce l'ouverture d'une procédure de redressement judiciaire. Fixe la date de cessation des paiements au 12/12/2024. Renvoie les parties devant le tribunal des activités économiques de Paris pour les suies de la procédure et la désignation des organes de la procédure.", (.appealRuling, .receivership, .receivership, .critical)),
    ]
}

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
