import Foundation
import Logging
import Testing
import VigieCore
import VigieDelivery
import VigieRuntime
import VigieStore
import VigieTestSupport

@Suite("The demo walk on the embedded default")
struct DemoWalkTests {
    /// The repository's own configuration (watchlists/, scenarios/demo), with state in a fresh folder.
    static func configuration(state: URL) -> VigieConfiguration {
        var configuration = VigieConfiguration(root: RepositoryData.repositoryRoot)
        configuration.stateDirectory = state.path
        configuration.terminal.enabled = false
        return configuration
    }

    /// What each cycle of the demo raises, by company and kind; the sixth is past the end.
    static let raisedPerCycle = [
        ["FRIZY: procedure_opened", "LE JULES VERNE: company_in_failure", "LE JULES VERNE: company_struck_off"],
        // PASARGAD's insurer cuts its limit while its overdue grows, in its aged balance.
        ["GAMM VERT: credit_limit_cut", "GAMM VERT: score_drop", "PASARGAD: insurer_limit_reduced", "PASARGAD: overdue_amount", "PASARGAD: uncovered_exposure"],
        // Its receivership: the weakening goes on in the procedure's case; it stopped paying.
        ["PASARGAD: case_resolved", "PASARGAD: overdue_days", "PASARGAD: payments_stopped", "PASARGAD: procedure_opened"],
        ["PASARGAD: credit_limit_cut", "PASARGAD: score_drop", "SCI DES QUATRE SAISONS: procedure_converted"],
        ["ENTREPRISE EDOUIN ERIC: credit_limit_cancelled"],
        [],
    ]

    /// Runs `cycles` cycles, each followed by a delivery pass, and says what each raised.
    static func walk(_ application: VigieApplication, clock: ManualWallClock, cycles: Int) async throws -> [[String]] {
        var raised: [[String]] = []
        for _ in 0..<cycles {
            let before = Set(try await application.store.alerts(since: nil, limit: nil).map(\.id))
            let report = try await application.cycle.run()
            _ = try await application.dispatcher.drain()
            let alerts = try await application.store.alerts(since: nil, limit: nil).filter { !before.contains($0.id) }
            #expect(report.summary.alertsRaised == alerts.count)
            raised.append(alerts.map { "\($0.companyName ?? "?"): \($0.kind)" }.sorted())
            clock.advance(by: 900)
        }
        return raised
    }

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigie-test-\(UUID())")
    }

    @Test("baseline, score drop, receivership, liquidation, limits; then nothing; then nothing after a restart")
    func walk() async throws {
        let state = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: state) }
        let clock = ManualWallClock()
        let configuration = Self.configuration(state: state)
        let alertCount: Int
        do {
            let application = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))

            #expect(try await Self.walk(application, clock: clock, cycles: 6) == Self.raisedPerCycle)

            let alerts = try await application.store.alerts(since: nil, limit: nil)
            try Self.storedAlertsReadAsCodableReadsThem(alerts)
            let liquidation = try #require(alerts.first { $0.kind == "procedure_converted" })
            #expect(liquidation.severity == .critical)
            #expect(liquidation.watch.first?.owner == "paul.martin@example.fr")
            #expect(liquidation.exposure == ["EUR": 4300])
            let receivership = try #require(alerts.first { $0.kind == "procedure_opened" && $0.companyName == "PASARGAD" })
            guard case .notice(let evidence) = receivership.evidence else { Issue.record("no notice evidence"); return }
            #expect(evidence.tribunal == "Greffe du Tribunal de Commerce de Beauvais")
            #expect(evidence.judgmentDate == CalendarDay(year: 2026, month: 1, day: 27))
            let drop = try #require(alerts.first { $0.kind == "score_drop" && $0.companyName == "GAMM VERT" })
            guard case .observation(let observation) = drop.evidence else { Issue.record("no observation evidence"); return }
            #expect((observation.provider, observation.old, observation.new) == ("creditsafe", "78/100", "52/100"))
            #expect(observation.observedOn == CalendarDay(year: 2026, month: 2, day: 4))
            // LE JULES VERNE's real report: the struck-off alert carries Creditsafe's latest judgement.
            let struckOff = try #require(alerts.first { $0.kind == "company_struck_off" })
            guard case .observation(let status) = struckOff.evidence else { Issue.record("no observation evidence"); return }
            #expect(status.latestLegalEvent == "Closure for Insufficient Assets (CI), 2014-09-26")

            // The log holds one line per alert told, each with its id, in the documented shape;
            // what a case only recorded (a provider's judgement BODACC tells) is not sent.
            let lines = try String(contentsOfFile: configuration.logPath, encoding: .utf8).split(separator: "\n")
            let told = alerts.filter { $0.disposition == .notified || $0.disposition == nil }
            #expect(lines.count == told.count)
            let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            // Every alert and case of the walk is written byte for byte as JSONEncoder writes it.
            let foundation = JSONEncoder()
            foundation.keyEncodingStrategy = .convertToSnakeCase
            foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for alert in alerts {
                #expect(AlertRecord(alert).jsonLine() == String(decoding: try foundation.encode(AlertRecord(alert)), as: UTF8.self))
            }
            try Self.storedCasesReadAsCodableReadsThem(try await application.store.cases(CaseFilter(activeOnly: false, asOf: clock.now)))
            for item in try await application.store.cases(CaseFilter(activeOnly: false, asOf: clock.now)) {
                let record = CaseRecord(item, at: clock.now)
                #expect(try RecordJSONEncoder().encode(record) == String(decoding: try foundation.encode(record), as: UTF8.self))
            }
            #expect(Set(records.map { $0["id"] as! String }) == Set(told.map(\.id)))
            let logged = try #require(records.first { $0["kind"] as? String == "procedure_converted" })
            #expect(logged["siren"] as? String == "494523335")
            #expect(logged["severity"] as? String == "critical")
            #expect((logged["evidence"] as? [String: Any])?["source"] as? String == "bodacc")
            #expect(((logged["watch"] as? [[String: Any]])?.first?["exposure"] as? [String: Any])?["amount"] as? String == "4300")

            // One process writes an SQLite store: a second one refuses while the first runs.
            await #expect(throws: SQLiteWatchStore.Failure.self) { try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test")) }
            alertCount = told.count

            // The walk ends with cases a credit manager can act on: one per company and
            // situation, the most money at stake first, each with its owner; PASARGAD's
            // weakening is on its receivership's case, not a case of its own.
            let cases = try await application.store.cases(CaseFilter(activeOnly: true, asOf: clock.now))
            #expect(cases.map { "\($0.companyName ?? ""): \($0.situation.rawValue) \($0.severity.rawValue)" } == [
                "GAMM VERT: deterioration high", "FRIZY: procedure high", "PASARGAD: procedure critical",
                "ENTREPRISE EDOUIN ERIC: deterioration high", "SCI DES QUATRE SAISONS: procedure critical",
                "LE JULES VERNE: procedure critical", "LE JULES VERNE: cessation high",
            ])
            #expect(cases.allSatisfy { $0.owner != nil })
            let pasargad = try #require(cases.first { $0.companyName == "PASARGAD" })
            // One case tells PASARGAD's story: the insurer's cut, the uncovered part and the
            // overdue before the judgment; the receivership; what followed, inhibited.
            #expect(pasargad.facts.map { "\($0.kind) \($0.disposition.rawValue)" } == [
                "insurer_limit_reduced notified", "uncovered_exposure notified", "overdue_amount notified", "procedure_opened notified",
                "payments_stopped inhibited", "overdue_days inhibited", "score_drop inhibited", "credit_limit_cut inhibited",
            ])
            #expect(pasargad.claims?.deadline == CalendarDay(year: 2026, month: 4, day: 5))
            #expect(pasargad.claims?.mandataire?.hasPrefix("SCP alpha Mj") == true)
            // Owed by the aged balance, covered by the insurer's cut limit; the claim is what was
            // owed by the last balance before the judgment of 2026-01-27.
            let position = try #require(pasargad.position)
            #expect((position.owed, position.insured, position.uncovered, position.insuredBy) == (24_600, 5_000, 19_600, "allianz-trade"))
            #expect(position.toDeclare == Money(amount: 21_900))
            #expect(position.toDeclareAsOf == CalendarDay(year: 2025, month: 12, day: 31))
            let weakening = try #require(try await application.store.case(id: Case.id(siren: (try! SIREN("881843924")), situation: .deterioration)))
            #expect((weakening.state, weakening.resolution) == (.resolved, "merged_into_procedure"))
            let opened = try #require(alerts.first { $0.kind == "procedure_opened" && $0.companyName == "PASARGAD" })
            let message = MessageContent(alert: opened, language: .en).facts.map { "\($0.label): \($0.value)" }
            #expect(message.contains("Uncovered: 19,600 EUR"))
            #expect(message.contains("Claim to declare: 21,900 EUR (aged balance of 2025-12-31)"))
        }

        // A restart on the same store, once the first process is gone: nothing new, nothing delivered twice.
        let restarted = try await VigieApplication(configuration: configuration, clock: clock, logger: Logger(label: "test"))
        let report = try await restarted.cycle.run()
        let delivered = try await restarted.dispatcher.drain()
        #expect(report.summary == CommitSummary())
        #expect(delivered.delivered == 0)
        #expect(try String(contentsOfFile: configuration.logPath, encoding: .utf8).split(separator: "\n").count == alertCount)
    }

    /// `Alert.readStored` reads what the `Decodable` conformance reads (through the stores'
    /// decoder), on every alert of the walk, on each with every optional member filled, then
    /// on them reordered, cut and mutated; and it reads every notice and observation itself.
    static func storedAlertsReadAsCodableReadsThem(_ alerts: [Alert]) throws {
        let filled = alerts.map { alert in
            var alert = alert
            var position = Position(currency: "EUR", owed: Decimal(string: "24600.55")!, owedFrom: "receivables", asOf: CalendarDay(iso: "2026-01-31"),
                                    overdue: 1_200, insuredLimit: 5_000, insured: 5_000, insuredBy: "allianz-trade", guaranteed: 300, guarantor: "BNP \"caution\"")
            position.toDeclare = Money(amount: Decimal(string: "0.5")!, currency: "EUR")
            position.toDeclareAsOf = CalendarDay(iso: "2026-02-01")
            alert.position = position
            alert.nextActions = ["en": ["Call them.", "Stop shipping."], "fr": ["Appeler."]]
            alert.escalatedBy = "exposure >= 10000"
            alert.alsoReportedBy = ["pappers", "ellisphere"]
            alert.relatedAlertID = "vg_0"
            alert.caseID = alert.caseID ?? "vc_1"
            alert.disposition = alert.disposition ?? .merged
            switch alert.evidence {
            case .observation(var observation):
                observation.newLimit = Money(amount: 1_000, currency: "EUR")
                observation.amount = Money(amount: Decimal(string: "-12.25")!, currency: "USD")
                observation.reference = Money(amount: 0, currency: "EUR")
                observation.latestLegalEvent = observation.latestLegalEvent ?? "Judgement"
                alert.evidence = .observation(observation)
            case .notice(var notice):
                notice.corrects = ["A1", "A2"]
                notice.match = "name_postcode"
                notice.claims = notice.claims ?? ClaimsDeadline(published: CalendarDay(iso: "2026-01-05")!, months: 2, mandataire: "SELARL X", role: nil)
                alert.evidence = .notice(notice)
            default: break
            }
            return alert
        }
        let read = try Self.readAsCodableReadsThem(alerts + filled, readsItself: { alert in
            switch alert.evidence {
            case .notice, .observation: true
            default: false
            }
        }, read: Alert.readStored)
        #expect(read >= 2 * 10, "the walk's notices and observations are read without Codable")
    }

    /// `Case.readStored` reads what the `Decodable` conformance reads, as for alerts.
    static func storedCasesReadAsCodableReadsThem(_ cases: [Case]) throws {
        let filled = cases.map { item in
            var item = item
            item.snoozedUntil = Date(timeIntervalSince1970: 1_770_000_000)
            item.acknowledgedAt = Date(timeIntervalSince1970: 1_770_000_100)
            item.resolvedAt = Date(timeIntervalSince1970: 1_770_000_200)
            item.resolution = "paid \"in full\""
            item.notifiedAt = Date(timeIntervalSince1970: 1_770_000_300)
            item.remindedAt = ["reminder": Date(timeIntervalSince1970: 1_770_000_400), "claims": Date(timeIntervalSince1970: 1_770_000_500)]
            item.deadlineReminders = [30, 7, 1]
            item.claims = ClaimsDeadline(published: CalendarDay(iso: "2026-01-05")!, months: 2, mandataire: "SELARL X", role: "liquidateur")
            item.position = Position(currency: "EUR", owed: Decimal(string: "24600.55")!, owedFrom: "watchlist", insured: 5_000, insuredBy: "coface")
            item.owner = item.owner ?? "owner@example.fr"
            item.companyName = item.companyName ?? "X"
            item.facts = item.facts.map { fact in
                var fact = fact
                fact.procedure = fact.procedure ?? .liquidation
                return fact
            }
            return item
        }
        let read = try Self.readAsCodableReadsThem(cases + filled, readsItself: { _ in true }, read: Case.readStored)
        #expect(read == 2 * cases.count && !cases.isEmpty)
    }

    /// Each value, stored as the stores write it, is read by `read` as the stores' `Decodable`
    /// reading reads it (when `readsItself`, else left to it: nil); then reordered, cut and
    /// mutated, it is never read as anything else. Returns how many `read` read itself.
    static func readAsCodableReadsThem<T: Codable & Equatable>(_ values: [T], readsItself: (T) -> Bool, read: ([UInt8]) -> T?) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let decoder = SkimmingJSONDecoder(dateDecoding: .iso8601)
        var count = 0
        var random = SplitMix(state: 1_907)
        let structural = Array("{}[]\",:0-1.eE+tfn \\".utf8)
        for value in values {
            let stored = Array(try encoder.encode(value))
            let reference = try decoder.decode(T.self, from: stored)
            #expect(reference == value)
            if readsItself(value) {
                #expect(read(stored) == reference, "\(String(decoding: stored, as: UTF8.self))")
                count += 1
            } else {
                #expect(read(stored) == nil, "left to Codable")
            }
            let document = try JSONDecoder().decode(AnyJSON.self, from: Data(stored))
            for _ in 0..<3 {
                let reordered = Array(document.written(shuffling: &random).utf8)
                #expect(read(reordered) == (readsItself(value) ? try? decoder.decode(T.self, from: reordered) : nil))
            }
            for cut in stride(from: 0, to: stored.count, by: 13) {
                #expect(read(Array(stored[..<cut])) == nil, "cut at \(cut)")
            }
            for _ in 0..<40 {
                var mutated = stored
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = structural.randomElement(using: &random)!
                // Never a value the Decodable conformance would not read, nor another one.
                if let fast = read(mutated) { #expect(fast == (try? decoder.decode(T.self, from: mutated)), "\(String(decoding: mutated, as: UTF8.self))") }
            }
        }
        return count
    }

}
