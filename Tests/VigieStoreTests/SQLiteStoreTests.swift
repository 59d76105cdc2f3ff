import Foundation
import Testing
import VigieCore
import VigieStore
import VigieTestSupport

@Suite("The SQLite store")
struct SQLiteStoreTests {
    static let siren = try! SIREN("881843924")
    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    static func alert(_ notice: String, kind: String = "procedure_opened", revision: Int = 1, state: Alert.State = .active) -> Alert {
        let evidence = NoticeEvidence(
            notice: BodaccNotice(id: notice, kind: .initial, published: CalendarDay(year: 2026, month: 2, day: 5), sirens: [siren], companyName: "PASARGAD", judgment: nil),
            classification: NoticeClassification(event: .opened, procedure: .receivership, statusAfter: .receivership, severity: .critical)
        )
        return Alert(
            id: AlertIdentity.id(siren: siren, kind: kind, evidenceKey: "notice:\(notice)"), revision: revision, state: state, siren: siren,
            companyName: "PASARGAD", kind: kind, severity: .critical, title: "Receivership opened", evidence: .notice(evidence),
            watch: [WatchContext(watchlist: "erp", owner: "julie@example.fr", tags: [], exposure: Money(amount: Decimal(string: "12480.50")!), insuredLimit: nil)],
            createdAt: now
        )
    }

    static func commit(_ changes: [AlertChange], snapshots: [Snapshot] = [], cursors: [String: String] = [:]) -> CycleCommit {
        CycleCommit(snapshots: snapshots, observations: [], alertChanges: changes, notices: [], cursors: cursors, channels: ["log", "terminal"], at: now)
    }

    @Test("an alert committed twice is stored once and queued once per channel")
    func idempotentAlerts() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let first = try await store.commit(Self.commit([.raised(Self.alert("A1"))]))
        let second = try await store.commit(Self.commit([.raised(Self.alert("A1"))]))
        #expect(first == CommitSummary(alertsRaised: 1, deliveriesQueued: 2))
        #expect(second == CommitSummary())
        #expect(try await store.alerts(since: nil, limit: nil).count == 1)
        #expect(try await store.pendingDeliveries(channel: "log", limit: 10).count == 1)
    }

    @Test("a revision replaces the alert and is delivered again; an older revision never overwrites a newer one")
    func revisions() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        let original = Self.alert("A1")
        _ = try await store.commit(Self.commit([.raised(original)]))
        var revised = original
        revised.revision = 2
        revised.title = "Liquidation opened (corrected)"
        let summary = try await store.commit(Self.commit([.revised(revised)]))
        #expect(summary.alertsRevised == 1)
        _ = try await store.commit(Self.commit([.revised(revised)]))
        #expect(try await store.alert(id: original.id)?.title == "Liquidation opened (corrected)")
        let pending = try await store.pendingDeliveries(channel: "log", limit: 10)
        #expect(pending.map(\.alert.revision) == [1, 2])
        #expect(pending.map(\.alert.title) == ["Receivership opened", "Liquidation opened (corrected)"])
    }

    @Test("snapshots, cursors and notice alerts survive closing and reopening the file")
    func persistence() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        var snapshot = Snapshot(siren: Self.siren, source: "bodacc")
        snapshot.procedureSteps = [ProcedureStep(noticeID: "A1", status: .receivership, on: CalendarDay(year: 2026, month: 1, day: 27))]
        do {
            let store = try SQLiteWatchStore(configuration: .init(path: path))
            _ = try await store.commit(Self.commit([.raised(Self.alert("A1"))], snapshots: [snapshot], cursors: ["feed:bodacc": "3"]))
        }
        let reopened = try SQLiteWatchStore(configuration: .init(path: path))
        #expect(try await reopened.snapshots(for: [Self.siren]) == [snapshot.key: snapshot])
        #expect(try await reopened.snapshots(for: [try SIREN("337891287")]).isEmpty)
        #expect(try await reopened.cursor(for: "feed:bodacc") == "3")
        #expect(try await reopened.noticeAlerts(for: [Self.siren])[Self.siren]?.map(\.noticeID) == ["A1"])
        let alert = try #require(try await reopened.alerts(since: nil, limit: nil).first)
        #expect(alert.exposure == ["EUR": Decimal(string: "12480.50")!])
    }

    @Test("a delivered revision leaves the queue; a failed one stays, with its attempts counted")
    func outbox() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        _ = try await store.commit(Self.commit([.raised(Self.alert("A1")), .raised(Self.alert("A2"))]))
        let pending = try await store.pendingDeliveries(channel: "log", limit: 10)
        try await store.recordDeliveries([(pending[0], .delivered), (pending[1], .failed("disk full"))], at: Self.now)
        let left = try await store.pendingDeliveries(channel: "log", limit: 10)
        #expect(left.map(\.alert.noticeID) == ["A2"])
        #expect(left.first?.attempts == 1)
        #expect(try await store.pendingDeliveries(channel: "terminal", limit: 10).count == 2, "channels are independent")
    }

    @Test("seen notices and last good watchlists are remembered")
    func bookkeeping() async throws {
        let store = try SQLiteWatchStore(configuration: .init(path: nil))
        var commit = Self.commit([])
        commit.ignoredNoticeIDs = ["A9"]
        _ = try await store.commit(commit)
        #expect(try await store.seenNotices(["A9", "A10"]) == ["A9"])
        try await store.saveGoodWatchlist(file: "w.yaml", text: "companies: []", at: Self.now)
        #expect(try await store.lastGoodWatchlist(file: "w.yaml") == "companies: []")
        #expect(try await store.lastGoodWatchlist(file: "other.yaml") == nil)
    }

    @Test("a store that cannot be opened says where and what to do")
    func unopenable() {
        do {
            _ = try SQLiteWatchStore(configuration: .init(path: "/proc/vigie/vigie.sqlite"))
            Issue.record("opened a store under /proc")
        } catch {
            #expect("\(error)".contains("cannot open the store at /proc/vigie/vigie.sqlite"))
        }
    }
}
