import Foundation

/// How a source is named in the store (cursor, health, last poll) and in source-health alerts.
public enum SourceKey {
    /// `score:creditsafe`.
    public static func score(_ provider: String) -> String { "score:\(provider)" }
    /// `feed:bodacc`.
    public static func feed(_ feed: String) -> String { "feed:\(feed)" }
    /// `score:pappers#17`: one shard of a source, when replicas share the companies; its last
    /// poll moves with the shard from one replica to another.
    public static func shard(_ key: String, _ shard: Int) -> String { "\(key)#\(shard)" }
}

/// How one data source has fared, cycle after cycle. Stored with the cycle, so that an outage
/// spanning restarts is still one outage, alerted once.
public struct SourceHealth: Hashable, Sendable {
    /// `score:creditsafe`, `feed:bodacc`: the same key as the source's cursor.
    public var source: String
    public var consecutiveFailures: Int
    /// The first failing cycle of the current outage; nil while healthy.
    public var failingSince: Date?
    /// The failing alert raised for the current outage, once the threshold was reached.
    public var alertID: String?
    public var lastError: String?

    public init(source: String, consecutiveFailures: Int = 0, failingSince: Date? = nil, alertID: String? = nil, lastError: String? = nil) {
        self.source = source
        self.consecutiveFailures = consecutiveFailures
        self.failingSince = failingSince
        self.alertID = alertID
        self.lastError = lastError
    }
}

/// Decides when a source's failures become an alert, and when its recovery does.
///
/// One cycle's bad answer is noise (the next cycle retries); a source failing `failingCycles`
/// cycles in a row means Vigie is blind to it, which whoever relies on its alerts must know.
/// Its recovery is alerted too, at the same severity, so that whoever got the first one gets
/// the all-clear.
public enum SourceHealthTracker {
    public struct Configuration: Sendable, Hashable {
        /// Failing cycles in a row before the alert.
        public var failingCycles = 3
        /// A cycle fails for a source when it throws, or when at least this share of the
        /// companies asked about failed.
        public var failureRatio = 0.5

        public init(failingCycles: Int = 3, failureRatio: Double = 0.5) {
            self.failingCycles = failingCycles
            self.failureRatio = failureRatio
        }
    }

    /// What one cycle of one source came to.
    public enum Outcome: Sendable, Hashable {
        case succeeded
        case failed(String)
    }

    /// A poll's outcome from its counts: it failed when the poll threw, or when too many of the
    /// companies asked about failed.
    public static func outcome(asked: Int, failures: [ProviderFailure], configuration: Configuration) -> Outcome {
        guard !failures.isEmpty, Double(failures.count) >= configuration.failureRatio * Double(max(asked, 1)) else { return .succeeded }
        return .failed("\(failures.count) of \(asked) companies failed; last: \(failures.last!.message)")
    }

    public static let failingKind = "source_failing"
    public static let recoveredKind = "source_recovered"

    /// The source's health after this cycle, and the alert it raises, if any.
    public static func apply(_ outcome: Outcome, to health: SourceHealth, configuration: Configuration, now: Date) -> (SourceHealth, Alert?) {
        var health = health
        switch outcome {
        case .failed(let message):
            health.consecutiveFailures += 1
            health.lastError = message
            let since = health.failingSince ?? now
            health.failingSince = since
            guard health.alertID == nil, health.consecutiveFailures >= max(1, configuration.failingCycles) else { return (health, nil) }
            let evidence = SourceEvidence(source: health.source, state: .failing, failingSince: since, failingCycles: health.consecutiveFailures, lastError: message)
            let alert = alert(evidence, kind: failingKind, title: "\(evidence.displayName) failing for \(health.consecutiveFailures) cycles in a row", related: nil, now: now)
            health.alertID = alert.id
            return (health, alert)
        case .succeeded:
            guard let since = health.failingSince, let failingAlert = health.alertID else { return (SourceHealth(source: health.source), nil) }
            let evidence = SourceEvidence(
                source: health.source, state: .recovered, failingSince: since, failingCycles: health.consecutiveFailures,
                lastError: health.lastError, recoveredAt: now
            )
            let title = "\(evidence.displayName) recovered after \(health.consecutiveFailures) failing cycles"
            return (SourceHealth(source: health.source), alert(evidence, kind: recoveredKind, title: title, related: failingAlert, now: now))
        }
    }

    static func alert(_ evidence: SourceEvidence, kind: String, title: String, related: String?, now: Date) -> Alert {
        Alert(
            id: AlertIdentity.id(subject: "source:\(evidence.source)", kind: kind, evidenceKey: Evidence.source(evidence).identityKey),
            siren: nil, companyName: nil, kind: kind, severity: .high, title: title, evidence: .source(evidence), watch: [],
            relatedAlertID: related, createdAt: now
        )
    }
}
