import Foundation
import Testing
import VigieCore
import VigieRuntime

/// `vigie status`'s verdict on a manual clock: healthy, degraded, down, and why.
@Suite("Status")
struct StatusReportTests {
    static let now = Date(timeIntervalSince1970: 1_770_000_000)
    static let interval = Duration.seconds(900)

    static func assess(polls: [String: Date] = ["score:creditsafe": now - 300], health: [String: SourceHealth] = [:], outbox: [String: OutboxSummary] = [:]) -> StatusReport {
        StatusReport.assess(now: now, interval: interval, lastPolls: polls, health: health, outbox: outbox, cases: [])
    }

    @Test("a recent cycle, healthy sources, an empty outbox: healthy, exit 0")
    func healthy() {
        let report = Self.assess()
        #expect(report.verdict == .healthy && report.problems.isEmpty)
        #expect(report.text.hasPrefix("vigie: healthy\n  last cycle: "))
    }

    @Test("degraded: a failing source, dead letters, a queue waiting for an hour, a cycle late by two intervals")
    func degraded() {
        #expect(Self.assess(health: ["feed:bodacc": SourceHealth(source: "feed:bodacc", consecutiveFailures: 3, failingSince: Self.now - 2700, lastError: "HTTP 503")]).verdict == .degraded)
        #expect(Self.assess(outbox: ["slack": OutboxSummary(pending: 0, dead: 2)]).problems.first?.hasPrefix("2 dead letters") == true)
        #expect(Self.assess(outbox: ["slack": OutboxSummary(pending: 3, oldestPending: Self.now - 4000)]).verdict == .degraded)
        #expect(Self.assess(outbox: ["slack": OutboxSummary(pending: 3, oldestPending: Self.now - 60)]).verdict == .healthy)
        #expect(Self.assess(polls: ["score:creditsafe#3": Self.now - 2000]).verdict == .degraded)
    }

    @Test("down: no cycle yet, or none for four intervals; exit 2")
    func down() {
        #expect(Self.assess(polls: [:]).verdict == .down)
        #expect(Self.assess(polls: ["score:creditsafe": Self.now - 4000]).verdict == .down)
        #expect(StatusReport.Verdict.down.rawValue == 2)
    }
}
