import Foundation
import Testing
import VigieCore
import VigieProviders
import VigieTestSupport

@Suite("Creditsafe reports")
struct CreditsafeTests {
    @Test("the real report reads as a person reads it: struck off, Not Rated, no limit")
    func realReport() throws {
        let observation = try CreditsafeReportDecoder.decode(try RepositoryData.data("providers/creditsafe-company-report.json"), observedOn: CalendarDay(year: 2000, month: 1, day: 1)!)
        #expect(observation.siren.digits == "494814452")
        #expect(observation.provider == "creditsafe")
        #expect(observation.observedOn == CalendarDay(year: 2022, month: 7, day: 22))
        #expect(observation.score == .notRated)
        #expect(observation.rating == nil, "E with \"Not Scored\" is no rating")
        #expect(observation.creditLimit == .notApplicable)
        #expect(observation.status == .struckOff)
        #expect(observation.companyName == "LE JULES VERNE")
        #expect(observation.previousRating == nil, "the previous rating was also E, Not Scored")
        #expect(observation.ratingChangedOn == CalendarDay(year: 2021, month: 5, day: 7))
        #expect(observation.legalEvents.count == 9)
        #expect(observation.legalEvents.first?.summary == "Closure for Insufficient Assets (CI), 2014-09-26")
        #expect(observation.legalEvents.contains { $0.code == "LJ" && $0.on == CalendarDay(year: 2013, month: 3, day: 27) && $0.authority == "Orléans" })
    }

    @Test("a rated report gives the score on its scale, the letter and the limit")
    func rated() throws {
        let json = #"""
        {"dateOfOrder": "2026-02-04T08:00:00.000Z", "report": {"companySummary": {"businessName": "GAMM VERT", "companyRegistrationNumber": "33789128700019",
         "companyStatus": {"status": "Active"}}, "creditScore": {"currentCreditRating": {"commonValue": "B", "commonDescription": "Low Risk",
         "creditLimit": {"currency": "EUR", "value": "150000"}, "providerValue": {"minValue": "0", "maxValue": "100", "value": "52"}}}}}
        """#
        let observation = try CreditsafeReportDecoder.decode(Data(json.utf8), observedOn: CalendarDay(year: 2000, month: 1, day: 1)!)
        #expect(observation.siren.digits == "337891287")
        #expect(observation.score == .value(52, minimum: 0, maximum: 100))
        #expect(observation.rating == "B")
        #expect(observation.creditLimit == .amount(150_000, currency: "EUR"))
        #expect(observation.status == .active)
    }

    @Test("what is not a report is refused, not turned into a zero", arguments: ["{}", "{\"report\": {}}", "<html>502 Bad Gateway</html>", "{\"report\": {\"companySummary\": {\"companyRegistrationNumber\": \"GB123\"}}}"])
    func malformed(body: String) {
        #expect(throws: CreditsafeReportDecoder.Failure.self) {
            try CreditsafeReportDecoder.decode(Data(body.utf8), observedOn: CalendarDay(year: 2000, month: 1, day: 1)!)
        }
    }

    @Test("the real report cut anywhere is refused, never read as a value")
    func cut() throws {
        let data = try RepositoryData.data("providers/creditsafe-company-report.json")
        // Cut at 200 places through the document (the mock's malformed fault cuts it in half).
        for cut in stride(from: 1, to: data.count, by: data.count / 200) {
            #expect(throws: CreditsafeReportDecoder.Failure.self, "cut at \(cut)") {
                try CreditsafeReportDecoder.decode(data.prefix(cut), observedOn: CalendarDay(year: 2000, month: 1, day: 1)!)
            }
        }
    }

    @Test("the demo scenario: five steps, each readable, the first naming FRIZY's safeguard")
    func demoScenario() async throws {
        let scenario = try FixtureScenario(folder: RepositoryData.repositoryRoot.appendingPathComponent("scenarios/demo"))
        #expect(scenario.steps.map(\.label) == ["01-baseline", "02-score-drop", "03-receivership", "04-liquidation", "05-limits"])
        let feed = FixtureProcedureFeed(scenario: scenario)
        let first = try await feed.poll(watching: [], cursor: nil)
        #expect(first.cursor == "1")
        #expect(first.notices.contains { $0.companyName == "FRIZY" && NoticeClassifier.classify($0).event == .opened })
        let past = try await feed.poll(watching: [], cursor: "5")
        #expect(past.notices.isEmpty && past.cursor == nil)
        let provider = FixtureScoreProvider(scenario: scenario)
        let scores = try await provider.poll([try SIREN("337891287")], cursor: "1")
        #expect(scores.observations.map(\.score) == [.value(52, minimum: 0, maximum: 100)])
    }
}

@Suite("Creditsafe's insolvency signal")
struct CreditsafeInsolvencyTests {
    static let real = try! CreditsafeReportDecoder.decode(try! RepositoryData.data("providers/creditsafe-company-report.json"), observedOn: CalendarDay(year: 2026, month: 2, day: 2)!)

    @Test("the real report of a failed company: in failure, its judgements, procedures and privileges read as facts")
    func realFacts() throws {
        #expect(Self.real.inFailure == true)
        let facts = try #require(Self.real.facts)
        #expect(facts.filter { $0.kind == .judgement }.count == 9)
        #expect(facts.contains { $0.kind == .procedure && $0.label == "Receivership" && $0.on == CalendarDay(year: 2011, month: 11, day: 17) })
        #expect(facts.first { $0.kind == .privileges }?.count == 0)
    }

    @Test("the failed company raises its insolvency event once, not its history; new facts later are events of their own")
    func once() throws {
        let thresholds = Thresholds.standard
        let (baseline, first) = ScoreDiff.apply(Self.real, to: nil, thresholds: thresholds)
        #expect(first.map(\.kind).sorted() == ["company_in_failure", "company_struck_off"], "nine old judgements are history")
        var later = Self.real
        later.observedOn = CalendarDay(year: 2026, month: 2, day: 3)!
        let (again, second) = ScoreDiff.apply(later, to: baseline, thresholds: thresholds)
        #expect(second.isEmpty, "once")
        later.facts?.append(ProviderFact(kind: .judgement, on: CalendarDay(year: 2026, month: 2, day: 3), code: "LJ", label: "Judicial liquidation"))
        if let index = later.facts?.firstIndex(where: { $0.kind == .privileges }) { later.facts?[index].count = 2 }
        let (_, third) = ScoreDiff.apply(later, to: again, thresholds: thresholds)
        #expect(third.map(\.kind).sorted() == ["privilege_registered", "provider_judgement"])
        #expect(third.first { $0.kind == "provider_judgement" }?.severity == .critical)
        #expect(third.first { $0.kind == "provider_judgement" }?.title == "Creditsafe reports a new judgement: Judicial liquidation, 2026-02-03")
    }

    @Test("a company entering receivership while still Active: Creditsafe's move into failure is an alert")
    func activeButFailing() throws {
        var healthy = Self.real
        healthy.status = .active
        healthy.inFailure = false
        let (baseline, _) = ScoreDiff.apply(healthy, to: nil, thresholds: .standard)
        var failing = healthy
        failing.inFailure = true
        let (_, events) = ScoreDiff.apply(failing, to: baseline, thresholds: .standard)
        #expect(events.map(\.kind) == ["company_in_failure"])
        #expect(events.first?.severity == .critical)
    }
}

/// The poll reads reports with `SkimmingJSONDecoder`; these prove it reads every report as
/// Foundation's `JSONDecoder` does, and refuses what it refuses.
@Suite("Creditsafe reports through both readers")
struct CreditsafeReadersTests {
    static let day = CalendarDay(year: 2026, month: 2, day: 2)!

    /// An observation, or the verdict that the answer is not a report.
    static func reference(_ bytes: [UInt8]) -> ScoreObservation? {
        guard let response = try? JSONDecoder().decode(CreditsafeReportResponse.self, from: Data(bytes)) else { return nil }
        return try? CreditsafeReportDecoder.observation(from: response, observedOn: day)
    }

    static func skimmed(_ bytes: [UInt8]) -> ScoreObservation? {
        try? CreditsafeReportDecoder.decode(bytes, observedOn: day)
    }

    /// The real report, compact as the API sends it and pretty as it was saved, and every
    /// report of every scenario step.
    static let reports: [(String, [UInt8])] = {
        var reports: [(String, [UInt8])] = []
        let real = try! RepositoryData.data("providers/creditsafe-company-report.json")
        reports.append(("the real report, pretty", [UInt8](real)))
        reports.append(("the real report, compact", [UInt8](try! JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: real)))))
        let root = RepositoryData.repositoryRoot.appendingPathComponent("scenarios")
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        where url.pathExtension == "json" && url.deletingLastPathComponent().lastPathComponent == "creditsafe" {
            reports.append((String(url.path.dropFirst(root.path.count)), [UInt8](try! Data(contentsOf: url))))
        }
        return reports.sorted { $0.0 < $1.0 }
    }()

    @Test("every real and scenario report gives the same observation")
    func every() throws {
        #expect(Self.reports.count >= 30)
        for (name, bytes) in Self.reports {
            let expected = try #require(Self.reference(bytes), "\(name) reads with JSONDecoder")
            #expect(Self.skimmed(bytes) == expected, "\(name)")
        }
    }

    @Test("the real report cut anywhere, reordered, or with a byte changed: the same verdict")
    func fuzz() throws {
        let real = Self.reports.first { $0.0 == "the real report, compact" }!.1
        let expected = try #require(Self.reference(real))
        for cut in stride(from: 0, to: real.count, by: 37) {
            #expect(Self.skimmed(Array(real.prefix(cut))) == nil, "cut at \(cut)")
        }
        var generator = SplitMix(state: 2026)
        let document = try JSONDecoder().decode(AnyJSON.self, from: Data(real))
        for round in 0..<20 {
            #expect(Self.skimmed(Array(document.written(shuffling: &generator).utf8)) == expected, "order \(round)")
        }
        let structural = Array("{}[]\",:0-1.eE+tfn \\".utf8)
        for round in 0..<400 {
            var mutated = real
            mutated[Int.random(in: 0..<mutated.count, using: &generator)] = structural.randomElement(using: &generator)!
            // Never a value JSONDecoder would not read; refusing text that is not JSON where
            // JSONDecoder lets it through is the one difference (see SkimmingJSONDecoderTests).
            if let skimmed = Self.skimmed(mutated) { #expect(skimmed == Self.reference(mutated), "mutation \(round)") }
        }
    }
}
