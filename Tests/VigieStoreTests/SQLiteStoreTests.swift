import Foundation
import GRDB
import Testing
import VigieCore
@testable import VigieStore
import VigieTestSupport

@Suite("The store: conformance")
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
        CycleCommit(snapshots: snapshots, observations: [], alertChanges: changes, notices: [], cursors: cursors, router: Router(always: ["log", "terminal"]), at: now)
    }

    @Test("an alert committed twice is stored once and queued once per channel", arguments: StoreUnderTest.allCases)
    func idempotentAlerts(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let first = try await store.commit(Self.commit([.raised(Self.alert("A1"))]))
        let second = try await store.commit(Self.commit([.raised(Self.alert("A1"))]))
        var expected = CommitSummary(alertsRaised: 1, deliveriesQueued: 2)
        expected.raisedByKind = ["procedure_opened|critical": 1]
        #expect(first == expected)
        #expect(second == CommitSummary())
        #expect(try await store.alerts(since: nil, limit: nil).count == 1)
        #expect(try await store.dueDeliveries(channel: "log", due: Self.now, limit: 10).ready.count == 1)
    }

    @Test("a revision replaces the alert and is delivered again; an older revision never overwrites a newer one", arguments: StoreUnderTest.allCases)
    func revisions(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let original = Self.alert("A1")
        _ = try await store.commit(Self.commit([.raised(original)]))
        var revised = original
        revised.revision = 2
        revised.title = "Liquidation opened (corrected)"
        let summary = try await store.commit(Self.commit([.revised(revised)]))
        #expect(summary.alertsRevised == 1)
        _ = try await store.commit(Self.commit([.revised(revised)]))
        #expect(try await store.alert(id: original.id)?.title == "Liquidation opened (corrected)")
        let pending = try await store.dueDeliveries(channel: "log", due: Self.now, limit: 10).ready
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

    @Test("a delivered revision leaves the queue; a failed one waits for its next attempt; a dead one is listed and can be requeued", arguments: StoreUnderTest.allCases)
    func outbox(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        _ = try await store.commit(Self.commit([.raised(Self.alert("A1")), .raised(Self.alert("A2")), .raised(Self.alert("A3"))]))
        let pending = try await store.dueDeliveries(channel: "log", due: Self.now, limit: 10).ready
        let later = Self.now.addingTimeInterval(30)
        try await store.recordAttempts([
            DeliveryAttempt(delivery: pending[0], at: Self.now, httpStatus: 200, error: nil, next: .delivered(attempts: 1, at: Self.now)),
            DeliveryAttempt(delivery: pending[1], at: Self.now, httpStatus: 500, error: "HTTP 500", next: .pending(attempts: 1, due: later)),
            DeliveryAttempt(delivery: pending[2], at: Self.now, httpStatus: 404, error: "HTTP 404", next: .dead(attempts: 1, reason: "permanent HTTP 404")),
        ])
        #expect(try await store.dueDeliveries(channel: "log", due: Self.now, limit: 10).ready.isEmpty, "the retry is not due yet")
        let due = try await store.dueDeliveries(channel: "log", due: later, limit: 10).ready
        #expect(due.map(\.alert.noticeID) == ["A2"])
        #expect(due.first?.attempts == 1)
        #expect(try await store.nextDue(channel: "log") == later)
        #expect(try await store.dueDeliveries(channel: "terminal", due: Self.now, limit: 10).ready.count == 3, "channels are independent")

        let dead = try await store.deadDeliveries()
        #expect(dead.map(\.alertID) == [Self.alert("A3").id])
        #expect(dead.first?.deadReason == "permanent HTTP 404")
        #expect(dead.first?.attempts.map(\.httpStatus) == [404])
        #expect(try await store.redeliver(alertID: nil, at: later) == 1)
        #expect(try await store.deadDeliveries().isEmpty)
        #expect(try await store.dueDeliveries(channel: "log", due: later, limit: 10).ready.map(\.alert.noticeID) == ["A2", "A3"])
        let history = try await store.deliveries(alertID: Self.alert("A2").id)
        #expect(history.map(\.channel) == ["log", "terminal"])
        #expect(history.first?.attempts.map(\.outcome) == [.failed])
    }

    @Test("a commit with two snapshots under one key keeps the later, and writes the rest in statements of many rows", arguments: StoreUnderTest.allCases)
    func snapshotsOnce(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        // More companies than one statement's rows (PostgreSQL sends 5 000 a statement).
        let sirens = try (0..<6_000).map { index -> SIREN in
            let stem = String(format: "%08d", 10_000_000 + index)
            return try SIREN(stem + String((0...9).first { (try? SIREN(stem + String($0))) != nil }!))
        }
        var first = Snapshot(siren: Self.siren, source: "creditsafe")
        first.rating = "A"
        var later = first
        later.rating = "D"
        let others = sirens.map { siren -> Snapshot in
            var snapshot = Snapshot(siren: siren, source: "creditsafe")
            snapshot.rating = siren.digits
            return snapshot
        }
        _ = try await store.commit(Self.commit([], snapshots: [first] + others + [later]))
        let stored = try await store.snapshots(for: Set(sirens + [Self.siren]))
        #expect(stored.count == 6_001)
        #expect(stored[SnapshotKey(siren: Self.siren, source: "creditsafe")]?.rating == "D")
        #expect(others.allSatisfy { stored[$0.key]?.rating == $0.siren.digits })
    }

    @Test("seen notices and last good watchlists are remembered", arguments: StoreUnderTest.allCases)
    func bookkeeping(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
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

@Suite("Opening the SQLite store")
struct StoreOpeningTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-open-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("an empty or damaged store file is refused with what to do, never taken for a new store", arguments: [Data(), Data("not a database at all, just text".utf8)])
    func damagedFile(contents: Data) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        try contents.write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteWatchStore(configuration: .init(path: path))
            Issue.record("a damaged store was opened")
        } catch let failure as SQLiteWatchStore.Failure {
            #expect(failure.kind == .unusable)
            #expect(failure.description.contains("Restore it from a backup"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == contents, "the file is left as it was")
    }

    @Test("a second writer refuses while the first holds the store; a reader works beside it; the lock goes with the writer")
    func oneWriter() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        var first: SQLiteWatchStore? = try SQLiteWatchStore(configuration: .init(path: path))
        _ = try await first?.commit(SQLiteStoreTests.commit([.raised(SQLiteStoreTests.alert("A1"))]))
        #expect {
            try SQLiteWatchStore(configuration: .init(path: path))
        } throws: { error in
            (error as? SQLiteWatchStore.Failure)?.kind == .locked && "\(error)".contains("another Vigie process (pid \(getpid()))")
        }
        let reader = try SQLiteWatchStore(configuration: .init(path: path, access: .reader))
        #expect(try await reader.alerts(since: nil, limit: nil).count == 1)
        first = nil
        _ = try SQLiteWatchStore(configuration: .init(path: path))
    }

    @Test("a store a newer Vigie migrated is refused by writers and readers alike, and left as it was")
    func newerStore() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        _ = try SQLiteWatchStore(configuration: .init(path: path))
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        for access in [SQLiteWatchStore.Access.writer, .reader] {
            #expect {
                try SQLiteWatchStore(configuration: .init(path: path, access: access))
            } throws: { error in
                "\(error)".contains("written by a newer Vigie") && "\(error)".contains("restore a backup")
            }
        }
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.contains("v99: from the future"))
    }

    @Test("a reader never creates a store, nor its folder")
    func readerCreatesNothing() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state/vigie.sqlite").path
        #expect {
            try SQLiteWatchStore(configuration: .init(path: path, access: .reader))
        } throws: { error in
            (error as? SQLiteWatchStore.Failure)?.kind == .missing
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state").path))
    }
}

@Suite("Pruning the store")
struct PruneTests {
    @Test("observations past the retention go, except each company's latest; attempts of finished deliveries go; a dry run deletes nothing", arguments: StoreUnderTest.allCases)
    func prune(store kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let siren = SQLiteStoreTests.siren
        let old = Date(timeIntervalSince1970: 1_600_000_000), recent = Date(timeIntervalSince1970: 1_770_000_000)
        for (index, at) in [old, old, recent].enumerated() {
            let observation = ScoreObservation(siren: siren, provider: "creditsafe", observedOn: CalendarDay(at), score: .value(Double(50 + index), minimum: 0, maximum: 100))
            _ = try await store.commit(CycleCommit(snapshots: [], observations: [observation], alertChanges: [], notices: [], cursors: [:], router: Router(always: []), at: at))
        }
        let other = try SIREN("337891287")
        _ = try await store.commit(CycleCommit(snapshots: [], observations: [ScoreObservation(siren: other, provider: "creditsafe", observedOn: CalendarDay(old), score: .value(1, minimum: 0, maximum: 100))],
                                               alertChanges: [], notices: [], cursors: [:], router: Router(always: []), at: old))
        let cutoff = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try await store.prune(observationsBefore: cutoff, attemptsBefore: nil, dryRun: true) == PruneReport(observations: 2))
        #expect(try await store.observations(of: siren).count == 3, "a dry run deletes nothing")
        #expect(try await store.prune(observationsBefore: cutoff, attemptsBefore: nil, dryRun: false) == PruneReport(observations: 2))
        #expect(try await store.observations(of: siren).map(\.observedOn) == [CalendarDay(recent)])
        #expect(try await store.observations(of: other).count == 1, "a company's latest observation stays, however old")
    }
}

@Suite("Stored dates")
struct StoredDateTests {
    @Test("dates written from their digits are the text GRDB writes for them")
    func asGRDBWritesThem() {
        var random = SplitMix(state: 86_400)
        // The range's ends, the epoch, and fractions around a millisecond's half.
        var seconds: [Double] = [-11_676_096_000, -11_676_096_000.0004, -11_676_096_001, 253_402_300_799.999, 253_402_300_799.9996, 253_402_300_800,
                                 0, 0.0005, 0.000_999_9, 0.9995, -0.0005, -0.5, 1_700_000_000.1235, 1_700_000_000.9999, 978_307_200, 1_770_000_000]
        for _ in 0..<5_000 {
            let whole = Double(Int64(random.next() % 280_000_000_000) - 14_000_000_000)
            seconds.append(whole)
            seconds.append(whole + Double(random.next() % 1_000_000) / 1_000_000)
            seconds.append(whole + Double(random.next() % 1_000) / 1_000 + 0.000_5)
        }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            #expect(StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue), "\(value)")
        }
    }
}
