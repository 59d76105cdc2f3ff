import Crypto
import Foundation

/// What kind of trouble a case follows: one case per company and situation, whatever the
/// sources say it through.
public enum CaseSituation: String, Hashable, Sendable, Codable, CaseIterable {
    /// A collective procedure: opened, extended, converted, planned, closed.
    case procedure
    /// The company stopped trading or left the register.
    case cessation
    /// Scores, ratings, limits and privileges: the company weakens.
    case deterioration

    /// The situation an alert kind belongs to, by an ordered table checked on every kind
    /// Vigie raises; nil for alerts that are no company's trouble (a source failing, a
    /// registry notice, accounts filed), which stay plain alerts.
    public static func of(kind: String) -> CaseSituation? {
        table[kind]
    }

    static let table: [String: CaseSituation] = {
        var table: [String: CaseSituation] = [:]
        for event in NoticeEvent.allCases {
            switch event {
            case .opened, .extended, .converted, .planAdopted, .planModified, .planResolved, .ended, .closed, .resumed,
                 .retracted, .claimsFiling, .procedural, .personSanction, .appealRuling, .otherJudgment, .noticeCancelled:
                table[event.rawValue] = .procedure
            case .struckOff: table[event.rawValue] = .cessation
            case .accountsFiled, .registryNotice, .unclassified: break
            }
        }
        for event in CoverageEvent.allCases {
            table[event.rawValue] = .deterioration
        }
        for event in ScoreEvent.allCases {
            switch event {
            case .companyInFailure, .providerJudgement, .providerProcedure: table[event.rawValue] = .procedure
            case .companyCeased, .companyStruckOff: table[event.rawValue] = .cessation
            case .scoreDrop, .ratingDowngrade, .creditLimitCut, .creditLimitCancelled, .privilegeRegistered, .scoreRecovered:
                table[event.rawValue] = .deterioration
            }
        }
        return table
    }()
}

/// Where a case stands in its lifecycle.
public enum CaseState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Someone must look at it.
    case open
    /// Someone has it in hand: no more reminders.
    case acknowledged
    /// Set aside until a date, or until something new happens.
    case snoozed
    /// Over: by hand, or by the facts (procedure closed, score recovered, company unwatched).
    case resolved

    /// Open or acknowledged or snoozed: not over.
    public var isActive: Bool { self != .resolved }
}

/// What became of a fact when it joined its case: whether anyone was told.
public enum Disposition: String, Hashable, Sendable, Codable {
    /// Sent to the channels: it opened, reopened or escalated the case, or is a legal step.
    case notified
    /// The same fact from another source: listed on the case, not sent again.
    case merged
    /// A weakening while a receivership or liquidation is open: on that case's timeline only.
    case inhibited
    /// Recorded without a message: a provider's judgement while BODACC is read (BODACC tells
    /// it, with the court's text and the claims deadline), a fact on a snoozed case, a recovery.
    case recorded
    /// Held by the mass-shift guard until an operator releases or discards it.
    case held
}

/// One fact on a case's timeline: the alert that says it, and what became of it.
public struct CaseFact: Hashable, Sendable, Codable {
    public var alertID: String
    public var kind: String
    public var severity: Severity
    public var title: String
    /// `bodacc`, or the provider's name.
    public var source: String
    public var at: Date
    /// False once the fact is retracted (an annulled notice, a retracted judgment).
    public var active: Bool
    public var disposition: Disposition
    /// Where the fact leaves the company's procedure: a judgment's status after it, or the
    /// procedure a provider names.
    public var procedure: ProcedureStatus?

    /// - Parameter at: when Vigie learned the fact (the cycle's time), not the source's date.
    public init(alert: Alert, disposition: Disposition, at: Date) {
        alertID = alert.id
        kind = alert.kind
        severity = alert.severity
        title = alert.title
        source = alert.source
        self.at = at
        active = alert.state == .active
        self.disposition = disposition
        procedure = Self.procedure(of: alert)
    }

    static func procedure(of alert: Alert) -> ProcedureStatus? {
        switch alert.evidence {
        case .notice(let notice): return notice.statusAfter
        case .observation(let observation):
            guard CaseBook.providerProcedure.contains(alert.kind) else { return nil }
            if alert.kind == ScoreEvent.companyInFailure.rawValue { return .receivership }
            let text = " " + TextRepair.fold("\(observation.new ?? "") \(alert.title)")
            if text.includes("closure") || text.includes("cloture") { return nil }
            if text.includes("liquidation") || text.includes(" lj") { return .liquidation }
            if text.includes("receivership") || text.includes("redressement") || text.includes(" rj") { return .receivership }
            if text.includes("safeguard") || text.includes("sauvegarde") { return .safeguard }
            return nil
        case .source, .case, .shift, .digest: return nil
        }
    }
}

/// One company's one situation, with its facts and lifecycle: what a credit manager works from.
public struct Case: Hashable, Sendable, Codable, Identifiable {
    /// `vc_` and 32 hex digits derived from (company, situation): the same situation always
    /// lands on the same case, across restarts, replicas and sources.
    public var id: String
    public var siren: SIREN
    public var companyName: String?
    public var situation: CaseSituation
    public var state: CaseState
    /// The worst active fact's severity.
    public var severity: Severity
    /// The worst active fact's title: what the case is about, in one line.
    public var title: String
    /// Who handles it: assigned by hand, else the watchlist entry's owner.
    public var owner: String?
    /// The watchlist entries that watch the company, as of the last fact: what is at stake.
    public var watch: [WatchContext]
    public var openedAt: Date
    public var updatedAt: Date
    /// With `state == .snoozed`: until when; nil snoozes until something new happens.
    public var snoozedUntil: Date?
    public var acknowledgedAt: Date?
    public var resolvedAt: Date?
    /// Why it was resolved: `procedure_closed`, `score_recovered`, `unwatched`, `retracted`, `by_hand`.
    public var resolution: String?
    /// When people were last told about it (a fact sent, a reminder): reminders count from here.
    public var notifiedAt: Date?
    /// Reminders sent, by route name: each route reminds on its own `repeat_interval`.
    public var remindedAt: [String: Date]
    /// Claim deadline reminders already sent, by days before the deadline.
    public var deadlineReminders: [Int]
    /// For a procedure case opened by a BODACC judgment: where and until when to declare the claim.
    public var claims: ClaimsDeadline?
    /// What the client owes, what covers it and what is uncovered, as of the latest fact that
    /// knew (an aged balance, an insurer, a guarantee); nil when only the watchlists say.
    @Boxed public var position: Position?
    public var facts: [CaseFact]
    /// Bumped by every write, so that two people acting at once cannot overwrite each other.
    public var version: Int

    public init(siren: SIREN, companyName: String?, situation: CaseSituation, watch: [WatchContext], at: Date) {
        id = Self.id(siren: siren, situation: situation)
        self.siren = siren
        self.companyName = companyName
        self.situation = situation
        state = .open
        severity = .info
        title = ""
        owner = watch.lazy.compactMap(\.owner).first
        self.watch = watch
        openedAt = at
        updatedAt = at
        remindedAt = [:]
        deadlineReminders = []
        facts = []
        version = 0
    }

    public static func id(siren: SIREN, situation: CaseSituation) -> String {
        let digest = SHA256.hash(data: Array("case|v1|\(siren.digits)|\(situation.rawValue)".utf8))
        return "vc_" + digest.prefix(16).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// For a procedure case: where the company stands, after its latest active fact that says so.
    public var procedure: ProcedureStatus? {
        facts.last { $0.active && $0.procedure != nil }?.procedure
    }

    /// The exposure at stake, by currency (the largest figure any list gives).
    public var exposure: [String: Decimal] {
        if let position { return [position.currency: position.owed] }
        return WatchContext.exposureInUse(watch)
    }

    /// The exposure as one number for sorting, whatever the currency: cases are ranked by
    /// money at stake, and mixed currencies are rare enough that summing their amounts ranks
    /// them sensibly.
    public var exposureForSorting: Decimal { exposure.values.reduce(0, +) }

    /// The state as of `now`: a snooze whose date has passed is open again.
    public func state(at now: Date) -> CaseState {
        if state == .snoozed, let until = snoozedUntil, until <= now { return .open }
        return state
    }

    /// Whole days since the case opened.
    public func ageDays(at now: Date) -> Int { max(0, Int(now.timeIntervalSince(openedAt) / 86_400)) }

    /// Severity and title from the worst active fact; nothing active leaves them as they were.
    mutating func recomputeHeadline() {
        let active = facts.filter { $0.active && $0.kind != ScoreEvent.scoreRecovered.rawValue }
        guard let worst = active.max(by: { ($0.severity, $1.at) < ($1.severity, $0.at) }) else { return }
        severity = worst.severity
        title = worst.title
    }
}

/// Something a person does to a case, with a note.
public enum CaseAction: Hashable, Sendable {
    case acknowledge
    case assign(to: String)
    /// Until a date, or until something new happens (nil).
    case snooze(until: Date?)
    case resolve
    case reopen

    public var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .assign: "assign"
        case .snooze: "snooze"
        case .resolve: "resolve"
        case .reopen: "reopen"
        }
    }
}

/// One line of a case's audit trail: who did what, when, from which state to which, and why.
public struct CaseEntry: Hashable, Sendable, Codable {
    public var caseID: String
    public var at: Date
    /// A person (`--by`, else the user name), or `vigie` for what the facts did.
    public var actor: String
    /// `acknowledge`, `assign`, `snooze`, `resolve`, `reopen`, `opened`, `escalated`, `woken`…
    public var action: String
    public var fromState: CaseState?
    public var toState: CaseState
    public var note: String?

    public init(caseID: String, at: Date, actor: String, action: String, fromState: CaseState?, toState: CaseState, note: String? = nil) {
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.action = action
        self.fromState = fromState
        self.toState = toState
        self.note = note
    }
}

/// Why a person's action cannot be applied: what and how to go on.
public struct CaseActionError: Error, CustomStringConvertible, Hashable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension Case {
    /// The case after a person's action, and the audit entry that records it: a pure
    /// transition, checked here so that the CLI and the API refuse the same things.
    public func applying(_ action: CaseAction, by actor: String, note: String?, at now: Date) throws(CaseActionError) -> (Case, CaseEntry) {
        var next = self
        let before = state(at: now)
        switch action {
        case .acknowledge:
            guard before != .resolved else { throw CaseActionError("case \(id) is resolved; reopen it first (vigie cases reopen \(id))") }
            guard before != .acknowledged else { throw CaseActionError("case \(id) is already acknowledged") }
            next.state = .acknowledged
            next.acknowledgedAt = now
            next.snoozedUntil = nil
        case .assign(let person):
            let person = person.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !person.isEmpty else { throw CaseActionError("give the person to assign case \(id) to (--to marie@example.fr)") }
            next.owner = person
        case .snooze(let until):
            guard before != .resolved else { throw CaseActionError("case \(id) is resolved; reopen it first (vigie cases reopen \(id))") }
            if let until, until <= now { throw CaseActionError("--until \(until.iso8601) is not in the future; give a later date, or leave --until out to snooze until something new happens") }
            next.state = .snoozed
            next.snoozedUntil = until
        case .resolve:
            guard before != .resolved else { throw CaseActionError("case \(id) is already resolved") }
            next.state = .resolved
            next.resolvedAt = now
            next.resolution = "by_hand"
            next.snoozedUntil = nil
        case .reopen:
            guard before == .resolved else { throw CaseActionError("case \(id) is not resolved (it is \(before.rawValue)); only a resolved case can be reopened") }
            next.reopen()
        }
        next.updatedAt = now
        next.version += 1
        return (next, CaseEntry(caseID: id, at: now, actor: actor, action: action.name, fromState: before, toState: next.state, note: note))
    }

    /// Back to open, as a new fact or a person reopens it: reminders count afresh.
    mutating func reopen() {
        state = .open
        resolvedAt = nil
        resolution = nil
        acknowledgedAt = nil
        snoozedUntil = nil
        remindedAt = [:]
    }
}

extension Alert {
    /// Where the alert's fact comes from: `bodacc`, a provider's name, or `vigie`.
    public var source: String {
        switch evidence {
        case .notice: "bodacc"
        case .observation(let observation): observation.provider
        case .source(let source): source.sourceName
        case .shift(let shift): shift.provider
        case .case, .digest: "vigie"
        }
    }
}
