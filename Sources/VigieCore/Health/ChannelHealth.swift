import Foundation

/// Decides when a failing alert channel becomes an alert of its own, sent to the other
/// channels, and when its recovery does.
///
/// A chat webhook failing for a minute is noise (the outbox retries); failing for longer than
/// `after` means alerts are not reaching the people on that channel, which they, or whoever
/// runs Vigie, must learn elsewhere. State is kept as a `SourceHealth` under `channel:<name>`,
/// so that a restart mid-outage does not alert it again.
public enum ChannelHealthTracker {
    public static let failingKind = "channel_failing"
    public static let recoveredKind = "channel_recovered"

    /// `channel:<name>`.
    public static func key(channel: String) -> String { "channel:\(channel)" }

    /// The channel fails since `since` (its first failure in a row): once it has failed for
    /// `after`, the alert and the state that records it; nil before that, or once alerted.
    public static func failing(_ health: SourceHealth, since: Date, lastError: String, after: Duration, now: Date) -> (SourceHealth, Alert)? {
        guard health.alertID == nil, now.timeIntervalSince(since) >= after.seconds else { return nil }
        let evidence = SourceEvidence(source: health.source, state: .failing, failingSince: since, failingCycles: 0, lastError: lastError)
        let alert = alert(evidence, kind: failingKind, title: "Channel \(evidence.displayName) failing since \(since.iso8601); its alerts wait in the outbox", related: nil, now: now)
        return (SourceHealth(source: health.source, failingSince: since, alertID: alert.id, lastError: lastError), alert)
    }

    /// The channel delivered again: the recovery alert when its failure was alerted, and the
    /// cleared state; nil when there was nothing to clear.
    public static func recovered(_ health: SourceHealth, now: Date) -> (SourceHealth, Alert)? {
        guard let alertID = health.alertID, let since = health.failingSince else { return nil }
        let evidence = SourceEvidence(
            source: health.source, state: .recovered, failingSince: since, failingCycles: health.consecutiveFailures,
            lastError: health.lastError, recoveredAt: now
        )
        return (SourceHealth(source: health.source), alert(evidence, kind: recoveredKind, title: "Channel \(evidence.displayName) delivering again", related: alertID, now: now))
    }

    static func alert(_ evidence: SourceEvidence, kind: String, title: String, related: String?, now: Date) -> Alert {
        Alert(
            id: AlertIdentity.id(subject: "source:\(evidence.source)", kind: kind, evidenceKey: Evidence.source(evidence).identityKey),
            siren: nil, companyName: nil, kind: kind, severity: .high, title: title, evidence: .source(evidence), watch: [],
            relatedAlertID: related, createdAt: now
        )
    }
}
