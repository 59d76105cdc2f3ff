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

/// The mass-shift guard end to end: Creditsafe over HTTP against `vigie mock-provider`, whose
/// second step lowers 80 % of the portfolio's scores at once.
@Suite("The mass-shift guard")
struct MassShiftTests {
    /// `count` valid SIRENs (Luhn), stable from one run to the next.
    static func sirens(_ count: Int) -> [String] {
        SIREN.samples(count, first: 10_000_000, step: 7_919).map(\.digits)
    }

    /// A Creditsafe report as the mock serves it (the shape `scripts/scenario_tools.py` writes).
    static func report(_ siren: String, score: Int, day: String) -> String {
        let band = score > 70 ? "A" : score > 50 ? "B" : score > 29 ? "C" : "D"
        let rating = #"{"commonValue":"\#(band)","commonDescription":"x","creditLimit":{"currency":"EUR","value":"50000"},"providerValue":{"minValue":"0","maxValue":"100","value":"\#(score)"}}"#
        return #"{"companyId":"FR-X-\#(siren)","dateOfOrder":"\#(day)T08:00:00Z","report":{"companySummary":{"businessName":"CLIENT \#(siren)","companyRegistrationNumber":"\#(siren)","companyStatus":{"status":"Active"},"creditRating":\#(rating)},"creditScore":{"currentCreditRating":\#(rating)}}}"#
    }

    @Test("80 % of scores drop at once: one source_shift alert with the distribution, no flood; released, the held alerts go out once, into their cases")
    func shift() async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sirens = Self.sirens(20)
        try ("siren;name;owner;encours\n" + sirens.map { "\($0);CLIENT \($0);credit@example.fr;10000" }.joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("erp.csv"), atomically: true, encoding: .utf8)
        for (step, day, dropped) in [("01-baseline", "2026-03-02", 0), ("02-rescaled", "2026-03-03", 16)] {
            let stepFolder = folder.appendingPathComponent("scenario/steps/\(step)")
            try FileManager.default.createDirectory(at: stepFolder, withIntermediateDirectories: true)
            let lines = sirens.enumerated().map { index, siren in Self.report(siren, score: index < dropped ? 40 : 80, day: day) }
            try (lines.joined(separator: "\n") + "\n").write(to: stepFolder.appendingPathComponent("creditsafe.jsonl"), atomically: true, encoding: .utf8)
        }
        let store = try SQLiteWatchStore(configuration: .init(path: folder.appendingPathComponent("vigie.sqlite").path))
        let router = Router(always: ["log"], routes: [Router.Route(name: "all", channels: ["chat"])])
        try await MockProviderServer.serving(MockProviderServer.Configuration(scenario: folder.appendingPathComponent("scenario"))) { baseURL in
            let clock = ManualWallClock()
            let (provider, transport) = FaultMatrixTests.provider(baseURL)
            let control = CurlTransport()
            defer { transport.shutdown(); control.shutdown() }
            let registry = WatchlistRegistry(configuration: .init(paths: [folder.appendingPathComponent("erp.csv")]), store: store, clock: clock, logger: Logger(label: "test"))
            let cycle = WatchCycle(registry: registry, providers: [provider], feeds: [], store: store, router: router, clock: clock, logger: Logger(label: "test"))

            #expect(try await cycle.run().summary.alertsRaised == 0, "the baseline")
            _ = try await control.send(HTTPRequest(url: baseURL + "/_mock/advance"))
            clock.advance(by: 86_400)
            let shifted = try await cycle.run()
            #expect(shifted.summary.alertsRaised == 1, "one alert, not sixteen")
            let alerts = try await store.alerts(since: nil, limit: nil)
            #expect(alerts.map(\.kind) == [MassShiftGuard.kind])
            let shift = try #require(alerts.first)
            guard case .shift(let evidence) = shift.evidence else { Issue.record("no shift evidence"); return }
            #expect((evidence.compared, evidence.weakened, evidence.held.count) == (20, 16, 16))
            #expect(evidence.distribution == ["-40 or more": 16, "unchanged": 4])
            #expect(shift.title == "Creditsafe: 16 of 20 companies weakened at once (80 %); 16 alerts held until released or discarded")
            #expect(try await store.dueDeliveries(channel: "chat", due: clock.now, limit: 100).ready.map(\.alert.kind) == [MassShiftGuard.kind])
            #expect(try await store.activeCases().isEmpty, "nothing held is a case yet")

            let released = try await SourceShifts.decide(shift.id, .released, by: "ops", note: "real", store: store, router: router, now: clock.now)
            #expect(released == 16)
            #expect(try await store.dueDeliveries(channel: "chat", due: clock.now, limit: 100).ready.filter { $0.alert.kind == "score_drop" }.count == 16)
            #expect(try await store.activeCases().count == 16)
            await #expect(throws: SourceShifts.Failure.self) {
                _ = try await SourceShifts.decide(shift.id, .discarded, by: "ops", note: nil, store: store, router: router, now: clock.now)
            }
            guard case .shift(let decided) = try await store.alert(id: shift.id)?.evidence else { Issue.record("no shift"); return }
            #expect(decided.decision == .released && decided.decidedBy == "ops")
            // The next cycle says the same: no new shift, nothing again.
            clock.advance(by: 86_400)
            #expect(try await cycle.run().summary.alertsRaised == 0)
        }
    }

    @Test("a few companies weakening is news, and a small list is never a shift")
    func noShift() {
        let guard_ = MassShiftGuard()
        let drop = { (siren: String) -> AlertChange in
            let evidence = ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(year: 2026, month: 3, day: 3)!, previousOn: nil, field: "score", old: "80/100", new: "40/100")
            return .raised(Alert(id: siren, siren: try! SIREN(siren), companyName: nil, kind: "score_drop", severity: .warning, title: "t", evidence: .observation(evidence), watch: [], createdAt: Date(timeIntervalSince1970: 0)))
        }
        let sirens = Self.sirens(20)
        let four = guard_.hold(sirens.prefix(4).map(drop), moves: ["creditsafe": .init(compared: 20, scoreMoves: [])], now: Date(timeIntervalSince1970: 0))
        #expect(four.shifts.isEmpty && four.kept.count == 4, "20 % is not more than 20 %")
        let five = guard_.hold(sirens.prefix(5).map(drop), moves: ["creditsafe": .init(compared: 20, scoreMoves: [])], now: Date(timeIntervalSince1970: 0))
        #expect(five.shifts.count == 1 && five.kept.isEmpty)
        let small = guard_.hold(sirens.prefix(5).map(drop), moves: ["creditsafe": .init(compared: 6, scoreMoves: [])], now: Date(timeIntervalSince1970: 0))
        #expect(small.shifts.isEmpty, "six companies compared is below the minimum")
    }
}
