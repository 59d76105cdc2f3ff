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

@Suite("BODACC history when a company joins a watchlist, over HTTP")
struct HistoryLookupTests {
    @Test("companies added later: an ongoing procedure is alerted at once, a closed one is not, and nothing twice", arguments: StoreUnderTest.allCases)
    func joining(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = folder.appendingPathComponent("erp.csv")
        try "siren;name\n337891287;GAMM VERT\n".write(to: list, atomically: true, encoding: .utf8)
        let store = try await kind.make()
        // The day after the demo scenario's last notice.
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_770_422_400))

        try await MockProviderServer.serving(MockProviderServer.Configuration(scenario: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))) { baseURL in
            let control = CurlTransport()
            let transport = CurlTransport(configuration: { var c = CurlTransport.Configuration(); c.maxResponseBytes = BodaccFeed.maxResponseBytes; return c }())
            defer { control.shutdown(); transport.shutdown() }
            for _ in 0..<3 { _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance")) }
            let feed = BodaccFeed(configuration: .init(baseURL: baseURL + "/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales"), transport: transport, clock: clock)
            let registry = WatchlistRegistry(configuration: .init(paths: [folder]), store: store, clock: clock, logger: Logger(label: "test"))
            let cycle = WatchCycle(registry: registry, providers: [], feeds: [feed], store: store, router: Router(always: ["log"]), clock: clock, logger: Logger(label: "test"))

            // The feed's first poll reads every notice of the last 30 days; none names GAMM VERT.
            let first = try await cycle.run()
            #expect(first.historyLookups == 1)
            #expect(first.notices == 9, "the four steps published so far")
            #expect(first.summary.alertsRaised == 0)

            // PASARGAD (receivership opened), SCI DES QUATRE SAISONS (converted into liquidation) and
            // ORIGINAL BARBER (liquidation closed for insufficient assets) join; their notices were read
            // last cycle, when they named no watched company.
            try "siren;name\n337891287;GAMM VERT\n881843924;PASARGAD\n494523335;SCI DES QUATRE SAISONS\n891541070;ORIGINAL BARBER\n"
                .write(to: list, atomically: true, encoding: .utf8)
            clock.advance(by: 900)
            let second = try await cycle.run()
            #expect(second.historyLookups == 3)
            let alerts = try await store.alerts(since: nil, limit: nil)
            #expect(alerts.map { "\($0.companyName ?? "?") \($0.kind)" }.sorted() == [
                "PASARGAD procedure_opened", "SCI DES QUATRE SAISONS procedure_converted",
            ])
            #expect(alerts.allSatisfy { $0.noticeID != nil })
            let snapshots = try await store.snapshots(for: [try SIREN("891541070"), try SIREN("494523335")])
            #expect(snapshots[SnapshotKey(siren: try SIREN("891541070"), source: "bodacc")]?.procedureStatus == .closed)
            #expect(snapshots[SnapshotKey(siren: try SIREN("494523335"), source: "bodacc")]?.procedureStatus == .liquidation)

            // Next cycle: no look-up again, no alert again.
            clock.advance(by: 900)
            let third = try await cycle.run()
            #expect(third.historyLookups == 0)
            #expect(third.summary.alertsRaised == 0)
        }
    }
}

@Suite("BODACC history on the embedded default")
struct FixtureHistoryTests {
    @Test("a company added to a watchlist mid-scenario gets its past from the fixture feed, as from the live one", arguments: StoreUnderTest.allCases)
    func joiningOnTheFixture(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = folder.appendingPathComponent("erp.csv")
        try "siren;name\n337891287;GAMM VERT\n".write(to: list, atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let scenario = try FixtureScenario(folder: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))
        let cycle = CycleTests.cycle(folder: folder, store: store, providers: [], feeds: [FixtureProcedureFeed(scenario: scenario)])
        // Three steps published: PASARGAD's receivership (step 3) among them.
        for _ in 0..<3 { _ = try await cycle.run() }
        #expect(try await store.alerts(since: nil, limit: nil).isEmpty, "PASARGAD is not watched yet")

        try "siren;name\n337891287;GAMM VERT\n881843924;PASARGAD\n".write(to: list, atomically: true, encoding: .utf8)
        let report = try await cycle.run()
        #expect(report.historyLookups == 1)
        let alerts = try await store.alerts(since: nil, limit: nil)
        #expect(alerts.map { "\($0.companyName ?? "?"): \($0.kind)" }.contains("PASARGAD: procedure_opened"), "\(alerts.map(\.kind))")
    }
}

@Suite("Provider ids kept in the store")
struct ProviderIDTests {
    @Test("a restarted process asks Creditsafe for reports directly: the connectIds found by searching are kept in the store", arguments: StoreUnderTest.allCases)
    func connectIDsKept(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CycleTests.goodList.write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        let store = try await kind.make()
        let requests = try await MockProviderServer.serving(MockProviderServer.Configuration(scenario: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))) { baseURL in
            let control = CurlTransport()
            defer { control.shutdown() }
            func apiRequests() async throws -> Int {
                let body = try await control.send(HTTPRequest(method: "GET", url: baseURL + "/_mock/stats")).body
                return ((try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["api"] as? Int) ?? 0
            }
            var counts: [Int] = []
            for _ in 0..<2 {
                // A new provider each time: a new process, with nothing in memory.
                var configuration = CreditsafeProvider.Configuration(baseURL: baseURL + "/creditsafe", username: "demo", password: "demo")
                configuration.monitoring = nil
                let transport = CurlTransport()
                defer { transport.shutdown() }
                let before = try await apiRequests()
                _ = try await CycleTests.cycle(folder: folder, store: store, providers: [CreditsafeProvider(configuration: configuration, transport: transport)]).run()
                counts.append(try await apiRequests() - before)
            }
            return counts
        }
        #expect(requests == [14, 7], "7 searches and 7 reports, then 7 reports")
        #expect(try await store.providerIDs(provider: "creditsafe").count == 7)
    }
}
