import Foundation

/// Turns a watchlist file's problems into alerts for the people who run Vigie: one
/// `watchlist_problem` alert per distinct set of problems (the same broken line, cycle after
/// cycle, is alerted once; a new problem is alerted again), and `watchlist_fixed` when the file
/// reads cleanly again.
///
/// Its state is kept as a `SourceHealth` under `watchlist:<file>`, committed with the cycle, so
/// that a restart does not alert the same problems twice.
public enum WatchlistProblemTracker {
    public static let problemKind = "watchlist_problem"
    public static let fixedKind = "watchlist_fixed"

    /// `watchlist:<file>`.
    public static func key(file: String) -> String { "watchlist:\(file)" }

    /// The file's state after this cycle, and the alert it raises, if any. `problems` holds the
    /// file's errors (warnings aside); empty when the file read cleanly.
    public static func apply(_ problems: [FileIssue], to health: SourceHealth, now: Date) -> (SourceHealth, Alert?) {
        guard !problems.isEmpty else {
            guard let alertID = health.alertID, let since = health.failingSince else { return (SourceHealth(source: health.source), nil) }
            let evidence = SourceEvidence(
                source: health.source, state: .recovered, failingSince: since, failingCycles: health.consecutiveFailures,
                lastError: health.lastError, recoveredAt: now
            )
            return (SourceHealth(source: health.source), alert(evidence, kind: fixedKind, title: "Watchlist \(evidence.displayName) fixed", related: alertID, now: now))
        }
        let summary = Self.summary(problems)
        var after = health
        after.consecutiveFailures += 1
        if health.alertID != nil, health.lastError == summary { return (after, nil) }
        let evidence = SourceEvidence(source: health.source, state: .failing, failingSince: now, failingCycles: 1, lastError: summary)
        let title = "Watchlist \(evidence.displayName): \(problems.count) problem\(problems.count == 1 ? "" : "s")"
        let raised = alert(evidence, kind: problemKind, title: title, related: health.alertID, now: now)
        after = SourceHealth(source: health.source, consecutiveFailures: 1, failingSince: now, alertID: raised.id, lastError: summary)
        return (after, raised)
    }

    /// The problems as `file:line: message` lines, at most `shown` of them and a count of the rest.
    static func summary(_ problems: [FileIssue], shown: Int = 10) -> String {
        var lines = problems.prefix(shown).map(\.description)
        if problems.count > shown { lines.append("… and \(problems.count - shown) more; run vigie watchlist check") }
        return lines.joined(separator: "\n")
    }

    static func alert(_ evidence: SourceEvidence, kind: String, title: String, related: String?, now: Date) -> Alert {
        Alert(
            id: AlertIdentity.id(subject: "source:\(evidence.source)", kind: kind, evidenceKey: Evidence.source(evidence).identityKey),
            siren: nil, companyName: nil, kind: kind, severity: .high, title: title, evidence: .source(evidence), watch: [],
            relatedAlertID: related, createdAt: now
        )
    }
}
