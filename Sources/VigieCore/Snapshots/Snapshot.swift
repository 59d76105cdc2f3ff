/// What Vigie last knew about one company from one source: the state the next observation
/// is diffed against. Score fields keep the last value the provider actually stated, so
/// "Not Rated" in between never turns into a drop or a recovery.
public struct Snapshot: Hashable, Sendable, Codable {
    public var siren: SIREN
    /// `creditsafe`, `ellisphere`, … or `bodacc` for the procedure feed.
    public var source: String
    public var observedOn: CalendarDay?
    public var score: ScoreValue?
    public var rating: String?
    public var creditLimit: CreditLimit?
    public var status: CompanyStatus?
    /// For the procedure feed: every judgment that changed the company's status, oldest first.
    public var procedureSteps: [ProcedureStep]
    /// What the provider said of failure, judgements, procedures and privileges, as last seen.
    public var facts: ProviderFacts?
    /// After a score drop was alerted: the level it was alerted at, and since when the score
    /// has stood back above it by the margin. Nil when armed (no drop alerted, or recovered).
    public var scoreWatch: ScoreWatch?
    /// What a source says beyond scores: an insurer's decision, an aged balance, the money-at-risk
    /// review's memory. One document, so that a new kind of source needs no new column.
    public var detail: SnapshotDetail?

    public init(siren: SIREN, source: String) {
        self.siren = siren
        self.source = source
        self.procedureSteps = []
    }

    /// Where the company stands in collective procedures, after the last judgment that said so.
    public var procedureStatus: ProcedureStatus? { procedureSteps.last?.status }

    /// The key the store files a snapshot under.
    public var key: SnapshotKey { SnapshotKey(siren: siren, source: source) }
}

public struct SnapshotKey: Hashable, Sendable {
    public var siren: SIREN
    public var source: String

    public init(siren: SIREN, source: String) {
        self.siren = siren
        self.source = source
    }
}

/// A snapshot's document: whichever of these its source states.
///
/// Its values live in one shared box: an insurer's decision and an aged balance take 400 bytes,
/// which every snapshot carried inline (656 bytes each, most of them for this) while a cycle
/// holds a snapshot per company and source, several times over; boxed, a snapshot without a
/// document pays 8. Setting a value replaces the box, so copies never see each other's changes.
public struct SnapshotDetail: Hashable, Sendable, Codable {
    private final class Storage: Sendable {
        let cover: InsurerCover?
        let balance: AgedBalance?
        let position: PositionWatch?

        init(cover: InsurerCover?, balance: AgedBalance?, position: PositionWatch?) {
            self.cover = cover
            self.balance = balance
            self.position = position
        }
    }

    private var storage: Storage

    public var cover: InsurerCover? {
        get { storage.cover }
        set { storage = Storage(cover: newValue, balance: storage.balance, position: storage.position) }
    }

    public var balance: AgedBalance? {
        get { storage.balance }
        set { storage = Storage(cover: storage.cover, balance: newValue, position: storage.position) }
    }

    public var position: PositionWatch? {
        get { storage.position }
        set { storage = Storage(cover: storage.cover, balance: storage.balance, position: newValue) }
    }

    /// What an observation says beyond scores, for its history; nil when nothing.
    public static func of(_ observation: ScoreObservation) -> SnapshotDetail? {
        observation.cover == nil && observation.balance == nil ? nil : SnapshotDetail(cover: observation.cover, balance: observation.balance)
    }

    public init(cover: InsurerCover? = nil, balance: AgedBalance? = nil, position: PositionWatch? = nil) {
        storage = Storage(cover: cover, balance: balance, position: position)
    }

    // What the compiler would write for the three values, had they been stored here.
    private enum CodingKeys: String, CodingKey { case cover, balance, position }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            cover: try container.decodeIfPresent(InsurerCover.self, forKey: .cover),
            balance: try container.decodeIfPresent(AgedBalance.self, forKey: .balance),
            position: try container.decodeIfPresent(PositionWatch.self, forKey: .position)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(cover, forKey: .cover)
        try container.encodeIfPresent(balance, forKey: .balance)
        try container.encodeIfPresent(position, forKey: .position)
    }

    public static func == (left: SnapshotDetail, right: SnapshotDetail) -> Bool {
        left.storage === right.storage || (left.cover == right.cover && left.balance == right.balance && left.position == right.position)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cover)
        hasher.combine(balance)
        hasher.combine(position)
    }
}

/// The hysteresis of a score: where the last alerted drop left it.
public struct ScoreWatch: Hashable, Sendable, Codable {
    /// The normalized (0–100) score the last drop was alerted at.
    public var alertedLevel: Double
    /// The first observation day of the current stretch above `alertedLevel + margin`.
    public var recoveringSince: CalendarDay?

    public init(alertedLevel: Double, recoveringSince: CalendarDay? = nil) {
        self.alertedLevel = alertedLevel
        self.recoveringSince = recoveringSince
    }
}

/// One judgment that changed a company's procedure status.
public struct ProcedureStep: Hashable, Sendable, Codable {
    public var noticeID: String
    public var status: ProcedureStatus
    public var on: CalendarDay?

    public init(noticeID: String, status: ProcedureStatus, on: CalendarDay?) {
        self.noticeID = noticeID
        self.status = status
        self.on = on
    }
}

/// A snapshot's record of a provider's facts: the next observation's new ones are events.
public struct ProviderFacts: Hashable, Sendable, Codable {
    public var inFailure: Bool?
    /// Every fact key seen so far (`ProviderFact.key`): a fact that leaves the report's window
    /// and comes back is not news again.
    public var keys: [String]
    public var privileges: Int?
    /// The provider has listed its facts at least once: from then on, a new one is news.
    public var listed: Bool

    public init(inFailure: Bool? = nil, keys: [String] = [], privileges: Int? = nil, listed: Bool = false) {
        self.inFailure = inFailure
        self.keys = keys
        self.privileges = privileges
        self.listed = listed
    }
}
