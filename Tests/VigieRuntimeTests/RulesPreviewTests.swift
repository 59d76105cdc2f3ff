import Foundation
import Logging
import Testing
import VigieCore
import VigieRuntime
import VigieStore
import VigieTestSupport

/// `vigie rules preview` on the demo walk: the same rules replay to the same alerts; a changed
/// threshold shows what it would have changed, and nothing is written to the store.
@Suite("Previewing changed rules")
struct RulesPreviewTests {
    @Test("the demo walk replayed: no difference under the same rules; a raised limit-cut threshold drops GAMM VERT's cut; the store is untouched")
    func demoWalk() async throws {
        let state = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let clock = ManualWallClock()
        let configuration = DemoWalkTests.configuration(state: state)
        do {
            let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
            defer { application.shutdown() }
            _ = try await DemoWalkTests.walk(application, clock: clock, cycles: 5)
        }
        let store = try SQLiteWatchStore(configuration: .init(path: configuration.storePath, access: .reader))
        let router = try VigieApplication.delivery(configuration).1
        let lists = configuration.watchlists.map(configuration.resolve)

        let same = try await RulesPreview(store: store, watchlists: lists, router: router, logger: Logger(label: "test")).run()
        // Five days of provider reports and notices; three of the insurer's decisions; three aged balances.
        #expect(same.days == 11)
        #expect(same.companies == 7)
        #expect(same.added.isEmpty && same.removed.isEmpty, "\(same.added.map(\.title)) \(same.removed.map(\.title))")
        // The replay goes by the data's own dates: PASARGAD's aged balance of 2026-01-31 comes
        // before its receivership's publication (2026-02-05), so what it says is told there,
        // while the live cycle read both at once and put it on the procedure's case. Nothing else differs.
        #expect(same.changed.map { "\($0.now.kind): \($0.then.disposition?.rawValue ?? "-") → \($0.now.disposition?.rawValue ?? "-")" }.sorted() == [
            "overdue_days: inhibited → notified", "payments_stopped: inhibited → notified",
        ])
        #expect(Set(same.casesNow.map(\.id)) == Set(same.casesThen.map(\.id)))

        // The same lists, with the key accounts' limit-cut threshold raised from 25 % to 50 %.
        let changed = DemoWalkTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: changed) }
        try FileManager.default.createDirectory(at: changed, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: RepositoryData.repositoryRoot.appendingPathComponent("watchlists").path) {
            var text = try String(contentsOf: RepositoryData.repositoryRoot.appendingPathComponent("watchlists/\(file)"), encoding: .utf8)
            text = text.replacingOccurrences(of: "credit_limit_cut_percent: 25", with: "credit_limit_cut_percent: 50")
            try text.write(to: changed.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let before = try await store.alerts(since: nil, limit: nil)
        let preview = try await RulesPreview(store: store, watchlists: [changed], router: router, logger: Logger(label: "test")).run()
        #expect(preview.removed.map { "\($0.companyName ?? ""): \($0.kind)" } == ["GAMM VERT: credit_limit_cut"])
        #expect(preview.added.isEmpty)
        #expect(try await store.alerts(since: nil, limit: nil) == before, "the store is only read")

        // A severity rule that raises every weakening to critical changes severities, not alerts.
        var strict = router
        strict.severity = SeverityRules(rules: [SeverityRule(name: "every weakening is critical", situations: [.deterioration], raiseTo: .critical)])
        let escalated = try await RulesPreview(store: store, watchlists: lists, router: strict, logger: Logger(label: "test")).run()
        #expect(escalated.added.isEmpty && escalated.removed.isEmpty)
        #expect(escalated.changed.contains { $0.now.companyName == "GAMM VERT" && $0.now.kind == "score_drop" && $0.now.severity == .critical })
    }
}
