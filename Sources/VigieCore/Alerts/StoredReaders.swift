import Foundation

/// A document the stores keep as JSON that has a reader of its own beside its `Decodable`
/// conformance: the stores read it with that reader, and through `Codable` only what the
/// reader refuses (which also says what is wrong).
public protocol StoredReadable: Decodable {
    /// The value, or nil for a document this reader leaves to `Codable`.
    static func readStored(_ bytes: some ContiguousBytes) -> Self?
}

extension Alert: StoredReadable {
    /// Reads an alert as the stores keep it (`Codable`'s shape, keys sorted, dates in ISO
    /// 8601) without `Codable`, for the alerts people are told of most: a BODACC notice or a
    /// provider's observation. Nil for anything else — evidence of a case, a source, a mass shift
    /// or a digest, a document with a member missing or of the wrong type.
    ///
    /// Why: the dispatcher reads back every alert it sends, and through `Codable` that was an
    /// eighth of a webhook delivery (a boxed container and a generic metadata lookup per
    /// object, a search per key). Tests hold the two to the same alert on every alert of the
    /// demo walk, filled with every optional member, and on stored alerts cut, reordered and mutated.
    public static func readStored(_ bytes: some ContiguousBytes) -> Alert? {
        try? JSONReader.read(bytes) { reader in try StoredReaders.alert(&reader) }
    }
}

extension Case: StoredReadable {
    /// Reads a case as the stores keep it, as `Alert.readStored` reads an alert. Every cycle
    /// reads the open cases back, each with its timeline; through `Codable` that was an eighth
    /// of a steady poll's CPU where many companies have cases.
    public static func readStored(_ bytes: some ContiguousBytes) -> Case? {
        try? JSONReader.read(bytes) { reader in try StoredReaders.storedCase(&reader) }
    }
}

/// The readers of `Alert.readStored` and `Case.readStored`, one per type, each what the synthesized `Decodable`
/// conformance reads: a member absent or `null` is nil when optional and refused when not;
/// members it does not know are stepped over. Refused means nil, and `Codable` then reads.
enum StoredReaders {
    /// What this reader leaves to `Codable`.
    struct Unread: Error {}

    static func alert(_ reader: inout JSONReader) throws -> Alert {
        var id: String?, revision: Int?, state: Alert.State?, siren: SIREN?, companyName: String?, kind: String?
        var severity: Severity?, title: String?, evidence: Evidence?, watch: [WatchContext]?, relatedAlertID: String?
        var createdAt: Date?, updatedAt: Date?, caseID: String?, disposition: Disposition?, alsoReportedBy: [String]?
        var escalatedBy: String?, nextActions: [String: [String]]?, position: Position?
        try reader.members { key, reader in
            switch key {
            case "alsoReportedBy": alsoReportedBy = try reader.read()
            case "caseID": caseID = try reader.read()
            case "companyName": companyName = try reader.read()
            case "createdAt": createdAt = try date(&reader)
            case "disposition": disposition = try optional(&reader) { try raw(&$0) }
            case "escalatedBy": escalatedBy = try reader.read()
            case "evidence": evidence = try self.evidence(&reader)
            case "id": id = try reader.read()
            case "kind": kind = try reader.read()
            case "nextActions": nextActions = try optional(&reader) { try actions(&$0) }
            case "position": position = try optional(&reader) { try self.position(&$0) }
            case "relatedAlertID": relatedAlertID = try reader.read()
            case "revision": revision = try reader.read()
            case "severity": severity = try raw(&reader)
            case "siren": siren = try optional(&reader) { try self.siren(&$0) }
            case "state": state = try raw(&reader)
            case "title": title = try reader.read()
            case "updatedAt": updatedAt = try date(&reader)
            case "watch": watch = try reader.array { try self.watch(&$0) }
            default: break
            }
        }
        guard let id, let revision, let state, let kind, let severity, let title, let evidence, let watch, let createdAt, let updatedAt else {
            throw Unread()
        }
        var alert = Alert(
            id: id, revision: revision, state: state, siren: siren, companyName: companyName, kind: kind, severity: severity, title: title,
            evidence: evidence, watch: watch, relatedAlertID: relatedAlertID, createdAt: createdAt, updatedAt: updatedAt
        )
        alert.caseID = caseID
        alert.disposition = disposition
        alert.alsoReportedBy = alsoReportedBy
        alert.escalatedBy = escalatedBy
        alert.nextActions = nextActions
        alert.position = position
        return alert
    }

    static func storedCase(_ reader: inout JSONReader) throws -> Case {
        var id: String?, siren: SIREN?, companyName: String?, situation: CaseSituation?, state: CaseState?, severity: Severity?
        var title: String?, owner: String?, watch: [WatchContext]?, openedAt: Date?, updatedAt: Date?, snoozedUntil: Date?
        var acknowledgedAt: Date?, resolvedAt: Date?, resolution: String?, notifiedAt: Date?, remindedAt: [String: Date]?
        var deadlineReminders: [Int]?, claims: ClaimsDeadline?, position: Position?, facts: [CaseFact]?, version: Int?
        try reader.members { key, reader in
            switch key {
            case "acknowledgedAt": acknowledgedAt = try optional(&reader) { try date(&$0) }
            case "claims": claims = try optional(&reader) { try self.claims(&$0) }
            case "companyName": companyName = try reader.read()
            case "deadlineReminders": deadlineReminders = try reader.read()
            case "facts": facts = try reader.array { try fact(&$0) }
            case "id": id = try reader.read()
            case "notifiedAt": notifiedAt = try optional(&reader) { try date(&$0) }
            case "openedAt": openedAt = try date(&reader)
            case "owner": owner = try reader.read()
            case "position": position = try optional(&reader) { try self.position(&$0) }
            case "remindedAt": remindedAt = try dates(&reader)
            case "resolution": resolution = try reader.read()
            case "resolvedAt": resolvedAt = try optional(&reader) { try date(&$0) }
            case "severity": severity = try raw(&reader)
            case "siren": siren = try self.siren(&reader)
            case "situation": situation = try raw(&reader)
            case "snoozedUntil": snoozedUntil = try optional(&reader) { try date(&$0) }
            case "state": state = try raw(&reader)
            case "title": title = try reader.read()
            case "updatedAt": updatedAt = try date(&reader)
            case "version": version = try reader.read()
            case "watch": watch = try reader.array { try self.watch(&$0) }
            default: break
            }
        }
        guard let id, let siren, let situation, let state, let severity, let title, let watch, let openedAt, let updatedAt, let remindedAt,
              let deadlineReminders, let facts, let version
        else { throw Unread() }
        var item = Case(siren: siren, companyName: companyName, situation: situation, watch: watch, at: openedAt)
        item.id = id
        item.state = state
        item.severity = severity
        item.title = title
        item.owner = owner
        item.updatedAt = updatedAt
        item.snoozedUntil = snoozedUntil
        item.acknowledgedAt = acknowledgedAt
        item.resolvedAt = resolvedAt
        item.resolution = resolution
        item.notifiedAt = notifiedAt
        item.remindedAt = remindedAt
        item.deadlineReminders = deadlineReminders
        item.claims = claims
        item.position = position
        item.facts = facts
        item.version = version
        return item
    }

    static func fact(_ reader: inout JSONReader) throws -> CaseFact {
        var alertID: String?, kind: String?, severity: Severity?, title: String?, source: String?, at: Date?, active: Bool?
        var disposition: Disposition?, procedure: ProcedureStatus?
        try reader.members { key, reader in
            switch key {
            case "active": active = try reader.read()
            case "alertID": alertID = try reader.read()
            case "at": at = try date(&reader)
            case "disposition": disposition = try raw(&reader)
            case "kind": kind = try reader.read()
            case "procedure": procedure = try optional(&reader) { try raw(&$0) }
            case "severity": severity = try raw(&reader)
            case "source": source = try reader.read()
            case "title": title = try reader.read()
            default: break
            }
        }
        guard let alertID, let kind, let severity, let title, let source, let at, let active, let disposition else { throw Unread() }
        return CaseFact(alertID: alertID, kind: kind, severity: severity, title: title, source: source, at: at, active: active, disposition: disposition, procedure: procedure)
    }

    /// `{"reminder": "2026-…Z"}`.
    static func dates(_ reader: inout JSONReader) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        try reader.members { key, reader in dates[key.name] = try date(&reader) }
        return dates
    }

    /// An enum's case as `Codable` writes it: `{"observation": {"_0": {…}}}`, one member.
    static func evidence(_ reader: inout JSONReader) throws -> Evidence {
        var evidence: Evidence?
        var cases = 0
        try reader.members { key, reader in
            cases += 1
            switch key {
            case "notice": evidence = try payload(&reader) { .notice(try notice(&$0)) }
            case "observation": evidence = try payload(&reader) { .observation(try observation(&$0)) }
            default: throw Unread()
            }
        }
        guard cases == 1, let evidence else { throw Unread() }
        return evidence
    }

    /// A case's associated value, under `_0`.
    static func payload(_ reader: inout JSONReader, _ read: (inout JSONReader) throws -> Evidence) throws -> Evidence {
        var value: Evidence?
        try reader.members { key, reader in
            if case "_0" = key { value = try read(&reader) }
        }
        guard let value else { throw Unread() }
        return value
    }

    static func notice(_ reader: inout JSONReader) throws -> NoticeEvidence {
        var noticeID: String?, noticeKind: BodaccNotice.Kind?, url: String?, published: CalendarDay?, judgmentDate: CalendarDay?
        var tribunal: String?, famille: String?, nature: String?, complement: String?, procedure: Procedure?, fromProcedure: Procedure?
        var statusAfter: ProcedureStatus?, detail: String?, supersedes: String?, corrects: [String]?, match: String?, claims: ClaimsDeadline?
        try reader.members { key, reader in
            switch key {
            case "claims": claims = try optional(&reader) { try self.claims(&$0) }
            case "complement": complement = try reader.read()
            case "corrects": corrects = try reader.read()
            case "detail": detail = try reader.read()
            case "famille": famille = try reader.read()
            case "fromProcedure": fromProcedure = try optional(&reader) { try raw(&$0) }
            case "judgmentDate": judgmentDate = try optional(&reader) { try day(&$0) }
            case "match": match = try reader.read()
            case "nature": nature = try reader.read()
            case "noticeID": noticeID = try reader.read()
            case "noticeKind": noticeKind = try raw(&reader)
            case "procedure": procedure = try optional(&reader) { try raw(&$0) }
            case "published": published = try optional(&reader) { try day(&$0) }
            case "statusAfter": statusAfter = try optional(&reader) { try raw(&$0) }
            case "supersedes": supersedes = try reader.read()
            case "tribunal": tribunal = try reader.read()
            case "url": url = try reader.read()
            default: break
            }
        }
        guard let noticeID, let noticeKind else { throw Unread() }
        return NoticeEvidence(
            noticeID: noticeID, noticeKind: noticeKind, url: url, published: published, judgmentDate: judgmentDate, tribunal: tribunal,
            famille: famille, nature: nature, complement: complement, procedure: procedure, fromProcedure: fromProcedure,
            statusAfter: statusAfter, detail: detail, supersedes: supersedes, corrects: corrects, match: match, claims: claims
        )
    }

    static func observation(_ reader: inout JSONReader) throws -> ObservationEvidence {
        var provider: String?, observedOn: CalendarDay?, previousOn: CalendarDay?, field: String?, old: String?, new: String?
        var reasons: [String]?, latestLegalEvent: String?, newLimit: Money?, amount: Money?, reference: Money?
        try reader.members { key, reader in
            switch key {
            case "amount": amount = try optional(&reader) { try money(&$0) }
            case "field": field = try reader.read()
            case "latestLegalEvent": latestLegalEvent = try reader.read()
            case "new": new = try reader.read()
            case "newLimit": newLimit = try optional(&reader) { try money(&$0) }
            case "observedOn": observedOn = try day(&reader)
            case "old": old = try reader.read()
            case "previousOn": previousOn = try optional(&reader) { try day(&$0) }
            case "provider": provider = try reader.read()
            case "reasons": reasons = try reader.read()
            case "reference": reference = try optional(&reader) { try money(&$0) }
            default: break
            }
        }
        guard let provider, let observedOn, let field, let reasons else { throw Unread() }
        var observation = ObservationEvidence(
            provider: provider, observedOn: observedOn, previousOn: previousOn, field: field, old: old, new: new, reasons: reasons,
            latestLegalEvent: latestLegalEvent
        )
        observation.newLimit = newLimit
        observation.amount = amount
        observation.reference = reference
        return observation
    }

    static func watch(_ reader: inout JSONReader) throws -> WatchContext {
        var watchlist: String?, owner: String?, tags: [String]?, exposure: Money?, insuredLimit: Money?
        try reader.members { key, reader in
            switch key {
            case "exposure": exposure = try optional(&reader) { try money(&$0) }
            case "insuredLimit": insuredLimit = try optional(&reader) { try money(&$0) }
            case "owner": owner = try reader.read()
            case "tags": tags = try reader.read()
            case "watchlist": watchlist = try reader.read()
            default: break
            }
        }
        guard let watchlist, let tags else { throw Unread() }
        return WatchContext(watchlist: watchlist, owner: owner, tags: tags, exposure: exposure, insuredLimit: insuredLimit)
    }

    static func money(_ reader: inout JSONReader) throws -> Money {
        var amount: Decimal?, currency: String?
        try reader.members { key, reader in
            switch key {
            case "amount": amount = try reader.decimal()
            case "currency": currency = try reader.read()
            default: break
            }
        }
        guard let amount, let currency else { throw Unread() }
        return Money(amount: amount, currency: currency)
    }

    static func position(_ reader: inout JSONReader) throws -> Position {
        var currency: String?, owed: Decimal?, owedFrom: String?, asOf: CalendarDay?, overdue: Decimal?, insuredLimit: Decimal?
        var insured: Decimal?, insuredBy: String?, guaranteed: Decimal?, guarantor: String?, toDeclare: Money?, toDeclareAsOf: CalendarDay?
        try reader.members { key, reader in
            switch key {
            case "asOf": asOf = try optional(&reader) { try day(&$0) }
            case "currency": currency = try reader.read()
            case "guaranteed": guaranteed = try reader.decimal()
            case "guarantor": guarantor = try reader.read()
            case "insured": insured = try reader.decimal()
            case "insuredBy": insuredBy = try reader.read()
            case "insuredLimit": insuredLimit = try optional(&reader) { try $0.decimal() }
            case "overdue": overdue = try optional(&reader) { try $0.decimal() }
            case "owed": owed = try reader.decimal()
            case "owedFrom": owedFrom = try reader.read()
            case "toDeclare": toDeclare = try optional(&reader) { try money(&$0) }
            case "toDeclareAsOf": toDeclareAsOf = try optional(&reader) { try day(&$0) }
            default: break
            }
        }
        guard let currency, let owed, let owedFrom, let insured, let guaranteed else { throw Unread() }
        var position = Position(
            currency: currency, owed: owed, owedFrom: owedFrom, asOf: asOf, overdue: overdue, insuredLimit: insuredLimit, insured: insured,
            insuredBy: insuredBy, guaranteed: guaranteed, guarantor: guarantor
        )
        position.toDeclare = toDeclare
        position.toDeclareAsOf = toDeclareAsOf
        return position
    }

    static func claims(_ reader: inout JSONReader) throws -> ClaimsDeadline {
        var published: CalendarDay?, deadline: CalendarDay?, months: Int?, mandataire: String?, role: String?
        try reader.members { key, reader in
            switch key {
            case "deadline": deadline = try day(&reader)
            case "mandataire": mandataire = try reader.read()
            case "months": months = try reader.read()
            case "published": published = try day(&reader)
            case "role": role = try reader.read()
            default: break
            }
        }
        guard let published, let deadline, let months else { throw Unread() }
        var claims = ClaimsDeadline(published: published, months: months, mandataire: mandataire, role: role)
        claims.deadline = deadline
        return claims
    }

    /// `{"en": ["…"], "fr": ["…"]}`.
    static func actions(_ reader: inout JSONReader) throws -> [String: [String]] {
        var actions: [String: [String]] = [:]
        try reader.members { key, reader in actions[key.name] = try reader.read() }
        return actions
    }

    /// An optional member: `null` is nil.
    static func optional<T>(_ reader: inout JSONReader, _ read: (inout JSONReader) throws -> T) throws -> T? {
        reader.readNull() ? nil : try read(&reader)
    }

    static func raw<T: RawRepresentable>(_ reader: inout JSONReader) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try reader.string()) else { throw Unread() }
        return value
    }

    static func day(_ reader: inout JSONReader) throws -> CalendarDay {
        guard let day = CalendarDay(iso: try reader.string()) else { throw Unread() }
        return day
    }

    static func date(_ reader: inout JSONReader) throws -> Date {
        guard let date = Date(iso8601: try reader.string()) else { throw Unread() }
        return date
    }

    static func siren(_ reader: inout JSONReader) throws -> SIREN {
        try SIREN(try reader.string())
    }
}

extension NoticeEvidence {
    /// Every member as stored: what `StoredReaders` read.
    init(
        noticeID: String, noticeKind: BodaccNotice.Kind, url: String?, published: CalendarDay?, judgmentDate: CalendarDay?, tribunal: String?,
        famille: String?, nature: String?, complement: String?, procedure: Procedure?, fromProcedure: Procedure?, statusAfter: ProcedureStatus?,
        detail: String?, supersedes: String?, corrects: [String]?, match: String?, claims: ClaimsDeadline?
    ) {
        self.noticeID = noticeID
        self.noticeKind = noticeKind
        self.url = url
        self.published = published
        self.judgmentDate = judgmentDate
        self.tribunal = tribunal
        self.famille = famille
        self.nature = nature
        self.complement = complement
        self.procedure = procedure
        self.fromProcedure = fromProcedure
        self.statusAfter = statusAfter
        self.detail = detail
        self.supersedes = supersedes
        self.corrects = corrects
        self.match = match
        self.claims = claims
    }
}

extension CaseFact {
    /// Every member as stored: what `StoredReaders` read.
    init(alertID: String, kind: String, severity: Severity, title: String, source: String, at: Date, active: Bool, disposition: Disposition, procedure: ProcedureStatus?) {
        self.alertID = alertID
        self.kind = kind
        self.severity = severity
        self.title = title
        self.source = source
        self.at = at
        self.active = active
        self.disposition = disposition
        self.procedure = procedure
    }
}
