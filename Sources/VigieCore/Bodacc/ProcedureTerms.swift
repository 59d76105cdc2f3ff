/// The three collective procedures of French insolvency law, from mild to terminal.
public enum Procedure: String, Hashable, Sendable, Codable, CaseIterable {
    /// Sauvegarde (also accélérée, financière accélérée): not insolvent yet, seeks protection.
    case safeguard
    /// Redressement judiciaire: insolvent, trading on under court supervision.
    case receivership
    /// Liquidation judiciaire: the company is wound up.
    case liquidation

    public var french: String {
        switch self {
        case .safeguard: "sauvegarde"
        case .receivership: "redressement judiciaire"
        case .liquidation: "liquidation judiciaire"
        }
    }
}

/// Where a company stands after a judgment.
public enum ProcedureStatus: String, Hashable, Sendable, Codable {
    case safeguard
    case receivership
    case liquidation
    /// The procedure ended: closed, plan completed, or ended by the court.
    case closed

    public init(_ procedure: Procedure) {
        switch procedure {
        case .safeguard: self = .safeguard
        case .receivership: self = .receivership
        case .liquidation: self = .liquidation
        }
    }

    /// A procedure in progress, as opposed to one that ended.
    public var isOpen: Bool { self != .closed }
}

/// How urgently a credit manager must act.
public enum Severity: String, Hashable, Sendable, Codable, Comparable, CaseIterable {
    /// Recorded for the timeline; nothing to do.
    case info
    /// Worth a look: a weakening, a procedural step.
    case warning
    /// Act now: exposure is at risk.
    case high
    /// Stop selling on credit, declare the claim: the company is failing.
    case critical

    var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a BODACC notice says happened, in Vigie's taxonomy: mostly judgments of collective
/// procedures, and the registry notices that matter to a creditor.
public enum NoticeEvent: String, Hashable, Sendable, Codable, CaseIterable {
    /// A procedure opens (ouverture).
    case opened = "procedure_opened"
    /// A procedure opened against another company is extended to this one (extension).
    case extended = "procedure_extended"
    /// One procedure becomes another (conversion), including a plan's resolution that opens the next one.
    case converted = "procedure_converted"
    /// A continuation, safeguard or sale plan is adopted (arrêtant le plan, plan de redressement).
    case planAdopted = "plan_adopted"
    /// An adopted plan is modified.
    case planModified = "plan_modified"
    /// A plan is resolved (cancelled) and a new procedure opens.
    case planResolved = "plan_resolved"
    /// The court ends the procedure (mettant fin à la procédure): the company is out of it.
    case ended = "procedure_ended"
    /// The liquidation is closed, for insufficient assets or because the debts are extinguished.
    case closed = "procedure_closed"
    /// A closed liquidation is resumed (reprise).
    case resumed = "procedure_resumed"
    /// An opening judgment is retracted on third-party opposition.
    case retracted = "judgment_retracted"
    /// Claims lists, distribution plans and other filings (avis de dépôt).
    case claimsFiling = "claims_filing"
    /// Procedural judgments: designation of officers, change of the insolvency date, corrections.
    case procedural = "procedural"
    /// Personal bankruptcy or a management ban on a person.
    case personSanction = "person_sanction"
    /// A court of appeal's ruling.
    case appealRuling = "appeal_ruling"
    /// A judgment whose text says nothing Vigie recognises ("Autre jugement…").
    case otherJudgment = "other_judgment"
    /// The notice cancels an earlier one (avis d'annulation).
    case noticeCancelled = "notice_cancelled"
    /// The company is struck off the register (radiation).
    case struckOff = "company_struck_off"
    /// Annual accounts filed (dépôt des comptes): recorded for the timeline.
    case accountsFiled = "accounts_filed"
    /// Other registry notices: creation, registration, changes, sales of a business.
    case registryNotice = "registry_notice"
    /// A nature nobody planned for: kept with its raw text, never dropped.
    case unclassified = "unclassified"
}

/// The outcome of classifying one notice.
public struct NoticeClassification: Hashable, Sendable, Codable {
    public var event: NoticeEvent
    /// The procedure the judgment concerns (for a conversion: the one it converts into).
    public var procedure: Procedure?
    /// For conversions and plan resolutions: the procedure left behind, when known.
    public var fromProcedure: Procedure?
    /// Where the company stands afterwards; nil when the notice does not change it.
    public var statusAfter: ProcedureStatus?
    public var severity: Severity
    /// A finer point: `accelerated`, `financial_accelerated`, `simplified`, `insufficient_assets`,
    /// `debts_extinguished`, `sale`, `continuation`, `personal_bankruptcy`, `management_ban`…
    public var detail: String?
    /// The raw nature, kept for unclassified notices and as evidence.
    public var nature: String?

    public init(
        event: NoticeEvent, procedure: Procedure? = nil, fromProcedure: Procedure? = nil,
        statusAfter: ProcedureStatus? = nil, severity: Severity, detail: String? = nil, nature: String? = nil
    ) {
        self.event = event
        self.procedure = procedure
        self.fromProcedure = fromProcedure
        self.statusAfter = statusAfter
        self.severity = severity
        self.detail = detail
        self.nature = nature
    }
}
