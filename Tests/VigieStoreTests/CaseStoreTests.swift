import Foundation
import Testing
import VigieCore
import VigieStore
import VigieTestSupport

/// Cases in the store, held to the same tests on SQLite and PostgreSQL: a cycle's facts and a
/// person's actions on the same case, the audit trail, the filters, the hysteresis state.
@Suite("The store: cases")
struct CaseStoreTests {
    static let now = SQLiteStoreTests.now

    /// The cycle's commit of `alerts`, decided by the case book against what the store holds.
    static func cycle(_ store: any WatchStore, _ alerts: [Alert], at: Date = now) async throws -> CycleCommit {
        let known = try await store.cases(for: Set(alerts.compactMap(\.siren)))
        let outcome = CaseBook.apply(alerts.map { .raised($0) }, to: known, policy: .init(bodaccRead: true), now: at)
        var commit = CycleCommit(snapshots: [], observations: [], alertChanges: outcome.changes, notices: [], cursors: [:], router: Router(always: ["log"]), at: at)
        for id in outcome.quiet { commit.destinations[id] = [] }
        commit.caseUpdates = outcome.updates
        commit.caseEntries = outcome.entries
        return commit
    }

    @Test("a cycle's case is stored with its facts and audit, found by company, by filter and by its alerts", arguments: StoreUnderTest.allCases)
    func stored(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let alert = SQLiteStoreTests.alert("N1")
        _ = try await store.commit(try await Self.cycle(store, [alert]))
        let id = Case.id(siren: SQLiteStoreTests.siren, situation: .procedure)
        let stored = try #require(try await store.case(id: id))
        #expect(stored.facts.map(\.alertID) == [alert.id])
        #expect(stored.state == .open && stored.version == 1 && stored.owner == "julie@example.fr")
        #expect(try await store.cases(for: [SQLiteStoreTests.siren]).keys.sorted() == [id])
        #expect(try await store.activeCases().map(\.id) == [id])
        #expect(try await store.alerts(caseID: id).map(\.id) == [alert.id])
        #expect(try await store.alert(id: alert.id)?.caseID == id)
        #expect(try await store.caseEntries(caseID: id).map(\.action) == ["opened"])
        #expect(try await store.cases(CaseFilter(activeOnly: true, owner: "JULIE@example.fr", asOf: Self.now)).map(\.id) == [id])
        #expect(try await store.cases(CaseFilter(minSeverity: .critical, asOf: Self.now)).count == 1)
        #expect(try await store.cases(CaseFilter(state: .acknowledged, asOf: Self.now)).isEmpty)
        #expect(try await store.cases(CaseFilter(siren: try SIREN("337891287"), asOf: Self.now)).isEmpty)
    }

    @Test("a person's action lands with its audit entry; a second action from the same stale read is refused; a cycle meanwhile keeps the person's state", arguments: StoreUnderTest.allCases)
    func actions(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        _ = try await store.commit(try await Self.cycle(store, [SQLiteStoreTests.alert("N1")]))
        let id = Case.id(siren: SQLiteStoreTests.siren, situation: .procedure)
        let read = try #require(try await store.case(id: id))
        // The cycle reads the case, then a person acknowledges it before the cycle commits.
        let cycle = try await Self.cycle(store, [SQLiteStoreTests.alert("N2", kind: "claims_filing")], at: Self.now + 60)
        let (acknowledged, entry) = try read.applying(.acknowledge, by: "julie", note: "calling them", at: Self.now + 30)
        try await store.act(CaseBook.Update(before: read, after: acknowledged), entry: entry, alerts: [], destinations: [:], at: Self.now + 30)
        await #expect(throws: CaseConflict.self) {
            let (assigned, entry) = try read.applying(.assign(to: "paul"), by: "paul", note: nil, at: Self.now + 40)
            try await store.act(CaseBook.Update(before: read, after: assigned), entry: entry, alerts: [], destinations: [:], at: Self.now + 40)
        }
        _ = try await store.commit(cycle)
        let after = try #require(try await store.case(id: id))
        #expect(after.state == .acknowledged, "the person's acknowledgement survives the cycle")
        #expect(after.facts.count == 2, "and the cycle's fact is on the case")
        #expect(after.version == acknowledged.version + 1)
        let audit = try await store.caseEntries(caseID: id)
        #expect(audit.map(\.action) == ["opened", "acknowledge"])
        #expect(audit.last == CaseEntry(caseID: id, at: Self.now + 30, actor: "julie", action: "acknowledge", fromState: .open, toState: .acknowledged, note: "calling them"))
    }

    @Test("resolving by hand queues the resolution where the routes say", arguments: StoreUnderTest.allCases)
    func resolveByHand(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        _ = try await store.commit(try await Self.cycle(store, [SQLiteStoreTests.alert("N1")]))
        let read = try #require(try await store.case(id: Case.id(siren: SQLiteStoreTests.siren, situation: .procedure)))
        let (resolved, entry) = try read.applying(.resolve, by: "julie", note: "claim declared", at: Self.now + 60)
        let notice = CaseBook.resolvedNotice(resolved, at: Self.now + 60)
        try await store.act(CaseBook.Update(before: read, after: resolved), entry: entry, alerts: [notice], destinations: [notice.id: [Router.Destination(channel: "mail")]], at: Self.now + 60)
        #expect(try await store.activeCases().isEmpty)
        let queued = try await store.dueDeliveries(channel: "mail", due: Self.now + 61, limit: 10).ready
        #expect(queued.map(\.alert.kind) == [CaseNotice.resolved.rawValue])
        #expect(queued.first?.alert.title == "Case resolved: Receivership (resolved by hand)")
    }

    @Test("a snapshot's hysteresis state is kept between cycles", arguments: StoreUnderTest.allCases)
    func scoreWatch(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        var snapshot = Snapshot(siren: SQLiteStoreTests.siren, source: "creditsafe")
        snapshot.score = .value(48, minimum: 0, maximum: 100)
        snapshot.scoreWatch = ScoreWatch(alertedLevel: 48, recoveringSince: CalendarDay(year: 2026, month: 2, day: 3))
        _ = try await store.commit(SQLiteStoreTests.commit([], snapshots: [snapshot]))
        #expect(try await store.snapshots(for: [SQLiteStoreTests.siren])[snapshot.key]?.scoreWatch == snapshot.scoreWatch)
    }
}
