import Foundation
import VigieCore

/// Where a commit's alert changes meet the cases: the one step the watch cycle and the BODACC
/// importer share, so that a fact joins its case, is told or kept quiet, and the cases'
/// reminders and deadlines go out, the same way whichever path raised it.
struct CaseDesk: Sendable {
    /// Where each owner's last digest is remembered, by `route|owner`.
    static let digestCursor = "owner_digest:"
    /// The lease of the one replica that sends owner digests: an owner's cases lie in many
    /// shards, and one digest covers them all.
    public static let digestsLease = "cases:owner_digests"

    let store: any CycleStore
    let router: Router
    /// BODACC is read by this process (the feed, or an import): it tells procedures.
    let bodaccRead: Bool
    var settings = CaseSettings()

    /// Decides the cases of `commit`'s alert changes and writes the result into it: the
    /// changes as marked, quiet alerts without deliveries, reminders and deadlines of active
    /// cases (among those `covers` admits: a replica's own shards), and the cases of companies
    /// `watched` no longer admits resolved. Without `watched`, nothing is resolved for it.
    /// `digests`: this process sends the owner digests, over every active case.
    func decide(_ commit: inout CycleCommit, watched: ((SIREN) -> Bool)?, covers: (SIREN) -> Bool, digests: Bool = false, now: Date) async throws {
        // Money at stake first: routes and cases see the severity people should. A creditor
        // abroad has four months to declare, not two.
        commit.alertChanges = commit.alertChanges.map { change in
            var alert = change.alert
            if case .notice(var notice) = alert.evidence, let claims = notice.claims, claims.months != settings.claimsMonths {
                notice.claims = claims.with(months: settings.claimsMonths)
                alert.evidence = .notice(notice)
            }
            return router.severity.apply(change.replacing(alert))
        }
        let sirens = Set(commit.alertChanges.compactMap(\.alert.siren))
        let known = sirens.isEmpty ? [:] : try await store.cases(for: sirens)
        var outcome = CaseBook.apply(commit.alertChanges, to: known, policy: .init(inhibit: router.inhibit, bodaccRead: bodaccRead), now: now)
        let decided = Dictionary(outcome.updates.map { ($0.after.id, $0.after) }, uniquingKeysWith: { _, last in last })
        let everyActive = try await store.activeCases()
        var active = everyActive.filter { covers($0.siren) }.map { decided[$0.id] ?? $0 }
        // Sets of ids, not searches of the lists: with tens of thousands of cases decided in one
        // cycle, each search made the desk quadratic.
        let activeIDs = Set(active.map(\.id))
        for item in decided.values where item.state.isActive && !activeIDs.contains(item.id) { active.append(item) }
        active = active.filter(\.state.isActive)
        if let watched {
            let unwatched = CaseBook.resolveUnwatched(active, watched: watched, now: now)
            outcome.append(unwatched)
            let resolved = Set(unwatched.updates.map(\.after.id))
            active.removeAll { resolved.contains($0.id) }
        }
        outcome.append(CaseBook.reminders(active, router: router, claimsDays: settings.claimsReminderDays, now: now))
        // Each owner's summary, on the routes that send one, when its interval has passed.
        guard digests, router.routes.contains(where: { $0.ownerDigest != nil }) else {
            return finish(&commit, outcome)
        }
        let resolvedNow = Set(outcome.updates.filter { !$0.after.state.isActive }.map(\.after.id))
        let everyActiveID = Set(everyActive.map(\.id))
        let owned = everyActive.map { decided[$0.id] ?? $0 }.filter { !resolvedNow.contains($0.id) }
            + decided.values.filter { item in item.state.isActive && !everyActiveID.contains(item.id) }
        var last: [String: Date] = [:]
        for route in router.routes where route.ownerDigest != nil {
            for owner in Set(owned.compactMap(\.owner)) {
                let key = "\(route.name)|\(owner)"
                if let stored = try await store.cursor(for: Self.digestCursor + key), let date = try? Date(stored, strategy: .iso8601) { last[key] = date }
            }
        }
        let (summaries, sent) = CaseBook.ownerDigests(owned, router: router, last: last, now: now)
        outcome.append(summaries)
        for (key, date) in sent { commit.cursors[Self.digestCursor + key] = date.iso8601 }
        finish(&commit, outcome)
    }

    /// Writes the outcome into the commit: the changes with what to do, their destinations.
    private func finish(_ commit: inout CycleCommit, _ outcome: CaseBook.Outcome) {
        // What to do goes with what is told, in every language the channels may speak.
        commit.alertChanges = outcome.changes.map { change in
            guard case .raised(var alert) = change, !outcome.quiet.contains(alert.id), let actions = router.actions.actions(for: alert) else { return change }
            alert.nextActions = actions
            return .raised(alert)
        }
        // Routed again: severity may have risen, and the case book added alerts of its own.
        for change in outcome.changes { commit.destinations[change.alert.id] = router.destinations(for: change.alert) }
        for (id, destinations) in outcome.destinations { commit.destinations[id] = destinations }
        for id in outcome.quiet { commit.destinations[id] = [] }
        commit.caseUpdates = outcome.updates
        commit.caseEntries = outcome.entries
    }
}

extension CaseBook.Outcome {
    /// This outcome followed by `next`: a case both change is written once, from the version
    /// first read to the last one.
    mutating func append(_ next: CaseBook.Outcome) {
        changes += next.changes
        quiet.formUnion(next.quiet)
        entries += next.entries
        for (id, destinations) in next.destinations { self.destinations[id] = destinations }
        guard !next.updates.isEmpty else { return }
        var places = Dictionary(updates.enumerated().map { ($0.element.after.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for update in next.updates {
            if let index = places[update.after.id] {
                updates[index].after = update.after
            } else {
                places[update.after.id] = updates.count
                updates.append(update)
            }
        }
    }
}

/// An operator's decision on a mass shift (`vigie cases release-shift` / `discard-shift`).
public enum SourceShifts {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Releases the shift's held alerts (they join their cases and go out as any fact would, as
    /// of now) or discards them (kept in the shift's evidence, never sent); the shift records
    /// who decided, when and why. Returns how many alerts were released.
    public static func decide(
        _ id: String, _ decision: ShiftEvidence.Decision, by actor: String, note: String?, store: any WatchStore, router: Router, now: Date
    ) async throws -> Int {
        guard let alert = try await store.alert(id: id), case .shift(var evidence) = alert.evidence else {
            throw Failure(description: "no mass shift \(id); vigie alerts list --kind \(MassShiftGuard.kind) shows them")
        }
        if let decided = evidence.decision {
            throw Failure(description: "shift \(id) was already \(decided.rawValue)\(evidence.decidedBy.map { " by \($0)" } ?? "")\(evidence.decidedAt.map { " at \($0.iso8601)" } ?? "")")
        }
        evidence.decision = decision
        evidence.decidedBy = actor
        evidence.decidedAt = now
        evidence.note = note
        var decided = alert
        decided.evidence = .shift(evidence)
        decided.revision += 1
        decided.updatedAt = now
        let released = decision == .released ? evidence.held : []
        var commit = CycleCommit(
            snapshots: [], observations: [], alertChanges: released.map { .raised($0) } + [.revised(decided)], notices: [], cursors: [:], router: router, at: now
        )
        try await CaseDesk(store: store, router: router, bodaccRead: false).decide(&commit, watched: nil, covers: { _ in false }, now: now)
        // The decision is recorded, not sent again: the operators made it.
        commit.destinations[decided.id] = []
        _ = try await store.commit(commit)
        return released.count
    }
}

/// `cases:` in vigie.yaml.
public struct CaseSettings: Sendable, Hashable {
    /// Months after the BODACC publication to declare a claim: 2, or 4 for a creditor outside
    /// metropolitan France (art. R622-24 of the Code de commerce).
    public var claimsMonths = 2
    /// Days before the claims deadline it is recalled.
    public var claimsReminderDays = [14, 3]
    public var massShift = MassShiftGuard()

    public init() {}
}
