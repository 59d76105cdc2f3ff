import Foundation
import Testing
import VigieCore

@Suite("Source health and the circuit breaker")
struct SourceHealthTests {
    static let start = Date(timeIntervalSince1970: 1_770_000_000)

    /// Runs outcomes through the tracker, one cycle a minute apart; returns the alerts raised per cycle.
    static func run(_ outcomes: [SourceHealthTracker.Outcome], from health: SourceHealth = SourceHealth(source: "score:creditsafe"), failingCycles: Int = 3) -> (SourceHealth, [Alert?]) {
        var health = health
        var alerts: [Alert?] = []
        for (index, outcome) in outcomes.enumerated() {
            let (next, alert) = SourceHealthTracker.apply(outcome, to: health, configuration: .init(failingCycles: failingCycles), now: start.addingTimeInterval(Double(index) * 60))
            health = next
            alerts.append(alert)
        }
        return (health, alerts)
    }

    @Test("three failing cycles raise one alert; the next failures raise nothing more; success raises the recovery")
    func outageAndRecovery() throws {
        let failure = SourceHealthTracker.Outcome.failed("Creditsafe answered HTTP 503")
        let (health, alerts) = Self.run([failure, failure, failure, failure, failure, .succeeded, .succeeded])
        #expect(alerts.map { $0?.kind } == [nil, nil, "source_failing", nil, nil, "source_recovered", nil])
        let failing = try #require(alerts[2])
        #expect(failing.siren == nil)
        #expect(failing.title == "Creditsafe failing for 3 cycles in a row")
        #expect(failing.severity == .high)
        guard case .source(let evidence) = failing.evidence else { Issue.record("no source evidence"); return }
        #expect(evidence.failingSince == Self.start)
        #expect(evidence.lastError == "Creditsafe answered HTTP 503")
        let recovered = try #require(alerts[5])
        #expect(recovered.relatedAlertID == failing.id)
        #expect(recovered.title == "Creditsafe recovered after 5 failing cycles")
        #expect(recovered.severity == failing.severity)
        #expect(health == SourceHealth(source: "score:creditsafe"))
    }

    @Test("failures broken by a success start again from zero, and raise nothing")
    func intermittent() {
        let failure = SourceHealthTracker.Outcome.failed("timeout")
        let (_, alerts) = Self.run([failure, failure, .succeeded, failure, failure, .succeeded])
        #expect(alerts.allSatisfy { $0 == nil })
    }

    @Test("an outage spanning a restart is one alert: the stored health carries it, and the id is stable")
    func restart() throws {
        let failure = SourceHealthTracker.Outcome.failed("timeout")
        let (midway, _) = Self.run([failure, failure])
        let (_, resumed) = Self.run([failure, failure], from: midway)
        #expect(resumed.compactMap { $0?.kind } == ["source_failing"])
        // The same outage computed twice gives the same id: a replayed cycle never alerts twice.
        let (_, again) = Self.run([failure, failure], from: midway)
        #expect(again[0]?.id == resumed[0]?.id)
        // The next outage is another event.
        let (_, second) = Self.run([failure, failure, failure, .succeeded, failure, failure, failure])
        let ids = second.compactMap { $0 }.filter { $0.kind == "source_failing" }.map(\.id)
        #expect(ids.count == 2 && Set(ids).count == 2)
    }

    @Test("a poll fails when half the companies asked about failed, not when a few did")
    func ratio() {
        let configuration = SourceHealthTracker.Configuration()
        let failures = (0..<5).map { ProviderFailure(siren: nil, message: "HTTP 500 \($0)") }
        #expect(SourceHealthTracker.outcome(asked: 100, failures: failures, configuration: configuration) == .succeeded)
        #expect(SourceHealthTracker.outcome(asked: 10, failures: failures, configuration: configuration) == .failed("5 of 10 companies failed; last: HTTP 500 4"))
        #expect(SourceHealthTracker.outcome(asked: 0, failures: [], configuration: configuration) == .succeeded)
    }

    @Test("the breaker opens after the threshold, refuses during the cooldown, lets one probe through, and closes on its success")
    func breaker() {
        var breaker = CircuitBreaker(configuration: .init(threshold: 3, cooldown: .seconds(10)))
        let now = Self.start
        for _ in 0..<2 { breaker.recordFailure(now: now) }
        var admitted = breaker.admit(now: now)
        #expect(admitted)
        breaker.recordFailure(now: now)
        #expect(breaker.state == .open(until: now + 10))
        admitted = breaker.admit(now: now + 9)
        #expect(!admitted)
        admitted = breaker.admit(now: now + 10)
        #expect(admitted)
        #expect(breaker.state == .halfOpen)
        admitted = breaker.admit(now: now + 10)
        #expect(!admitted, "only one probe at a time")
        breaker.recordFailure(now: now + 11)
        #expect(breaker.state == .open(until: now + 21), "a failed probe opens it again")
        admitted = breaker.admit(now: now + 21)
        #expect(admitted)
        breaker.recordSuccess()
        #expect(breaker.state == .closed(failures: 0))
        // Failures broken by a success never open it.
        for _ in 0..<2 { breaker.recordFailure(now: now) }
        breaker.recordSuccess()
        for _ in 0..<2 { breaker.recordFailure(now: now) }
        #expect(breaker.state == .closed(failures: 2))
    }
}
