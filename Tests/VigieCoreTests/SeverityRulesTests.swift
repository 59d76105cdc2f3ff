import Foundation
import Testing
import VigieCore

/// Money at stake decides severity: a table of alerts, each with what the client owes and what
/// covers it, and the severity the default rules give.
@Suite("Severity by money at stake")
struct SeverityRulesTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: String
        var severity: Severity
        var exposure: Decimal?
        var insured: Decimal?
        var newLimit: Decimal?
        var expected: Severity
        var testDescription: String { name }
    }

    static func alert(_ row: Row) -> Alert {
        var evidence = ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(year: 2026, month: 2, day: 4)!, previousOn: nil, field: "credit_limit", old: nil, new: nil)
        evidence.newLimit = row.newLimit.map { Money(amount: $0) }
        return Alert(
            id: "vg_x", siren: try! SIREN("337891287"), companyName: "GAMM VERT", kind: row.kind, severity: row.severity, title: "t", evidence: .observation(evidence),
            watch: [WatchContext(watchlist: "erp", owner: nil, tags: [], exposure: row.exposure.map { Money(amount: $0) }, insuredLimit: row.insured.map { Money(amount: $0) })],
            createdAt: Date(timeIntervalSince1970: 0)
        )
    }

    static let rows: [Row] = [
        Row(name: "a limit cut below what the client owes is high", kind: "credit_limit_cut", severity: .warning, exposure: 182_450, insured: nil, newLimit: 150_000, expected: .high),
        Row(name: "a limit cut still above what the client owes stays a warning", kind: "credit_limit_cut", severity: .warning, exposure: 40_000, insured: nil, newLimit: 150_000, expected: .warning),
        Row(name: "an insured limit that covers the exposure keeps the cut a warning", kind: "credit_limit_cut", severity: .warning, exposure: 82_450, insured: 100_000, newLimit: 50_000, expected: .warning),
        Row(name: "a covered cut at a client owing 182 450 is still high: the weakening rule", kind: "credit_limit_cut", severity: .warning, exposure: 182_450, insured: 200_000, newLimit: 150_000, expected: .high),
        Row(name: "a limit cut at a client owing nothing stays a warning", kind: "credit_limit_cut", severity: .warning, exposure: nil, insured: nil, newLimit: 1_000, expected: .warning),
        Row(name: "a safeguard with 27 500 uncovered is critical", kind: "procedure_opened", severity: .high, exposure: 27_500, insured: nil, newLimit: nil, expected: .critical),
        Row(name: "a safeguard covered by insurance stays high", kind: "procedure_opened", severity: .high, exposure: 27_500, insured: 25_000, newLimit: nil, expected: .high),
        Row(name: "a procedural step is never escalated", kind: "claims_filing", severity: .warning, exposure: 500_000, insured: nil, newLimit: nil, expected: .warning),
        Row(name: "a score drop at a client owing 182 450 is high", kind: "score_drop", severity: .warning, exposure: 182_450, insured: nil, newLimit: nil, expected: .high),
        Row(name: "a score drop at a client owing 12 480 stays a warning", kind: "score_drop", severity: .warning, exposure: 12_480, insured: nil, newLimit: nil, expected: .warning),
        Row(name: "nothing is ever lowered", kind: "procedure_converted", severity: .critical, exposure: 0, insured: nil, newLimit: nil, expected: .critical),
    ]

    @Test("the default rules", arguments: rows)
    func defaults(_ row: Row) {
        let applied = SeverityRules().apply(Self.alert(row))
        #expect(applied.severity == row.expected)
        #expect((applied.escalatedBy != nil) == (row.expected != row.severity))
    }

    @Test("uncovered: the exposure less the larger of the insured limit and the provider's new limit")
    func uncovered() {
        let alert = Self.alert(Row(name: "", kind: "credit_limit_cut", severity: .warning, exposure: 182_450, insured: 100_000, newLimit: 150_000, expected: .high))
        #expect(SeverityRule.uncovered(alert) == ["EUR": 32_450])
    }
}
