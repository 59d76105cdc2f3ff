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
    func commit(_ cycle: CycleCommit) async throws -> CommitSummary

    func alerts(since: Date?, limit: Int?) async throws -> [Alert]
    func alert(id: String) async throws -> Alert?

    /// Deliveries still to make on a channel, oldest first, with the alert as it was at that revision.
    func pendingDeliveries(channel: String, limit: Int) async throws -> [PendingDelivery]
    /// Records the outcomes of a batch of attempts in one transaction.
    func recordDeliveries(_ outcomes: [(delivery: PendingDelivery, outcome: DeliveryOutcome)], at: Date) async throws

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
    /// The channels every alert revision is queued for.
    public var channels: [String]
    public var at: Date

    public init(
        snapshots: [Snapshot], observations: [ScoreObservation], alertChanges: [AlertChange],
        notices: [(notice: BodaccNotice, sirens: [SIREN])], ignoredNoticeIDs: [String] = [],
        cursors: [String: String], channels: [String], at: Date
    ) {
        self.snapshots = snapshots
        self.observations = observations
        self.alertChanges = alertChanges
        self.notices = notices
        self.ignoredNoticeIDs = ignoredNoticeIDs
        self.cursors = cursors
        self.channels = channels
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
    public var alert: Alert
    public var channel: String
    public var attempts: Int

    public init(alert: Alert, channel: String, attempts: Int) {
        self.alert = alert
        self.channel = channel
        self.attempts = attempts
    }
}

public enum DeliveryOutcome: Sendable, Hashable {
    case delivered
    case failed(String)
}
