import Foundation
import Testing
import VigieCore

@Suite("The money-at-risk review on a manual calendar")
struct CoverageReviewTests {
    static let siren = (try! SIREN("881843924"))
    static func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    /// A company with an exposure typed in its list, and optionally a guarantee.
    static func company(exposure: Decimal = 12_000, insured: Decimal? = nil, guarantee: Guarantee? = nil) -> WatchSet.Company {
        var entry = WatchEntry(identifier: siren.digits, siren: siren, name: "PASARGAD", exposure: Money(amount: exposure), insuredLimit: insured.map { Money(amount: $0) })
        entry.guarantee = guarantee
        return WatchSet([Watchlist(name: "w", file: "w.yaml", entries: [entry])])[siren]!
    }

    static func snapshot(_ source: String, cover: InsurerCover? = nil, balance: AgedBalance? = nil) -> Snapshot {
        var snapshot = Snapshot(siren: siren, source: source)
        snapshot.detail = SnapshotDetail(cover: cover, balance: balance)
        return snapshot
    }

    /// Reviews a series of (day, balance, covers) and says what each step raised, by kind.
    static func walk(_ steps: [(day: String, balance: AgedBalance?, covers: [InsurerCover])], company: WatchSet.Company = company(), settings: CoverageSettings = CoverageSettings()) -> [[String]] {
        var watch: PositionWatch?
        var raised: [[String]] = []
        for step in steps {
            let day = Self.day(step.day)
            var sources: [String: Snapshot] = [:]
            if let balance = step.balance { sources[CoverageSource.receivables] = snapshot(CoverageSource.receivables, balance: balance) }
            for cover in step.covers { sources[CoverageSource.insurer(cover.insurer)] = snapshot(CoverageSource.insurer(cover.insurer), cover: cover) }
            let position = Position.of(company, snapshots: sources, on: day)
            let (next, events) = CoverageReview.review(.init(
                siren: siren, position: position, covers: step.covers, guarantees: company.entries.compactMap(\.entry.guarantee),
                balance: step.balance, previous: watch, day: day, settings: settings
            ))
            watch = next
            raised.append(events.map(\.kind))
        }
        return raised
    }

    static func balance(_ asOf: String, notDue: Decimal = 0, d30: Decimal = 0, d60: Decimal = 0, d90: Decimal = 0, over: Decimal = 0, paid: String? = nil) -> AgedBalance {
        AgedBalance(
            asOf: day(asOf), outstanding: notDue + d30 + d60 + d90 + over, notDue: notDue, overdue1to30: d30, overdue31to60: d60,
            overdue61to90: d90, overdueOver90: over, lastPayment: paid.map(day)
        )
    }

    /// The overdue and payment tests leave the uncovered part out of it.
    static let paymentsOnly: CoverageSettings = {
        var settings = CoverageSettings()
        settings.uncoveredThreshold = 1_000_000
        return settings
    }()

    @Test("overdue: the first balance is the baseline; a crossing alerts once; it alerts again only after clearing")
    func overdue() {
        let raised = Self.walk([
            ("2025-10-31", Self.balance("2025-10-31", notDue: 8_000, d30: 6_000, paid: "2025-10-20"), []),
            ("2025-11-30", Self.balance("2025-11-30", notDue: 8_000, d30: 2_000, paid: "2025-11-20"), []),
            ("2025-12-31", Self.balance("2025-12-31", notDue: 6_000, d30: 7_400, paid: "2025-12-20"), []),
            ("2026-01-15", Self.balance("2026-01-15", notDue: 6_000, d30: 9_400, paid: "2026-01-10"), []),
            ("2026-01-31", Self.balance("2026-01-31", notDue: 6_000, d30: 1_000, paid: "2026-01-25"), []),
            ("2026-02-28", Self.balance("2026-02-28", notDue: 6_000, d30: 5_500, paid: "2026-02-20"), []),
        ], settings: Self.paymentsOnly)
        #expect(raised == [[], [], ["overdue_amount"], [], [], ["overdue_amount"]])
    }

    @Test("a client that stops paying while invoices fall due, money past 60 days, and a payment delay worsening over three months")
    func stoppedPaying() {
        let raised = Self.walk([
            ("2025-09-30", Self.balance("2025-09-30", notDue: 10_000, paid: "2025-09-25"), []),
            ("2025-10-31", Self.balance("2025-10-31", notDue: 10_000, d30: 1_000, paid: "2025-10-20"), []),
            ("2025-11-30", Self.balance("2025-11-30", notDue: 6_000, d30: 2_000, d60: 1_000, paid: "2025-10-20"), []),
            ("2025-12-31", Self.balance("2025-12-31", notDue: 4_000, d30: 2_000, d60: 2_000, d90: 1_000, paid: "2025-10-20"), []),
            ("2026-01-31", Self.balance("2026-01-31", notDue: 4_000, d30: 2_000, d60: 2_000, d90: 1_000, paid: "2025-10-20"), []),
            ("2026-02-28", Self.balance("2026-02-28", notDue: 9_000, paid: "2026-02-20"), []),
            ("2026-03-31", Self.balance("2026-03-31", notDue: 4_000, d30: 2_000, d60: 2_000, d90: 1_000, paid: "2026-02-20"), []),
        ], settings: Self.paymentsOnly)
        // 2025-11-30: 41 days without payment, not yet 45. 2025-12-31: 5 000 past due, some of
        // it past 60 days, 72 days without payment, and the delay 22 days worse than in
        // September. January: the same, nothing new. February: paid up, everything clears.
        // March: late again, as bad as three months before: the delay is no worse.
        #expect(raised == [[], [], [], ["overdue_amount", "overdue_days", "payments_stopped", "payment_delay_worsening"], [], [], ["overdue_amount", "overdue_days"]])
    }

    @Test("a guarantee's expiry warned at 30 and at 7 days, once each; its cancellation once; owed beyond its maximum once")
    func guarantee() {
        let guarantee = Guarantee(issuer: "LeanPay", maximum: Money(amount: 20_000), rate: 0.9, expiresOn: Self.day("2026-03-31"))
        let company = Self.company(exposure: 12_000, guarantee: guarantee)
        let steps: [(day: String, balance: AgedBalance?, covers: [InsurerCover])] = [
            ("2026-01-01", nil, []), ("2026-02-27", nil, []), ("2026-03-01", nil, []), ("2026-03-02", nil, []), ("2026-03-24", nil, []),
            ("2026-03-30", nil, []), ("2026-04-01", nil, []),
        ]
        // Once it has lapsed, nothing covers the 12 000 owed: the uncovered part is news.
        #expect(Self.walk(steps, company: company) == [[], [], ["guarantee_expiring"], [], ["guarantee_expiring"], [], ["uncovered_exposure"]])
        // First seen 5 days before its end: told once, at the nearest horizon.
        #expect(Self.walk([("2026-03-26", nil, []), ("2026-03-27", nil, [])], company: company) == [["guarantee_expiring"], []])

        var cancelled = guarantee
        cancelled.cancelledOn = Self.day("2026-02-10")
        #expect(Self.walk([("2026-02-01", nil, []), ("2026-02-10", nil, []), ("2026-02-11", nil, [])], company: Self.company(guarantee: cancelled)) == [[], ["guarantee_cancelled", "uncovered_exposure"], []])

        let small = Guarantee(issuer: "LeanPay", maximum: Money(amount: 10_000), rate: 0.9)
        let raised = Self.walk([
            ("2026-01-01", Self.balance("2026-01-01", notDue: 9_000), []),
            ("2026-02-01", Self.balance("2026-02-01", notDue: 14_000), []),
            ("2026-03-01", Self.balance("2026-03-01", notDue: 15_000), []),
        ], company: Self.company(guarantee: small))
        #expect(raised == [[], ["guarantee_exceeded"], []])
    }

    @Test("the uncovered part: owed less insured less guaranteed, alerted when it crosses the threshold after the baseline")
    func uncovered() throws {
        let approved = InsurerCover(insurer: "allianz-trade", decision: .partlyApproved, granted: Money(amount: 15_000), expiresOn: Self.day("2028-06-30"))
        var cut = approved
        cut.decision = .reduced
        cut.granted = Money(amount: 5_000)
        let raised = Self.walk([
            ("2025-11-30", Self.balance("2025-11-30", notDue: 12_480.5), [approved]),
            ("2025-12-31", Self.balance("2025-12-31", notDue: 21_900), [cut]),
            ("2026-01-31", Self.balance("2026-01-31", notDue: 24_600), [cut]),
        ])
        #expect(raised == [[], ["uncovered_exposure"], []])

        // The position: an insurer's word overrides the typed limit; a refusal covers nothing.
        let company = Self.company(exposure: 30_000, insured: 25_000, guarantee: Guarantee(issuer: "LeanPay", maximum: Money(amount: 10_000), rate: 0.9))
        let today = Self.day("2026-01-01")
        let typed = try #require(Position.of(company, snapshots: [:], on: today))
        #expect((typed.owed, typed.insured, typed.guaranteed, typed.covered, typed.uncovered) == (30_000, 25_000, 9_000, 30_000, 0))
        #expect(typed.owedFrom == "watchlist")
        let refused = InsurerCover(insurer: "coface", decision: .refused, granted: Money(amount: 0))
        let withInsurer = try #require(Position.of(company, snapshots: ["insurer:coface": Self.snapshot("insurer:coface", cover: refused)], on: today))
        #expect((withInsurer.insured, withInsurer.uncovered, withInsurer.insuredBy) == (0, 21_000, "coface"))
        let withBalance = try #require(Position.of(company, snapshots: [
            CoverageSource.receivables: Self.snapshot(CoverageSource.receivables, balance: Self.balance("2025-12-31", notDue: 4_000, d30: 1_000)),
        ], on: today))
        #expect((withBalance.owed, withBalance.owedFrom, withBalance.overdue, withBalance.covered, withBalance.uncovered) == (5_000, "receivables", 1_000, 5_000, 0))
        #expect(withBalance.summary(.french) == "dû 5 000 EUR · couvert 5 000 EUR · non couvert 0 EUR")
    }

    @Test("insurer decisions: a cut, a cancellation, a refusal are news; a raise, a renewal, the first approval are not; an expiry is warned")
    func insurerDecisions() {
        func cover(_ decision: CoverDecision, _ granted: Decimal?, on: String = "2025-06-01") -> InsurerCover {
            InsurerCover(insurer: "coface", decision: decision, requested: Money(amount: 20_000), granted: granted.map { Money(amount: $0) }, decidedOn: Self.day(on))
        }
        let table: [(before: InsurerCover?, after: InsurerCover, kinds: [String])] = [
            (nil, cover(.approved, 15_000), []),
            (nil, cover(.refused, 0), ["insurer_limit_refused"]),
            (cover(.approved, 15_000), cover(.reduced, 5_000, on: "2025-12-15"), ["insurer_limit_reduced"]),
            (cover(.approved, 15_000), cover(.approved, 20_000, on: "2025-12-15"), []),
            (cover(.approved, 15_000), cover(.cancelled, nil, on: "2025-12-15"), ["insurer_limit_cancelled"]),
            (cover(.approved, 15_000), cover(.refused, 0, on: "2025-12-15"), ["insurer_limit_refused"]),
            (cover(.refused, 0), cover(.refused, 0, on: "2025-12-15"), []),
            (cover(.approved, 15_000), cover(.approved, 15_000), []),
            (cover(.underReview, nil), cover(.partlyApproved, 10_000, on: "2025-12-15"), []),
        ]
        for row in table {
            let events = CoverageReview.decision(row.after, previous: row.before, siren: Self.siren, on: Self.day("2026-01-01"))
            #expect(events.map(\.kind) == row.kinds, "\(row.before?.decision.rawValue ?? "none") → \(row.after.decision.rawValue)")
        }
        let cut = CoverageReview.decision(cover(.reduced, 5_000, on: "2025-12-15"), previous: cover(.approved, 15_000), siren: Self.siren, on: Self.day("2026-01-01"))
        #expect(cut.first?.title == "Coface cut its credit limit from 15,000 EUR to 5,000 EUR")
        guard case .observation(let evidence)? = cut.first?.evidence else { Issue.record("no evidence"); return }
        #expect(CoverageWording.french.title(.insurerLimitReduced, evidence) == "Coface réduit sa limite de crédit : 15 000 EUR → 5 000 EUR")

        var expiring = cover(.approved, 15_000)
        expiring.expiresOn = Self.day("2026-02-28")
        let steps: [(day: String, balance: AgedBalance?, covers: [InsurerCover])] = [("2026-01-15", nil, [expiring]), ("2026-01-29", nil, [expiring]), ("2026-02-10", nil, [expiring])]
        #expect(Self.walk(steps) == [[], ["insurer_limit_expiring"], []])
    }
}
