import Foundation
import Logging
import Testing
import VigieCore
import VigieMock
import VigieProviders
import VigieRuntime
import VigieStore
import VigieTestSupport
import VigieTransport

/// Whole cycles against `vigie mock-provider` with every fault at once, then with the provider
/// down and back: bad data is never an event, failures are counted, and the outage is alerted
/// once, then its end.
@Suite("The fault matrix through whole cycles")
struct FaultMatrixTests {
    /// What the clean score series alerts (see the demo scenario): any other alert is false.
    static let possibleAlerts: Set<String> = [
        "494814452 company_in_failure", "494814452 company_struck_off", "337891287 credit_limit_cut", "337891287 score_drop",
        "881843924 credit_limit_cut", "881843924 score_drop", "881843924 rating_downgrade", "300254471 credit_limit_cancelled",
    ]

    static func provider(_ baseURL: String) -> (CreditsafeProvider, CurlTransport) {
        var configuration = CreditsafeProvider.Configuration(baseURL: baseURL + "/creditsafe", username: "demo", password: "demo")
        configuration.concurrency = 2
        configuration.client.attempts = 2
        configuration.client.backoff = .milliseconds(20)
        // Shorter than every stall the mock is asked for (2 s and more), long enough that a loaded
        // machine's slow answer is not taken for a hang (700 ms was, with CI building beside).
        configuration.client.timeout = .milliseconds(1500)
        configuration.client.breaker = CircuitBreaker.Configuration(threshold: 5, cooldown: .milliseconds(300))
        let transport = CurlTransport()
        return (CreditsafeProvider(configuration: configuration, transport: transport), transport)
    }

    /// A Creditsafe cycle over the demo watchlist against a running mock, with what a test looks at.
    struct Harness: Sendable {
        let baseURL: String
        let cycle: WatchCycle
        let store: SQLiteWatchStore
        let logs: RecordingLogHandler
        let clock: ManualWallClock
        let control: CurlTransport

        /// Sends a control request to the mock (`advance`, `down`, `up`).
        func mock(_ command: String) async throws {
            _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/" + command))
        }

        var companyFailures: [String] { logs.recorded.filter { $0.contains(" provider.company_failed ") } }
    }

    /// Runs `body` against a mock with the demo scenario and `faults`, with a file-backed store.
    static func withHarness(_ faults: MockProviderServer.Faults = .init(), _ body: @Sendable (Harness) async throws -> Void) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CycleTests.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try SQLiteWatchStore(configuration: .init(path: folder.appendingPathComponent("vigie.sqlite").path))
        var mock = MockProviderServer.Configuration(scenario: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))
        mock.faults = faults
        try await MockProviderServer.serving(mock) { baseURL in
            let logs = RecordingLogHandler()
            let clock = ManualWallClock()
            let (provider, transport) = Self.provider(baseURL)
            let control = CurlTransport()
            defer { transport.shutdown(); control.shutdown() }
            let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: logs.logger())
            let cycle = WatchCycle(
                registry: registry, providers: [provider], feeds: [], store: store, router: Router(always: ["log"]), clock: clock,
                health: SourceHealthTracker.Configuration(failingCycles: 3), logger: logs.logger()
            )
            try await body(Harness(baseURL: baseURL, cycle: cycle, store: store, logs: logs, clock: clock, control: control))
        }
    }

    @Test("a provider down three cycles in a row raises one source alert; its return raises the recovery; no company alert from the outage")
    func outage() async throws {
        try await Self.withHarness { harness in
            let (cycle, store, logs, clock) = (harness.cycle, harness.store, harness.logs, harness.clock)
            // The provider is down from the start: three failing cycles raise one alert, a fourth nothing more.
            try await harness.mock("down")
            var sourceAlerts: [Int] = []
            for _ in 0..<4 {
                let report = try await cycle.run()
                #expect(report.failingSources == ["score:creditsafe"])
                sourceAlerts.append(report.summary.alertsRaised)
                clock.advance(by: 900)
            }
            #expect(sourceAlerts == [0, 0, 1, 0])
            // Back up (after the breaker's cooldown): the recovery is alerted, linked to the outage.
            try await harness.mock("up")
            try await Task.sleep(for: .milliseconds(400))
            let recovery = try await cycle.run()
            #expect(recovery.failingSources.isEmpty, "\(logs.recorded.suffix(8))")
            clock.advance(by: 900)

            let outage = try await store.alerts(since: nil, limit: nil)
            // No company alert from the outage; the first good cycle is the baseline, which alerts
            // only what is true at first sight (LE JULES VERNE's real report: failing, struck off).
            #expect(outage.map(\.kind) == ["source_failing", "company_in_failure", "source_recovered", "company_struck_off"])
            let failing = try #require(outage.first { $0.kind == "source_failing" }), recovered = try #require(outage.first { $0.kind == "source_recovered" })
            #expect(failing.siren == nil)
            #expect(failing.title == "Creditsafe failing for 3 cycles in a row")
            #expect(recovered.relatedAlertID == failing.id)
            #expect(recovered.title == "Creditsafe recovered after 4 failing cycles")
            guard case .source(let evidence) = failing.evidence else { Issue.record("no source evidence"); return }
            #expect(evidence.lastError?.contains("7 of 7 companies failed") == true, "\(evidence.lastError ?? "")")
            #expect(try await store.dueDeliveries(channel: "log", due: clock.now, limit: 1000).ready.map(\.alert.kind).sorted() == ["company_in_failure", "company_struck_off", "source_failing", "source_recovered"])

        }
    }

    @Test("a provider that hangs: every company a counted timeout, the breaker cuts the cycle short, no alert")
    func hanging() async throws {
        var faults = MockProviderServer.Faults()
        faults.stallEvery = 1
        faults.stall = .seconds(3)
        try await Self.withHarness(faults) { harness in
            let report = try await harness.cycle.run()
            #expect(report.providerFailures == 7)
            #expect(report.failingSources == ["score:creditsafe"])
            #expect(report.summary.alertsRaised == 0)
            // For the metrics, each failure's reason in bounded words: timeouts, then calls paused.
            #expect((report.failureReasons["score:creditsafe"]?[.timeout] ?? 0) >= 2, "\(report.failureReasons)")
            #expect((report.failureReasons["score:creditsafe"]?[.paused] ?? 0) >= 1, "\(report.failureReasons)")
            let messages = harness.companyFailures
            #expect(messages.filter { $0.contains("timeout") }.count >= 2, "\(messages)")
            // The breaker stops the cycle after 5 failures instead of 7 companies × 2 attempts:
            // said by the companies it did not call (no wall-clock bound: a loaded machine is slower).
            #expect(messages.contains { $0.contains("not called: 5 requests in a row failed") }, "the breaker opened: \(messages)")
        }
    }

    @Test("timeouts, 500s, 429 with Retry-After, cut JSON, HTML pages, Not Rated, empty 200s, 10 MB bodies: no false alert, no crash, counted failures")
    func matrix() async throws {
        var faults = MockProviderServer.Faults()
        faults.failEvery = 7
        faults.throttleEvery = 9
        faults.malformedEvery = 5
        faults.htmlEvery = 13
        faults.emptyEvery = 8
        faults.hugeEvery = 11
        faults.stallEvery = 12
        faults.stall = .seconds(2)
        try await Self.withHarness(faults) { harness in
            var failures = 0
            var reasons: Set<FailureReason> = []
            for step in 0..<5 {
                if step > 0 { try await harness.mock("advance") }
                let report = try await harness.cycle.run()
                failures += report.providerFailures
                reasons.formUnion(report.failureReasons["score:creditsafe"]?.keys ?? [:].keys)
                harness.clock.advance(by: 900)
            }
            #expect(reasons.isSuperset(of: [.malformed, .tooLarge]), "\(reasons)")
            #expect(!reasons.contains(.other), "every failure named: \(reasons)")
            let alerts = try await harness.store.alerts(since: nil, limit: nil).filter { $0.siren != nil }
            let raised = Set(alerts.map { "\($0.subjectKey) \($0.kind)" })
            #expect(raised.isSubset(of: Self.possibleAlerts), "false alerts: \(raised.subtracting(Self.possibleAlerts))")
            #expect(!raised.isEmpty, "the series still comes through the faults")
            #expect(failures > 0)
            let messages = harness.companyFailures
            #expect(messages.count == failures, "every failure is counted and logged")
            #expect(messages.contains { $0.contains("not a Creditsafe company report") }, "cut, empty and HTML bodies are refused: \(messages)")
            #expect(messages.contains { $0.contains("response_too_large") }, "\(messages)")
            #expect(!raised.contains { $0.hasPrefix("880878145") }, "Ganymède's Not Rated is no drop")
        }
    }
}
