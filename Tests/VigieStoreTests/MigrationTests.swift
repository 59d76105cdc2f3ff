import Foundation
import GRDB
import Testing
import VigieCore
@testable import VigieStore
import VigieTestSupport

@Suite("Store migrations")
struct MigrationTests {
    @Test("schema status reads what is applied and pending without migrating; a writer then applies the rest")
    func schemaStatus() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-schema-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        let known = StoreMigrations.migrator.migrations

        let none = try SQLiteWatchStore.schemaStatus(path: path)
        #expect(!none.exists && none.pending == known && none.applied.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path), "asking creates nothing")

        try StoreMigrations.migrator.migrate(try DatabaseQueue(path: path), upTo: "v3: digests")
        let old = try SQLiteWatchStore.schemaStatus(path: path)
        #expect(old.exists && old.applied == Array(known.prefix(3)) && old.pending == Array(known.dropFirst(3)))
        #expect(try SQLiteWatchStore.schemaStatus(path: path) == old, "asking twice changes nothing")

        _ = try SQLiteWatchStore(configuration: .init(path: path))
        let now = try SQLiteWatchStore.schemaStatus(path: path)
        #expect(now.applied == known && now.pending.isEmpty && now.unknown.isEmpty)

        try DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        #expect(try SQLiteWatchStore.schemaStatus(path: path).unknown == ["v99: from the future"])
    }

    @Test("a store written before v4 keeps its alerts and queued deliveries, and takes company-less alerts after")
    func upgradeFromV3() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-migration-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path

        // The schema as v3 left it, with one alert queued on the log channel.
        let alert = SQLiteStoreTests.alert("A202600251234")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let payload = String(decoding: try encoder.encode(alert), as: UTF8.self)
        var options = GRDB.Configuration()
        options.foreignKeysEnabled = true
        let queue = try DatabaseQueue(path: path, configuration: options)
        try StoreMigrations.migrator.migrate(queue, upTo: "v3: digests")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO alert (id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload)
                VALUES (?, ?, 'procedure_opened', 'critical', 'active', 1, 'A202600251234', ?, ?, ?)
                """, arguments: [alert.id, alert.siren?.digits, alert.createdAt, alert.createdAt, payload])
            try db.execute(sql: "INSERT INTO alert_revision (alert_id, revision, payload, recorded_at) VALUES (?, 1, ?, ?)", arguments: [alert.id, payload, alert.createdAt])
            try db.execute(sql: "INSERT INTO delivery (alert_id, revision, channel, created_at, queued_at) VALUES (?, 1, 'log', ?, ?)", arguments: [alert.id, alert.createdAt, alert.createdAt])
        }
        try queue.close()

        let store = try SQLiteWatchStore(configuration: .init(path: path))
        #expect(try await store.alert(id: alert.id) == alert)
        #expect(try await store.noticeAlerts(for: [SQLiteStoreTests.siren])[SQLiteStoreTests.siren]?.map(\.id) == [alert.id])
        #expect(try await store.dueDeliveries(channel: "log", due: .distantFuture, limit: 10).ready.map(\.alert.id) == [alert.id])

        let (_, failing) = SourceHealthTracker.apply(.failed("HTTP 503"), to: SourceHealth(source: "feed:bodacc", consecutiveFailures: 2, failingSince: alert.createdAt), configuration: .init(), now: alert.createdAt)
        let source = try #require(failing)
        let summary = try await store.commit(CycleCommit(
            snapshots: [], observations: [], alertChanges: [.raised(source)], notices: [], cursors: [:],
            sourceHealth: [SourceHealth(source: "feed:bodacc", consecutiveFailures: 3, failingSince: alert.createdAt, alertID: source.id)],
            router: Router(always: ["log"]), at: alert.createdAt
        ))
        var expected = CommitSummary(alertsRaised: 1, deliveriesQueued: 1)
        expected.raisedByKind = ["source_failing|high": 1]
        #expect(summary == expected)
        #expect(try await store.alert(id: source.id)?.siren == nil)
        #expect(try await store.sourceHealth()["feed:bodacc"]?.alertID == source.id)
    }
}
