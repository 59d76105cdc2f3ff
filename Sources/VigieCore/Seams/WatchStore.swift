import Foundation

/// Where Vigie keeps what it knows, split by concern so that each part of Vigie asks for only
/// what it uses, and a second implementation (PostgreSQL) implements small pieces:
///
/// - `CycleStore`: what a watch cycle reads and writes in one transaction;
/// - `OutboxStore`: deliveries, their attempts and dead letters;
/// - `AlertQueries`: alerts for people (`vigie alerts`, later the API);
/// - `CaseQueries`: cases for people, and what they do to them (`vigie cases`);
/// - `WatchlistArchive`: the last good version of each watchlist.
public protocol WatchStore: CycleStore, OutboxStore, AlertQueries, CaseQueries, WatchlistArchive, MaintenanceStore {}

/// Cases as people look for them, and their actions on them.
public protocol CaseQueries: Sendable {
    /// Cases the filter admits (filtering on what the store indexes; the rest is the filter's).
    func cases(_ filter: CaseFilter) async throws -> [Case]
    func `case`(id: String) async throws -> Case?
    /// The case's audit trail, oldest first.
    func caseEntries(caseID: String) async throws -> [CaseEntry]
    /// The alerts that are the case's facts and messages, oldest first.
    func alerts(caseID: String) async throws -> [Alert]
    /// Writes a person's action in one transaction: the case at its new version, refused with
    /// `CaseConflict` when someone changed it since `update.before` was read; the audit entry;
    /// and the alerts it raises (a resolution), queued where `destinations` says.
    func act(_ update: CaseBook.Update, entry: CaseEntry, alerts: [Alert], destinations: [String: [Router.Destination]], at: Date) async throws
}

/// Someone else changed the case between reading it and writing an action on it.
public struct CaseConflict: Error, CustomStringConvertible {
    public var caseID: String

    public init(caseID: String) {
        self.caseID = caseID
    }

    public var description: String { "case \(caseID) changed while the action was written; look at it again (vigie cases show \(caseID)) and retry" }
}

/// Which cases to list, and in which order.
public struct CaseFilter: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable, CaseIterable {
        /// The most money at stake first, then the gravest, then the oldest.
        case exposure
        /// The oldest first.
        case age
    }

    /// Only cases not resolved.
    public var activeOnly: Bool
    public var state: CaseState?
    public var owner: String?
    public var siren: SIREN?
    public var minSeverity: Severity?
    /// Only cases of companies this watchlist watches (by its name).
    public var watchlist: String?
    public var order: Order
    /// The moment states are read at (a snooze past its date is open), from the caller's clock.
    public var asOf: Date

    public init(activeOnly: Bool = false, state: CaseState? = nil, owner: String? = nil, siren: SIREN? = nil, minSeverity: Severity? = nil, order: Order = .exposure, asOf: Date) {
        self.asOf = asOf
        self.activeOnly = activeOnly
        self.state = state
        self.owner = owner
        self.siren = siren
        self.minSeverity = minSeverity
        self.order = order
    }

    /// Whether the case belongs in the list as of `asOf` (a snooze past its date is open).
    public func admits(_ item: Case) -> Bool {
        let current = item.state(at: asOf)
        if activeOnly, !current.isActive { return false }
        if let state, current != state { return false }
        if let owner, item.owner?.lowercased() != owner.lowercased() { return false }
        if let siren, item.siren != siren { return false }
        if let minSeverity, item.severity < minSeverity { return false }
        if let watchlist, !item.watch.contains(where: { $0.watchlist == watchlist }) { return false }
        return true
    }

    /// The admitted cases in the filter's order: one rule for every store and every reader.
    public func apply(_ cases: [Case]) -> [Case] {
        cases.filter(admits).sorted { a, b in
            switch order {
            case .exposure:
                if a.exposureForSorting != b.exposureForSorting { return a.exposureForSorting > b.exposureForSorting }
                if a.severity != b.severity { return a.severity > b.severity }
                return (a.openedAt, a.id) < (b.openedAt, b.id)
            case .age:
                return (a.openedAt, a.id) < (b.openedAt, b.id)
            }
        }
    }
}

/// Keeping the store the size of what matters: history older than the retention goes.
public protocol MaintenanceStore: Sendable {
    /// Deletes observations recorded before `observationsBefore` (a company's latest from
    /// each source is kept, so its timeline never empties) and attempts made before
    /// `attemptsBefore` on deliveries no longer pending. `dryRun` counts without deleting.
    func prune(observationsBefore: Date?, attemptsBefore: Date?, dryRun: Bool) async throws -> PruneReport
}

/// Where a store's schema stands against the migrations this Vigie knows, read without
/// changing anything (`vigie store migrate --dry-run`).
public struct SchemaStatus: Sendable, Hashable {
    /// Where the store is (a path), for messages.
    public var location: String
    /// False when the store does not exist yet: every migration is pending.
    public var exists: Bool
    /// Migrations already applied, oldest first.
    public var applied: [String]
    /// Migrations a writer would apply, in order.
    public var pending: [String]
    /// Migrations applied by a newer Vigie, unknown to this one: the store is refused.
    public var unknown: [String]

    public init(location: String, exists: Bool, applied: [String], pending: [String], unknown: [String]) {
        self.location = location
        self.exists = exists
        self.applied = applied
        self.pending = pending
        self.unknown = unknown
    }
}

/// What a prune removed (or would remove).
public struct PruneReport: Sendable, Hashable {
    public var observations: Int
    public var attempts: Int

    public init(observations: Int = 0, attempts: Int = 0) {
        self.observations = observations
        self.attempts = attempts
    }
}

/// What a cycle reads before it decides, and the one transaction it writes.
///
/// `commit` writes a whole cycle in one transaction, so snapshots and the alerts they raise
/// are never out of step, and re-running a cycle never alerts twice.
public protocol CycleStore: Sendable {
    func snapshots(for sirens: Set<SIREN>) async throws -> SnapshotTable
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
    /// The ids a provider gave companies (Creditsafe's connectIds).
    func providerIDs(provider: String) async throws -> [SIREN: String]
    /// Every case of these companies, by id, resolved or not: a new fact joins or reopens one.
    func cases(for sirens: Set<SIREN>) async throws -> [String: Case]
    /// Cases not resolved: for reminders, deadlines and companies no longer watched.
    func activeCases() async throws -> [Case]
    func commit(_ cycle: CycleCommit) async throws -> CommitSummary
    /// This replica's share of the work until `now + duration`, renewed every cycle: the
    /// shards it holds and the sources among `leadable` it leads. A store with one writer
    /// answers `.everything`.
    func lease(leadable: [String], now: Date, duration: Duration) async throws -> WorkShare
    /// Gives this replica's share back at once, on a graceful stop, so that the others take
    /// it over at their next cycle instead of waiting for the lease to run out.
    func releaseLeases() async throws
    /// Extends, to `now + duration` at least, what this replica holds while a cycle longer than
    /// expected runs, so that no other replica takes its shards or feeds mid-cycle.
    func renewLeases(now: Date, duration: Duration) async throws
}

/// Alerts and a company's history, as people look for them.
public protocol AlertQueries: Sendable {
    func alerts(since: Date?, limit: Int?) async throws -> [Alert]
    func alert(id: String) async throws -> Alert?
    /// What the providers said of a company that changed something, oldest first: the
    /// history behind a company's timeline (an observation that only confirmed is not in it).
    func observations(of siren: SIREN) async throws -> [ScoreObservation]
    /// Every notice kept because it named a watched company, by publication: what `rules
    /// preview` replays.
    func matchedNotices() async throws -> [BodaccNotice]
}

/// The outbox: one delivery per alert revision and channel, queued with the alert.
public protocol OutboxStore: Sendable {
    /// Deliveries on a channel whose next attempt is due by `due`, oldest first, with the
    /// alert as it was at that revision; with `after`, only those queued after that delivery
    /// (a pass reads its next batch while the current one is being sent). A delivery whose
    /// stored alert cannot be read is returned apart, with the reason: it must not stop the others.
    func dueDeliveries(channel: String, due: Date, after: Int64?, limit: Int) async throws -> DueDeliveries
    /// A channel's pending deliveries, the oldest first, due or not, as people list them:
    /// nothing is claimed (a replica's claim would keep the others from sending them).
    func pendingDeliveries(channel: String, limit: Int) async throws -> DueDeliveries
    /// When the next pending delivery of a channel is due; nil when none is pending.
    func nextDue(channel: String) async throws -> Date?
    /// Records attempts and the states they lead to, in one transaction.
    func recordAttempts(_ attempts: [DeliveryAttempt]) async throws
    /// Dead-letters deliveries whose stored alert cannot be read, each with a failed attempt
    /// that says why, in one transaction: `alerts dead` lists them, `alerts redeliver` retries them.
    func deadLetter(_ unreadable: [UnreadableDelivery], at: Date) async throws
    /// Queues alert revisions on a channel (the fallback of a dead one); already queued ones are left.
    func enqueue(_ deliveries: [(alertID: String, revision: Int)], channel: String, at: Date) async throws
    /// Every dead-lettered delivery.
    func deadDeliveries() async throws -> [DeliveryRecord]
    /// Puts dead deliveries back in the queue, due now: one alert's, or all. Returns how many.
    func redeliver(alertID: String?, at: Date) async throws -> Int
    /// Every delivery of an alert, with each attempt.
    func deliveries(alertID: String) async throws -> [DeliveryRecord]
    /// Per channel: deliveries pending, the oldest one's queue time, and dead letters.
    func outboxSummary() async throws -> [String: OutboxSummary]
}

extension OutboxStore {
    /// The first due deliveries of a channel.
    public func dueDeliveries(channel: String, due: Date, limit: Int) async throws -> DueDeliveries {
        try await dueDeliveries(channel: channel, due: due, after: nil, limit: limit)
    }
}

/// One channel's queue, for `vigie status` and the metrics.
public struct OutboxSummary: Sendable, Hashable {
    public var pending: Int
    public var oldestPending: Date?
    public var dead: Int

    public init(pending: Int = 0, oldestPending: Date? = nil, dead: Int = 0) {
        self.pending = pending
        self.oldestPending = oldestPending
        self.dead = dead
    }
}

/// The last version of each watchlist that read cleanly: what stays in force when a file breaks.
public protocol WatchlistArchive: Sendable {
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
    /// Snapshots an observation confirmed unchanged: their `confirmed_at` moves, nothing is added.
    public var confirmed: [SnapshotKey] = []
    /// Ids providers gave companies this cycle, by provider.
    public var providerIDs: [String: [SIREN: String]] = [:]
    /// Cases the cycle's facts changed, with the version each was read at.
    public var caseUpdates: [CaseBook.Update] = []
    /// The audit entries of what the facts did to cases.
    public var caseEntries: [CaseEntry] = []
    /// Where each alert's revision is queued, by alert id: routed here, by the caller, so that
    /// the store only writes what it is given.
    public var destinations: [String: [Router.Destination]]
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
        self.destinations = Dictionary(alertChanges.map { ($0.alert.id, router.destinations(for: $0.alert)) }, uniquingKeysWith: { _, last in last })
        self.at = at
    }
}

/// What a commit actually changed, after idempotence: an alert already stored is not new.
public struct CommitSummary: Sendable, Hashable {
    public var alertsRaised: Int
    public var alertsRevised: Int
    public var alertsRetracted: Int
    public var deliveriesQueued: Int
    /// New alerts by `kind|severity`, for the metrics.
    public var raisedByKind: [String: Int] = [:]

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

/// A batch of due deliveries: those ready to send, and those whose stored alert no reader
/// can read (a document damaged in the store, or written by a later version of Vigie).
public struct DueDeliveries: Sendable, Hashable {
    public var ready: [PendingDelivery]
    public var unreadable: [UnreadableDelivery]

    public init(ready: [PendingDelivery] = [], unreadable: [UnreadableDelivery] = []) {
        self.ready = ready
        self.unreadable = unreadable
    }

    /// The last delivery read, readable or not: the next batch starts after it.
    public var last: Int64? { [ready.last?.id, unreadable.last?.id].compactMap { $0 }.max() }
    public var isEmpty: Bool { ready.isEmpty && unreadable.isEmpty }
    public var count: Int { ready.count + unreadable.count }
}

/// A queued delivery whose stored alert cannot be read: named by its alert and revision, since
/// the alert itself is what could not be read.
public struct UnreadableDelivery: Sendable, Hashable {
    public var id: Int64
    public var alertID: String
    public var revision: Int
    public var channel: String
    /// Attempts made so far.
    public var attempts: Int
    public var queuedAt: Date
    /// What the reader found wrong, and where in the document; never the document itself.
    public var reason: String

    public init(id: Int64, alertID: String, revision: Int, channel: String, attempts: Int, queuedAt: Date, reason: String) {
        self.id = id
        self.alertID = alertID
        self.revision = revision
        self.channel = channel
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.reason = reason
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
        public var outcome: AttemptOutcome
        public var httpStatus: Int?
        public var error: String?

        public init(at: Date, outcome: AttemptOutcome, httpStatus: Int?, error: String?) {
            self.at = at
            self.outcome = outcome
            self.httpStatus = httpStatus
            self.error = error
        }
    }

    public var alertID: String
    public var revision: Int
    public var channel: String
    public var status: DeliveryStatus
    public var queuedAt: Date
    public var nextAttemptAt: Date?
    public var deadReason: String?
    public var attempts: [Attempt]

    public init(alertID: String, revision: Int, channel: String, status: DeliveryStatus, queuedAt: Date, nextAttemptAt: Date?, deadReason: String?, attempts: [Attempt]) {
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

/// Where a delivery stands.
public enum DeliveryStatus: String, Sendable, Hashable, Codable {
    case pending
    case delivered
    case dead
}

/// How one attempt went.
public enum AttemptOutcome: String, Sendable, Hashable, Codable {
    case delivered
    case failed
}

/// Why a store cannot be used, whichever it is: what is wrong and what to do, never a secret.
public struct StoreFailure: Error, CustomStringConvertible {
    public enum Kind: Sendable {
        /// No store yet where a reader looked: nothing has run there.
        case missing
        /// The file or database is not a usable store: damaged, empty, someone else's.
        case unusable
        /// Another process writes it.
        case locked
        /// Written by an older Vigie: a writer must upgrade it first.
        case outdated
    }

    public var kind: Kind = .unusable
    public var description: String

    public init(kind: Kind = .unusable, description: String) {
        self.kind = kind
        self.description = description
    }
}
