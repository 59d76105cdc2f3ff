import Foundation
import VigieCore

/// One cycle's record of its sources: which are due (a source with its own interval waits for
/// it), which were polled, and how each fared, with the source-health alerts that follow. It is
/// committed with the cycle.
struct SourceLedger {
    let lastPolls: [String: Date]
    let healthBefore: [String: SourceHealth]
    let intervals: [String: Duration]
    let configuration: SourceHealthTracker.Configuration
    let now: Date

    private(set) var polled: [String] = []
    private(set) var waiting: [String] = []
    private(set) var failing: [String] = []
    private(set) var health: [SourceHealth] = []
    private(set) var alerts: [AlertChange] = []

    /// Whether a source is due: no interval of its own, never polled, or its interval has passed
    /// (less a minute or a tenth, so that cycles drifting by seconds do not skip one). A due
    /// source counts as polled.
    mutating func due(_ source: String) -> Bool {
        if let interval = intervals[source], let last = lastPolls[source] {
            let seconds = Double(interval.components.seconds)
            guard now.timeIntervalSince(last) >= seconds - min(60, seconds / 10) else {
                waiting.append(source)
                return false
            }
        }
        polled.append(source)
        return true
    }

    /// Records how a polled source fared; returns the source-health alert it raises, if any.
    mutating func record(_ source: String, _ outcome: SourceHealthTracker.Outcome) -> Alert? {
        let before = healthBefore[source] ?? SourceHealth(source: source)
        let (after, alert) = SourceHealthTracker.apply(outcome, to: before, configuration: configuration, now: now)
        if after != before { health.append(after) }
        if case .failed = outcome { failing.append(source) }
        if let alert { alerts.append(.raised(alert)) }
        return alert
    }

    /// Records a watchlist file's problems (none when it read cleanly); returns the alert it raises, if any.
    mutating func record(watchlist file: String, problems: [FileIssue]) -> Alert? {
        let key = WatchlistProblemTracker.key(file: file)
        let before = healthBefore[key] ?? SourceHealth(source: key)
        let (after, alert) = WatchlistProblemTracker.apply(problems, to: before, now: now)
        if after != before { health.append(after) }
        if let alert { alerts.append(.raised(alert)) }
        return alert
    }
}
