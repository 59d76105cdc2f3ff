import CoreMetrics
import Foundation
import Prometheus
import VigieCore

/// What Vigie measures, through swift-metrics into a Prometheus registry of its own (no global
/// bootstrap: each application has one, and tests run several side by side), served at
/// `/metrics`. Labels are bounded: kinds, severities, outcomes, and the sources and channels
/// the configuration names; never a company or a secret.
public final class VigieMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // A cycle takes from a second to an hour.
        factory.defaultDurationHistogramBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600].map { Duration.seconds($0) }
        self.factory = factory
    }

    /// A cycle ended: its duration and what it read and raised.
    func cycleEnded(_ report: WatchCycle.Report, duration: Duration) {
        CoreMetrics.Timer(label: "vigie_cycle_duration_seconds", factory: factory).recordNanoseconds(Int64(duration.seconds * 1e9))
        Gauge(label: "vigie_companies_watched", factory: factory).record(report.companies)
        Counter(label: "vigie_observations_total", factory: factory).increment(by: report.observations)
        Counter(label: "vigie_notices_read_total", factory: factory).increment(by: report.notices)
        for (key, count) in report.summary.raisedByKind {
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 2 else { continue }
            Counter(label: "vigie_alerts_raised_total", dimensions: [("kind", parts[0]), ("severity", parts[1])], factory: factory).increment(by: count)
        }
        for (source, failures) in report.failuresBySource {
            Counter(label: "vigie_provider_failures_total", dimensions: [("source", source)], factory: factory).increment(by: failures)
        }
        for (source, asked) in report.askedBySource {
            let failed = min(asked, report.failuresBySource[source] ?? 0)
            Counter(label: "vigie_provider_requests_total", dimensions: [("source", source), ("outcome", "answered"), ("reason", "none")], factory: factory).increment(by: asked - failed)
            for (reason, count) in report.failureReasons[source] ?? [:] {
                Counter(label: "vigie_provider_requests_total", dimensions: [("source", source), ("outcome", "failed"), ("reason", reason.rawValue)], factory: factory).increment(by: count)
            }
            // The provider's breaker: paused when this cycle's calls were refused for failing in a row.
            Gauge(label: "vigie_provider_paused", dimensions: [("source", source)], factory: factory).record((report.failureReasons[source]?[.paused] ?? 0) > 0 ? 1 : 0)
        }
    }

    /// Delivery attempts ended: delivered, failed (to retry) or dead.
    func attempted(channel: String, outcome: String, count: Int) {
        Counter(label: "vigie_deliveries_total", dimensions: [("channel", channel), ("outcome", outcome)], factory: factory).increment(by: count)
    }

    /// The gauges read from the store at scrape time, then the whole registry as text.
    /// - Parameter storeFile: the SQLite file, whose size (with its WAL) is a gauge; nil on PostgreSQL.
    public func scrape(store: any WatchStore, channelsUp: [String: Bool], storeFile: String? = nil, now: Date) async throws -> String {
        if let storeFile {
            let size = [storeFile, storeFile + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber }.reduce(0) { $0 + $1.intValue }
            Gauge(label: "vigie_store_bytes", factory: factory).record(size)
        }
        // Every source polled or failing; per-shard polls (`score:pappers#17`) under their source.
        let health = try await store.sourceHealth()
        let polls = try await store.lastPolls()
        let sources = Set(health.keys).union(polls.keys.map { String($0.split(separator: "#").first ?? Substring($0)) })
        for source in sources where !source.hasPrefix("watchlist:") && !source.hasPrefix("channel:") {
            Gauge(label: "vigie_source_healthy", dimensions: [("source", source)], factory: factory).record((health[source]?.consecutiveFailures ?? 0) == 0 ? 1 : 0)
        }
        if let last = polls.values.max() {
            Gauge(label: "vigie_last_cycle_age_seconds", factory: factory).record(now.timeIntervalSince(last))
        }
        let open = try await store.activeCases()
        for severity in Severity.allCases {
            Gauge(label: "vigie_cases_open", dimensions: [("severity", severity.rawValue)], factory: factory).record(open.filter { $0.severity == severity }.count)
        }
        let outbox = try await store.outboxSummary()
        for channel in Set(outbox.keys).union(channelsUp.keys).sorted() {
            let queue = outbox[channel] ?? OutboxSummary()
            Gauge(label: "vigie_outbox_pending", dimensions: [("channel", channel)], factory: factory).record(queue.pending)
            Gauge(label: "vigie_outbox_oldest_pending_seconds", dimensions: [("channel", channel)], factory: factory).record(queue.oldestPending.map { now.timeIntervalSince($0) } ?? 0)
            Gauge(label: "vigie_dead_letters", dimensions: [("channel", channel)], factory: factory).record(queue.dead)
            if let up = channelsUp[channel] { Gauge(label: "vigie_channel_up", dimensions: [("channel", channel)], factory: factory).record(up ? 1 : 0) }
        }
        return registry.emitToString()
    }
}
