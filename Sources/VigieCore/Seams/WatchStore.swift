import Foundation

/// Where Vigie keeps what it knows: snapshots, the observation history, alerts, the outbox,
/// the feeds' cursors and the last good version of each watchlist.
///
/// `commit` writes a whole cycle in one transaction, so snapshots and the alerts they raise
/// are never out of step, and re-running a cycle never alerts twice.
public protocol WatchStore: Sendable {
    func snapshots(for sirens: Set<SIREN>) async throws -> [SnapshotKey: Snapshot]
    /// Notice-based alerts of these companies, for rectificatifs and annulations to find.
    func noticeAlerts(for sirens: Set<SIREN>) async throws -> [SIREN: [Alert]]
    /// Which of these notice ids were already processed.
    func seenNotices(_ ids: [String]) async throws -> Set<String>
    func cursor(for source: String) async throws -> String?
    /// Each source's health, by its key (`score:creditsafe`, `feed:bodacc`).
    func sourceHealth() async throws -> [String: SourceHealth]
    /// When each source was last polled, by its key: sources with their own interval wait for it.
    func lastPolls() async throws -> [String: Date]
    /// The companies whose history a feed has already been asked for.
    func historyLookedUp(feed: String) async throws -> Set<SIREN>
    func commit(_ cycle: CycleCommit) async throws -> CommitSummary

    func alerts(since: Date?, limit: Int?) async throws -> [Alert]
    func alert(id: String) async throws -> Alert?

    /// Deliveries on a channel whose next attempt is due by `due`, oldest first, with the
    /// alert as it was at that revision.
    func dueDeliveries(channel: String, due: Date, limit: Int) async throws -> [PendingDelivery]
    /// When the next pending delivery of a channel is due; nil when none is pending.
    func nextDue(channel: String) async throws -> Date?
    /// Records attempts and the states they lead to, in one transaction.
    func recordAttempts(_ attempts: [DeliveryAttempt]) async throws
    /// Queues alert revisions on a channel (the fallback of a dead one); already queued ones are left.
    func enqueue(_ deliveries: [(alertID: String, revision: Int)], channel: String, at: Date) async throws
    /// Every dead-lettered delivery.
    func deadDeliveries() async throws -> [DeliveryRecord]
    /// Puts dead deliveries back in the queue, due now: one alert's, or all. Returns how many.
    func redeliver(alertID: String?, at: Date) async throws -> Int
    /// Every delivery of an alert, with each attempt.
    func deliveries(alertID: String) async throws -> [DeliveryRecord]

    func lastGoodWatchlist(file: String) async throws -> String?
    func saveGoodWatchlist(file: String, text: String, at: Date) async throws
}

/// Everything one cycle writes, in one transaction.
public struct CycleCommit: Sendable {
    public var snapshots: [Snapshot]
    public var observations: [ScoreObservation]
    public var alertChanges: [AlertChange]
    public var notices: [(notice: BodaccNotice, sirens: [SIREN])]
    /// Notices polled that named no watched company: recorded as seen, so they are not re-read.
    public var ignoredNoticeIDs: [String]
    public var cursors: [String: String]
    /// The health of each source polled this cycle.
    public var sourceHealth: [SourceHealth]
    /// Per feed, the companies whose history was read this cycle.
    public var historyLookups: [String: [SIREN]]
    /// The sources polled this cycle (their keys), whatever the outcome.
    public var polled: [String]
    /// Which channels each alert revision is queued for.
    public var router: Router
    public var at: Date

    public init(
        snapshots: [Snapshot], observations: [ScoreObservation], alertChanges: [AlertChange],
        notices: [(notice: BodaccNotice, sirens: [SIREN])], ignoredNoticeIDs: [String] = [],
        cursors: [String: String], sourceHealth: [SourceHealth] = [], historyLookups: [String: [SIREN]] = [:], polled: [String] = [],
        router: Router, at: Date
    ) {
        self.snapshots = snapshots
        self.observations = observations
        self.alertChanges = alertChanges
        self.notices = notices
        self.ignoredNoticeIDs = ignoredNoticeIDs
        self.cursors = cursors
        self.sourceHealth = sourceHealth
        self.historyLookups = historyLookups
        self.polled = polled
        self.router = router
        self.at = at
    }
}

/// What a commit actually changed, after idempotence: an alert already stored is not new.
public struct CommitSummary: Sendable, Hashable {
    public var alertsRaised: Int
    public var alertsRevised: Int
    public var alertsRetracted: Int
    public var deliveriesQueued: Int

    public init(alertsRaised: Int = 0, alertsRevised: Int = 0, alertsRetracted: Int = 0, deliveriesQueued: Int = 0) {
        self.alertsRaised = alertsRaised
        self.alertsRevised = alertsRevised
        self.alertsRetracted = alertsRetracted
        self.deliveriesQueued = deliveriesQueued
    }
}

/// One alert revision waiting for one channel.
public struct PendingDelivery: Sendable, Hashable {
    public var id: Int64
    public var alert: Alert
    public var channel: String
    /// Attempts made so far.
    public var attempts: Int
    /// When it was queued (or requeued): the retry policy's age limit counts from here.
    public var queuedAt: Date
    /// Deliveries of a channel with the same key are sent together, as one digest.
    public var digestKey: String?

    public init(id: Int64, alert: Alert, channel: String, attempts: Int, queuedAt: Date, digestKey: String? = nil) {
        self.id = id
        self.alert = alert
        self.channel = channel
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.digestKey = digestKey
    }
}

/// One attempt to deliver, and the state it leads to.
public struct DeliveryAttempt: Sendable, Hashable {
    public var delivery: PendingDelivery
    public var at: Date
    /// The HTTP status, when the receiver answered.
    public var httpStatus: Int?
    /// Why it failed; nil when delivered.
    public var error: String?
    public var next: RetryPolicy.State

    public init(delivery: PendingDelivery, at: Date, httpStatus: Int?, error: String?, next: RetryPolicy.State) {
        self.delivery = delivery
        self.at = at
        self.httpStatus = httpStatus
        self.error = error
        self.next = next
    }
}

/// A delivery as `vigie alerts show` and `vigie alerts dead` list it.
public struct DeliveryRecord: Sendable, Hashable {
    public struct Attempt: Sendable, Hashable {
        public var at: Date
        public var outcome: String
        public var httpStatus: Int?
        public var error: String?

        public init(at: Date, outcome: String, httpStatus: Int?, error: String?) {
            self.at = at
            self.outcome = outcome
            self.httpStatus = httpStatus
            self.error = error
        }
    }

    public var alertID: String
    public var revision: Int
    public var channel: String
    /// `pending`, `delivered` or `dead`.
    public var status: String
    public var queuedAt: Date
    public var nextAttemptAt: Date?
    public var deadReason: String?
    public var attempts: [Attempt]

    public init(alertID: String, revision: Int, channel: String, status: String, queuedAt: Date, nextAttemptAt: Date?, deadReason: String?, attempts: [Attempt]) {
        self.alertID = alertID
        self.revision = revision
        self.channel = channel
        self.status = status
        self.queuedAt = queuedAt
        self.nextAttemptAt = nextAttemptAt
        self.deadReason = deadReason
        self.attempts = attempts
    }
}
