import Foundation
import Logging
import Testing
import VigieCore
import VigieRuntime
import VigieStore
import VigieTestSupport

@Suite("The watch cycle")
struct CycleTests {
    static let gammVert = try! SIREN("337891287")
    static let day = CalendarDay(year: 2026, month: 2, day: 4)!

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cycle-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func score(_ value: Double, on day: CalendarDay = day) -> ScoreObservation {
        ScoreObservation(siren: gammVert, provider: "creditsafe", observedOn: day, score: .value(value, minimum: 0, maximum: 100))
    }

    static func cycle(
        folder: URL, store: any WatchStore, providers: [any ScoreProvider], feeds: [any ProcedureFeed] = [], clock: ManualWallClock = ManualWallClock(),
        intervals: [String: Duration] = [:], logger: Logger = Logger(label: "test")
    ) -> WatchCycle {
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: logger)
        return WatchCycle(
            registry: registry, providers: providers, feeds: feeds, store: store, router: Router(always: ["recording"]), clock: clock,
            intervals: intervals, logger: logger
        )
    }

    /// `count` distinct score-drop alerts on GAMM VERT, titled "drop 1", "drop 2"…
    static func scoreDrops(_ count: Int) -> [Alert] {
        (1...count).map { index in
            Alert(id: AlertIdentity.id(siren: gammVert, kind: "score_drop", evidenceKey: "\(index)"), siren: gammVert, companyName: "GAMM VERT", kind: "score_drop",
                  severity: .warning, title: "drop \(index)", evidence: .observation(ObservationEvidence(provider: "creditsafe", observedOn: day, previousOn: nil, field: "score", old: "78", new: "52")),
                  watch: [], createdAt: Date(timeIntervalSince1970: Double(index)))
        }
    }

    static let goodList = """
        siren;name;exposure
        337891287;GAMM VERT;182450
        300254471;ENTREPRISE EDOUIN ERIC;14200
        494814452;LE JULES VERNE;3100
        880878145;Ganymède;9800
        843703869;FRIZY;27500
        881843924;PASARGAD;12480
        494523335;SCI DES QUATRE SAISONS;4300

        """

    @Test("the same observations polled twice raise one alert", arguments: StoreUnderTest.allCases)
    func rerun(store kind: StoreUnderTest) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let provider = ScriptedScoreProvider(script: [
            .success(ScorePoll(observations: [Self.score(78, on: CalendarDay(year: 2026, month: 2, day: 2)!)], cursor: nil)),
            .success(ScorePoll(observations: [Self.score(52)], cursor: nil)),
            .success(ScorePoll(observations: [Self.score(52)], cursor: nil)),
        ])
        let cycle = Self.cycle(folder: folder, store: store, providers: [provider])
        #expect(try await cycle.run().summary.alertsRaised == 0, "baseline first")
        #expect(try await cycle.run().summary.alertsRaised == 1)
        #expect(try await cycle.run().summary.alertsRaised == 0)
        #expect(provider.asked.first?.count == 7)
    }

    @Test("a provider that fails changes nothing and does not stop the feed", arguments: StoreUnderTest.allCases)
    func providerFailure(store kind: StoreUnderTest) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let provider = ScriptedScoreProvider(script: [
            .success(ScorePoll(observations: [Self.score(78)], cursor: "page-1")),
            .failure(ProviderFailureError("HTTP 503 from connect.creditsafe.com")),
        ])
        let notice = BodaccNotice(
            id: "A202600281500", kind: .initial, published: Self.day, sirens: [try SIREN("494523335")], companyName: "SCI DES QUATRE SAISONS",
            judgment: Judgment(famille: "Jugement prononçant", nature: "Jugement de conversion en liquidation judiciaire", date: nil, complement: nil)
        )
        let feed = ScriptedProcedureFeed(script: [.success(FeedPoll(notices: [], cursor: "1")), .success(FeedPoll(notices: [notice], cursor: "2"))])
        let cycle = Self.cycle(folder: folder, store: store, providers: [provider], feeds: [feed])
        _ = try await cycle.run()
        let report = try await cycle.run()
        #expect(report.providerFailures == 1)
        #expect(report.summary.alertsRaised == 1, "the feed's liquidation still alerts")
        #expect(try await store.cursor(for: "score:creditsafe") == "page-1", "the failed poll does not move the cursor")
        #expect(try await store.cursor(for: "feed:bodacc") == "2")
        let snapshot = try await store.snapshots(for: [Self.gammVert])[SnapshotKey(siren: Self.gammVert, source: "creditsafe")]
        #expect(snapshot?.score == .value(78, minimum: 0, maximum: 100))
    }

    @Test("a watchlist broken at line 7 is reported there, and its last good version stays in force, across a restart")
    func brokenWatchlist() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("erp.csv")
        let databasePath = folder.appendingPathComponent("state/vigie.sqlite").path
        try Self.goodList.write(to: file, atomically: true, encoding: .utf8)
        do {
            let store = try SQLiteWatchStore(configuration: .init(path: databasePath))
            let report = try await Self.cycle(folder: folder, store: store, providers: []).run()
            #expect(report.companies == 7)
        }
        try Self.goodList.replacingOccurrences(of: "881843924", with: "881843925").write(to: file, atomically: true, encoding: .utf8)
        let store = try SQLiteWatchStore(configuration: .init(path: databasePath))
        let report = try await Self.cycle(folder: folder, store: store, providers: []).run()
        #expect(report.companies == 7, "the last good list is still watched")
        #expect(report.watchlistIssues.map(\.line) == [7])
        #expect(report.watchlistIssues.first?.description.hasPrefix("\(file.path):7: siren: SIREN \"881843925\" fails its check digit") == true)

        // A fixed file is taken again.
        try (Self.goodList + "552081317;DANONE;1\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try await Self.cycle(folder: folder, store: store, providers: []).run().companies == 8)
    }

    @Test("a dead channel keeps its deliveries queued and never holds back another", arguments: StoreUnderTest.allCases)
    func channelIsolation(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let alerts = Self.scoreDrops(3)
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: alerts.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: ["dead", "alive"]), at: Date()))
        let dead = RecordingChannel(name: "dead", failing: true)
        let alive = RecordingChannel(name: "alive")
        let clock = ManualWallClock()
        let dispatcher = OutboxDispatcher(store: store, channels: [dead, alive], clock: clock, logger: Logger(label: "test"))
        let first = try await dispatcher.drain()
        #expect(first == OutboxDispatcher.Report(delivered: 3, failed: 3))
        #expect(alive.alerts.map(\.title).sorted() == ["drop 1", "drop 2", "drop 3"])
        // The third failure in a row takes the channel down: that one is the channel's, not the delivery's.
        #expect(try await store.dueDeliveries(channel: "dead", due: .distantFuture, limit: 10).ready.map(\.attempts).sorted() == [0, 1, 1])
        dead.setFailing(false)
        clock.advance(by: 3600)
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(delivered: 3))
        #expect(dead.alerts.map(\.title).sorted() == ["drop 1", "drop 2", "drop 3"], "once each")
    }

    @Test("a queued alert that cannot be read is dead-lettered with why, and the rest of the queue is delivered", arguments: StoreUnderTest.allCases)
    func unreadableAlert(store kind: StoreUnderTest) async throws {
        let (store, execute) = try await kind.makeWithSQL()
        let alerts = Self.scoreDrops(5)
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: alerts.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: ["alive"]), at: Date()))
        // Damaged on disk, or written by a later version: a member renamed, a type changed, a
        // document cut. With batches of two, one batch mixes readable and not, one is neither.
        try await execute("UPDATE alert_revision SET payload = replace(payload, '\"title\"', '\"titre\"') WHERE alert_id = '\(alerts[1].id)'")
        try await execute("UPDATE alert_revision SET payload = replace(payload, '\"revision\":1', '\"revision\":\"one\"') WHERE alert_id = '\(alerts[2].id)'")
        try await execute("UPDATE alert_revision SET payload = '{\"id\": ' WHERE alert_id = '\(alerts[3].id)'")
        let alive = RecordingChannel(name: "alive")
        let log = RecordingLogHandler()
        var configuration = OutboxDispatcher.Configuration()
        configuration.batchSize = 2
        configuration.fallback = "spare"
        let dispatcher = OutboxDispatcher(configuration: configuration, store: store, channels: [alive], clock: ManualWallClock(), logger: log.logger())
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(delivered: 2, dead: 3))
        #expect(alive.alerts.map(\.title).sorted() == ["drop 1", "drop 5"])

        let dead = try await store.deadDeliveries()
        #expect(dead.map(\.alertID).sorted() == alerts[1...3].map(\.id).sorted())
        let reasons = Dictionary(uniqueKeysWithValues: dead.map { ($0.alertID, $0.deadReason ?? "") })
        #expect(reasons[alerts[1].id]?.hasPrefix("its stored alert (revision 1) cannot be read, so it cannot be sent: ") == true)
        #expect(reasons[alerts[1].id]?.contains("title") == true, "the missing member is named: \(reasons[alerts[1].id] ?? "")")
        #expect(reasons[alerts[2].id]?.contains("revision") == true, "the mistyped member is named: \(reasons[alerts[2].id] ?? "")")
        #expect(reasons[alerts[3].id]?.contains("not valid JSON") == true, "\(reasons[alerts[3].id] ?? "")")
        #expect(dead.allSatisfy { $0.attempts.count == 1 && $0.attempts[0].outcome == .failed && $0.attempts[0].error == $0.deadReason })
        #expect(!reasons.values.contains { $0.contains("GAMM") }, "the reason says what is wrong, not what the document holds")
        let lines = log.recorded.filter { $0.contains("delivery.dead_lettered") }
        #expect(lines.count == 3 && alerts[1...3].allSatisfy { alert in lines.contains { $0.contains("alert.id=\(alert.id)") } })
        #expect(try await store.dueDeliveries(channel: "spare", due: .distantFuture, limit: 10).isEmpty, "the fallback would get the same unreadable revision")
        #expect(try await dispatcher.drain() == OutboxDispatcher.Report(), "nothing is left to try")
        #expect(try await store.outboxSummary()["alive"] == OutboxSummary(pending: 0, oldestPending: nil, dead: 3))
    }

    @Test("a source with its own interval waits for it, while the others are polled every cycle", arguments: StoreUnderTest.allCases)
    func sourceInterval(store kind: StoreUnderTest) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let daily = ScriptedScoreProvider(name: "pappers", script: [])
        let every = ScriptedScoreProvider(name: "creditsafe", script: [])
        let clock = ManualWallClock()
        let cycle = Self.cycle(folder: folder, store: store, providers: [daily, every], clock: clock, intervals: ["score:pappers": .seconds(86_400)])
        var waiting: [[String]] = []
        // Cycles every 15 minutes for a day and a bit; the daily source starts 10 s late each time.
        for _ in 0..<100 {
            waiting.append(try await cycle.run().waitingSources)
            clock.advance(by: 900 + 10)
        }
        #expect(every.asked.count == 100)
        #expect(daily.asked.count == 2, "polled at the first cycle, then once the day has passed")
        #expect(waiting.first == [] && waiting[1] == ["score:pappers"])
    }

    @Test("a provider failing for many companies logs twenty of them and one line for the rest", arguments: StoreUnderTest.allCases)
    func failureLogging(store kind: StoreUnderTest) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let failures = (0..<500).map { ProviderFailure(siren: Self.gammVert, message: "HTTP 503 #\($0)") }
        let provider = ScriptedScoreProvider(script: [.success(ScorePoll(observations: [], failures: failures, cursor: nil))])
        let logs = RecordingLogHandler()
        let report = try await Self.cycle(folder: folder, store: store, providers: [provider], logger: logs.logger()).run()
        #expect(report.providerFailures == 500)
        #expect(logs.recorded.filter { $0.contains(" provider.company_failed ") }.count == 20)
        let summary = try #require(logs.recorded.first { $0.contains(" provider.company_failures_not_logged ") })
        #expect(summary.contains("failures.not_logged=480") && summary.contains("failures.total=500") && summary.contains("error.last=HTTP 503 #499"))
    }
}

@Suite("Observations nobody asked for")
struct StrayObservationTests {
    @Test("an observation of a company no watchlist holds is a counted, logged provider failure that feeds source health", arguments: StoreUnderTest.allCases)
    func strayObservation(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CycleTests.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let stranger = try SIREN("552081317")
        let stray = ScoreObservation(siren: stranger, provider: "creditsafe", observedOn: CycleTests.day, score: .value(50, minimum: 0, maximum: 100))
        let provider = ScriptedScoreProvider(script: [.success(ScorePoll(observations: [stray], cursor: nil))])
        let log = RecordingLogHandler()
        let report = try await CycleTests.cycle(folder: folder, store: store, providers: [provider], logger: log.logger()).run()
        #expect(report.observations == 0)
        #expect(report.providerFailures == 1)
        let lines = log.recorded.filter { $0.contains("provider.company_failed") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("company.siren=552081317") == true)
        #expect(lines.first?.contains("which no watchlist holds") == true)
    }
}

@Suite("Watchlists never empty the watch in silence")
struct WatchlistSafetyTests {
    static func run(_ folder: URL, _ store: any WatchStore, clock: ManualWallClock = ManualWallClock()) async throws -> (WatchCycle.Report, [Alert]) {
        let report = try await CycleTests.cycle(folder: folder, store: store, providers: [], clock: clock).run()
        return (report, try await store.alerts(since: nil, limit: nil))
    }

    @Test("first load with one bad line: the other lines are watched, one watchlist_problem alert, once; fixed: watchlist_fixed", arguments: StoreUnderTest.allCases)
    func firstLoadWithBadLine(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("erp.csv")
        try CycleTests.goodList.replacingOccurrences(of: "881843924", with: "881843925").write(to: file, atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let clock = ManualWallClock()
        var (report, alerts) = try await Self.run(folder, store, clock: clock)
        #expect(report.companies == 6)
        #expect(report.watchlistFilesWithProblems == [file.path])
        #expect(alerts.map(\.kind) == ["watchlist_problem"])
        guard case .source(let evidence)? = alerts.first?.evidence else { Issue.record("no evidence"); return }
        #expect(evidence.lastError?.contains("erp.csv:7: siren") == true)
        #expect(alerts.first?.title == "Watchlist erp.csv: 1 problem")

        clock.advance(by: 900)
        (report, alerts) = try await Self.run(folder, store, clock: clock)
        #expect(alerts.count == 1, "the same problem is alerted once")

        // Another problem set: alerted again.
        try CycleTests.goodList.replacingOccurrences(of: "881843924", with: "881843925").replacingOccurrences(of: ";12480", with: ";douze").write(to: file, atomically: true, encoding: .utf8)
        clock.advance(by: 900)
        (report, alerts) = try await Self.run(folder, store, clock: clock)
        #expect(alerts.map(\.kind) == ["watchlist_problem", "watchlist_problem"])

        try CycleTests.goodList.write(to: file, atomically: true, encoding: .utf8)
        clock.advance(by: 900)
        (report, alerts) = try await Self.run(folder, store, clock: clock)
        #expect(report.companies == 7)
        #expect(report.watchlistFilesWithProblems.isEmpty)
        #expect(alerts.map(\.kind) == ["watchlist_problem", "watchlist_problem", "watchlist_fixed"])
        #expect(alerts.last?.relatedAlertID == alerts[1].id)
    }

    @Test("a file cut to its header row, or losing most of its companies, is suspect: the last good version stays until accepted", arguments: [
        "siren;name;exposure\n",
        "siren;name;exposure\n337891287;GAMM VERT;182450\n300254471;ENTREPRISE EDOUIN ERIC;14200\n",
    ])
    func suspectShrink(truncated: String) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("erp.csv")
        try CycleTests.goodList.write(to: file, atomically: true, encoding: .utf8)
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        #expect(try await Self.run(folder, store).0.companies == 7)

        try truncated.write(to: file, atomically: true, encoding: .utf8)
        let (report, alerts) = try await Self.run(folder, store)
        #expect(report.companies == 7, "the last good version is still watched")
        #expect(report.watchlistFilesWithProblems == [file.path])
        #expect(report.watchlistIssues.contains { $0.message.contains("vigie watchlist accept") })
        #expect(alerts.map(\.kind) == ["watchlist_problem"])
        #expect(try await Self.run(folder, store).0.companies == 7, "still, a cycle later")

        // The user confirms the new file: it is watched as it is.
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: ManualWallClock(), logger: Logger(label: "test"))
        _ = try await registry.accept(file)
        let after = try await Self.run(folder, store).0
        #expect(after.companies == truncated.split(separator: "\n").count - 1)
    }

    @Test("Excel's \"Unicode text\" (UTF-16 with its byte-order mark) is read like UTF-8", arguments: [String.Encoding.utf16LittleEndian, .utf16BigEndian])
    func utf16(encoding: String.Encoding) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bom: [UInt8] = encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        let text = CycleTests.goodList.replacingOccurrences(of: ";", with: "\t").replacingOccurrences(of: "name", with: "Raison sociale")
        try (Data(bom) + text.data(using: encoding)!).write(to: folder.appendingPathComponent("export.csv"))
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let (report, _) = try await Self.run(folder, store)
        #expect(report.companies == 7)
        #expect(report.watchlistIssues.isEmpty, "\(report.watchlistIssues)")
    }

    @Test("losing one company of seven is ordinary: no suspicion", arguments: StoreUnderTest.allCases)
    func ordinaryRemoval(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("erp.csv")
        try CycleTests.goodList.write(to: file, atomically: true, encoding: .utf8)
        let store = try await kind.make()
        _ = try await Self.run(folder, store)
        try CycleTests.goodList.replacingOccurrences(of: "881843924;PASARGAD;12480\n", with: "").write(to: file, atomically: true, encoding: .utf8)
        let (report, alerts) = try await Self.run(folder, store)
        #expect(report.companies == 6)
        #expect(report.watchlistFilesWithProblems.isEmpty)
        #expect(alerts.isEmpty)
    }
}

@Suite("A channel down for a day")
struct ChannelOutageTests {
    @Test("a channel down 24 h: probed one delivery at a time, nothing dead, channel_failing once to the others, then channel_recovered", arguments: StoreUnderTest.allCases)
    func dayLongOutage(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let alerts = CycleTests.scoreDrops(20)
        let clock = ManualWallClock()
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [], alertChanges: alerts.map { .raised($0) }, notices: [], cursors: [:], router: Router(always: ["slack", "email"]), at: clock.now))
        let slack = RecordingChannel(name: "slack", failing: true)
        let email = RecordingChannel(name: "email")
        let dispatcher = OutboxDispatcher(store: store, channels: [slack, email], clock: clock, logger: Logger(label: "test"), random: { 0.5 })

        var dead = 0
        for _ in 0..<(24 * 60) {
            dead += try await dispatcher.drain().dead
            clock.advance(by: 60)
        }
        #expect(dead == 0)
        #expect(try await store.deadDeliveries().isEmpty)
        // Three failures take it down; then one probe per cooldown (30 s doubling to 10 min): about 150 in a day, not 20 × 12.
        #expect(slack.attempts < 200, "\(slack.attempts) attempts")
        let failing = email.alerts.filter { $0.kind == "channel_failing" }
        #expect(failing.count == 1, "told once, to the other channel")
        #expect(slack.alerts.isEmpty)
        #expect(try await store.dueDeliveries(channel: "slack", due: .distantFuture, limit: 100).ready.allSatisfy { $0.attempts <= 3 })

        slack.setFailing(false)
        clock.advance(by: 600)
        _ = try await dispatcher.drain()
        _ = try await dispatcher.drain()  // the recovery alert, queued by the first pass
        #expect(Set(slack.alerts.map(\.title)) == Set(alerts.map(\.title)), "every alert delivered once the channel is back")
        #expect(email.alerts.filter { $0.kind == "channel_recovered" }.count == 1)
        #expect(email.alerts.last { $0.kind == "channel_recovered" }?.relatedAlertID == failing.first?.id)
    }
}

@Suite("A provider's daily budget")
struct BudgetTests {
    /// A provider that bills a report per company asked, and counts them.
    final class Billing: ScoreProvider, @unchecked Sendable {
        let name = "ellisphere"
        private let lock = NSLock()
        private var orders = 0
        var ordered: Int { lock.withLock { orders } }

        func poll(_ companies: [SIREN], cursor: String?) async throws -> ScorePoll {
            try await poll(companies, cursor: cursor, allowance: .max)
        }

        func poll(_ companies: [SIREN], cursor: String?, allowance: Int) async throws -> ScorePoll {
            let asked = Array(companies.prefix(allowance))
            lock.withLock { orders += asked.count }
            var poll = ScorePoll(observations: asked.map { ScoreObservation(siren: $0, provider: name, observedOn: CalendarDay(year: 2026, month: 2, day: 4)!, score: .value(5, minimum: 0, maximum: 10)) }, cursor: nil)
            poll.reportsOrdered = asked.count
            poll.deferred = Array(companies.dropFirst(asked.count))
            return poll
        }
    }

    @Test("a simulated day of 15-minute cycles on a manual clock never orders more than max_reports_per_day, and warns before", arguments: StoreUnderTest.allCases)
    func neverExceeded(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CycleTests.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_770_163_200))  // 2026-02-04T00:00Z
        let provider = Billing()
        let log = RecordingLogHandler()
        let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: log.logger())
        let cycle = WatchCycle(registry: registry, providers: [provider], feeds: [], store: store, router: Router(always: []), clock: clock,
                               budgets: ["score:ellisphere": 20], logger: log.logger())
        var seen: [Int] = []
        for _ in 0..<96 {
            let before = provider.ordered
            _ = try await cycle.run()
            seen.append(provider.ordered - before)
            clock.advance(by: 900)
        }
        #expect(provider.ordered == 20, "the budget is never exceeded: \(seen)")
        #expect(seen.prefix(3) == [7, 7, 6], "7 companies a cycle until the budget is spent")
        #expect(log.recorded.filter { $0.contains("provider.budget_nearly_spent") }.count == 1, "one warning, before the budget is reached")
        #expect(log.recorded.contains { $0.contains("provider.budget_spent") })
        // The next day, a new budget.
        _ = try await cycle.run()
        #expect(provider.ordered == 27)
    }
}

@Suite("A store that follows the changes")
struct ChangeOnlyTests {
    @Test("a provider saying the same thing every cycle, day after day, adds nothing to the history; a change is recorded", arguments: StoreUnderTest.allCases)
    func observationsOnChange(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CycleTests.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let days = (2...9).map { CalendarDay(year: 2026, month: 2, day: $0)! }
        let provider = ScriptedScoreProvider(script: days.map { .success(ScorePoll(observations: [CycleTests.score($0 == days.last ? 52 : 78, on: $0)], cursor: nil)) })
        let cycle = CycleTests.cycle(folder: folder, store: store, providers: [provider])
        for _ in days {
            let report = try await cycle.run()
            #expect(report.observations == 1, "each cycle observed the company")
        }
        let history = try await store.observations(of: CycleTests.gammVert)
        #expect(history.map(\.observedOn) == [days.first, days.last], "the first sight and the change, not the seven confirmations in between")
        #expect(try await store.snapshots(for: [CycleTests.gammVert]).values.first?.observedOn == days.last)
    }
}
