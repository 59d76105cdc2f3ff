import Foundation

/// What Vigie tells people: one per real event, with the evidence and what is at stake.
public struct Alert: Hashable, Sendable, Codable, Identifiable {
    public enum State: String, Hashable, Sendable, Codable {
        case active
        /// The event was undone: the notice was cancelled, or the judgment retracted.
        case retracted
    }

    /// Derived from (company, kind, evidence): the same event always has the same id.
    public var id: String
    /// 1 when raised; each correction (a rectificatif) adds one. Channels deliver every revision.
    public var revision: Int
    public var state: State
    /// The company; nil for an alert about Vigie's own sources (a provider failing, then recovering).
    public var siren: SIREN?
    public var companyName: String?
    /// The event kind: a `NoticeEvent` raw value, a score event (`score_drop`…) or `alert_retracted`.
    public var kind: String
    public var severity: Severity
    /// One line a credit manager understands: "Liquidation judiciaire opened".
    public var title: String
    public var evidence: Evidence
    /// The watchlist entries that watch this company: who owns it, what is at stake.
    public var watch: [WatchContext]
    /// The alert this one is about, for a follow-up (a retraction names the alert it retracts).
    public var relatedAlertID: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The case this alert is a fact of; nil for alerts that are no company's trouble.
    public var caseID: String?
    /// Whether the alert was sent, or only recorded on its case (merged, inhibited…).
    public var disposition: Disposition?
    /// Other sources that reported the same fact (Pappers beside Creditsafe): one message lists them all.
    public var alsoReportedBy: [String]?
    /// The severity rule that raised this alert's severity, for money at stake.
    public var escalatedBy: String?
    /// What to do, by language code (`en`, `fr`): filled when the alert is told.
    public var nextActions: [String: [String]]?
    /// What the client owes, what covers it and what is uncovered, when the alert was raised.
    @Boxed public var position: Position?

    public init(
        id: String, revision: Int = 1, state: State = .active, siren: SIREN?, companyName: String?, kind: String,
        severity: Severity, title: String, evidence: Evidence, watch: [WatchContext], relatedAlertID: String? = nil,
        createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.revision = revision
        self.state = state
        self.siren = siren
        self.companyName = companyName
        self.kind = kind
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.watch = watch
        self.relatedAlertID = relatedAlertID
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// What the alert is about, as its identity names it: the SIREN, or `source:<name>`.
    public var subjectKey: String {
        if let siren { return siren.digits }
        if case .source(let source) = evidence { return "source:\(source.source)" }
        if case .shift(let shift) = evidence { return "source:score:\(shift.provider)" }
        if case .digest(let digest) = evidence { return "owner:\(digest.owner)" }
        return "-"
    }

    /// The notice id this alert rests on, if any.
    public var noticeID: String? {
        if case .notice(let notice) = evidence { return notice.noticeID }
        return nil
    }

    /// A notice tied to the company by name and postcode, not by its SIREN.
    public var isWeakMatch: Bool {
        if case .notice(let notice) = evidence { return notice.match != nil }
        return false
    }

    /// Whether the alert rests on that notice: the one in its evidence, or one its evidence corrects.
    public func restsOn(notice id: String) -> Bool {
        guard case .notice(let notice) = evidence else { return false }
        return notice.noticeID == id || (notice.corrects ?? []).contains(id)
    }

    /// The exposure at stake, by currency: the largest figure any watching list gives. A
    /// company on several lists owes one debt, listed several times: it is never added up.
    /// With an aged balance read, what the client owes by it.
    public var exposure: [String: Decimal] {
        if let position { return [position.currency: position.owed] }
        return WatchContext.exposureInUse(watch)
    }

    /// Each list's figure, when several lists give one and they differ: shown beside the one
    /// in use, so that a reader sees where it comes from.
    public var exposureByList: [(watchlist: String, exposure: Money)] {
        let figures = watch.compactMap { context in context.exposure.map { (watchlist: context.watchlist, exposure: $0) } }
        return Set(figures.map(\.exposure)).count > 1 ? figures : []
    }
}

/// A watchlist entry, as the alert carries it.
public struct WatchContext: Hashable, Sendable, Codable {
    public var watchlist: String
    public var owner: String?
    public var tags: [String]
    public var exposure: Money?
    public var insuredLimit: Money?

    public init(watchlist: String, owner: String?, tags: [String], exposure: Money?, insuredLimit: Money?) {
        self.watchlist = watchlist
        self.owner = owner
        self.tags = tags
        self.exposure = exposure
        self.insuredLimit = insuredLimit
    }

    /// The largest exposure per currency among the contexts: one rule for alerts and watchlists.
    public static func exposureInUse(_ contexts: [WatchContext]) -> [String: Decimal] {
        contexts.reduce(into: [:]) { largest, context in
            if let exposure = context.exposure { largest[exposure.currency] = max(largest[exposure.currency] ?? exposure.amount, exposure.amount) }
        }
    }
}
