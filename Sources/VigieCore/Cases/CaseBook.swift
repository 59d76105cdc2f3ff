import Foundation

/// While a company's procedure stands at one of `during`, its facts of `silenced` kinds join
/// the procedure's case without a message of their own: a score drop says nothing new about
/// a company in liquidation. Alertmanager's inhibit rules, for Vigie's situations.
public struct InhibitRule: Hashable, Sendable {
    public var name: String
    public var during: Set<ProcedureStatus>
    public var silenced: Set<String>

    public init(name: String, during: Set<ProcedureStatus>, silenced: Set<String>) {
        self.name = name
        self.during = during
        self.silenced = silenced
    }

    /// Receivership and liquidation silence every weakening; a safeguard does not (the
    /// company is not insolvent, and its weakening is still news).
    public static let defaults = [
        InhibitRule(
            name: "a receivership or liquidation silences the weakening",
            during: [.receivership, .liquidation],
            silenced: [
                ScoreEvent.scoreDrop.rawValue, ScoreEvent.ratingDowngrade.rawValue, ScoreEvent.creditLimitCut.rawValue,
                ScoreEvent.creditLimitCancelled.rawValue, ScoreEvent.privilegeRegistered.rawValue,
                // An insolvent client stops paying and loses its cover: the procedure's case
                // says so. Guarantees and expiries stay news: they are what may still be recovered.
                CoverageEvent.insurerLimitReduced.rawValue, CoverageEvent.insurerLimitCancelled.rawValue, CoverageEvent.insurerLimitRefused.rawValue,
                CoverageEvent.uncoveredExposure.rawValue, CoverageEvent.overdueAmount.rawValue, CoverageEvent.overdueDays.rawValue,
                CoverageEvent.paymentsStopped.rawValue, CoverageEvent.paymentDelayWorsening.rawValue,
            ]
        ),
    ]
}

/// The kinds of alert Vigie raises about a case rather than a fact.
public enum CaseNotice: String, Hashable, Sendable, CaseIterable {
    /// The case is over: sent to routes that follow cases (`send_resolved`).
    case resolved = "case_resolved"
    /// Someone has the case in hand: sent to routes that follow cases, so that an on-call
    /// incident is acknowledged with it.
    case acknowledged = "case_acknowledged"
    /// Still open, not acknowledged: sent on a route's `repeat_interval`.
    case reminder = "case_reminder"
    /// The claim must be declared soon.
    case claimsDeadline = "claims_deadline"
}

/// Turns a cycle's alert changes into cases, as a pure function: which case each fact joins,
/// whether anyone is told, and what that does to the case's lifecycle.
///
/// Rules, in order, for a new fact:
/// 1. a weakening while the company's procedure is silenced by an inhibit rule joins the
///    procedure's case, `inhibited`;
/// 2. the same fact about the company (ceased, struck off, failing) already on the case from
///    another source is `merged`: the message already sent, or about to be, lists both sources;
/// 3. a provider's judgement, procedure or failure while BODACC is read is `recorded`: BODACC
///    tells it, with the court's text and the claims deadline;
/// 4. a recovery is `recorded` (it resolves the case);
/// 5. on a case snoozed until a date, a fact no graver than the case is `recorded`;
/// 6. anything else is `notified`: it opens, reopens, wakes or escalates the case.
public enum CaseBook {
    public struct Policy: Hashable, Sendable {
        public var inhibit: [InhibitRule]
        /// BODACC is read (the feed, or imports): it opens procedure cases.
        public var bodaccRead: Bool

        public init(inhibit: [InhibitRule] = InhibitRule.defaults, bodaccRead: Bool) {
            self.inhibit = inhibit
            self.bodaccRead = bodaccRead
        }
    }

    /// A case as a cycle changed it, with the version it started from, so that the store can
    /// keep what a person did to the case meanwhile.
    public struct Update: Hashable, Sendable {
        public var before: Case?
        public var after: Case

        public init(before: Case?, after: Case) {
            self.before = before
            self.after = after
        }

        /// This update applied over `current`, the case as the store holds it now, when a
        /// person acted on it since `before` was read: the facts are the cycle's, the
        /// lifecycle (state, owner, snooze) the person's, unless the facts changed the state
        /// themselves (a reopening, an escalation, a resolution): then the facts win.
        /// How a write meets a case changed since it was read.
        public enum Conflicts: Sendable {
            /// A cycle's facts: kept, over the person's lifecycle changes (`merged(over:)`).
            case merge
            /// A person's action: refused, so that they look again.
            case refuse
        }

        /// The case to write, given `current`, the case as the store holds it now (nil when it
        /// holds none): one rule for every store.
        public func resolved(against current: Case?, _ conflicts: Conflicts) throws(CaseConflict) -> Case {
            guard let current else {
                if before != nil, conflicts == .refuse { throw CaseConflict(caseID: after.id) }
                return after
            }
            guard current.version != before?.version else { return after }
            guard conflicts == .merge else { throw CaseConflict(caseID: after.id) }
            return merged(over: current)
        }

        public func merged(over current: Case) -> Case {
            guard current.version != before?.version else { return after }
            var merged = after
            let factsMovedState = after.state != (before?.state ?? .open) || before == nil
            if !factsMovedState {
                merged.state = current.state
                merged.snoozedUntil = current.snoozedUntil
                merged.acknowledgedAt = current.acknowledgedAt
                merged.resolvedAt = current.resolvedAt
                merged.resolution = current.resolution
            }
            if current.owner != before?.owner { merged.owner = current.owner }
            // Another writer's facts (a replica reading BODACC while this one polled scores)
            // stay on the case beside this cycle's.
            let known = Set(after.facts.map(\.alertID))
            let theirs = current.facts.filter { !known.contains($0.alertID) }
            if !theirs.isEmpty {
                merged.facts = (after.facts + theirs).sorted { $0.at < $1.at }
                merged.recomputeHeadline()
            }
            merged.version = current.version + 1
            return merged
        }
    }

    public struct Outcome: Sendable {
        /// The changes, each alert marked with its case and disposition, followed by the
        /// `case_resolved` alerts of cases the facts resolved.
        public var changes: [AlertChange] = []
        /// Alerts recorded without a message: they get no delivery.
        public var quiet: Set<String> = []
        public var updates: [Update] = []
        public var entries: [CaseEntry] = []
        /// Where alerts go when the case decides it rather than the routes (a reminder goes to
        /// the routes whose interval has passed), by alert id.
        public var destinations: [String: [Router.Destination]] = [:]
    }

    static let mergeable: Set<String> = [
        ScoreEvent.companyCeased.rawValue, ScoreEvent.companyStruckOff.rawValue, ScoreEvent.companyInFailure.rawValue,
    ]
    static let providerProcedure: Set<String> = [
        ScoreEvent.companyInFailure.rawValue, ScoreEvent.providerJudgement.rawValue, ScoreEvent.providerProcedure.rawValue,
    ]
    /// Notices that undo an earlier one: they join the case of what they undo and never reopen it.
    static let undoing: Set<String> = [NoticeEvent.noticeCancelled.rawValue, NoticeEvent.retracted.rawValue]

    public static func apply(_ changes: [AlertChange], to cases: [String: Case], policy: Policy, now: Date) -> Outcome {
        var book = cases
        let before = cases
        var caseOfAlert: [String: String] = [:]
        for item in cases.values { for fact in item.facts { caseOfAlert[fact.alertID] = item.id } }
        var outcome = Outcome()
        /// The cases changed, in the order first changed; the set answers "already there?" at
        /// once (a search of the list made a cycle with 90 000 new alerts quadratic).
        var touched: [String] = []
        var touchedIDs: Set<String> = []
        /// Where each alert of this run sits in `outcome.changes`, to add a merged source to it.
        var position: [String: Int] = [:]

        func touch(_ id: String) { if touchedIDs.insert(id).inserted { touched.append(id) } }
        func log(_ item: Case, _ action: String, from: CaseState?, note: String? = nil) {
            outcome.entries.append(CaseEntry(caseID: item.id, at: now, actor: "vigie", action: action, fromState: from, toState: item.state, note: note))
        }

        for change in changes {
            var alert = change.alert
            guard let siren = alert.siren, let situation = CaseSituation.of(kind: alert.kind) else {
                outcome.changes.append(change)
                continue
            }
            switch change {
            case .raised:
                var caseID = Case.id(siren: siren, situation: situation)
                var disposition: Disposition?
                if undoing.contains(alert.kind), let related = alert.relatedAlertID, let owner = caseOfAlert[related] {
                    caseID = owner
                } else if situation == .deterioration, let procedure = book[Case.id(siren: siren, situation: .procedure)],
                          procedure.state.isActive, let status = procedure.procedure,
                          policy.inhibit.contains(where: { $0.during.contains(status) && $0.silenced.contains(alert.kind) }) {
                    caseID = procedure.id
                    disposition = .inhibited
                }
                if alert.kind == ScoreEvent.scoreRecovered.rawValue, book[caseID]?.state.isActive != true {
                    // A recovery with no weakening case open (its drop was inhibited, or the case
                    // resolved by hand) has nothing to close: recorded as an alert only.
                    alert.disposition = .recorded
                    outcome.quiet.insert(alert.id)
                    outcome.changes.append(.raised(alert))
                    continue
                }
                var item = book[caseID] ?? Case(siren: siren, companyName: alert.companyName, situation: situation, watch: alert.watch, at: now)
                if let known = item.facts.first(where: { $0.alertID == alert.id }) {
                    // Seen before (a re-poll, a re-import): nothing new, never told twice.
                    alert.caseID = item.id
                    alert.disposition = known.disposition
                    outcome.quiet.insert(alert.id)
                    outcome.changes.append(.raised(alert))
                    continue
                }
                let isNew = item.facts.isEmpty
                let stateBefore = item.state(at: now)
                let severityBefore = item.severity
                if disposition == nil {
                    if mergeable.contains(alert.kind),
                       let first = item.facts.first(where: { $0.active && $0.kind == alert.kind && $0.source != alert.source }) {
                        disposition = .merged
                        if let index = position[first.alertID] {
                            var told = outcome.changes[index].alert
                            told.alsoReportedBy = (told.alsoReportedBy ?? []) + [alert.source]
                            outcome.changes[index] = .raised(told)
                        }
                    } else if providerProcedure.contains(alert.kind), policy.bodaccRead {
                        disposition = .recorded
                    } else if alert.kind == ScoreEvent.scoreRecovered.rawValue {
                        disposition = .recorded
                    } else if stateBefore == .snoozed, item.snoozedUntil != nil, !isNew, alert.severity <= item.severity {
                        disposition = .recorded
                    } else {
                        disposition = .notified
                    }
                }
                let told = disposition == .notified
                item.facts.append(CaseFact(alert: alert, disposition: disposition!, at: now))
                if alert.watch != [] { item.watch = alert.watch }
                if let name = alert.companyName { item.companyName = name }
                if let position = alert.position {
                    // The claim to declare, once known, stays with the case: later balances
                    // are after the judgment.
                    let earlier = item.position
                    item.position = position
                    if position.toDeclare == nil, let earlier, earlier.toDeclare != nil {
                        item.position?.toDeclare = earlier.toDeclare
                        item.position?.toDeclareAsOf = earlier.toDeclareAsOf
                    }
                }
                if item.owner == nil { item.owner = alert.watch.lazy.compactMap(\.owner).first }
                item.recomputeHeadline()
                if case .notice(let notice) = alert.evidence, let claims = notice.claims, item.claims == nil || told { item.claims = claims }
                if isNew {
                    log(item, told ? "opened" : "opened_quietly", from: nil, note: alert.title)
                    if situation == .procedure, told, let weakening = book[Case.id(siren: siren, situation: .deterioration)], weakening.state.isActive {
                        // One story per client: the weakening that came before the procedure
                        // (a limit cut, growing overdue) is its prologue, on the same case.
                        item.facts = (weakening.facts + item.facts).sorted { $0.at < $1.at }
                        for fact in weakening.facts { caseOfAlert[fact.alertID] = item.id }
                        if item.position == nil { item.position = weakening.position }
                        if let owner = weakening.owner { item.owner = owner }
                        item.recomputeHeadline()
                        log(item, "absorbed", from: nil, note: weakening.id)
                        touch(weakening.id)
                        resolve(&book[weakening.id]!, reason: "merged_into_procedure")
                    }
                } else if told, stateBefore == .resolved, !undoing.contains(alert.kind) {
                    item.reopen()
                    log(item, "reopened", from: stateBefore, note: alert.title)
                } else if told, stateBefore == .snoozed {
                    item.state = .open
                    item.snoozedUntil = nil
                    log(item, "woken", from: stateBefore, note: alert.title)
                } else if told, stateBefore == .acknowledged, item.severity > severityBefore {
                    item.state = .open
                    item.acknowledgedAt = nil
                    log(item, "escalated", from: stateBefore, note: alert.title)
                } else if item.state == .snoozed, item.snoozedUntil.map({ $0 <= now }) == true {
                    // A snooze whose date passed is open: written so.
                    item.state = .open
                    item.snoozedUntil = nil
                }
                if told { item.notifiedAt = now } else { outcome.quiet.insert(alert.id) }
                alert.caseID = item.id
                alert.disposition = disposition
                position[alert.id] = outcome.changes.count
                outcome.changes.append(.raised(alert))
                caseOfAlert[alert.id] = item.id
                item.updatedAt = now
                book[item.id] = item
                touch(item.id)
                if let reason = Self.resolution(after: alert, on: item) {
                    resolve(&book[item.id]!, reason: reason)
                }

            case .revised, .retracted:
                guard let caseID = alert.caseID ?? caseOfAlert[alert.id], var item = book[caseID],
                      let index = item.facts.firstIndex(where: { $0.alertID == alert.id })
                else {
                    outcome.changes.append(change)
                    continue
                }
                let disposition = item.facts[index].disposition
                item.facts[index] = CaseFact(alert: alert, disposition: disposition, at: now)
                item.recomputeHeadline()
                alert.caseID = item.id
                alert.disposition = disposition
                if disposition != .notified { outcome.quiet.insert(alert.id) }
                outcome.changes.append(change.replacing(alert))
                item.updatedAt = now
                book[item.id] = item
                touch(item.id)
                if case .retracted = change, item.state.isActive,
                   !item.facts.contains(where: { $0.active && $0.severity >= .warning && !undoing.contains($0.kind) }) {
                    resolve(&book[item.id]!, reason: "retracted")
                }
            }
        }

        func resolve(_ item: inout Case, reason: String) {
            guard item.state.isActive else { return }
            let from = item.state
            item.state = .resolved
            item.resolvedAt = now
            item.resolution = reason
            item.snoozedUntil = nil
            log(item, "resolved", from: from, note: reason)
            // A case the same facts opened and closed (a closure read first, a company's past)
            // was never news: the fact that closed it says all.
            guard before[item.id]?.state.isActive == true else { return }
            outcome.changes.append(.raised(resolvedNotice(item, at: now)))
        }

        for id in touched {
            guard var item = book[id] else { continue }
            item.version = (before[id]?.version ?? 0) + 1
            outcome.updates.append(Update(before: before[id], after: item))
        }
        return outcome
    }

    /// Cases of companies no list watches any more, resolved: nobody sells to them on credit
    /// through Vigie now. Their `case_resolved` messages and audit entries come with them.
    public static func resolveUnwatched(_ cases: [Case], watched: (SIREN) -> Bool, now: Date) -> Outcome {
        var outcome = Outcome()
        for var item in cases where item.state.isActive && !watched(item.siren) {
            let before = item
            let from = item.state
            item.state = .resolved
            item.resolvedAt = now
            item.resolution = "unwatched"
            item.snoozedUntil = nil
            item.updatedAt = now
            item.version += 1
            outcome.entries.append(CaseEntry(caseID: item.id, at: now, actor: "vigie", action: "resolved", fromState: from, toState: .resolved, note: "unwatched"))
            outcome.changes.append(.raised(resolvedNotice(item, at: now)))
            outcome.updates.append(Update(before: before, after: item))
        }
        return outcome
    }

    /// Why this fact resolves its case, if it does: a procedure closed or ended, a score back.
    static func resolution(after alert: Alert, on item: Case) -> String? {
        switch alert.kind {
        case NoticeEvent.closed.rawValue, NoticeEvent.ended.rawValue: "procedure_closed"
        case ScoreEvent.scoreRecovered.rawValue: item.situation == .deterioration ? "score_recovered" : nil
        default: nil
        }
    }

    /// The message that a case is over.
    public static func resolvedNotice(_ item: Case, by actor: String? = nil, at now: Date) -> Alert {
        lifecycleNotice(item, .resolved, by: actor, at: now)
    }

    /// The message that someone acknowledged a case.
    public static func acknowledgedNotice(_ item: Case, by actor: String, at now: Date) -> Alert {
        lifecycleNotice(item, .acknowledged, by: actor, at: now)
    }

    static func lifecycleNotice(_ item: Case, _ notice: CaseNotice, by actor: String?, at now: Date) -> Alert {
        let purpose: CaseEvidence.Purpose = notice == .resolved ? .resolved : .acknowledged
        let evidence = CaseEvidence(item, purpose: purpose, at: now, actor: actor)
        var alert = Alert(
            id: AlertIdentity.id(siren: item.siren, kind: notice.rawValue, evidenceKey: "case:\(item.id):\(purpose.rawValue):\(Int(now.timeIntervalSince1970))"),
            siren: item.siren, companyName: item.companyName, kind: notice.rawValue, severity: item.severity,
            title: CaseWording.english.title(evidence), evidence: .case(evidence), watch: item.watch, createdAt: now
        )
        alert.caseID = item.id
        alert.disposition = .notified
        return alert
    }
}

extension AlertChange {
    /// The same change, carrying `alert`.
    public func replacing(_ alert: Alert) -> AlertChange {
        switch self {
        case .raised: .raised(alert)
        case .revised: .revised(alert)
        case .retracted: .retracted(alert)
        }
    }
}

extension CaseBook {
    /// Reminders due at `now`: an open, unacknowledged case of high severity or worse is sent
    /// again to each route with a `repeat_interval` it matches, once that interval has passed
    /// since the route last heard of it; and a procedure case's claims deadline is recalled
    /// `claimsDays` before it (14 and 3 by default), whatever the case's state short of resolved.
    public static func reminders(_ cases: [Case], router: Router, claimsDays: [Int] = [14, 3], now: Date) -> Outcome {
        var outcome = Outcome()
        let today = CalendarDay(now)
        for item in cases where item.state.isActive {
            var next = item
            let representative = Alert(
                id: "", siren: item.siren, companyName: item.companyName, kind: item.facts.last { $0.active && $0.severity == item.severity }?.kind ?? "",
                severity: item.severity, title: item.title, evidence: .case(CaseEvidence(item, purpose: .reminder, at: now)), watch: item.watch, createdAt: now
            )
            if item.state(at: now) == .open, item.severity >= .high {
                var channels: [Router.Destination] = []
                var keys: [String] = []
                for route in router.routes {
                    guard let interval = route.repeatInterval, route.matches(representative) else { continue }
                    let last = item.remindedAt[route.name] ?? item.notifiedAt ?? item.openedAt
                    guard now.timeIntervalSince(last) >= interval.seconds else { continue }
                    channels += route.channels.map { Router.Destination(channel: $0) }
                    keys.append("\(route.name)@\(Int(last.timeIntervalSince1970))")
                    next.remindedAt[route.name] = now
                }
                if !channels.isEmpty {
                    let evidence = CaseEvidence(item, purpose: .reminder, at: now)
                    var alert = Alert(
                        id: AlertIdentity.id(siren: item.siren, kind: CaseNotice.reminder.rawValue, evidenceKey: "case:\(item.id):reminder:\(keys.sorted().joined(separator: ","))"),
                        siren: item.siren, companyName: item.companyName, kind: CaseNotice.reminder.rawValue, severity: item.severity,
                        title: CaseWording.english.title(evidence, exposure: item.exposure), evidence: .case(evidence), watch: item.watch, createdAt: now
                    )
                    alert.caseID = item.id
                    alert.disposition = .notified
                    var seen = Set<String>()
                    outcome.changes.append(.raised(alert))
                    outcome.destinations[alert.id] = (router.always.map { Router.Destination(channel: $0) } + channels).filter { seen.insert($0.channel).inserted }
                }
            }
            if item.situation == .procedure, let claims = item.claims {
                let left = today.days(until: claims.deadline)
                let due = claimsDays.filter { left >= 0 && left <= $0 && !item.deadlineReminders.contains($0) }
                if !due.isEmpty {
                    next.deadlineReminders += due
                    let evidence = CaseEvidence(item, purpose: .claimsDeadline, at: now, daysLeft: left)
                    var alert = Alert(
                        id: AlertIdentity.id(siren: item.siren, kind: CaseNotice.claimsDeadline.rawValue, evidenceKey: "case:\(item.id):claims:\(claims.deadline.iso):\(due.min()!)"),
                        siren: item.siren, companyName: item.companyName, kind: CaseNotice.claimsDeadline.rawValue, severity: max(.high, item.severity),
                        title: CaseWording.english.title(evidence), evidence: .case(evidence), watch: item.watch, createdAt: now
                    )
                    alert.caseID = item.id
                    alert.disposition = .notified
                    outcome.changes.append(.raised(alert))
                    outcome.destinations[alert.id] = router.destinations(for: alert)
                }
            }
            if next != item {
                next.updatedAt = now
                next.version += 1
                outcome.updates.append(Update(before: item, after: next))
            }
        }
        return outcome
    }
}
