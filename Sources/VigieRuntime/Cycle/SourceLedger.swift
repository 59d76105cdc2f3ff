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
        guard isDue(intervals[source], last: lastPolls[source]) else {
            waiting.append(source)
            return false
        }
        polled.append(source)
        return true
    }

    /// The shards of a source that are due, when replicas share the companies: each shard keeps
    /// its own last poll, so a shard that moved to this replica is polled on its own schedule, not
    /// on this replica's. A shard never polled on its own goes by the source's last poll (a store
    /// copied from SQLite). A shard is due once per cycle at most, whichever replica holds it. A
    /// source none of whose shards is due is waiting.
    mutating func dueShards(_ source: String, of shards: Set<Int>, every cycle: Duration?) -> Set<Int> {
        // A source's own interval shorter than a cycle still means once per cycle.
        let interval = [intervals[source], cycle].compactMap { $0 }.max()
        let due = shards.filter { isDue(interval, last: lastPolls[SourceKey.shard(source, $0)] ?? lastPolls[source]) }
        if due.isEmpty && !shards.isEmpty { waiting.append(source) }
        polled += due.sorted().map { SourceKey.shard(source, $0) }
        return due
    }

    private func isDue(_ interval: Duration?, last: Date?) -> Bool {
        guard let interval, let last else { return true }
        let seconds = Double(interval.components.seconds)
        return now.timeIntervalSince(last) >= seconds - min(60, seconds / 10)
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
