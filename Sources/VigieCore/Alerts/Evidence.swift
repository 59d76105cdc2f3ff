import Foundation

/// Why an alert was raised: what a person needs to check it, without Vigie.
public enum Evidence: Hashable, Sendable, Codable {
    case notice(NoticeEvidence)
    case observation(ObservationEvidence)
    /// A data source failing cycle after cycle, or back after failing.
    case source(SourceEvidence)
    /// A case: resolved, still open (a reminder), or its claims deadline near.
    case `case`(CaseEvidence)
    /// A provider's scores moving the same way for much of the portfolio at once.
    case shift(ShiftEvidence)
    /// A periodic summary for one owner.
    case digest(OwnerDigest)

    /// The part of the alert's identity that says which real event this is.
    public var identityKey: String {
        switch self {
        case .notice(let notice): "notice:\(notice.noticeID)"
        case .observation(let observation): observation.identityKey
        case .source(let source): "source:\(source.source):\(source.state.rawValue):\(source.failingSince.timeIntervalSince1970)"
        case .case(let item): "case:\(item.caseID):\(item.purpose.rawValue)"
        case .shift(let shift): "shift:\(shift.provider):\(shift.compared):\(shift.weakened)"
        case .digest(let digest): "digest:\(digest.owner):\(digest.since?.timeIntervalSince1970 ?? 0)"
        }
    }
}

/// A BODACC notice, as evidence.
public struct NoticeEvidence: Hashable, Sendable, Codable {
    public var noticeID: String
    public var noticeKind: BodaccNotice.Kind
    /// The notice's public page on bodacc.fr.
    public var url: String?
    public var published: CalendarDay?
    public var judgmentDate: CalendarDay?
    public var tribunal: String?
    public var famille: String?
    public var nature: String?
    /// The court's own words (`complementJugement`), as published.
    public var complement: String?
    public var procedure: Procedure?
    public var fromProcedure: Procedure?
    public var statusAfter: ProcedureStatus?
    public var detail: String?
    /// For a rectificatif or an annulation: the notice it replaces.
    public var supersedes: String?
    /// Every earlier notice this evidence corrects, oldest first: an alert revised by
    /// rectificatifs still answers to the original's id, so that an annulation of the original
    /// retracts it whichever revision it is at. Nil in alerts stored before it existed.
    public var corrects: [String]?
    /// How the notice was tied to the company: nil by its SIREN; `name_postcode` for a notice
    /// that names no SIREN, matched by name and postcode (a weaker match).
    public var match: String?
    /// For a judgment that opens a claims period: the deadline and the officer to declare to.
    public var claims: ClaimsDeadline?

    public init(notice: BodaccNotice, classification: NoticeClassification) {
        self.noticeID = notice.id
        self.noticeKind = notice.kind
        self.url = notice.pageURL
        self.published = notice.published
        self.judgmentDate = notice.judgment?.date
        self.tribunal = notice.tribunal
        self.famille = notice.judgment?.famille
        self.nature = classification.nature
        self.complement = notice.judgment?.complement
        self.procedure = classification.procedure
        self.fromProcedure = classification.fromProcedure
        self.statusAfter = classification.statusAfter
        self.detail = classification.detail
        self.supersedes = notice.supersedes
        self.claims = ClaimsDeadline.of(notice, event: classification.event)
    }
}

/// A change between two provider observations, as evidence: provider, date, old → new.
public struct ObservationEvidence: Hashable, Sendable, Codable {
    public var provider: String
    public var observedOn: CalendarDay
    public var previousOn: CalendarDay?
    /// What changed, e.g. `score`, `rating`, `credit_limit`, `status`.
    public var field: String
    public var old: String?
    public var new: String?
    /// Which thresholds were crossed: `points`, `percent`, `band`.
    public var reasons: [String]
    /// The provider's latest legal event on the company (a judgement, a registry change), for
    /// context; not part of the identity.
    public var latestLegalEvent: String?
    /// For a limit cut or cancelled: the new limit, as an amount, for what still covers the client.
    public var newLimit: Money?
    /// For a money-at-risk alert: the amount it is about (the uncovered part, the new limit)
    /// and the one it is measured against (what is owed, the old limit): worded per language,
    /// not part of the identity.
    public var amount: Money?
    public var reference: Money?

    public init(
        provider: String, observedOn: CalendarDay, previousOn: CalendarDay?, field: String, old: String?, new: String?,
        reasons: [String] = [], latestLegalEvent: String? = nil
    ) {
        self.provider = provider
        self.observedOn = observedOn
        self.previousOn = previousOn
        self.field = field
        self.old = old
        self.new = new
        self.reasons = reasons
        self.latestLegalEvent = latestLegalEvent
    }

    var identityKey: String {
        "observation:\(provider):\(observedOn.iso):\(field):\(old ?? "-")->\(new ?? "-")"
    }
}

/// A source's health, as evidence: which source, since when it fails, for how many cycles, and
/// the last error it gave (errors name scheme and host only, never credentials).
public struct SourceEvidence: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable {
        case failing
        case recovered
    }

    /// `score:creditsafe`, `feed:bodacc`.
    public var source: String
    public var state: State
    /// The first failing cycle of this outage: it tells one outage from the next.
    public var failingSince: Date
    /// Failing cycles in a row (for a recovery, how many there were).
    public var failingCycles: Int
    public var lastError: String?
    public var recoveredAt: Date?

    public init(source: String, state: State, failingSince: Date, failingCycles: Int, lastError: String?, recoveredAt: Date? = nil) {
        self.source = source
        self.state = state
        self.failingSince = failingSince
        self.failingCycles = failingCycles
        self.lastError = lastError
        self.recoveredAt = recoveredAt
    }

    /// `creditsafe` from `score:creditsafe`.
    public var sourceName: String {
        source.split(separator: ":", maxSplits: 1).last.map(String.init) ?? source
    }

    /// The source as people write it: `BODACC`, `Ellisphère`, `Creditsafe`; a watchlist by its file name.
    public var displayName: String {
        if isWatchlist { return (sourceName as NSString).lastPathComponent }
        if isChannel { return sourceName }
        return ProviderName.display(sourceName)
    }

    /// A watchlist file's problems, rather than a data source's.
    public var isWatchlist: Bool { source.hasPrefix("watchlist:") }
    /// An alert channel failing, rather than a data source.
    public var isChannel: Bool { source.hasPrefix("channel:") }
}
