import Foundation
import Testing
import VigieCore

@Suite("The score diff")
struct ScoreDiffTests {
    static let siren = try! SIREN("337891287")
    static let day1 = CalendarDay(year: 2026, month: 2, day: 2)!
    static let day2 = CalendarDay(year: 2026, month: 2, day: 4)!

    static func observation(_ score: ScoreValue?, rating: String? = nil, limit: CreditLimit? = nil, status: CompanyStatus? = nil, on day: CalendarDay = day2) -> ScoreObservation {
        ScoreObservation(siren: siren, provider: "creditsafe", observedOn: day, score: score, rating: rating, creditLimit: limit, status: status)
    }

    static func snapshot(_ score: ScoreValue?, rating: String? = nil, limit: CreditLimit? = nil, status: CompanyStatus? = .active) -> Snapshot {
        var snapshot = Snapshot(siren: siren, source: "creditsafe")
        snapshot.score = score
        snapshot.rating = rating
        snapshot.creditLimit = limit
        snapshot.status = status
        snapshot.observedOn = day1
        return snapshot
    }

    static func creditsafe(_ value: Double) -> ScoreValue { .value(value, minimum: 0, maximum: 100) }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var before: Snapshot?
        var after: ScoreObservation
        var expected: [String]
        var reasons: [String] = []
        var thresholds = Thresholds.standard
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "first sight is a baseline, even for a low score", before: nil, after: observation(creditsafe(12), rating: "D", limit: .amount(0, currency: "EUR")), expected: []),
        Case(name: "a drop of 10 points alerts", before: snapshot(creditsafe(70)), after: observation(creditsafe(60)), expected: ["score_drop"], reasons: ["points"]),
        Case(name: "a drop of 9 points within the band does not", before: snapshot(creditsafe(50)), after: observation(creditsafe(41)), expected: []),
        Case(name: "20 % of a low score alerts by percent", before: snapshot(creditsafe(25)), after: observation(creditsafe(20)), expected: ["score_drop"], reasons: ["percent"]),
        Case(name: "crossing into a worse band alerts, however small", before: snapshot(creditsafe(71)), after: observation(creditsafe(70)), expected: ["score_drop"], reasons: ["band"]),
        Case(name: "all three at once", before: snapshot(creditsafe(78)), after: observation(creditsafe(52)), expected: ["score_drop"], reasons: ["points", "percent", "band"]),
        Case(name: "a rise is no event", before: snapshot(creditsafe(40)), after: observation(creditsafe(80)), expected: []),
        Case(name: "Not Rated is no drop", before: snapshot(creditsafe(80)), after: observation(.notRated), expected: []),
        Case(name: "a missing score is no drop", before: snapshot(creditsafe(80)), after: observation(nil), expected: []),
        Case(name: "Ellisphère's 0–10 scale is normalized: 5 → 4 is 10 points", before: snapshot(.value(5, minimum: 0, maximum: 10)), after: observation(.value(4, minimum: 0, maximum: 10)), expected: ["score_drop"], reasons: ["points", "percent"]),
        Case(name: "an entry's own thresholds apply", before: snapshot(creditsafe(60)), after: observation(creditsafe(55)), expected: ["score_drop"], reasons: ["points"], thresholds: Thresholds(scoreDropPoints: 5).over(.standard)),
        Case(name: "a rating downgrade alone alerts", before: snapshot(creditsafe(60), rating: "B"), after: observation(creditsafe(58), rating: "C"), expected: ["rating_downgrade"]),
        Case(name: "a rating downgrade with a score drop is one alert", before: snapshot(creditsafe(60), rating: "B"), after: observation(creditsafe(40), rating: "C"), expected: ["score_drop"], reasons: ["points", "percent", "band"]),
        Case(name: "a credit limit cut by 40 % alerts", before: snapshot(nil, limit: .amount(250_000, currency: "EUR")), after: observation(nil, limit: .amount(150_000, currency: "EUR")), expected: ["credit_limit_cut"]),
        Case(name: "a credit limit cut by 10 % does not", before: snapshot(nil, limit: .amount(100_000, currency: "EUR")), after: observation(nil, limit: .amount(90_000, currency: "EUR")), expected: []),
        Case(name: "a credit limit set to zero is cancelled", before: snapshot(nil, limit: .amount(20_000, currency: "EUR")), after: observation(nil, limit: .amount(0, currency: "EUR")), expected: ["credit_limit_cancelled"]),
        Case(name: "\"Credit Limit not applicable\" is no cut", before: snapshot(nil, limit: .amount(20_000, currency: "EUR")), after: observation(nil, limit: .notApplicable), expected: []),
        Case(name: "a company that ceases is reported", before: snapshot(creditsafe(40)), after: observation(nil, status: .ceased), expected: ["company_ceased"]),
        Case(name: "a company struck off is reported", before: snapshot(nil, status: .ceased), after: observation(nil, status: .struckOff), expected: ["company_struck_off"]),
        Case(name: "a company already ceased is reported at first sight", before: nil, after: observation(.notRated, status: .struckOff), expected: ["company_struck_off"]),
        Case(name: "a company still ceased is not reported again", before: snapshot(nil, status: .ceased), after: observation(nil, status: .ceased), expected: []),
    ]

    @Test("diff rules", arguments: cases)
    func diff(_ testCase: Case) {
        let (_, events) = ScoreDiff.apply(testCase.after, to: testCase.before, thresholds: testCase.thresholds)
        #expect(events.map(\.kind) == testCase.expected)
        if case .observation(let evidence)? = events.first?.evidence, !testCase.reasons.isEmpty {
            #expect(evidence.reasons == testCase.reasons)
            #expect(evidence.provider == "creditsafe")
            #expect(evidence.observedOn == Self.day2)
            #expect(evidence.previousOn == (testCase.before == nil ? nil : Self.day1))
        }
    }

    @Test("Not Rated in between keeps the last stated score, so the next drop is measured from it")
    func notRatedKeepsLastScore() {
        let (afterGap, _) = ScoreDiff.apply(Self.observation(.notRated), to: Self.snapshot(Self.creditsafe(80)), thresholds: .standard)
        #expect(afterGap.score == Self.creditsafe(80))
        let (_, events) = ScoreDiff.apply(Self.observation(Self.creditsafe(40)), to: afterGap, thresholds: .standard)
        #expect(events.map(\.kind) == ["score_drop"])
    }

    @Test("a drop into band D is high severity, within D a warning")
    func severity() {
        let intoD = ScoreDiff.scoreDrop(from: Self.creditsafe(35), to: Self.creditsafe(12), thresholds: .standard)
        #expect(intoD?.severity == .high)
        let withinD = ScoreDiff.scoreDrop(from: Self.creditsafe(28), to: Self.creditsafe(10), thresholds: .standard)
        #expect(withinD?.severity == .warning)
    }

    @Test("the evidence says old → new in a person's words")
    func evidenceText() {
        let (_, events) = ScoreDiff.apply(Self.observation(Self.creditsafe(52)), to: Self.snapshot(Self.creditsafe(78)), thresholds: .standard)
        guard case .observation(let evidence)? = events.first?.evidence else { Issue.record("no evidence"); return }
        #expect(evidence.old == "78/100")
        #expect(evidence.new == "52/100")
        #expect(events.first?.title == "Creditsafe score dropped from 78/100 to 52/100")
    }
}

/// The hysteresis, walked observation by observation as the cycles would: the snapshot each
/// diff leaves is the next one's input, and the day is the observation's.
@Suite("Score hysteresis")
struct HysteresisTests {
    /// Each observation's events, as `kind` strings, day by day from 2 February 2026.
    static func walk(_ series: [(score: Double, day: Int)], thresholds: Thresholds = .standard) -> [[String]] {
        var snapshot: Snapshot?
        return series.map { step in
            let observation = ScoreDiffTests.observation(ScoreDiffTests.creditsafe(step.score), on: CalendarDay(year: 2026, month: 2, day: step.day)!)
            let (next, events) = ScoreDiff.apply(observation, to: snapshot, thresholds: thresholds)
            snapshot = next
            return events.map(\.kind)
        }
    }

    @Test("a score wavering around a band edge, 52 → 48 → 52 → 48 → 52 → 48, alerts once")
    func flapping() {
        let events = Self.walk([(52, 1), (48, 2), (52, 3), (48, 4), (52, 5), (48, 6)])
        #expect(events.flatMap { $0 } == ["score_drop"])
        #expect(events[1] == ["score_drop"])
    }

    @Test("a real recovery, held for the margin's days, re-arms: the same fall then alerts again, and says the first is over")
    func recoveryThenFall() {
        let events = Self.walk([(60, 1), (45, 2), (55, 3), (56, 10), (45, 11)])
        #expect(events == [[], ["score_drop"], [], ["score_recovered"], ["score_drop"]])
    }

    @Test("a one-day rebound is no recovery: the fall back is not alerted again")
    func rebound() {
        #expect(Self.walk([(60, 1), (45, 2), (55, 3), (45, 4)]).flatMap { $0 } == ["score_drop"])
    }

    @Test("a further fall below the level alerted at escalates; a small one does not")
    func escalation() {
        #expect(Self.walk([(60, 1), (45, 2), (42, 3), (30, 4)]) == [[], ["score_drop"], [], ["score_drop"]])
    }

    @Test("a list's own margin and days apply")
    func ownMargin() {
        let strict = Thresholds(hysteresisPoints: 2, hysteresisDays: 1).over(.standard)
        #expect(Self.walk([(52, 1), (48, 2), (51, 3), (51, 4), (48, 5)], thresholds: strict).flatMap { $0 } == ["score_drop", "score_recovered", "score_drop"])
    }
}
