import Foundation
import Testing
@testable import VigieDelivery
import VigieCore
import VigieTestSupport

/// The alert record is written member by member: these hold it to what `JSONEncoder` writes of
/// it (snake case, sorted keys, slashes unescaped), with every member present, so that a member
/// added to the record and not to its writer, or written out of order, fails here.
@Suite("Alert records")
struct AlertRecordTests {
    static func foundation(_ record: AlertRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }

    /// Text with what JSON escapes: quotes, backslashes, control characters, a slash, non-ASCII.
    static func text(_ name: String) -> String { "\(name) \"q\" \\ /\n\t\u{01}é€" }

    static let money = AlertRecord.MoneyRecord(Money(amount: Decimal(string: "12480.5")!, currency: "EUR"))

    static var full: AlertRecord {
        let evidence = AlertRecord.EvidenceRecord(
            source: text("source"), noticeID: text("notice"), noticeType: "initial", url: "https://www.bodacc.fr/x/y", published: "2026-01-02",
            judgmentDate: "2026-01-01", tribunal: text("tribunal"), nature: text("nature"), complement: text("complement"), procedure: "liquidation",
            fromProcedure: "receivership", statusAfter: "open", detail: text("detail"), supersedes: text("supersedes"), observedOn: "2026-03-03",
            previousOn: "2026-03-02", field: "score", old: "82/100", new: "52/100", reasons: ["points", "percent", text("band")],
            latestLegalEvent: text("event"), health: "failing", failingSince: "2026-02-05T08:00:00Z", failingCycles: 3, recoveredAt: "2026-02-06T08:00:00Z",
            lastError: text("error"), claimsDeadline: "2026-04-01", mandataire: text("mandataire"), caseID: "vc_1", purpose: "reminder", situation: "open",
            caseState: "acknowledged", ageDays: 12, resolution: text("resolution"), daysLeft: 0, compared: 1_000, weakened: -4,
            distribution: ["b": 2, "a": 1, "a_b": 3, "A": 4, "é": 5], heldAlerts: 7, decision: "released", owner: text("owner"), newFacts: 2, openCases: 9
        )
        var position = PositionRecord(Position(currency: "EUR", owed: 100, owedFrom: "receivables", insuredLimit: 60, insured: 60, insuredBy: "x"))
        position.asOf = "2026-01-31"
        position.overdue = "40.5"
        position.insuredBy = text("insurer")
        position.guarantor = text("guarantor")
        position.toDeclare = "30"
        position.toDeclareAsOf = "2026-02-01"
        let observation = ObservationEvidence(provider: "creditsafe", observedOn: CalendarDay(iso: "2026-03-03")!, previousOn: nil, field: "score", old: nil, new: nil)
        var record = AlertRecord(Alert(
            id: "vg_1", siren: nil, companyName: nil, kind: "score_drop", severity: .critical, title: "t", evidence: .observation(observation), watch: [],
            createdAt: Date(timeIntervalSince1970: 0)
        ))
        record.revision = 12
        record.siren = "552100554"
        record.company = text("company")
        record.title = text("title")
        record.evidence = evidence
        record.watch = [
            AlertRecord.WatchRecord(watchlist: text("list"), owner: text("owner"), tags: ["a", text("tag")], exposure: money, insuredLimit: money),
            AlertRecord.WatchRecord(watchlist: "other", owner: nil, tags: [], exposure: nil, insuredLimit: nil),
        ]
        record.relatedAlertID = "vg_0"
        record.caseID = "vc_1"
        record.disposition = "notified"
        record.alsoReportedBy = ["pappers", text("other")]
        record.position = position
        return record
    }

    /// Whether every optional member of a value, and of the records in it, is present.
    static func absentMembers(_ value: Any, path: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = path + (child.label ?? "?")
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                guard let some = inner.children.first?.value else { return [name] }
                return absentMembers(some, path: name + ".")
            }
            return inner.displayStyle == .struct ? absentMembers(child.value, path: name + ".") : []
        }
    }

    @Test("a record with every member present is written as JSONEncoder writes it")
    func everyMember() throws {
        let record = Self.full
        #expect(Self.absentMembers(record) == [], "the full record of this test must fill every member")
        #expect(record.jsonLine() == (try Self.foundation(record)))
    }

    @Test("records with members left out, at random, are written as JSONEncoder writes them")
    func membersLeftOut() throws {
        var random = SplitMix(state: 17)
        let clearings: [(inout AlertRecord) -> Void] = [
            { $0.siren = nil }, { $0.company = nil }, { $0.relatedAlertID = nil }, { $0.caseID = nil }, { $0.disposition = nil },
            { $0.alsoReportedBy = nil }, { $0.position = nil }, { $0.watch = [] }, { $0.alsoReportedBy = [] },
            { $0.position?.asOf = nil }, { $0.position?.overdue = nil }, { $0.position?.insuredBy = nil }, { $0.position?.guarantor = nil },
            { $0.position?.toDeclare = nil }, { $0.position?.toDeclareAsOf = nil }, { $0.evidence.distribution = [:] },
            { $0.evidence.noticeID = nil }, { $0.evidence.noticeType = nil }, { $0.evidence.url = nil }, { $0.evidence.published = nil },
            { $0.evidence.judgmentDate = nil }, { $0.evidence.tribunal = nil }, { $0.evidence.nature = nil }, { $0.evidence.complement = nil },
            { $0.evidence.procedure = nil }, { $0.evidence.fromProcedure = nil }, { $0.evidence.statusAfter = nil }, { $0.evidence.detail = nil },
            { $0.evidence.supersedes = nil }, { $0.evidence.observedOn = nil }, { $0.evidence.previousOn = nil }, { $0.evidence.field = nil },
            { $0.evidence.old = nil }, { $0.evidence.new = nil }, { $0.evidence.reasons = nil }, { $0.evidence.latestLegalEvent = nil },
            { $0.evidence.health = nil }, { $0.evidence.failingSince = nil }, { $0.evidence.failingCycles = nil }, { $0.evidence.recoveredAt = nil },
            { $0.evidence.lastError = nil }, { $0.evidence.claimsDeadline = nil }, { $0.evidence.mandataire = nil }, { $0.evidence.caseID = nil },
            { $0.evidence.purpose = nil }, { $0.evidence.situation = nil }, { $0.evidence.caseState = nil }, { $0.evidence.ageDays = nil },
            { $0.evidence.resolution = nil }, { $0.evidence.daysLeft = nil }, { $0.evidence.compared = nil }, { $0.evidence.weakened = nil },
            { $0.evidence.distribution = nil }, { $0.evidence.heldAlerts = nil }, { $0.evidence.decision = nil }, { $0.evidence.owner = nil },
            { $0.evidence.newFacts = nil }, { $0.evidence.openCases = nil },
        ]
        for _ in 0..<300 {
            var record = Self.full
            for clear in clearings where random.next() % 2 == 0 { clear(&record) }
            #expect(record.jsonLine() == (try Self.foundation(record)))
        }
    }
}
