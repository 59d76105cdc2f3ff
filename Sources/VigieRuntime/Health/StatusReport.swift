import Foundation
import VigieCore

/// Where Vigie stands, as `vigie status` prints it (and cron or Nagios reads its exit code):
/// the last cycle and its age, each source's health, each channel's queue, dead letters, open
/// cases by severity. A pure reading of what the store holds, with the time passed in.
public struct StatusReport: Sendable {
    public enum Verdict: Int32, Sendable, Comparable {
        case healthy = 0
        /// Working, with something to look at: a failing source, dead letters, a late cycle or queue.
        case degraded = 1
        /// Not watching: no cycle yet, or none for four intervals.
        case down = 2

        public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var verdict = Verdict.healthy
    /// What makes it degraded or down, each with what to do.
    public var problems: [String] = []
    public var lines: [String] = []

    public static func assess(
        now: Date, interval: Duration, lastPolls: [String: Date], health: [String: SourceHealth], outbox: [String: OutboxSummary], cases: [Case]
    ) -> StatusReport {
        var report = StatusReport()
        func flag(_ verdict: Verdict, _ problem: String) {
            report.verdict = max(report.verdict, verdict)
            report.problems.append(problem)
        }
        func ago(_ date: Date) -> String {
            let seconds = Int(now.timeIntervalSince(date))
            switch seconds {
            case ..<120: return "\(seconds) s ago"
            case ..<7200: return "\(seconds / 60) min ago"
            case ..<172_800: return "\(seconds / 3600) h ago"
            default: return "\(seconds / 86_400) days ago"
            }
        }
        let every = Int(interval.seconds)
        if let last = lastPolls.values.max() {
            report.lines.append("last cycle: \(last.iso8601) (\(ago(last)); interval \(every / 60 > 0 ? "\(every / 60) min" : "\(every) s"))")
            let age = now.timeIntervalSince(last)
            if age > 4 * interval.seconds {
                flag(.down, "no cycle for \(ago(last).replacingOccurrences(of: " ago", with: "")): is vigie run running? (systemctl status vigie, or its container's logs)")
            } else if age > 2 * interval.seconds {
                flag(.degraded, "the last cycle is older than two intervals: a cycle may be slow or stuck (GET /healthz says which)")
            }
        } else {
            report.lines.append("last cycle: none yet")
            flag(.down, "no cycle has run against this store: start vigie run (or vigie run --once)")
        }

        // Sources by their key; per-shard polls (`score:pappers#17`) count under their source.
        var sources = Set(health.keys)
        for key in lastPolls.keys { sources.insert(String(key.split(separator: "#").first ?? Substring(key))) }
        for source in sources.sorted() where !source.hasPrefix("watchlist:") && !source.hasPrefix("channel:") {
            let polled = lastPolls.filter { $0.key == source || $0.key.hasPrefix(source + "#") }.values.max()
            let state = health[source]
            if let state, state.consecutiveFailures > 0 {
                let since = state.failingSince.map { " since \($0.iso8601)" } ?? ""
                report.lines.append("source \(source): failing, \(state.consecutiveFailures) cycle\(state.consecutiveFailures == 1 ? "" : "s")\(since)\(state.lastError.map { " — \($0)" } ?? "")")
                flag(.degraded, "\(source) is failing: \(state.lastError ?? "see the log") (vigie providers test checks credentials and reach)")
            } else {
                report.lines.append("source \(source): ok\(polled.map { ", polled \(ago($0))" } ?? "")")
            }
        }

        let late = max(3600, 2 * interval.seconds)
        var dead = 0
        for channel in outbox.keys.sorted() {
            let queue = outbox[channel]!
            dead += queue.dead
            var line = "channel \(channel): \(queue.pending) pending"
            if let oldest = queue.oldestPending {
                line += ", oldest queued \(ago(oldest))"
                if now.timeIntervalSince(oldest) > late { flag(.degraded, "\(channel) has deliveries waiting since \(oldest.iso8601): the channel may be down (vigie channels test \(channel))") }
            }
            if queue.dead > 0 { line += ", \(queue.dead) dead" }
            report.lines.append(line)
        }
        if dead > 0 { flag(.degraded, "\(dead) dead letter\(dead == 1 ? "" : "s"): fix the cause, then vigie alerts redeliver --all-dead (vigie alerts dead says why)") }
        if outbox.isEmpty { report.lines.append("outbox: empty") }

        let open = cases.filter { $0.state(at: now).isActive }
        let counts = Dictionary(grouping: open, by: \.severity).mapValues(\.count)
        let parts = Severity.allCases.reversed().compactMap { severity in counts[severity].map { "\($0) \(severity.rawValue)" } }
        let unacknowledged = open.filter { $0.state(at: now) == .open && $0.severity >= .high }.count
        report.lines.append("open cases: \(open.count)\(parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")\(unacknowledged > 0 ? "; \(unacknowledged) high or critical not acknowledged" : "")")
        return report
    }

    /// The report as `vigie status` prints it.
    public var text: String {
        let word = switch verdict {
        case .healthy: "healthy"
        case .degraded: "degraded"
        case .down: "down"
        }
        var all = ["vigie: \(word)"] + lines.map { "  \($0)" }
        if !problems.isEmpty { all += ["problems:"] + problems.map { "  - \($0)" } }
        return all.joined(separator: "\n")
    }
}
