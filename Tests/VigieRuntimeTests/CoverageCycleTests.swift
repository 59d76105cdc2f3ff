import Foundation
import Logging
import Testing
import VigieCore
import VigieProviders
import VigieRuntime
import VigieStore
import VigieTestSupport

/// The insurer's exports and the ERP's aged balance as files the cycle reads, on a manual clock,
/// into SQLite and PostgreSQL.
@Suite("Insurer exports and aged balances through the cycle")
struct CoverageCycleTests {
    static let pasargad = try! SIREN("881843924")

    static func write(_ text: String, to url: URL, encoding: String.Encoding = .utf8) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.data(using: encoding)!.write(to: url)
    }

    @Test("a limit cut, growing overdue, a broken export kept at its last good version, a stop in payments: alerted once each, on one case", arguments: StoreUnderTest.allCases)
    func walk(store kind: StoreUnderTest) async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.write(CycleTests.goodList, to: folder.appendingPathComponent("lists/erp.csv"))
        let exports = folder.appendingPathComponent("allianz")
        let balance = folder.appendingPathComponent("erp/balance.csv")
        do {
            let store = try await kind.make()
            // 2026-01-26 on the manual clock.
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_769_400_000))
            var settings = CoverageSettings()
            settings.uncoveredThreshold = 10_000
            let registry = WatchlistRegistry(configuration: .init(paths: [folder.appendingPathComponent("lists")]), store: store, clock: clock, logger: Logger(label: "test"))
            let cycle = WatchCycle(
                registry: registry,
                providers: [
                    InsurerExportSource(configuration: .init(insurer: "allianz-trade", folder: exports, preset: .allianzTrade), clock: clock),
                    ReceivablesSource(path: balance, clock: clock),
                ],
                feeds: [], store: store, router: Router(always: ["recording"]), clock: clock, coverage: settings, logger: Logger(label: "test")
            )
            func step() async throws -> (kinds: [String], report: WatchCycle.Report) {
                let before = Set(try await store.alerts(since: nil, limit: nil).map(\.id))
                let report = try await cycle.run()
                clock.advance(by: 86_400)
                return (try await store.alerts(since: nil, limit: nil).filter { !before.contains($0.id) }.map(\.kind).sorted(), report)
            }
            let header = "Buyer SIREN;Buyer Name;Requested Amount;Decision Amount;Currency;Decision Type;Decision Date;Expiry Date\n"
            try Self.write(header + "881843924;PASARGAD;20000;15000;EUR;Partly approved;2025-06-15;2028-06-30\n", to: exports.appendingPathComponent("2025-06.csv"))
            try Self.write("N° SIREN;Non échu;1-30 j;31-60 j;Dernier règlement;Date de situation\n881843924;10 000,00;2 480,50;0;20/11/2025;30/11/2025\n", to: balance, encoding: .windowsCP1252)
            let first = try await step()
            #expect(first.kinds == [], "the first figures are the baseline: \(first.kinds) \(first.report.failuresBySource)")

            // The insurer cuts the limit in a new export; the client owes more, much of it overdue.
            try Self.write(header + "881843924;PASARGAD;20000;5000;EUR;Reduction;2025-12-15;2028-06-30\n", to: exports.appendingPathComponent("2025-12.csv"))
            try Self.write("N° SIREN;Non échu;1-30 j;31-60 j;Dernier règlement;Date de situation\n881843924;6 000,00;7 400,00;8 500,00;20/11/2025;31/12/2025\n", to: balance, encoding: .windowsCP1252)
            #expect(try await step().kinds == ["insurer_limit_reduced", "overdue_amount", "uncovered_exposure"])

            // A broken aged balance: a failure of the source at its line; the last good figures stand.
            try Self.write("N° SIREN;Non échu;1-30 j\n881843924;six mille;1\n", to: balance)
            let broken = try await step()
            #expect(broken.kinds == [])
            #expect(broken.report.failuresBySource["score:receivables"] == 1)
            let snapshots = try await store.snapshots(for: [Self.pasargad])
            #expect(snapshots[SnapshotKey(siren: Self.pasargad, source: "receivables")]?.detail?.balance?.outstanding == 21_900)

            // No payment for 72 days while invoices fall due.
            try Self.write("N° SIREN;Non échu;1-30 j;31-60 j;61-90 j;Dernier règlement;Date de situation\n881843924;5 700;3 000;7 400;8 500;20/11/2025;31/01/2026\n", to: balance)
            let stopped = try await step()
            #expect(stopped.kinds == ["overdue_days", "payments_stopped"], "\(stopped.report.failuresBySource)")
            #expect(try await step().kinds == [], "nothing twice")

            let cases = try await store.cases(CaseFilter(activeOnly: true, asOf: clock.now))
            #expect(cases.count == 1)
            let item = try #require(cases.first)
            #expect(item.situation == .deterioration)
            #expect(item.facts.map(\.kind).sorted() == ["insurer_limit_reduced", "overdue_amount", "overdue_days", "payments_stopped", "uncovered_exposure"])
            let position = try #require(item.position)
            #expect((position.owed, position.insured, position.uncovered, position.owedFrom) == (24_600, 5_000, 19_600, "receivables"))
            // The insurer's cut below what is owed is raised to high by the default severity rules.
            let cut = try #require(try await store.alerts(since: nil, limit: nil).first { $0.kind == "insurer_limit_reduced" })
            #expect(cut.severity == .high)
            #expect(cut.escalatedBy == "a limit cut below what the client owes")
        }
    }

    @Test("an export folder that is missing or empty, or a file with no decision column, fails the source with what to do")
    func unreadable() async throws {
        let folder = try CycleTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualWallClock()
        let missing = InsurerExportSource(configuration: .init(insurer: "coface", folder: folder.appendingPathComponent("nowhere")), clock: clock)
        await #expect(throws: CoverageFileError.self) { try await missing.poll([Self.pasargad], cursor: nil) }
        let empty = InsurerExportSource(configuration: .init(insurer: "coface", folder: folder), clock: clock)
        do {
            _ = try await empty.poll([Self.pasargad], cursor: nil)
            Issue.record("an empty folder read")
        } catch {
            #expect("\(error)".hasSuffix("no .csv file of coface's exports in the folder yet; export one there"))
        }
        try Self.write("siren;montant\n881843924;1\n", to: folder.appendingPathComponent("a.csv"))
        do {
            _ = try await empty.poll([Self.pasargad], cursor: nil)
            Issue.record("a file without a decision column read")
        } catch {
            #expect("\(error)".contains("a.csv:1: no decision column"))
        }
        #expect(CoverageFiles.day(inName: "balance-2026-11-30.csv") == CalendarDay(year: 2026, month: 11, day: 30))
        #expect(CoverageFiles.day(inName: "BAL_20261130.csv") == CalendarDay(year: 2026, month: 11, day: 30))
        #expect(CoverageFiles.day(inName: "balance.csv") == nil)
    }

    @Test("vigie.yaml: insurers with presets and column names, the aged balance, the thresholds; mistakes at their line")
    func configuration() throws {
        let text = """
            insurers:
              - name: allianz-trade
                folder: exports/allianz
                preset: allianz-trade
                columns: { granted: "Montant agréé" }
                interval: 24h
            receivables:
              file: erp/balance.csv
            coverage:
              uncovered_threshold: 5000
              guarantee_expiry_days: [60, 14]
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/srv/vigie")).get()
        #expect(configuration.insurers == [.init(insurer: "allianz-trade", folder: URL(fileURLWithPath: "/srv/vigie/exports/allianz"), preset: .allianzTrade, columns: ["granted": "Montant agréé"])])
        #expect(configuration.receivables == "erp/balance.csv")
        #expect(configuration.coverage.uncoveredThreshold == 5_000)
        #expect(configuration.coverage.guaranteeExpiryDays == [60, 14])
        #expect(configuration.sourceIntervals["score:insurer:allianz-trade"] == .seconds(86_400))

        let apis = """
            insurers:
              - api: allianz-trade
                policy: "5012345"
                client_id: vigie
                client_secret_env: AT_SECRET
                rate: 5
              - api: coface
                policy: "77"
                client_id: vigie
                client_secret_env: COFACE_SECRET
                api_key_env: COFACE_KEY
              - api: coface
                policy: "77"
                client_id: vigie
                client_secret_env: COFACE_SECRET
            """
        let environment = ["AT_SECRET": "s3cret-at", "COFACE_SECRET": "s3cret-cf", "COFACE_KEY": "k3y"]
        guard case .failure(let missingKey) = VigieConfiguration.parse(apis, file: "vigie.yaml", root: URL(fileURLWithPath: "/srv"), environment: environment) else {
            Issue.record("a Coface API without its key was accepted")
            return
        }
        #expect(missingKey.issues.map(\.description) == ["vigie.yaml:12: insurers: Coface's API needs api_key_env (or api_key_file) besides the client credentials"])
        let good = try VigieConfiguration.parse(String(apis.split(separator: "\n").prefix(11).joined(separator: "\n")), file: "vigie.yaml", root: URL(fileURLWithPath: "/srv"), environment: environment).get()
        #expect(good.insurerAPIs.count == 2)
        guard case .allianzTrade(let allianz) = good.insurerAPIs.first, case .coface(let coface) = good.insurerAPIs.last else {
            Issue.record("the APIs were not read in order")
            return
        }
        #expect((allianz.api.policy, allianz.api.clientSecret, allianz.api.baseURL, allianz.client.rate) == ("5012345", "s3cret-at", "https://api.allianz-trade.com", 5))
        #expect((coface.api.apiKey, coface.api.baseURL) == ("k3y", "https://api.coface.com"))

        let bad = """
            insurers:
              - name: allianz trade
                folder: x
                preset: euler
                columns: { amount: "Montant" }
            receivables: {}
            coverage:
              overdue_days: 120
            """
        guard case .failure(let error) = VigieConfiguration.parse(bad, file: "vigie.yaml", root: URL(fileURLWithPath: "/srv")) else {
            Issue.record("a bad configuration was accepted")
            return
        }
        let lines = error.issues.map { "\($0.line): \($0.message)" }
        #expect(lines == [
            "2: \"allianz trade\" is not a source name; use letters, digits and dashes, like allianz-trade",
            "4: \"euler\" is not a preset; use generic, allianz-trade, coface, atradius",
            "5: unknown key; known keys: identifier, name, requested, granted, currency, decision, decided_on, expires_on, reference",
            "6: receivables needs file: the aged-balance CSV the ERP exports (or the folder it exports into)",
            "8: expected a whole number from 0 to 90",
        ])
    }
}
