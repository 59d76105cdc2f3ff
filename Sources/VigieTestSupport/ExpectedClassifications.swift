import VigieCore

/// Every `nature` found in the real notices of data/, with what it must mean.
/// The core tests check each entry; the provider tests check that the table covers every
/// notice of those files, so a new nature in the data fails a test until it is placed.
public enum ExpectedClassifications {
    public typealias Expected = (event: NoticeEvent, procedure: Procedure?, status: ProcedureStatus?, severity: Severity)

    public static let byNature: [String: Expected] = [
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

    /// "Autre …" natures are read from the court's text; these are real texts from data/.
    public static let byComplement: [(nature: String, complement: String, expected: Expected)] = [
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

