import Foundation
import Testing
import VigieCore
@testable import VigieRuntime
import VigieStore

/// The step the cycle and the importer share: settings applied to what is told.
@Suite("The case desk")
struct CaseDeskTests {
    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    static func receivership() -> Alert {
        let siren = try! SIREN("881843924")
        let notice = BodaccNotice(
            id: "BODACC-2026-02-05-3371", kind: .initial, published: CalendarDay(year: 2026, month: 2, day: 5), sirens: [siren], companyName: "PASARGAD",
            judgment: Judgment(famille: "Jugement d'ouverture", nature: "Jugement d'ouverture d'une procédure de redressement judiciaire", date: CalendarDay(year: 2026, month: 1, day: 27),
                               complement: "Jugement prononçant l'ouverture d'une procédure de redressement judiciaire, désignant mandataire judiciaire Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin. Les déclarations des créances sont à déposer au mandataire judiciaire.")
        )
        let evidence = NoticeEvidence(notice: notice, classification: NoticeClassification(event: .opened, procedure: .receivership, statusAfter: .receivership, severity: .critical))
        return Alert(
            id: "vg_rj", siren: siren, companyName: "PASARGAD", kind: NoticeEvent.opened.rawValue, severity: .critical, title: "Receivership opened",
            evidence: .notice(evidence), watch: [WatchContext(watchlist: "erp", owner: "julie@example.fr", tags: [], exposure: Money(amount: 12_480), insuredLimit: Money(amount: 15_000))],
            createdAt: now
        )
    }

    @Test("a creditor outside metropolitan France gets four months on the same notice; the officer is read from the court's text")
    func fourMonths() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        var settings = CaseSettings()
        settings.claimsMonths = 4
        var commit = CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(Self.receivership())], notices: [], cursors: [:], router: Router(always: ["log"]), at: Self.now)
        try await CaseDesk(store: store, router: Router(always: ["log"]), bodaccRead: true, settings: settings).decide(&commit, watched: nil, covers: { _ in true }, now: Self.now)
        guard case .notice(let notice) = commit.alertChanges[0].alert.evidence else { Issue.record("no notice"); return }
        #expect(notice.claims?.deadline == CalendarDay(year: 2026, month: 6, day: 5))
        #expect(notice.claims?.mandataire == "Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin")
        #expect(commit.caseUpdates.first?.after.claims?.deadline == CalendarDay(year: 2026, month: 6, day: 5))
        #expect(commit.alertChanges[0].alert.nextActions?["en"]?.contains("Declare the claim to Maître Wallyn François, 87 rue Pierre Brossolette, 02100 Saint Quentin by 2026-06-05.") == true)
    }

    @Test("a company no list watches any more has its cases resolved, and the routes that follow cases hear of it; a list that failed to read resolves nothing")
    func unwatched() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let router = Router(always: ["log"], routes: [Router.Route(name: "follow", channels: ["chat"], sendResolved: true)])
        var commit = CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(Self.receivership())], notices: [], cursors: [:], router: router, at: Self.now)
        let desk = CaseDesk(store: store, router: router, bodaccRead: true)
        try await desk.decide(&commit, watched: { _ in true }, covers: { _ in true }, now: Self.now)
        _ = try await store.commit(commit)
        var empty = CycleCommit(snapshots: [], observations: [], alertChanges: [], notices: [], cursors: [:], router: router, at: Self.now + 60)
        try await desk.decide(&empty, watched: nil, covers: { _ in true }, now: Self.now + 60)
        #expect(empty.caseUpdates.isEmpty, "without a clean read of the lists, nothing is resolved")
        try await desk.decide(&empty, watched: { _ in false }, covers: { _ in true }, now: Self.now + 60)
        #expect(empty.caseUpdates.map(\.after.resolution) == ["unwatched"])
        let resolved = try #require(empty.alertChanges.first?.alert)
        #expect(resolved.kind == CaseNotice.resolved.rawValue)
        #expect(empty.destinations[resolved.id]?.map(\.channel) == ["log", "chat"])
    }
}

extension CaseDeskTests {
    @Test("owner digests come from the one process that leads them, over every active case, once per interval")
    func digestsFromTheLeader() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let router = Router(always: [], routes: [Router.Route(name: "daily", channels: ["owners"], ownerDigest: .seconds(86_400))])
        let desk = CaseDesk(store: store, router: router, bodaccRead: true)
        var first = CycleCommit(snapshots: [], observations: [], alertChanges: [.raised(Self.receivership())], notices: [], cursors: [:], router: router, at: Self.now)
        try await desk.decide(&first, watched: nil, covers: { _ in true }, digests: false, now: Self.now)
        #expect(!first.alertChanges.contains { $0.alert.kind == OwnerDigest.kind }, "a replica that does not lead digests sends none")
        _ = try await store.commit(first)
        var led = CycleCommit(snapshots: [], observations: [], alertChanges: [], notices: [], cursors: [:], router: router, at: Self.now + 60)
        try await desk.decide(&led, watched: nil, covers: { _ in false }, digests: true, now: Self.now + 60)
        #expect(led.alertChanges.map(\.alert.kind) == [OwnerDigest.kind], "the leader covers cases outside its shards")
        _ = try await store.commit(led)
        var again = CycleCommit(snapshots: [], observations: [], alertChanges: [], notices: [], cursors: [:], router: router, at: Self.now + 3600)
        try await desk.decide(&again, watched: nil, covers: { _ in false }, digests: true, now: Self.now + 3600)
        #expect(again.alertChanges.isEmpty, "not before the interval")
    }
}
