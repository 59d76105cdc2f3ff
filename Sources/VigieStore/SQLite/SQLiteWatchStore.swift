import Foundation
import GRDB
import VigieCore

/// The embedded store: one SQLite file (or memory, for tests), through GRDB.
///
/// Every cycle is one write transaction, so the snapshots, the alerts they raise and the
/// deliveries queued for them commit together or not at all. Alerts are inserted by their
/// derived id, so writing the same alert twice is a no-op.
public final class SQLiteWatchStore: WatchStore {
    public struct Configuration: Sendable {
        /// The database file; `nil` keeps everything in memory.
        public var path: String?
        public var access: Access

        public init(path: String?, access: Access = .writer) {
            self.path = path
            self.access = access
        }
    }

    public typealias Access = StoreAccess

    public typealias Failure = StoreFailure

    let writer: any DatabaseWriter
    private let encoder: JSONEncoder
    private let decoder = StoredJSON.decoder
    /// The writer's lock, held for the store's lifetime.
    private let lock: StoreLock?

    public init(configuration: Configuration) throws {
        var options = GRDB.Configuration()
        options.busyMode = .timeout(10)
        options.foreignKeysEnabled = true
        var lock: StoreLock?
        do {
            if let path = configuration.path {
                try Self.checkFile(at: path, access: configuration.access)
                switch configuration.access {
                case .writer:
                    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    lock = try StoreLock(path: path + ".lock")
                    writer = try DatabasePool(path: path, configuration: options)
                case .reader:
                    options.readonly = true
                    writer = try Self.openForReading(path: path, options: options)
                case .editor:
                    // Beside the daemon: SQLite's own locking orders the transactions, the busy
                    // timeout waits out a cycle's commit.
                    writer = try DatabaseQueue(path: path, configuration: options)
                }
            } else {
                writer = try DatabaseQueue(configuration: options)
            }
            // A store a newer Vigie migrated has tables this one does not know: writing to it
            // could lose what they hold, so both writers and readers refuse it.
            if try writer.read({ try StoreMigrations.migrator.hasBeenSuperseded($0) }) {
                throw Failure(description: "the store at \(configuration.path ?? ":memory:") was written by a newer Vigie; run that version, or restore a backup taken before the upgrade")
            }
            if configuration.access == .writer {
                try StoreMigrations.migrator.migrate(writer)
            } else if try writer.read({ try !StoreMigrations.migrator.hasCompletedMigrations($0) }) {
                throw Failure(kind: .outdated, description: "the store at \(configuration.path ?? ":memory:") was written by an older Vigie; run any writing command (vigie run --once) to upgrade it first")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot open the store at \(configuration.path ?? ":memory:"): \(error); check the folder exists and is writable, or point state_dir elsewhere")
        }
        self.lock = lock
        encoder = StoredJSON.encoder()
    }

    /// A read-only connection. A store in WAL mode whose folder the reader cannot write (a
    /// copy, a backup, another user's state) cannot get its shared-memory file: it is then read
    /// as an immutable file, which needs none.
    static func openForReading(path: String, options: GRDB.Configuration) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: path, configuration: options)
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch {
            let immutable = "file:\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)?immutable=1"
            return try DatabaseQueue(path: immutable, configuration: options)
        }
    }

    /// The schema of the store at `path` against the migrations this Vigie knows, read
    /// without the writer's lock and without migrating: what `store migrate` would do.
    public static func schemaStatus(path: String) throws -> SchemaStatus {
        let known = StoreMigrations.migrator.migrations
        guard FileManager.default.fileExists(atPath: path) else {
            return SchemaStatus(location: path, exists: false, applied: [], pending: known, unknown: [])
        }
        try checkFile(at: path, access: .reader)
        var options = GRDB.Configuration()
        options.readonly = true
        let applied: [String]
        do {
            applied = try openForReading(path: path, options: options).read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        } catch {
            throw Failure(description: "cannot read the store at \(path): \(error)")
        }
        return SchemaStatus(
            location: path, exists: true, applied: applied.filter(known.contains),
            pending: known.filter { !applied.contains($0) }, unknown: applied.filter { !known.contains($0) }
        )
    }

    /// Only a missing file is a new store. An empty file (a truncated copy, a full disk) or
    /// one that is not SQLite is refused: taking it for a new store would raise and deliver
    /// every alert again.
    static func checkFile(at path: String, access: Access) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            guard access == .writer else {
                throw Failure(kind: .missing, description: "no store at \(path) yet: Vigie has not run with this state_dir; run vigie run --once first")
            }
            return
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else {
            throw Failure(kind: .unusable, description: "the store \(path) is an empty file, not a store: it was probably cut short (a full disk, a bad copy). Restore it from a backup; or, to start over and raise every alert again, move it away")
        }
        let header = FileHandle(forReadingAtPath: path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 16)
        }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw Failure(kind: .unusable, description: "the store \(path) is not an SQLite database (damaged, or another file put in its place). Restore it from a backup; or, to start over and raise every alert again, move it away")
        }
    }

    // MARK: Reading state for a cycle

    public func snapshots(for sirens: Set<SIREN>) async throws -> SnapshotTable {
        let decoder = self.decoder
        return try await writer.read { db in
            var result: SnapshotTable = [:]
            // Room for a snapshot per company at once: most portfolios have one score source,
            // and a table grown by doubling held up to twice the rows it needed.
            result.reserveCapacity(sirens.count)
            let rows = try Row.fetchCursor(db, sql: "SELECT siren, source, observed_on, procedure_steps, \(ScoreColumns.names), provider_facts, score_watch, detail FROM snapshot")
            while let row = try rows.next() {
                let siren = SIREN(stored: row[0])
                guard sirens.contains(siren) else { continue }
                var snapshot = Snapshot(siren: siren, source: row[1])
                snapshot.observedOn = (row[2] as String?).flatMap { CalendarDay(iso: $0) }
                if let steps: String = row[3] {
                    snapshot.procedureSteps = try decoder.decode([ProcedureStep].self, from: steps)
                }
                let columns = ScoreColumns(row: row, offset: 4)
                snapshot.score = columns.scoreValue
                snapshot.rating = columns.rating
                snapshot.creditLimit = columns.creditLimitValue
                snapshot.status = columns.companyStatus
                if let facts: String = row[13] {
                    snapshot.facts = try decoder.decode(ProviderFacts.self, from: facts)
                }
                if let watch: String = row[14] {
                    snapshot.scoreWatch = try decoder.decode(ScoreWatch.self, from: watch)
                }
                if let detail: String = row[15] {
                    snapshot.detail = try decoder.decode(SnapshotDetail.self, from: detail)
                }
                result[snapshot.key] = snapshot
            }
            return result
        }
    }

    public func noticeAlerts(for sirens: Set<SIREN>) async throws -> [SIREN: [Alert]] {
        let payloads = try await writer.read { db in
            try Self.chunked(sirens.map(\.digits)) { chunk in
                try String.fetchAll(db, sql: "SELECT payload FROM alert WHERE notice_id IS NOT NULL AND siren IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments(chunk))
            }
        }
        return Dictionary(grouping: try payloads.map { try StoredJSON.read(Alert.self, $0) }.compactMap { alert in alert.siren.map { ($0, alert) } }, by: \.0)
            .mapValues { $0.map(\.1) }
    }

    public func seenNotices(_ ids: [String]) async throws -> Set<String> {
        let seen = try await writer.read { db in
            try Self.chunked(ids) { chunk in
                try String.fetchAll(db, sql: "SELECT id FROM notice WHERE id IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments(chunk))
            }
        }
        return Set(seen)
    }

    public func sourceHealth() async throws -> [String: SourceHealth] {
        try await writer.read { db in
            var health: [String: SourceHealth] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, consecutive_failures, failing_since, alert_id, last_error FROM source_health") {
                health[row[0]] = SourceHealth(source: row[0], consecutiveFailures: row[1], failingSince: row[2], alertID: row[3], lastError: row[4])
            }
            return health
        }
    }

    public func lastPolls() async throws -> [String: Date] {
        try await writer.read { db in
            var polls: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, polled_at FROM source_poll") { polls[row[0]] = row[1] }
            return polls
        }
    }

    public func providerIDs(provider: String) async throws -> [SIREN: String] {
        try await writer.read { db in
            var ids: [SIREN: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT siren, id FROM provider_id WHERE provider = ?", arguments: [provider]) {
                ids[SIREN(stored: row[0])] = row[1]
            }
            return ids
        }
    }

    public func historyLookedUp(feed: String) async throws -> Set<SIREN> {
        try await writer.read { db in
            var sirens: Set<SIREN> = []
            let rows = try String.fetchCursor(db, sql: "SELECT siren FROM history_lookup WHERE feed = ?", arguments: [feed])
            while let digits = try rows.next() { sirens.insert(SIREN(stored: digits)) }
            return sirens
        }
    }

    public func cursor(for source: String) async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM cursor WHERE source = ?", arguments: [source]) }
    }

    /// One process writes an SQLite store (its lock says so): it does all the work.
    public func lease(leadable: [String], now: Date, duration: Duration) async throws -> WorkShare {
        .everything
    }

    public func releaseLeases() async throws {}

    public func renewLeases(now: Date, duration: Duration) async throws {}

    // MARK: Writing a cycle

    public func commit(_ cycle: CycleCommit) async throws -> CommitSummary {
        // Documents are encoded before the write begins, side by side with the rows they belong
        // to: the rows themselves are read from the commit, not copied (a million snapshots).
        let snapshotDocuments = try cycle.snapshots.map { snapshot in
            (snapshot.procedureSteps.isEmpty ? nil : try encode(snapshot.procedureSteps), try snapshot.facts.map(encode), try snapshot.scoreWatch.map(encode), try snapshot.detail.map(encode))
        }
        let notices = try cycle.notices.map { ($0.notice, $0.sirens, try encode($0.notice)) }
        let changes = try cycle.alertChanges.map { ($0, try encode($0.alert)) }
        let observationDetails = try cycle.observations.map { try SnapshotDetail.of($0).map(encode) }
        // The cycle's time as the store writes it, made once: GRDB formats a `Date` argument
        // through a `DateFormatter`, once per row (a twentieth of a steady cycle's CPU).
        let at = StoredDate.text(cycle.at)
        return try await writer.write { db in
            let upsertSnapshot = try db.cachedStatement(sql: """
                INSERT INTO snapshot (siren, source, observed_on, procedure_steps, provider_facts, score_watch, detail, \(ScoreColumns.names), updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, \(ScoreColumns.placeholders), ?)
                ON CONFLICT (siren, source) DO UPDATE SET observed_on = excluded.observed_on, procedure_steps = excluded.procedure_steps,
                    provider_facts = excluded.provider_facts, score_watch = excluded.score_watch, detail = excluded.detail,
                    score = excluded.score, score_min = excluded.score_min, score_max = excluded.score_max, not_rated = excluded.not_rated,
                    rating = excluded.rating, credit_limit = excluded.credit_limit, credit_limit_currency = excluded.credit_limit_currency,
                    credit_limit_not_applicable = excluded.credit_limit_not_applicable, status = excluded.status, updated_at = excluded.updated_at
                """)
            for (snapshot, (steps, facts, watch, detail)) in zip(cycle.snapshots, snapshotDocuments) {
                let columns = ScoreColumns(score: snapshot.score, rating: snapshot.rating, creditLimit: snapshot.creditLimit, status: snapshot.status)
                try upsertSnapshot.execute(arguments: [snapshot.siren.digits, snapshot.source, snapshot.observedOn?.iso, steps, facts, watch, detail] + columns.arguments + [at])
            }
            let upsertProviderID = try db.cachedStatement(sql: """
                INSERT INTO provider_id (provider, siren, id, learned_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (provider, siren) DO UPDATE SET id = excluded.id, learned_at = excluded.learned_at
                """)
            for (provider, ids) in cycle.providerIDs {
                for (siren, id) in ids {
                    try upsertProviderID.execute(arguments: [provider, siren.digits, id, at])
                }
            }
            for (source, keys) in Dictionary(grouping: cycle.confirmed, by: \.source) {
                try Self.inChunks(keys.map(\.siren.digits)) { chunk in
                    try db.execute(sql: "UPDATE snapshot SET confirmed_at = ? WHERE source = ? AND siren IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments([at, source] as [any DatabaseValueConvertible]) + StatementArguments(chunk))
                }
            }
            let insertObservation = try db.cachedStatement(sql: """
                INSERT INTO observation (siren, source, observed_on, \(ScoreColumns.names), company_name, recorded_at, detail)
                VALUES (?, ?, ?, \(ScoreColumns.placeholders), ?, ?, ?)
                """)
            for (observation, detail) in zip(cycle.observations, observationDetails) {
                let columns = ScoreColumns(score: observation.score, rating: observation.rating, creditLimit: observation.creditLimit, status: observation.status)
                try insertObservation.execute(arguments: [observation.siren.digits, observation.provider, observation.observedOn.iso] + columns.arguments + [observation.companyName, at, detail])
            }
            for (notice, sirens, payload) in notices {
                // A notice first skipped (it named no watched company) is recorded again when a
                // joining company's history matches it.
                try db.execute(sql: """
                    INSERT INTO notice (id, published, sirens, payload, seen_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET sirens = excluded.sirens, payload = excluded.payload WHERE notice.sirens = ''
                    """,
                               arguments: [notice.id, notice.published?.iso, sirens.map(\.digits).joined(separator: ","), payload, at])
            }
            for id in cycle.ignoredNoticeIDs {
                try db.execute(sql: "INSERT OR IGNORE INTO notice (id, sirens, seen_at) VALUES (?, '', ?)", arguments: [id, at])
            }
            let summary = try Self.writeAlerts(db, changes, destinations: cycle.destinations, at: cycle.at)
            try Self.writeCases(db, cycle.caseUpdates, entries: cycle.caseEntries, conflicts: .merge)
            for health in cycle.sourceHealth {
                try db.execute(sql: """
                    INSERT INTO source_health (source, consecutive_failures, failing_since, alert_id, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
                        alert_id = excluded.alert_id, last_error = excluded.last_error, updated_at = excluded.updated_at
                    """, arguments: [health.source, health.consecutiveFailures, health.failingSince, health.alertID, health.lastError, at])
            }
            for source in cycle.polled {
                try db.execute(sql: """
                    INSERT INTO source_poll (source, polled_at) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET polled_at = excluded.polled_at
                    """, arguments: [source, at])
            }
            for (feed, sirens) in cycle.historyLookups {
                let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO history_lookup (feed, siren, looked_up_at) VALUES (?, ?, ?)")
                for siren in sirens { try insert.execute(arguments: [feed, siren.digits, at]) }
            }
            for (source, value) in cycle.cursors {
                try db.execute(sql: """
                    INSERT INTO cursor (source, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, arguments: [source, value, at])
            }
            return summary
        }
    }

    /// Alert changes and their deliveries, idempotently: an alert already stored is not
    /// raised again, a revision not newer than the stored one changes nothing.
    static func writeAlerts(_ db: Database, _ changes: [(AlertChange, String)], destinations: [String: [Router.Destination]], at: Date) throws -> CommitSummary {
        var summary = CommitSummary()
        // Prepared once per commit, not once per alert; times written as the store writes them.
        let stamp = StoredDate.text(at)
        let raise = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO alert (id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload, case_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let revise = try db.cachedStatement(sql: """
            UPDATE alert SET kind = ?, severity = ?, state = ?, revision = ?, notice_id = ?, updated_at = ?, payload = ?, case_id = ?
            WHERE id = ? AND revision < ?
            """)
        let recordRevision = try db.cachedStatement(sql: "INSERT INTO alert_revision (alert_id, revision, payload, recorded_at) VALUES (?, ?, ?, ?)")
        let queue = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO delivery (alert_id, revision, channel, created_at, queued_at, next_attempt_at, digest_key)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (change, payload) in changes {
            let alert = change.alert
            switch change {
            case .raised:
                try raise.execute(arguments: [alert.id, alert.siren?.digits, alert.kind, alert.severity.rawValue, alert.state.rawValue,
                                              alert.revision, alert.noticeID, StoredDate.text(alert.createdAt), StoredDate.text(alert.updatedAt), payload, alert.caseID])
                guard db.changesCount > 0 else { continue }
                summary.alertsRaised += 1
                summary.raisedByKind["\(alert.kind)|\(alert.severity.rawValue)", default: 0] += 1
            case .revised, .retracted:
                try revise.execute(arguments: [alert.kind, alert.severity.rawValue, alert.state.rawValue, alert.revision, alert.noticeID,
                                               StoredDate.text(alert.updatedAt), payload, alert.caseID, alert.id, alert.revision])
                guard db.changesCount > 0 else { continue }
                if case .revised = change { summary.alertsRevised += 1 } else { summary.alertsRetracted += 1 }
            }
            try recordRevision.execute(arguments: [alert.id, alert.revision, payload, stamp])
            for destination in destinations[alert.id] ?? [] {
                // A digest waits for the window of its group, which the group's first alert opened.
                var due: Date?
                if let key = destination.digestKey, let window = destination.digestWindow {
                    due = try Date.fetchOne(db, sql: """
                        SELECT next_attempt_at FROM delivery WHERE channel = ? AND digest_key = ? AND status = 'pending' AND attempts = 0 LIMIT 1
                        """, arguments: [destination.channel, key]) ?? at.addingTimeInterval(window.seconds)
                }
                try queue.execute(arguments: [alert.id, alert.revision, destination.channel, stamp, stamp, due.map(StoredDate.text), destination.digestKey])
                summary.deliveriesQueued += db.changesCount
            }
        }
        return summary
    }

    /// Cases and their audit entries.
    static func writeCases(_ db: Database, _ updates: [CaseBook.Update], entries: [CaseEntry], conflicts: CaseBook.Update.Conflicts) throws {
        let encoder = StoredJSON.encoder()
        let read = try db.cachedStatement(sql: "SELECT payload FROM case_file WHERE id = ?")
        let write = try db.cachedStatement(sql: """
            INSERT INTO case_file (id, siren, situation, state, severity, owner, opened_at, updated_at, version, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity, owner = excluded.owner,
                updated_at = excluded.updated_at, version = excluded.version, payload = excluded.payload
            """)
        for update in updates {
            let stored = try String.fetchOne(read, arguments: [update.after.id])
            let item = try update.resolved(against: try stored.map { try StoredJSON.read(Case.self, $0) }, conflicts)
            let payload = String(decoding: try encoder.encode(item), as: UTF8.self)
            try write.execute(arguments: [item.id, item.siren.digits, item.situation.rawValue, item.state.rawValue, item.severity.rawValue, item.owner,
                                          StoredDate.text(item.openedAt), StoredDate.text(item.updatedAt), item.version, payload])
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO case_entry (case_id, at, actor, action, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for entry in entries {
            try insert.execute(arguments: [entry.caseID, StoredDate.text(entry.at), entry.actor, entry.action, entry.fromState?.rawValue, entry.toState.rawValue, entry.note])
        }
    }

    // MARK: Cases

    public func cases(for sirens: Set<SIREN>) async throws -> [String: Case] {
        let payloads = try await writer.read { db in
            try Self.chunked(sirens.map(\.digits)) { chunk in
                try String.fetchAll(db, sql: "SELECT payload FROM case_file WHERE siren IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments(chunk))
            }
        }
        return Dictionary(try payloads.map { try StoredJSON.read(Case.self, $0) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func activeCases() async throws -> [Case] {
        let payloads = try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM case_file WHERE state != ? ORDER BY opened_at, id", arguments: [CaseState.resolved.rawValue])
        }
        return try payloads.map { try StoredJSON.read(Case.self, $0) }
    }

    public func cases(_ filter: CaseFilter) async throws -> [Case] {
        let payloads = try await writer.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if filter.activeOnly {
                conditions.append("state != ?")
                arguments.append(CaseState.resolved.rawValue)
            }
            if let siren = filter.siren {
                conditions.append("siren = ?")
                arguments.append(siren.digits)
            }
            let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try String.fetchAll(db, sql: "SELECT payload FROM case_file" + clause, arguments: StatementArguments(arguments))
        }
        return filter.apply(try payloads.map { try StoredJSON.read(Case.self, $0) })
    }

    public func `case`(id: String) async throws -> Case? {
        let payload = try await writer.read { db in try String.fetchOne(db, sql: "SELECT payload FROM case_file WHERE id = ?", arguments: [id]) }
        return try payload.map { try StoredJSON.read(Case.self, $0) }
    }

    public func caseEntries(caseID: String) async throws -> [CaseEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT at, actor, action, from_state, to_state, note FROM case_entry WHERE case_id = ? ORDER BY id", arguments: [caseID]).map { row in
                CaseEntry(
                    caseID: caseID, at: row[0], actor: row[1], action: row[2], fromState: (row[3] as String?).flatMap(CaseState.init(rawValue:)),
                    toState: CaseState(rawValue: row[4]) ?? .open, note: row[5]
                )
            }
        }
    }

    public func alerts(caseID: String) async throws -> [Alert] {
        let payloads = try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM alert WHERE case_id = ? ORDER BY created_at, rowid", arguments: [caseID])
        }
        return try payloads.map { try StoredJSON.read(Alert.self, $0) }
    }

    public func act(_ update: CaseBook.Update, entry: CaseEntry, alerts: [Alert], destinations: [String: [Router.Destination]], at: Date) async throws {
        let changes = try alerts.map { (AlertChange.raised($0), try encode($0)) }
        try await writer.write { db in
            try Self.writeCases(db, [update], entries: [entry], conflicts: .refuse)
            _ = try Self.writeAlerts(db, changes, destinations: destinations, at: at)
        }
    }

    // MARK: Alerts

    public func alerts(since: Date?, limit: Int?) async throws -> [Alert] {
        let payloads = try await writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT payload FROM alert WHERE created_at >= ? ORDER BY created_at, rowid LIMIT ?
                """, arguments: [since ?? Date(timeIntervalSince1970: 0), limit ?? -1])
        }
        return try payloads.map { try StoredJSON.read(Alert.self, $0) }
    }

    public func prune(observationsBefore: Date?, attemptsBefore: Date?, dryRun: Bool) async throws -> PruneReport {
        let observations = """
            FROM observation WHERE recorded_at < ? AND id NOT IN (SELECT max(id) FROM observation GROUP BY siren, source)
            """
        let attempts = """
            FROM delivery_attempt WHERE attempted_at < ? AND delivery_id IN (SELECT id FROM delivery WHERE status != '\(DeliveryStatus.pending.rawValue)')
            """
        return try await writer.write { db in
            var report = PruneReport()
            if let cutoff = observationsBefore {
                report.observations = try Int.fetchOne(db, sql: "SELECT count(*) " + observations, arguments: [cutoff]) ?? 0
                if !dryRun { try db.execute(sql: "DELETE " + observations, arguments: [cutoff]) }
            }
            if let cutoff = attemptsBefore {
                report.attempts = try Int.fetchOne(db, sql: "SELECT count(*) " + attempts, arguments: [cutoff]) ?? 0
                if !dryRun { try db.execute(sql: "DELETE " + attempts, arguments: [cutoff]) }
            }
            return report
        }
    }

    public func observations(of siren: SIREN) async throws -> [ScoreObservation] {
        let decoder = self.decoder
        return try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT source, observed_on, \(ScoreColumns.names), company_name, detail FROM observation WHERE siren = ? ORDER BY id", arguments: [siren.digits])
                .map { row in
                    let columns = ScoreColumns(row: row, offset: 2)
                    var observation = ScoreObservation(
                        siren: siren, provider: row[0], observedOn: CalendarDay(iso: row[1] as String) ?? CalendarDay(ordinal: 0),
                        score: columns.scoreValue, rating: columns.rating, creditLimit: columns.creditLimitValue, status: columns.companyStatus, companyName: row[11]
                    )
                    if let text: String = row[12] {
                        let detail = try decoder.decode(SnapshotDetail.self, from: text)
                        observation.cover = detail.cover
                        observation.balance = detail.balance
                    }
                    return observation
                }
        }
    }

    public func matchedNotices() async throws -> [BodaccNotice] {
        let payloads = try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM notice WHERE payload IS NOT NULL ORDER BY published, id")
        }
        return try payloads.map { try decode(BodaccNotice.self, $0) }
    }

    public func alert(id: String) async throws -> Alert? {
        let payload = try await writer.read { db in try String.fetchOne(db, sql: "SELECT payload FROM alert WHERE id = ?", arguments: [id]) }
        return try payload.map { try StoredJSON.read(Alert.self, $0) }
    }

    // MARK: Outbox

    public func dueDeliveries(channel: String, due: Date, after: Int64?, limit: Int) async throws -> DueDeliveries {
        try await pending(channel: channel, due: due, after: after, limit: limit)
    }

    public func pendingDeliveries(channel: String, limit: Int) async throws -> DueDeliveries {
        try await pending(channel: channel, due: nil, after: nil, limit: limit)
    }

    /// A channel's pending deliveries from the oldest, due by `due` when given.
    private func pending(channel: String, due: Date?, after: Int64?, limit: Int) async throws -> DueDeliveries {
        let rows = try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.alert_id, d.revision, r.payload, d.attempts, d.queued_at, d.digest_key FROM delivery d
                JOIN alert_revision r ON r.alert_id = d.alert_id AND r.revision = d.revision
                WHERE d.channel = ? AND d.status = 'pending' AND (? IS NULL OR d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) AND d.id > ?
                ORDER BY d.id LIMIT ?
                """, arguments: [channel, due, due, after ?? Int64.min, limit])
                .map { row -> (Int64, String, Int, String, Int, Date, String?) in (row[0], row[1], row[2], row[3], row[4], row[5], row[6]) }
        }
        var batch = DueDeliveries()
        for row in rows { StoredJSON.due(row, channel: channel, into: &batch) }
        return batch
    }

    public func nextDue(channel: String) async throws -> Date? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT COUNT(*), MIN(COALESCE(next_attempt_at, queued_at)) FROM delivery WHERE channel = ? AND status = 'pending'
                """, arguments: [channel]).flatMap { row -> Date? in (row[0] as Int) > 0 ? row[1] : nil }
        }
    }

    public func recordAttempts(_ attempts: [DeliveryAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await writer.write { db in
            let log = try db.cachedStatement(sql: "INSERT INTO delivery_attempt (delivery_id, attempted_at, outcome, http_status, error) VALUES (?, ?, ?, ?, ?)")
            let update = try db.cachedStatement(sql: """
                UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, delivered_at = ?, last_error = ?, dead_reason = ? WHERE id = ?
                """)
            for attempt in attempts {
                try log.execute(arguments: [attempt.delivery.id, StoredDate.text(attempt.at), attempt.error == nil ? "delivered" : "failed", attempt.httpStatus, attempt.error])
                switch attempt.next {
                case .delivered(let count, let at):
                    try update.execute(arguments: ["delivered", count, nil, StoredDate.text(at), nil, nil, attempt.delivery.id])
                case .pending(let count, let due):
                    try update.execute(arguments: ["pending", count, StoredDate.text(due), nil, attempt.error, nil, attempt.delivery.id])
                case .dead(let count, let reason):
                    try update.execute(arguments: ["dead", count, nil, nil, attempt.error, reason, attempt.delivery.id])
                }
            }
        }
    }

    public func deadLetter(_ unreadable: [UnreadableDelivery], at: Date) async throws {
        guard !unreadable.isEmpty else { return }
        try await writer.write { db in
            for delivery in unreadable {
                try db.execute(sql: "INSERT INTO delivery_attempt (delivery_id, attempted_at, outcome, http_status, error) VALUES (?, ?, ?, NULL, ?)",
                               arguments: [delivery.id, StoredDate.text(at), AttemptOutcome.failed.rawValue, delivery.reason])
                try db.execute(sql: """
                    UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = NULL, last_error = ?, dead_reason = ? WHERE id = ?
                    """, arguments: [DeliveryStatus.dead.rawValue, delivery.attempts + 1, delivery.reason, delivery.reason, delivery.id])
            }
        }
    }

    public func enqueue(_ deliveries: [(alertID: String, revision: Int)], channel: String, at: Date) async throws {
        try await writer.write { db in
            for delivery in deliveries {
                try db.execute(sql: "INSERT OR IGNORE INTO delivery (alert_id, revision, channel, created_at, queued_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [delivery.alertID, delivery.revision, channel, at, at])
            }
        }
    }

    public func outboxSummary() async throws -> [String: OutboxSummary] {
        try await writer.read { db in
            var summary: [String: OutboxSummary] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT channel, sum(status = 'pending'), min(CASE WHEN status = 'pending' THEN queued_at END), sum(status = 'dead')
                FROM delivery WHERE status != 'delivered' GROUP BY channel
                """) {
                summary[row[0]] = OutboxSummary(pending: row[1] ?? 0, oldestPending: row[2], dead: row[3] ?? 0)
            }
            return summary
        }
    }

    public func deadDeliveries() async throws -> [DeliveryRecord] {
        try await deliveryRecords(where: "d.status = 'dead'", arguments: [])
    }

    public func redeliver(alertID: String?, at: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = NULL, queued_at = ?, dead_reason = NULL
                WHERE status = 'dead' AND (? IS NULL OR alert_id = ?)
                """, arguments: [at, alertID, alertID])
            return db.changesCount
        }
    }

    public func deliveries(alertID: String) async throws -> [DeliveryRecord] {
        try await deliveryRecords(where: "d.alert_id = ?", arguments: [alertID])
    }

    private func deliveryRecords(where condition: String, arguments: StatementArguments) async throws -> [DeliveryRecord] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id, d.alert_id, d.revision, d.channel, d.status, d.queued_at, d.next_attempt_at, d.dead_reason
                FROM delivery d WHERE \(condition) ORDER BY d.id
                """, arguments: arguments)
            return try rows.map { row in
                let attempts = try Row.fetchAll(db, sql: "SELECT attempted_at, outcome, http_status, error FROM delivery_attempt WHERE delivery_id = ? ORDER BY id", arguments: [row[0] as Int64])
                    .map { DeliveryRecord.Attempt(at: $0[0], outcome: AttemptOutcome(rawValue: $0[1]) ?? .failed, httpStatus: $0[2], error: $0[3]) }
                return DeliveryRecord(
                    alertID: row[1], revision: row[2], channel: row[3], status: DeliveryStatus(rawValue: row[4]) ?? .pending,
                    queuedAt: row[5], nextAttemptAt: row[6], deadReason: row[7], attempts: attempts
                )
            }
        }
    }

    // MARK: Watchlists

    public func lastGoodWatchlist(file: String) async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT content FROM watchlist_version WHERE file = ?", arguments: [file]) }
    }

    public func saveGoodWatchlist(file: String, text: String, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO watchlist_version (file, content, loaded_at) VALUES (?, ?, ?)
                ON CONFLICT (file) DO UPDATE SET content = excluded.content, loaded_at = excluded.loaded_at
                """, arguments: [file, text, at])
        }
    }

    // MARK: Helpers

    private func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: String) throws -> T {
        try decoder.decode(type, from: payload)
    }

    /// SQLite caps bound parameters; long IN lists are run in chunks.
    static func inChunks(_ values: [String], _ body: ([String]) throws -> Void) rethrows {
        var start = 0
        while start < values.count {
            let end = min(start + 500, values.count)
            try body(Array(values[start..<end]))
            start = end
        }
    }

    /// The results of `body` over `values` in chunks, in order.
    static func chunked<T>(_ values: [String], _ body: ([String]) throws -> [T]) rethrows -> [T] {
        var result: [T] = []
        try inChunks(values) { result.append(contentsOf: try body($0)) }
        return result
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}

/// An exclusive lock on a file beside the store, held by the one writing process. The kernel
/// drops it when the process dies, so a crash never leaves a stale lock behind.
final class StoreLock: Sendable {
    let descriptor: Int32

    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SQLiteWatchStore.Failure(description: "cannot create the lock file \(path): \(String(cString: strerror(errno))); check the state folder is writable")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw SQLiteWatchStore.Failure(
                kind: .locked,
                description: "another Vigie process\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "") is using the store \(path.dropLast(5)); stop it first: one process writes an SQLite store"
            )
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
