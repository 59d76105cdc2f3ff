/// What a credit insurer decided about a buyer, in the trade's vocabulary: the UN/EDIFACT
/// "credit cover response type" codes (data element 4507) are the common ground of insurer
/// portals, whatever words each one exports.
public enum CoverDecision: String, Hashable, Sendable, Codable, CaseIterable {
    /// EDIFACT 2: the limit requested is granted.
    case approved
    /// EDIFACT 5: less than requested is granted.
    case partlyApproved = "partly_approved"
    /// EDIFACT 4: granted on conditions (a guarantee, a shorter term).
    case conditional
    /// EDIFACT 3 and 7: no limit.
    case refused
    /// EDIFACT 9: an existing limit made smaller.
    case reduced
    /// EDIFACT 8 and 11: an existing limit withdrawn, the buyer's account closed.
    case cancelled
    /// EDIFACT 1 and 6: a preliminary assessment, or still investigating: nothing in force yet.
    case underReview = "under_review"
    /// The decision's term has passed.
    case expired

    /// Whether a limit under this decision covers sales.
    public var covers: Bool {
        switch self {
        case .approved, .partlyApproved, .conditional, .reduced: true
        case .refused, .cancelled, .underReview, .expired: false
        }
    }

    /// The decision an export's text or code names, nil when it names none (EDIFACT 10, a
    /// change of name or address, decides nothing about cover).
    ///
    /// An ordered table, read first match wins on the folded text: "partiellement accordé"
    /// must be read before "accordé", "non agréé" before "agréé", "refus de réduction" never
    /// arises in exports.
    public static func reading(_ raw: String) -> CoverDecision? {
        let folded = TextRepair.fold(raw).trimmingCharacters(in: .whitespaces)
        if let code = Int(folded) { return edifact[code] ?? nil }
        let words = " " + folded.map { $0.isLetter || $0.isNumber ? $0 : " " }.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") + " "
        return table.first { $0.phrases.contains { words.contains(" \($0) ") } }?.decision
    }

    static let edifact: [Int: CoverDecision?] = [
        1: .underReview, 2: .approved, 3: .refused, 4: .conditional, 5: .partlyApproved, 6: .underReview,
        7: .refused, 8: .cancelled, 9: .reduced, 10: nil, 11: .cancelled,
    ]

    /// Phrases as exports write them, folded (lower case, no accents), in English and French.
    static let table: [(decision: CoverDecision, phrases: [String])] = [
        (.underReview, ["under review", "still investigating", "preliminary assessment", "pending", "en attente", "a l etude", "en instruction", "en cours d examen", "in progress"]),
        (.partlyApproved, ["partly approved", "partially approved", "partial", "partiel", "partielle", "partiellement", "partiellement agree", "accord partiel", "agrement partiel"]),
        (.conditional, ["conditional", "conditional approval", "conditionnel", "conditionnelle", "sous condition", "sous conditions", "sous reserve"]),
        (.refused, ["refused", "refusal", "not approved", "declined", "rejected", "refus", "refuse", "refusee", "non agree", "non agreee", "non accorde", "rejete", "open new account only", "no cover", "sans garantie"]),
        (.reduced, ["reduced", "reduction", "decreased", "reduit", "reduite", "diminue", "diminution", "baisse"]),
        (.cancelled, ["cancelled", "canceled", "cancellation", "withdrawn", "terminated", "closed", "annule", "annulee", "annulation", "resilie", "resiliee", "resiliation", "retire", "retrait", "supprime", "account closed"]),
        (.expired, ["expired", "lapsed", "expire", "expiree", "echu", "echue", "caduc", "caduque"]),
        (.approved, ["approved", "agreement", "granted", "accepted", "agree", "agreee", "agrement", "accorde", "accordee", "accord", "accepte", "acceptee", "valide", "validee", "full", "total", "totale"]),
    ]
}

/// A credit insurer's decision in force for one buyer: what was asked, what is granted, until when.
public struct InsurerCover: Hashable, Sendable, Codable {
    /// The insurer's name as configured (`allianz-trade`).
    public var insurer: String
    public var decision: CoverDecision
    public var requested: Money?
    /// The limit granted; nil or zero when the decision grants none.
    public var granted: Money?
    public var decidedOn: CalendarDay?
    public var expiresOn: CalendarDay?
    /// The insurer's own reference for the decision or the buyer, for people checking it.
    public var reference: String?

    public init(
        insurer: String, decision: CoverDecision, requested: Money? = nil, granted: Money? = nil,
        decidedOn: CalendarDay? = nil, expiresOn: CalendarDay? = nil, reference: String? = nil
    ) {
        self.insurer = insurer
        self.decision = decision
        self.requested = requested
        self.granted = granted
        self.decidedOn = decidedOn
        self.expiresOn = expiresOn
        self.reference = reference
    }

    /// The limit that covers sales on `day`: the granted amount while the decision covers and
    /// has not expired; nothing otherwise.
    public func limit(on day: CalendarDay) -> Money? {
        guard decision.covers, let granted, granted.amount > 0 else { return nil }
        if let expiresOn, expiresOn < day { return nil }
        return granted
    }
}
