import Foundation

/// One watch cycle's decisions, as a pure function: given what the providers said, the
/// snapshots and the earlier alerts, what to store and what to alert.
public enum WatchEngine {
    public struct Input: Sendable {
        public var watch: WatchSet
        public var observations: [ScoreObservation]
        public var notices: [BodaccNotice]
        public var snapshots: SnapshotTable
        /// Earlier notice-based alerts of the companies the notices name.
        public var priorAlerts: [SIREN: [Alert]]
        /// Notices read from the history of companies that just joined a watchlist.
        public var history: [BodaccNotice]
        /// The companies whose history this is.
        public var joining: Set<SIREN>
        public var now: Date
        /// The thresholds of the money-at-risk review.
        public var coverage = CoverageSettings()
        /// The companies whose money at risk this run reviews (a replica's share); nil for all.
        public var reviewing: Set<SIREN>?

        public init(
            watch: WatchSet, observations: [ScoreObservation], notices: [BodaccNotice],
            snapshots: SnapshotTable, priorAlerts: [SIREN: [Alert]],
            history: [BodaccNotice] = [], joining: Set<SIREN> = [], now: Date,
            coverage: CoverageSettings = CoverageSettings(), reviewing: Set<SIREN>? = nil
        ) {
            self.coverage = coverage
            self.reviewing = reviewing
            self.watch = watch
            self.observations = observations
            self.notices = notices
            self.history = history
            self.joining = joining
            self.snapshots = snapshots
            self.priorAlerts = priorAlerts
            self.now = now
        }
    }

    public struct Outcome: Sendable {
        /// Snapshots that changed, to write back.
        public var snapshots: [Snapshot] = []
        /// Observations that changed what Vigie knows (a value, a fact), for the history; an
        /// observation that only confirms it is `confirmed`, so the store grows with the
        /// changes, not with the clock.
        public var observations: [ScoreObservation] = []
        /// Snapshots an observation confirmed unchanged this cycle.
        public var confirmed: [SnapshotKey] = []
        /// Observations of watched companies received, changed or not.
        public var observed = 0
        public var alertChanges: [AlertChange] = []
        /// Notices that named a watched company, with the SIRENs they matched.
        public var matchedNotices: [(notice: BodaccNotice, sirens: [SIREN])] = []
        /// Observations for companies no longer watched, dropped.
        public var unwatchedObservations = 0
    }

    /// How long a judgment stays news, in years: the Annuaire des Entreprises treats a
    /// procedure older than ten years, with no closure published, as no longer current.
    public static let currentYears = 10

    /// "3 days ago", "5 months ago", "2 years ago".
    static func age(days: Int) -> String {
        switch days {
        case ..<1: "today"
        case 1: "1 day ago"
        case ..<61: "\(days) days ago"
        case ..<730: "\(days / 30) months ago"
        default: "\(days / 365) years ago"
        }
    }

    /// Takes its input: the snapshots it was given are updated in place, not copied (a copy of a
    /// million companies' snapshots, grown an insertion at a time, was the cycle's largest peak).
    public static func evaluate(_ input: consuming Input) -> Outcome {
        var outcome = Outcome()
        var snapshots = input.snapshots
        input.snapshots = [:]
        let unseen = input.observations.reduce(into: 0) { count, observation in
            if snapshots[SnapshotKey(siren: observation.siren, source: observation.provider)] == nil { count += 1 }
        }
        snapshots.reserveCapacity(snapshots.count + unseen)

        // The observations kept for the history are compacted in place, in the array the
        // cycle handed over: a second array of them, grown an append at a time, was a sixth of
        // a baseline cycle's peak.
        var kept = input.observations
        input.observations = []
        var keptCount = 0
        for position in kept.indices {
            let observation = kept[position]
            guard let company = input.watch[observation.siren] else {
                outcome.unwatchedObservations += 1
                continue
            }
            let key = SnapshotKey(siren: observation.siren, source: observation.provider)
            let before = snapshots[key]
            let (snapshot, events) = ScoreDiff.apply(observation, to: before, thresholds: company.thresholds)
            outcome.observed += 1
            // The observation's date alone is no change: a daily report saying the same thing
            // confirms the snapshot, it does not add to the history.
            var values = snapshot
            values.observedOn = before?.observedOn
            if before == nil || values != before {
                kept[keptCount] = observation
                keptCount += 1
            } else {
                outcome.confirmed.append(key)
            }
            if snapshot != before {
                snapshots[key] = snapshot
                snapshots.markChanged(key)
            }
            for event in events {
                outcome.alertChanges.append(.raised(Alert(
                    id: AlertIdentity.id(siren: event.siren, kind: event.kind, evidenceKey: event.evidence.identityKey),
                    siren: event.siren, companyName: company.name ?? observation.companyName, kind: event.kind,
                    severity: event.severity, title: event.title, evidence: event.evidence, watch: company.contexts,
                    createdAt: input.now
                )))
            }
        }

        kept.removeLast(kept.count - keptCount)
        outcome.observations = kept

        let today = CalendarDay(input.now)
        /// A judgment older than `currentYears` is the company's history, not news: recorded,
        /// never alerted as if it happened today (a 2008 opening read from an old DILA file,
        /// or a procedure whose closure was never published).
        func isStale(_ day: CalendarDay?) -> Bool {
            guard let day else { return false }
            return day.days(until: today) > Self.currentYears * 365 + Self.currentYears / 4
        }
        var alertsBySiren = input.priorAlerts
        /// Watched companies with a postcode, for notices that name no SIREN.
        let byPostcode = Dictionary(grouping: input.watch.companies.filter { company in company.entries.contains { $0.entry.postcode != nil } }) { company in
            company.entries.lazy.compactMap(\.entry.postcode).first ?? ""
        }
        /// Applies notices in publication order to the watched companies they name (among
        /// `only`, when given); returns the alert changes in that order, with their company.
        func apply(_ notices: [BodaccNotice], only: Set<SIREN>?) -> [(siren: SIREN, change: AlertChange)] {
            var applied: [(siren: SIREN, change: AlertChange)] = []
            let ordered = notices.sorted { ($0.published?.iso ?? "", $0.id) < ($1.published?.iso ?? "", $1.id) }
            for notice in ordered {
                if notice.sirens.isEmpty {
                    applied += weakMatches(notice, only: only)
                    continue
                }
                let watched = Array(Set(notice.sirens)).sorted().filter { input.watch[$0] != nil && (only?.contains($0) ?? true) }
                guard !watched.isEmpty else { continue }
                outcome.matchedNotices.append((notice, watched))
                for siren in watched {
                    let key = SnapshotKey(siren: siren, source: "bodacc")
                    let (snapshot, changes) = ProcedureTracker.apply(
                        notice, for: input.watch[siren]!, snapshot: snapshots[key],
                        priorAlerts: alertsBySiren[siren] ?? [], now: input.now
                    )
                    if snapshot != snapshots[key] {
                        snapshots[key] = snapshot
                        snapshots.markChanged(key)
                    }
                    let stale = isStale(notice.judgment?.date ?? notice.published)
                    for change in changes {
                        if stale, case .raised = change { continue }
                        var list = alertsBySiren[siren] ?? []
                        list.removeAll { $0.id == change.alert.id }
                        list.append(change.alert)
                        alertsBySiren[siren] = list
                    }
                    applied += changes.filter { change in
                        if stale, case .raised = change { return false }
                        return true
                    }.map { (siren, $0) }
                }
            }
            return applied
        }

        /// A notice without a SIREN, matched by name and postcode: its new alerts, weakened;
        /// the company's procedure status is left as it is (it may be a namesake).
        func weakMatches(_ notice: BodaccNotice, only: Set<SIREN>?) -> [(siren: SIREN, change: AlertChange)] {
            guard let postcode = notice.postalCode?.replacingOccurrences(of: " ", with: ""), let candidates = byPostcode[postcode] else { return [] }
            let stale = isStale(notice.judgment?.date ?? notice.published)
            var found: [(siren: SIREN, change: AlertChange)] = []
            for company in candidates where only?.contains(company.siren) ?? true {
                guard company.entries.contains(where: { WeakMatch.matches(notice, $0.entry) }) else { continue }
                outcome.matchedNotices.append((notice, [company.siren]))
                let (_, changes) = ProcedureTracker.apply(notice, for: company, snapshot: nil, priorAlerts: alertsBySiren[company.siren] ?? [], now: input.now)
                for change in changes {
                    guard case .raised(let alert) = change, !stale else { continue }
                    // Only what a procedure opens, converts into or extends is worth a possible match.
                    guard let event = NoticeEvent(rawValue: alert.kind), [.opened, .converted, .extended, .planResolved, .struckOff].contains(event) else { continue }
                    let weak = WeakMatch.weakened(alert)
                    alertsBySiren[company.siren, default: []].append(weak)
                    found.append((company.siren, .raised(weak)))
                }
            }
            return found
        }

        // A joining company's past is the baseline, not news: only a procedure still under way
        // is alerted, once, by the judgment that put the company where it stands.
        let newIDs = Set(input.notices.map(\.id))
        let past = apply(input.history.filter { !newIDs.contains($0.id) }, only: input.joining)
        // Each company's past changes, grouped once: a search of every company's past for each
        // company was quadratic in the companies joining with a history.
        let pastBySiren = Dictionary(grouping: past, by: \.siren).sorted { $0.key < $1.key }
        // Possible matches in the past: the latest one per company, as it is weak anyway.
        for (_, changes) in pastBySiren {
            if let latest = changes.last(where: { $0.change.alert.isWeakMatch }) { outcome.alertChanges.append(latest.change) }
        }
        for (siren, changes) in pastBySiren where changes.contains(where: { !$0.change.alert.isWeakMatch }) {
            guard let current = snapshots[SnapshotKey(siren: siren, source: "bodacc")]?.procedureSteps.last, current.status.isOpen,
                  let standing = changes.last(where: { $0.change.alert.noticeID == current.noticeID && $0.change.alert.state == .active })
            else { continue }
            // Found in the company's past: the alert says when the judgment was, and how long ago.
            var alert = standing.change.alert
            if let judged = current.on {
                alert.title += " (judgment of \(judged.iso), \(Self.age(days: judged.days(until: today))))"
            }
            outcome.alertChanges.append(.raised(alert))
        }
        outcome.alertChanges += apply(input.notices, only: nil).map(\.change)
        review(input, snapshots: &snapshots, outcome: &outcome, today: today)
        // Taken out of the table, which the nested functions above capture: swapped out first.
        var table = SnapshotTable()
        swap(&table, &snapshots)
        outcome.snapshots = (consume table).takingChanged()
        return outcome
    }

    /// The money-at-risk review of every company with something to say about it (an insurer's
    /// decision, an aged balance, a guarantee), and the position on every alert about a client.
    static func review(_ input: Input, snapshots: inout SnapshotTable, outcome: inout Outcome, today: CalendarDay) {
        var bySiren: [SIREN: [String: Snapshot]] = [:]
        for (key, snapshot) in snapshots where snapshot.detail != nil {
            bySiren[key.siren, default: [:]][key.source] = snapshot
        }
        for company in input.watch.companies where company.entries.contains(where: { $0.entry.guarantee != nil }) && bySiren[company.siren] == nil {
            bySiren[company.siren] = [:]
        }
        var positions: [SIREN: Position] = [:]
        var memories: [SIREN: PositionWatch] = [:]
        for (siren, sources) in bySiren {
            guard let company = input.watch[siren], input.reviewing?.contains(siren) ?? true else { continue }
            let position = Position.of(company, snapshots: sources, on: today)
            positions[siren] = position
            let balance = sources[CoverageSource.receivables]?.detail?.balance
            let covers = sources.values.compactMap(\.detail?.cover).sorted { $0.insurer < $1.insurer }
            let guarantees = company.entries.compactMap(\.entry.guarantee)
            guard balance != nil || !covers.isEmpty || !guarantees.isEmpty else { continue }
            let key = SnapshotKey(siren: siren, source: CoverageSource.position)
            let (watch, events) = CoverageReview.review(CoverageReview.Input(
                siren: siren, position: position, covers: covers, guarantees: guarantees, balance: balance,
                previous: snapshots[key]?.detail?.position, day: today, settings: input.coverage
            ))
            memories[siren] = watch
            var snapshot = snapshots[key] ?? Snapshot(siren: siren, source: CoverageSource.position)
            snapshot.detail = SnapshotDetail(position: watch)
            if snapshot != snapshots[key] {
                snapshot.observedOn = today
                snapshots[key] = snapshot
                snapshots.markChanged(key)
            }
            for event in events {
                outcome.alertChanges.append(.raised(Alert(
                    id: AlertIdentity.id(siren: siren, kind: event.kind, evidenceKey: event.evidence.identityKey),
                    siren: siren, companyName: company.name, kind: event.kind, severity: event.severity, title: event.title,
                    evidence: event.evidence, watch: company.contexts, createdAt: input.now
                )))
            }
        }
        guard !positions.isEmpty else { return }
        outcome.alertChanges = outcome.alertChanges.map { change in
            guard let siren = change.alert.siren, let position = positions[siren] else { return change }
            var alert = change.alert
            alert.position = position
            // A judgment that opens a claims period: what the client owed that day is the claim.
            if case .notice(let notice) = alert.evidence, notice.claims != nil, let day = notice.judgmentDate ?? notice.published,
               let sample = memories[siren]?.owed(at: day) {
                alert.position?.toDeclare = sample.outstanding
                alert.position?.toDeclareAsOf = sample.asOf
            }
            return change.replacing(alert)
        }
    }
}
