import Foundation
import VigieCore

/// The documented JSON shape of an alert, as written to the alert log and printed by
/// `vigie alerts list --format jsonl`. Field names are stable: add fields, never rename.
///
/// | field | meaning |
/// |---|---|
/// | `id` | derived from company, kind and evidence: the same event has the same id |
/// | `revision` | 1, then +1 for each correction or retraction |
/// | `state` | `active` or `retracted` |
/// | `created_at`, `updated_at` | ISO 8601 |
/// | `siren`, `company` | the company; absent from a source-health alert |
/// | `kind`, `severity`, `title` | what happened, how urgent, in one line |
/// | `evidence` | `source` (`bodacc`, the provider, or `score:…`/`feed:…` for source health), then the notice, the observation or the source's state |
/// | `watch` | the watchlist entries: `watchlist`, `owner`, `tags`, `exposure`, `insured_limit` |
/// | `related_alert_id` | for a follow-up, the alert it is about |
/// | `case_id`, `disposition` | the case the alert is a fact of, and whether it was sent (`notified`) or only recorded (`merged`, `inhibited`, `recorded`, `held`) |
/// | `also_reported_by` | other sources that reported the same fact |
/// | `position` | what the client owes, what covers it, what is uncovered (when an aged balance, an insurer or a guarantee says) |
public struct AlertRecord: Encodable, Sendable {
    public var id: String
    public var revision: Int
    public var state: String
    public var createdAt: String
    public var updatedAt: String
    public var siren: String?
    public var company: String?
    public var kind: String
    public var severity: String
    public var title: String
    public var evidence: EvidenceRecord
    public var watch: [WatchRecord]
    public var relatedAlertID: String?
    public var caseID: String?
    public var disposition: String?
    public var alsoReportedBy: [String]?
    public var position: PositionRecord?

    public struct EvidenceRecord: Encodable, Sendable {
        public var source: String
        public var noticeID: String?
        public var noticeType: String?
        public var url: String?
        public var published: String?
        public var judgmentDate: String?
        public var tribunal: String?
        public var nature: String?
        public var complement: String?
        public var procedure: String?
        public var fromProcedure: String?
        public var statusAfter: String?
        public var detail: String?
        public var supersedes: String?
        public var observedOn: String?
        public var previousOn: String?
        public var field: String?
        public var old: String?
        public var new: String?
        public var reasons: [String]?
        public var latestLegalEvent: String?
        /// Source health: `failing` or `recovered`, since when, for how many cycles, the last error.
        public var health: String?
        public var failingSince: String?
        public var failingCycles: Int?
        public var recoveredAt: String?
        public var lastError: String?
        /// A judgment that opens a claims period: the deadline and the officer to declare to.
        public var claimsDeadline: String?
        public var mandataire: String?
        /// A message about a case: which, why (`resolved`, `reminder`, `claims_deadline`), its state and age.
        public var caseID: String?
        public var purpose: String?
        public var situation: String?
        public var caseState: String?
        public var ageDays: Int?
        public var resolution: String?
        public var daysLeft: Int?
        /// A mass shift: companies compared and weakened, the distribution of moves, the alerts
        /// held, and the operator's decision.
        public var compared: Int?
        public var weakened: Int?
        public var distribution: [String: Int]?
        public var heldAlerts: Int?
        public var decision: String?
        /// An owner's digest: whose, how many new facts and open cases.
        public var owner: String?
        public var newFacts: Int?
        public var openCases: Int?
    }

    public struct WatchRecord: Encodable, Sendable {
        public var watchlist: String
        public var owner: String?
        public var tags: [String]
        public var exposure: MoneyRecord?
        public var insuredLimit: MoneyRecord?
    }

    public struct MoneyRecord: Encodable, Sendable {
        /// A decimal string, so that no amount is rounded through a float.
        public var amount: String
        public var currency: String

        init(_ money: Money) {
            amount = "\(money.amount)"
            currency = money.currency
        }
    }

    public init(_ alert: Alert) {
        id = alert.id
        revision = alert.revision
        state = alert.state.rawValue
        createdAt = alert.createdAt.iso8601
        updatedAt = alert.updatedAt.iso8601
        siren = alert.siren?.digits
        company = alert.companyName
        kind = alert.kind
        severity = alert.severity.rawValue
        title = alert.title
        relatedAlertID = alert.relatedAlertID
        caseID = alert.caseID
        disposition = alert.disposition?.rawValue
        alsoReportedBy = alert.alsoReportedBy
        position = alert.position.map(PositionRecord.init)
        watch = alert.watch.map {
            WatchRecord(watchlist: $0.watchlist, owner: $0.owner, tags: $0.tags, exposure: $0.exposure.map(MoneyRecord.init), insuredLimit: $0.insuredLimit.map(MoneyRecord.init))
        }
        switch alert.evidence {
        case .notice(let notice):
            evidence = EvidenceRecord(
                source: "bodacc", noticeID: notice.noticeID, noticeType: notice.noticeKind.rawValue, url: notice.url,
                published: notice.published?.iso, judgmentDate: notice.judgmentDate?.iso, tribunal: notice.tribunal,
                nature: notice.nature, complement: notice.complement, procedure: notice.procedure?.rawValue,
                fromProcedure: notice.fromProcedure?.rawValue, statusAfter: notice.statusAfter?.rawValue,
                detail: notice.detail, supersedes: notice.supersedes,
                claimsDeadline: notice.claims?.deadline.iso, mandataire: notice.claims?.mandataire
            )
        case .observation(let observation):
            evidence = EvidenceRecord(
                source: observation.provider, observedOn: observation.observedOn.iso, previousOn: observation.previousOn?.iso,
                field: observation.field, old: observation.old, new: observation.new, reasons: observation.reasons,
                latestLegalEvent: observation.latestLegalEvent
            )
        case .source(let source):
            evidence = EvidenceRecord(
                source: source.source, health: source.state.rawValue, failingSince: source.failingSince.iso8601,
                failingCycles: source.failingCycles, recoveredAt: source.recoveredAt?.iso8601, lastError: source.lastError
            )
        case .case(let item):
            evidence = EvidenceRecord(
                source: "vigie", claimsDeadline: item.claims?.deadline.iso, mandataire: item.claims?.mandataire, caseID: item.caseID,
                purpose: item.purpose.rawValue, situation: item.situation.rawValue, caseState: item.state.rawValue, ageDays: item.ageDays,
                resolution: item.resolution, daysLeft: item.daysLeft
            )
        case .digest(let digest):
            evidence = EvidenceRecord(source: "vigie", caseState: nil, heldAlerts: nil, owner: digest.owner, newFacts: digest.newFacts.count, openCases: digest.openCases.count)
        case .shift(let shift):
            evidence = EvidenceRecord(
                source: shift.provider, compared: shift.compared, weakened: shift.weakened, distribution: shift.distribution,
                heldAlerts: shift.held.count, decision: shift.decision?.rawValue
            )
        }
    }

    /// One line of JSON, keys in snake_case and sorted, so that log lines diff cleanly: what
    /// `JSONEncoder` writes of the record with `.convertToSnakeCase`, `.sortedKeys` and
    /// `.withoutEscapingSlashes`, written member by member. Every signed webhook and alert-log
    /// line is one; through an encoder, the record's tree, its keys' conversion and sorting
    /// were a tenth of a webhook delivery. Tests hold the two to the same bytes, on every
    /// alert of the demo and on a record with every member present, then with members left out.
    public func jsonLine() -> String {
        var line = JSONLine()
        write(to: &line)
        return line.text
    }

    /// The members in the order of their keys' bytes.
    func write(to line: inout JSONLine) {
        line.field("also_reported_by", ifPresent: alsoReportedBy)
        line.field("case_id", ifPresent: caseID)
        line.field("company", ifPresent: company)
        line.field("created_at", createdAt)
        line.field("disposition", ifPresent: disposition)
        line.field("evidence") { evidence.write(to: &$0) }
        line.field("id", id)
        line.field("kind", kind)
        line.field("position", ifPresent: position) { $1.write(to: &$0) }
        line.field("related_alert_id", ifPresent: relatedAlertID)
        line.field("revision", revision)
        line.field("severity", severity)
        line.field("siren", ifPresent: siren)
        line.field("state", state)
        line.field("title", title)
        line.field("updated_at", updatedAt)
        line.field("watch", each: watch) { $1.write(to: &$0) }
    }
}

extension AlertRecord.EvidenceRecord {
    func write(to line: inout JSONLine) {
        line.field("age_days", ifPresent: ageDays)
        line.field("case_id", ifPresent: caseID)
        line.field("case_state", ifPresent: caseState)
        line.field("claims_deadline", ifPresent: claimsDeadline)
        line.field("compared", ifPresent: compared)
        line.field("complement", ifPresent: complement)
        line.field("days_left", ifPresent: daysLeft)
        line.field("decision", ifPresent: decision)
        line.field("detail", ifPresent: detail)
        line.field("distribution", ifPresent: distribution)
        line.field("failing_cycles", ifPresent: failingCycles)
        line.field("failing_since", ifPresent: failingSince)
        line.field("field", ifPresent: field)
        line.field("from_procedure", ifPresent: fromProcedure)
        line.field("health", ifPresent: health)
        line.field("held_alerts", ifPresent: heldAlerts)
        line.field("judgment_date", ifPresent: judgmentDate)
        line.field("last_error", ifPresent: lastError)
        line.field("latest_legal_event", ifPresent: latestLegalEvent)
        line.field("mandataire", ifPresent: mandataire)
        line.field("nature", ifPresent: nature)
        line.field("new", ifPresent: new)
        line.field("new_facts", ifPresent: newFacts)
        line.field("notice_id", ifPresent: noticeID)
        line.field("notice_type", ifPresent: noticeType)
        line.field("observed_on", ifPresent: observedOn)
        line.field("old", ifPresent: old)
        line.field("open_cases", ifPresent: openCases)
        line.field("owner", ifPresent: owner)
        line.field("previous_on", ifPresent: previousOn)
        line.field("procedure", ifPresent: procedure)
        line.field("published", ifPresent: published)
        line.field("purpose", ifPresent: purpose)
        line.field("reasons", ifPresent: reasons)
        line.field("recovered_at", ifPresent: recoveredAt)
        line.field("resolution", ifPresent: resolution)
        line.field("situation", ifPresent: situation)
        line.field("source", source)
        line.field("status_after", ifPresent: statusAfter)
        line.field("supersedes", ifPresent: supersedes)
        line.field("tribunal", ifPresent: tribunal)
        line.field("url", ifPresent: url)
        line.field("weakened", ifPresent: weakened)
    }
}

extension AlertRecord.WatchRecord {
    func write(to line: inout JSONLine) {
        line.field("exposure", ifPresent: exposure) { $1.write(to: &$0) }
        line.field("insured_limit", ifPresent: insuredLimit) { $1.write(to: &$0) }
        line.field("owner", ifPresent: owner)
        line.field("tags", tags)
        line.field("watchlist", watchlist)
    }
}

extension AlertRecord.MoneyRecord {
    func write(to line: inout JSONLine) {
        line.field("amount", amount)
        line.field("currency", currency)
    }
}

/// A client's position as the alert log, `cases list --format jsonl` and the API write it:
/// amounts as decimal strings, so that none is rounded through a float.
public struct PositionRecord: Encodable, Sendable {
    public var currency: String
    public var owed: String
    /// `receivables` (the aged balance) or `watchlist`.
    public var owedFrom: String
    public var asOf: String?
    public var overdue: String?
    public var insured: String
    public var insuredBy: String?
    public var guaranteed: String
    public var guarantor: String?
    public var covered: String
    public var uncovered: String
    public var toDeclare: String?
    public var toDeclareAsOf: String?

    public init(_ position: Position) {
        currency = position.currency
        owed = "\(position.owed)"
        owedFrom = position.owedFrom
        asOf = position.asOf?.iso
        overdue = position.overdue.map { "\($0)" }
        insured = "\(position.insured)"
        insuredBy = position.insuredBy
        guaranteed = "\(position.guaranteed)"
        guarantor = position.guarantor
        covered = "\(position.covered)"
        uncovered = "\(position.uncovered)"
        toDeclare = position.toDeclare.map { "\($0.amount)" }
        toDeclareAsOf = position.toDeclareAsOf?.iso
    }

    /// As `AlertRecord`'s: the members in the order of their keys' bytes, absent ones left out.
    func write(to line: inout JSONLine) {
        line.field("as_of", ifPresent: asOf)
        line.field("covered", covered)
        line.field("currency", currency)
        line.field("guaranteed", guaranteed)
        line.field("guarantor", ifPresent: guarantor)
        line.field("insured", insured)
        line.field("insured_by", ifPresent: insuredBy)
        line.field("overdue", ifPresent: overdue)
        line.field("owed", owed)
        line.field("owed_from", owedFrom)
        line.field("to_declare", ifPresent: toDeclare)
        line.field("to_declare_as_of", ifPresent: toDeclareAsOf)
        line.field("uncovered", uncovered)
    }
}
