import Foundation
import Logging
import PostgresNIO
import VigieCore

/// The store for several replicas: PostgreSQL, through postgres-nio's connection pool.
///
/// It keeps the same promises as the SQLite store, held by the same conformance suite: a
/// cycle is one transaction; an alert's id is its primary key, so writing it twice (from a
/// second replica, say) is a no-op. What several replicas add:
///
/// - a delivery is *claimed* by the replica that takes it (`claimed_by`, `claimed_until`): no
///   other replica sends it while the claim holds, and a crashed replica's claims are taken
///   over once they expire;
/// - migrations run under an advisory lock, so replicas starting together migrate once.
public final class PostgresWatchStore: WatchStore {
    public struct Configuration: Sendable {
        public var location: PostgresLocation
        /// This process's name among the replicas, in claims and leases.
        public var replica: String
        /// How long a claimed delivery stays with its replica before another may take it: longer
        /// than one attempt with its timeout, short enough that a crash delays little.
        public var claimDuration: Duration
        public var maximumConnections: Int

        public init(location: PostgresLocation, replica: String, claimDuration: Duration = .seconds(300), maximumConnections: Int = 8) {
            self.location = location
            self.replica = replica
            self.claimDuration = claimDuration
            self.maximumConnections = maximumConnections
        }
    }


    let client: PostgresClient
    let configuration: Configuration
    let logger: Logger
    private let running: Task<Void, Never>
    private let encoder: JSONEncoder
    private let decoder = StoredJSON.decoder

    /// Connects, checks the schema and, for a writer, migrates it.
    public init(configuration: Configuration, access: StoreAccess, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        var options = try configuration.location.clientConfiguration()
        options.options.maximumConnections = configuration.maximumConnections
        let client = PostgresClient(configuration: options, backgroundLogger: Self.backgroundLogger(logger))
        self.client = client
        running = Task { await client.run() }
        encoder = StoredJSON.encoder()
        do {
            try await configuration.location.checkReachable(logger: logger)
            let status = try await Self.schemaStatus(client: client, location: configuration.location, logger: logger)
            if !status.unknown.isEmpty {
                throw StoreFailure(description: "the store at \(configuration.location) was written by a newer Vigie (\(status.unknown.joined(separator: ", "))); run that version, or restore a backup taken before the upgrade")
            }
            switch access {
            case .writer:
                try await migrate()
            case .reader, .editor:
                guard status.exists else {
                    throw StoreFailure(kind: .missing, description: "no store in \(configuration.location) yet: Vigie has not run against it; run vigie run --once (or vigie store migrate) first")
                }
                guard status.pending.isEmpty else {
                    throw StoreFailure(kind: .outdated, description: "the store at \(configuration.location) was written by an older Vigie; run vigie store migrate to upgrade it first")
                }
            }
        } catch {
            running.cancel()
            if let failure = error as? StoreFailure { throw failure }
            throw StoreFailure(description: "cannot open the store at \(configuration.location): \(Self.describe(error)); check the server is up, the URL's user, password and database, and its sslmode")
        }
    }

    deinit { running.cancel() }

    /// The pool's own log, errors only: its warning that a query came before `run()` had
    /// started is a race with the task this store starts (the query waits for it), and every
    /// failure reaches the caller as an error anyway.
    static func backgroundLogger(_ logger: Logger) -> Logger {
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        return background
    }

    // MARK: Schema

    /// Where the schema of the database at `location` stands; changes nothing.
    public static func schemaStatus(location: PostgresLocation, logger: Logger) async throws -> SchemaStatus {
        let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: backgroundLogger(logger))
        let running = Task { await client.run() }
        defer { running.cancel() }
        do {
            try await location.checkReachable(logger: logger)
            return try await schemaStatus(client: client, location: location, logger: logger)
        } catch {
            throw StoreFailure(description: "cannot read the store at \(location): \(describe(error)); check the server is up, the URL's user, password and database, and its sslmode")
        }
    }

    static func schemaStatus(client: PostgresClient, location: PostgresLocation, logger: Logger) async throws -> SchemaStatus {
        let known = PostgresMigrations.identifiers
        let exists = try await client.query("SELECT to_regclass('vigie_migration') IS NOT NULL", logger: logger).collect().first?.decode(Bool.self) ?? false
        guard exists else {
            return SchemaStatus(location: location.description, exists: false, applied: [], pending: known, unknown: [])
        }
        let applied = try await client.query("SELECT id FROM vigie_migration ORDER BY applied_order", logger: logger).collect().map { try $0.decode(String.self) }
        return SchemaStatus(
            location: location.description, exists: true, applied: applied.filter(known.contains),
            pending: known.filter { !applied.contains($0) }, unknown: applied.filter { !known.contains($0) }
        )
    }

    /// Applies what is pending, each migration in its own transaction, all under one advisory
    /// lock: a second replica starting now waits, then finds nothing left to do.
    func migrate() async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))", logger: logger)
            do {
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS vigie_migration (
                        id text PRIMARY KEY, applied_order serial NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                let applied = Set(try await connection.query("SELECT id FROM vigie_migration", logger: logger).collect().map { try $0.decode(String.self) })
                for migration in PostgresMigrations.all where !applied.contains(migration.identifier) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO vigie_migration (id) VALUES (\(migration.identifier))", logger: logger)
                    }
                    logger.info("store.migrated", metadata: ["store.migration": "\(migration.identifier)"])
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
        }
    }

    // MARK: Reading state for a cycle

    public func snapshots(for sirens: Set<SIREN>) async throws -> SnapshotTable {
        let rows = try await client.query("""
            SELECT siren, source, observed_on, procedure_steps, provider_facts, \(unescaped: ScoreColumns.names), score_watch, detail
            FROM snapshot WHERE siren = ANY(\(sirens.map(\.digits)))
            """, logger: logger)
        // Read as the rows arrive, not collected first: a million rows held at once beside the
        // table they become. Room for a snapshot per company, as most portfolios have.
        var result: SnapshotTable = [:]
        result.reserveCapacity(sirens.count)
        for try await row in rows {
            let (siren, source, observedOn, steps, facts, columns, watch, detail) = try Self.decodeSnapshot(row)
            var snapshot = Snapshot(siren: SIREN(stored: siren), source: source)
            snapshot.observedOn = observedOn.flatMap { CalendarDay(iso: $0) }
            if let steps { snapshot.procedureSteps = try decode([ProcedureStep].self, steps) }
            if let facts { snapshot.facts = try decode(ProviderFacts.self, facts) }
            if let watch { snapshot.scoreWatch = try decode(ScoreWatch.self, watch) }
            if let detail { snapshot.detail = try decode(SnapshotDetail.self, detail) }
            snapshot.score = columns.scoreValue
            snapshot.rating = columns.rating
            snapshot.creditLimit = columns.creditLimitValue
            snapshot.status = columns.companyStatus
            result[snapshot.key] = snapshot
        }
        return result
    }

    public func noticeAlerts(for sirens: Set<SIREN>) async throws -> [SIREN: [Alert]] {
        let payloads = try await strings("SELECT payload FROM alert WHERE notice_id IS NOT NULL AND siren = ANY(\(sirens.map(\.digits))) ORDER BY seq")
        return Dictionary(grouping: try payloads.map { try StoredJSON.read(Alert.self, $0) }.compactMap { alert in alert.siren.map { ($0, alert) } }, by: \.0)
            .mapValues { $0.map(\.1) }
    }

    public func seenNotices(_ ids: [String]) async throws -> Set<String> {
        Set(try await strings("SELECT id FROM notice WHERE id = ANY(\(ids))"))
    }

    public func cursor(for source: String) async throws -> String? {
        try await strings("SELECT value FROM cursor WHERE source = \(source)").first
    }

    public func sourceHealth() async throws -> [String: SourceHealth] {
        var health: [String: SourceHealth] = [:]
        for row in try await client.query("SELECT source, consecutive_failures, failing_since, alert_id, last_error FROM source_health", logger: logger).collect() {
            let (source, failures, since, alert, error) = try row.decode((String, Int, Date?, String?, String?).self)
            health[source] = SourceHealth(source: source, consecutiveFailures: failures, failingSince: since, alertID: alert, lastError: error)
        }
        return health
    }

    public func lastPolls() async throws -> [String: Date] {
        var polls: [String: Date] = [:]
        for row in try await client.query("SELECT source, polled_at FROM source_poll", logger: logger).collect() {
            let (source, at) = try row.decode((String, Date).self)
            polls[source] = at
        }
        return polls
    }

    public func historyLookedUp(feed: String) async throws -> Set<SIREN> {
        Set(try await strings("SELECT siren FROM history_lookup WHERE feed = \(feed)").map(SIREN.init(stored:)))
    }

    public func providerIDs(provider: String) async throws -> [SIREN: String] {
        var ids: [SIREN: String] = [:]
        for row in try await client.query("SELECT siren, id FROM provider_id WHERE provider = \(provider)", logger: logger).collect() {
            let (siren, id) = try row.decode((String, String).self)
            ids[SIREN(stored: siren)] = id
        }
        return ids
    }

    // MARK: Sharing the work

    /// Renews this replica's heartbeat and its fair share of the shards (`ceil(64 / live
    /// replicas)`): the shards it holds first, then free or expired ones, `FOR UPDATE SKIP
    /// LOCKED` so that two replicas leasing at once never take the same. Shards held beyond the
    /// share (a replica joined) are still polled by this replica this cycle and handed over a
    /// quarter of the lease later: the replica taking them finds them polled, so a company is
    /// neither skipped nor polled twice while shards move. Leads every source among `leadable`
    /// that no live replica leads.
    public func lease(leadable: [String], now: Date, duration: Duration) async throws -> WorkShare {
        let me = configuration.replica
        let until = now.addingTimeInterval(duration.seconds)
        let handover = now.addingTimeInterval(duration.seconds / 4)
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO replica (name, seen_at, expires_at) VALUES (\(me), \(now), \(until))
                ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
                """, logger: logger)
            let live = try await connection.query("SELECT count(*) FROM replica WHERE expires_at > \(now)", logger: logger).collect().first?.decode(Int.self) ?? 1
            let fair = (WorkShare.shardCount + max(live, 1) - 1) / max(live, 1)
            let held = try await connection.query("""
                SELECT item FROM work_lease WHERE item LIKE 'shard:%' AND holder = \(me) AND expires_at > \(now) ORDER BY item FOR UPDATE
                """, logger: logger).collect().map { try $0.decode(String.self) }
            let (kept, shed) = (Array(held.prefix(fair)), Array(held.dropFirst(fair)))
            try await connection.query("UPDATE work_lease SET expires_at = \(until) WHERE item = ANY(\(kept))", logger: logger)
            try await connection.query("UPDATE work_lease SET expires_at = LEAST(expires_at, \(handover)) WHERE item = ANY(\(shed))", logger: logger)
            var taken: [String] = []
            if kept.count < fair {
                // Only the rows taken are locked: a shard another replica skips is one this one takes.
                taken = try await connection.query("""
                    SELECT item FROM work_lease
                    WHERE item LIKE 'shard:%' AND (holder IS NULL OR expires_at <= \(now))
                    ORDER BY (holder IS NOT DISTINCT FROM \(me)) DESC, item
                    LIMIT \(fair - kept.count) FOR UPDATE SKIP LOCKED
                    """, logger: logger).collect().map { try $0.decode(String.self) }
                try await connection.query("UPDATE work_lease SET holder = \(me), expires_at = \(until) WHERE item = ANY(\(taken))", logger: logger)
            }
            let shards = Set((kept + shed + taken).compactMap { Int($0.dropFirst("shard:".count)) })
            var leads: Set<String> = []
            if !leadable.isEmpty {
                try await connection.query("INSERT INTO work_lease (item) SELECT unnest(\(leadable)::text[]) ON CONFLICT (item) DO NOTHING", logger: logger)
                leads = Set(try await connection.query("""
                    UPDATE work_lease SET holder = \(me), expires_at = \(until)
                    WHERE item = ANY(\(leadable)) AND (holder IS NOT DISTINCT FROM \(me) OR holder IS NULL OR expires_at <= \(now))
                    RETURNING item
                    """, logger: logger).collect().map { try $0.decode(String.self) })
            }
            return WorkShare(shards: shards, leads: leads)
        }
    }

    public func renewLeases(now: Date, duration: Duration) async throws {
        let (me, until) = (configuration.replica, now.addingTimeInterval(duration.seconds))
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("UPDATE replica SET seen_at = \(now), expires_at = GREATEST(expires_at, \(until)) WHERE name = \(me)", logger: logger)
            try await connection.query("""
                UPDATE work_lease SET expires_at = GREATEST(expires_at, \(until)) WHERE holder = \(me) AND expires_at > \(now)
                """, logger: logger)
        }
    }

    public func releaseLeases() async throws {
        let me = configuration.replica
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("UPDATE work_lease SET holder = NULL, expires_at = NULL WHERE holder = \(me)", logger: logger)
            try await connection.query("DELETE FROM replica WHERE name = \(me)", logger: logger)
        }
    }

    // MARK: Writing a cycle

    /// Rows go to the server as one JSON document per statement (`jsonb_to_recordset`): one
    /// round trip for a hundred thousand snapshots, and NULLs where a column has none, which
    /// postgres-nio's arrays cannot carry.
    static let rowsPerStatement = 5_000

    public func commit(_ cycle: CycleCommit) async throws -> CommitSummary {
        // The last snapshot of each key (one statement cannot update a row twice); a cycle's are
        // already one per key, and are then taken as they are.
        var latest: [SnapshotKey: Int] = [:]
        for (index, snapshot) in cycle.snapshots.enumerated() { latest[snapshot.key] = index }
        let snapshots = latest.count == cycle.snapshots.count ? cycle.snapshots : latest.values.sorted().map { cycle.snapshots[$0] }
        latest = [:]
        func snapshotRow(_ snapshot: Snapshot) throws -> ScoreRow {
            ScoreRow(
                text: [
                    "siren": snapshot.siren.digits, "source": snapshot.source, "observed_on": snapshot.observedOn?.iso,
                    "procedure_steps": snapshot.procedureSteps.isEmpty ? nil : try encode(snapshot.procedureSteps),
                    "provider_facts": try snapshot.facts.map(encode),
                    "score_watch": try snapshot.scoreWatch.map(encode),
                    "detail": try snapshot.detail.map(encode),
                ],
                columns: ScoreColumns(score: snapshot.score, rating: snapshot.rating, creditLimit: snapshot.creditLimit, status: snapshot.status)
            )
        }
        func observationRow(_ observation: ScoreObservation) throws -> ScoreRow {
            ScoreRow(
                text: [
                    "siren": observation.siren.digits, "source": observation.provider, "observed_on": observation.observedOn.iso, "company_name": observation.companyName,
                    "detail": try SnapshotDetail.of(observation).map(encode),
                ],
                columns: ScoreColumns(score: observation.score, rating: observation.rating, creditLimit: observation.creditLimit, status: observation.status)
            )
        }
        // One row per notice id (the first), as one statement cannot update a row twice.
        var seenNotices: Set<String> = []
        let notices = cycle.notices.filter { seenNotices.insert($0.notice.id).inserted }
        func noticeRow(_ matched: (notice: BodaccNotice, sirens: [SIREN])) throws -> NoticeRow {
            NoticeRow(id: matched.notice.id, published: matched.notice.published?.iso, sirens: matched.sirens.map(\.digits).joined(separator: ","), payload: try encode(matched.notice))
        }
        let changes = try cycle.alertChanges.map { ($0, try encode($0.alert)) }
        let at = cycle.at
        return try await client.withTransaction(logger: logger) { connection in
            try await Self.forEachDocument(snapshots, encoder: encoder, row: snapshotRow) { document in
                try await connection.query("""
                    INSERT INTO snapshot (siren, source, observed_on, procedure_steps, provider_facts, score_watch, detail, \(unescaped: ScoreColumns.names), updated_at)
                    SELECT siren, source, observed_on, procedure_steps, provider_facts, score_watch, detail, \(unescaped: ScoreColumns.names), \(at)
                    FROM jsonb_to_recordset(\(document)::jsonb) AS x(siren text, source text, observed_on text, procedure_steps text, provider_facts text, score_watch text, detail text, \(unescaped: ScoreColumns.postgresTypes))
                    ON CONFLICT (siren, source) DO UPDATE SET observed_on = excluded.observed_on, procedure_steps = excluded.procedure_steps,
                        provider_facts = excluded.provider_facts, score_watch = excluded.score_watch, detail = excluded.detail,
                        score = excluded.score, score_min = excluded.score_min, score_max = excluded.score_max, not_rated = excluded.not_rated,
                        rating = excluded.rating, credit_limit = excluded.credit_limit, credit_limit_currency = excluded.credit_limit_currency,
                        credit_limit_not_applicable = excluded.credit_limit_not_applicable, status = excluded.status, updated_at = excluded.updated_at
                    """, logger: logger)
            }
            for (provider, ids) in cycle.providerIDs where !ids.isEmpty {
                let (sirens, values) = (ids.keys.map(\.digits), ids.keys.map { ids[$0]! })
                try await connection.query("""
                    INSERT INTO provider_id (provider, siren, id, learned_at) SELECT \(provider), siren, id, \(at) FROM unnest(\(sirens)::text[], \(values)::text[]) AS x(siren, id)
                    ON CONFLICT (provider, siren) DO UPDATE SET id = excluded.id, learned_at = excluded.learned_at
                    """, logger: logger)
            }
            for (source, keys) in Dictionary(grouping: cycle.confirmed, by: \.source) {
                try await connection.query("UPDATE snapshot SET confirmed_at = \(at) WHERE source = \(source) AND siren = ANY(\(keys.map(\.siren.digits)))", logger: logger)
            }
            try await Self.forEachDocument(cycle.observations, encoder: encoder, row: observationRow) { document in
                try await connection.query("""
                    INSERT INTO observation (siren, source, observed_on, \(unescaped: ScoreColumns.names), company_name, detail, recorded_at)
                    SELECT siren, source, observed_on, \(unescaped: ScoreColumns.names), company_name, detail, \(at)
                    FROM ROWS FROM (jsonb_to_recordset(\(document)::jsonb) AS (siren text, source text, observed_on text, company_name text, detail text, \(unescaped: ScoreColumns.postgresTypes)))
                        WITH ORDINALITY AS x
                    ORDER BY ordinality
                    """, logger: logger)
            }
            try await Self.forEachDocument(notices, encoder: encoder, row: noticeRow) { document in
                // A notice first skipped (it named no watched company) is recorded again when a
                // joining company's history matches it.
                try await connection.query("""
                    INSERT INTO notice (id, published, sirens, payload, seen_at)
                    SELECT id, published, sirens, payload, \(at) FROM jsonb_to_recordset(\(document)::jsonb) AS x(id text, published text, sirens text, payload text)
                    ON CONFLICT (id) DO UPDATE SET sirens = excluded.sirens, payload = excluded.payload WHERE notice.sirens = ''
                    """, logger: logger)
            }
            if !cycle.ignoredNoticeIDs.isEmpty {
                try await connection.query("""
                    INSERT INTO notice (id, sirens, seen_at) SELECT id, '', \(at) FROM unnest(\(cycle.ignoredNoticeIDs)::text[]) AS x(id) ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
            let summary = try await Self.writeAlerts(connection, changes, destinations: cycle.destinations, at: at, logger: logger)
            try await Self.writeCases(connection, cycle.caseUpdates, entries: cycle.caseEntries, conflicts: .merge, logger: logger)
            for health in cycle.sourceHealth {
                try await connection.query("""
                    INSERT INTO source_health (source, consecutive_failures, failing_since, alert_id, last_error, updated_at)
                    VALUES (\(health.source), \(health.consecutiveFailures), \(health.failingSince), \(health.alertID), \(health.lastError), \(at))
                    ON CONFLICT (source) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
                        alert_id = excluded.alert_id, last_error = excluded.last_error, updated_at = excluded.updated_at
                    """, logger: logger)
            }
            if !cycle.polled.isEmpty {
                try await connection.query("""
                    INSERT INTO source_poll (source, polled_at) SELECT source, \(at) FROM unnest(\(Array(Set(cycle.polled)))::text[]) AS x(source)
                    ON CONFLICT (source) DO UPDATE SET polled_at = excluded.polled_at
                    """, logger: logger)
            }
            for (feed, sirens) in cycle.historyLookups where !sirens.isEmpty {
                try await connection.query("""
                    INSERT INTO history_lookup (feed, siren, looked_up_at) SELECT \(feed), siren, \(at) FROM unnest(\(sirens.map(\.digits))::text[]) AS x(siren)
                    ON CONFLICT (feed, siren) DO NOTHING
                    """, logger: logger)
            }
            for (source, value) in cycle.cursors {
                // A led source's cursor moves only for its leader: a replica whose lease ran out
                // mid-cycle (a pause, a slow cycle) cannot move it back behind the new leader's.
                try await connection.query("""
                    INSERT INTO cursor (source, value, updated_at)
                    SELECT \(source), \(value), \(at)
                    WHERE NOT EXISTS (SELECT 1 FROM work_lease WHERE item = \(source) AND holder IS DISTINCT FROM \(configuration.replica))
                    ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, logger: logger)
            }
            return summary
        }
    }

    /// Alert changes and their deliveries, idempotently: an alert already stored is not
    /// raised again, a revision not newer than the stored one changes nothing.
    static func writeAlerts(
        _ connection: PostgresConnection, _ changes: [(AlertChange, String)], destinations: [String: [Router.Destination]], at: Date, logger: Logger
    ) async throws -> CommitSummary {
        var summary = CommitSummary()
        // New alerts go in runs, two statements a run instead of three round trips an alert
        // (a cycle with 9 144 new alerts waited on some 27 000): those raised once in the commit
        // and queued for no digest window, which nothing else in the commit reads or writes.
        // The rest (a revision, an alert raised twice, a digest reading the window the group's
        // first alert opened) go one at a time, in their place.
        var raisedOnce: [String: Int] = [:]
        for (change, _) in changes { raisedOnce[change.alert.id, default: 0] += 1 }
        func runnable(_ change: AlertChange) -> Bool {
            guard case .raised = change, raisedOnce[change.alert.id] == 1 else { return false }
            return !(destinations[change.alert.id] ?? []).contains { $0.digestKey != nil && $0.digestWindow != nil }
        }
        var next = changes.startIndex
        while next < changes.endIndex {
            var end = next
            while end < changes.endIndex, end - next < rowsPerStatement, runnable(changes[end].0) { end += 1 }
            if end > next {
                try await raise(changes[next..<end], destinations: destinations, at: at, into: &summary, connection, logger: logger)
                next = end
                continue
            }
            try await writeAlert(changes[next], destinations: destinations, at: at, into: &summary, connection, logger: logger)
            next += 1
        }
        return summary
    }

    /// A run of alerts raised once each, not waiting for a digest window: the alerts, their first
    /// revisions and their deliveries, in the run's order (sequence numbers and delivery ids
    /// follow it, as they did one alert at a time); an alert already stored changes nothing.
    private static func raise(
        _ run: ArraySlice<(AlertChange, String)>, destinations: [String: [Router.Destination]], at: Date, into summary: inout CommitSummary,
        _ connection: PostgresConnection, logger: Logger
    ) async throws {
        struct Row: Encodable {
            var id: String, siren: String?, kind: String, severity: String, state: String, revision: Int, noticeID: String?, payload: String, caseID: String?
            enum CodingKeys: String, CodingKey {
                case id, siren, kind, severity, state, revision, payload
                case noticeID = "notice_id", caseID = "case_id"
            }
        }
        let alerts = run.map(\.0.alert)
        let rows = zip(alerts, run.map(\.1)).map { alert, payload in
            Row(id: alert.id, siren: alert.siren?.digits, kind: alert.kind, severity: alert.severity.rawValue, state: alert.state.rawValue,
                revision: alert.revision, noticeID: alert.noticeID, payload: payload, caseID: alert.caseID)
        }
        let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        // Times as dates, beside the document, so that they are stored as one at a time did.
        let (created, updated) = (alerts.map(\.createdAt), alerts.map(\.updatedAt))
        let inserted = try await connection.query("""
            WITH x AS (
                SELECT r.*, d.created_at, d.updated_at
                FROM ROWS FROM (jsonb_to_recordset(\(document)::jsonb) AS (id text, siren text, kind text, severity text, state text, revision int,
                    notice_id text, payload text, case_id text)) WITH ORDINALITY AS r
                JOIN unnest(\(created)::timestamptz[], \(updated)::timestamptz[]) WITH ORDINALITY AS d(created_at, updated_at, n) ON d.n = r.ordinality
            ), added AS (
                INSERT INTO alert (id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload, case_id)
                SELECT id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload, case_id FROM x ORDER BY ordinality
                ON CONFLICT (id) DO NOTHING RETURNING id
            )
            INSERT INTO alert_revision (alert_id, revision, payload, recorded_at)
            SELECT x.id, x.revision, x.payload, \(at) FROM x JOIN added USING (id) ORDER BY x.ordinality
            RETURNING alert_id
            """, logger: logger).collect().map { try $0.decode(String.self) }
        guard !inserted.isEmpty else { return }
        let added = Set(inserted)
        struct Delivery: Encodable {
            var alertID: String, revision: Int, channel: String, digestKey: String?
            enum CodingKeys: String, CodingKey { case revision, channel, alertID = "alert_id", digestKey = "digest_key" }
        }
        var deliveries: [Delivery] = []
        for alert in alerts where added.contains(alert.id) {
            summary.alertsRaised += 1
            summary.raisedByKind["\(alert.kind)|\(alert.severity.rawValue)", default: 0] += 1
            for destination in destinations[alert.id] ?? [] {
                deliveries.append(Delivery(alertID: alert.id, revision: alert.revision, channel: destination.channel, digestKey: destination.digestKey))
            }
        }
        guard !deliveries.isEmpty else { return }
        let queued = String(decoding: try JSONEncoder().encode(deliveries), as: UTF8.self)
        summary.deliveriesQueued += try await Self.count(connection.query("""
            INSERT INTO delivery (alert_id, revision, channel, created_at, queued_at, next_attempt_at, digest_key)
            SELECT alert_id, revision, channel, \(at), \(at), NULL, digest_key
            FROM ROWS FROM (jsonb_to_recordset(\(queued)::jsonb) AS (alert_id text, revision int, channel text, digest_key text)) WITH ORDINALITY AS x
            ORDER BY ordinality
            ON CONFLICT (alert_id, revision, channel) DO NOTHING RETURNING 1
            """, logger: logger))
    }

    /// One alert change and its deliveries, as the first statements of its kind did.
    private static func writeAlert(
        _ item: (AlertChange, String), destinations: [String: [Router.Destination]], at: Date, into summary: inout CommitSummary,
        _ connection: PostgresConnection, logger: Logger
    ) async throws {
        let (change, payload) = item
        let alert = change.alert
        let changed: Int
        switch change {
        case .raised:
            changed = try await Self.count(connection.query("""
                INSERT INTO alert (id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload, case_id)
                VALUES (\(alert.id), \(alert.siren?.digits), \(alert.kind), \(alert.severity.rawValue), \(alert.state.rawValue),
                        \(alert.revision), \(alert.noticeID), \(alert.createdAt), \(alert.updatedAt), \(payload), \(alert.caseID))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: logger))
            if changed > 0 {
                summary.alertsRaised += 1
                summary.raisedByKind["\(alert.kind)|\(alert.severity.rawValue)", default: 0] += 1
            }
        case .revised, .retracted:
            changed = try await Self.count(connection.query("""
                UPDATE alert SET kind = \(alert.kind), severity = \(alert.severity.rawValue), state = \(alert.state.rawValue), revision = \(alert.revision),
                    notice_id = \(alert.noticeID), updated_at = \(alert.updatedAt), payload = \(payload), case_id = \(alert.caseID)
                WHERE id = \(alert.id) AND revision < \(alert.revision) RETURNING 1
                """, logger: logger))
            if changed > 0 { if case .revised = change { summary.alertsRevised += 1 } else { summary.alertsRetracted += 1 } }
        }
        guard changed > 0 else { return }
        try await connection.query("""
            INSERT INTO alert_revision (alert_id, revision, payload, recorded_at) VALUES (\(alert.id), \(alert.revision), \(payload), \(at))
            """, logger: logger)
        for destination in destinations[alert.id] ?? [] {
            // A digest waits for the window of its group, which the group's first alert opened.
            var due: Date?
            if let key = destination.digestKey, let window = destination.digestWindow {
                let opened = try await connection.query("""
                    SELECT next_attempt_at FROM delivery WHERE channel = \(destination.channel) AND digest_key = \(key) AND status = 'pending' AND attempts = 0 LIMIT 1
                    """, logger: logger).collect().first?.decode(Date?.self)
                due = opened.flatMap { $0 } ?? at.addingTimeInterval(window.seconds)
            }
            summary.deliveriesQueued += try await Self.count(connection.query("""
                INSERT INTO delivery (alert_id, revision, channel, created_at, queued_at, next_attempt_at, digest_key)
                VALUES (\(alert.id), \(alert.revision), \(destination.channel), \(at), \(at), \(due), \(destination.digestKey))
                ON CONFLICT (alert_id, revision, channel) DO NOTHING RETURNING 1
                """, logger: logger))
        }
    }

    /// Cases and their audit entries; each case row is locked while it is compared and written.
    ///
    /// A run of cases is locked and read in one statement and written in another, and the
    /// entries in one, instead of two round trips a case and one an entry (a cycle with 9 144 new
    /// cases waited on some 27 000). A case twice in one call starts a new run, so that its
    /// second update meets its first as the store then holds it.
    static func writeCases(_ connection: PostgresConnection, _ updates: [CaseBook.Update], entries: [CaseEntry], conflicts: CaseBook.Update.Conflicts, logger: Logger) async throws {
        let encoder = StoredJSON.encoder()
        struct Row: Encodable {
            var id: String, siren: String, situation: String, state: String, severity: String, owner: String?, version: Int, payload: String
        }
        var next = updates.startIndex
        while next < updates.endIndex {
            var ids: Set<String> = []
            var end = next
            while end < updates.endIndex, end - next < rowsPerStatement, ids.insert(updates[end].after.id).inserted { end += 1 }
            let run = updates[next..<end]
            next = end
            // Locked in the order of their ids, whoever else writes them.
            var stored: [String: String] = [:]
            for row in try await connection.query("""
                SELECT id, payload FROM case_file WHERE id = ANY(\(run.map(\.after.id))) ORDER BY id FOR UPDATE
                """, logger: logger).collect() {
                let (id, payload) = try row.decode((String, String).self)
                stored[id] = payload
            }
            let items = try run.map { update in
                try update.resolved(against: try stored[update.after.id].map { try StoredJSON.read(Case.self, $0) }, conflicts)
            }
            let rows = try items.map { item in
                Row(id: item.id, siren: item.siren.digits, situation: item.situation.rawValue, state: item.state.rawValue, severity: item.severity.rawValue,
                    owner: item.owner, version: item.version, payload: String(decoding: try encoder.encode(item), as: UTF8.self))
            }
            let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
            // Times as dates, beside the document, so that they are stored as one at a time did.
            let (opened, updated) = (items.map(\.openedAt), items.map(\.updatedAt))
            try await connection.query("""
                INSERT INTO case_file (id, siren, situation, state, severity, owner, opened_at, updated_at, version, payload)
                SELECT r.id, r.siren, r.situation, r.state, r.severity, r.owner, d.opened_at, d.updated_at, r.version, r.payload
                FROM ROWS FROM (jsonb_to_recordset(\(document)::jsonb) AS (id text, siren text, situation text, state text, severity text, owner text,
                    version bigint, payload text)) WITH ORDINALITY AS r
                JOIN unnest(\(opened)::timestamptz[], \(updated)::timestamptz[]) WITH ORDINALITY AS d(opened_at, updated_at, n) ON d.n = r.ordinality
                ORDER BY r.ordinality
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity, owner = excluded.owner,
                    updated_at = excluded.updated_at, version = excluded.version, payload = excluded.payload
                """, logger: logger)
        }
        struct Entry: Encodable {
            var caseID: String, actor: String, action: String, fromState: String?, toState: String, note: String?
            enum CodingKeys: String, CodingKey {
                case actor, action, note
                case caseID = "case_id", fromState = "from_state", toState = "to_state"
            }
        }
        for start in stride(from: entries.startIndex, to: entries.endIndex, by: rowsPerStatement) {
            let run = entries[start..<min(start + rowsPerStatement, entries.endIndex)]
            let rows = run.map { Entry(caseID: $0.caseID, actor: $0.actor, action: $0.action, fromState: $0.fromState?.rawValue, toState: $0.toState.rawValue, note: $0.note) }
            let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
            try await connection.query("""
                INSERT INTO case_entry (case_id, at, actor, action, from_state, to_state, note)
                SELECT r.case_id, d.at, r.actor, r.action, r.from_state, r.to_state, r.note
                FROM ROWS FROM (jsonb_to_recordset(\(document)::jsonb) AS (case_id text, actor text, action text, from_state text, to_state text, note text))
                    WITH ORDINALITY AS r
                JOIN unnest(\(run.map(\.at))::timestamptz[]) WITH ORDINALITY AS d(at, n) ON d.n = r.ordinality
                ORDER BY r.ordinality
                """, logger: logger)
        }
    }

    // MARK: Cases

    public func cases(for sirens: Set<SIREN>) async throws -> [String: Case] {
        let payloads = try await strings("SELECT payload FROM case_file WHERE siren = ANY(\(sirens.map(\.digits)))")
        return Dictionary(try payloads.map { try StoredJSON.read(Case.self, $0) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func activeCases() async throws -> [Case] {
        try await strings("SELECT payload FROM case_file WHERE state <> 'resolved' ORDER BY opened_at, id").map { try StoredJSON.read(Case.self, $0) }
    }

    public func cases(_ filter: CaseFilter) async throws -> [Case] {
        let payloads = try await strings("""
            SELECT payload FROM case_file
            WHERE (\(!filter.activeOnly) OR state <> 'resolved') AND (\(filter.siren?.digits)::text IS NULL OR siren = \(filter.siren?.digits))
            """)
        return filter.apply(try payloads.map { try StoredJSON.read(Case.self, $0) })
    }

    public func `case`(id: String) async throws -> Case? {
        try await strings("SELECT payload FROM case_file WHERE id = \(id)").first.map { try StoredJSON.read(Case.self, $0) }
    }

    public func caseEntries(caseID: String) async throws -> [CaseEntry] {
        try await client.query("""
            SELECT at, actor, action, from_state, to_state, note FROM case_entry WHERE case_id = \(caseID) ORDER BY id
            """, logger: logger).collect().map { row in
            let (at, actor, action, from, to, note) = try row.decode((Date, String, String, String?, String, String?).self)
            return CaseEntry(caseID: caseID, at: at, actor: actor, action: action, fromState: from.flatMap(CaseState.init(rawValue:)), toState: CaseState(rawValue: to) ?? .open, note: note)
        }
    }

    public func alerts(caseID: String) async throws -> [Alert] {
        try await strings("SELECT payload FROM alert WHERE case_id = \(caseID) ORDER BY created_at, seq").map { try StoredJSON.read(Alert.self, $0) }
    }

    public func act(_ update: CaseBook.Update, entry: CaseEntry, alerts: [Alert], destinations: [String: [Router.Destination]], at: Date) async throws {
        let changes = try alerts.map { (AlertChange.raised($0), try encode($0)) }
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await Self.writeCases(connection, [update], entries: [entry], conflicts: .refuse, logger: logger)
                _ = try await Self.writeAlerts(connection, changes, destinations: destinations, at: at, logger: logger)
            }
        } catch let error as PostgresTransactionError {
            // The conflict is the caller's to act on, not a database failure.
            if let conflict = error.closureError as? CaseConflict { throw conflict }
            throw error
        }
    }

    // MARK: Alerts

    public func alerts(since: Date?, limit: Int?) async throws -> [Alert] {
        try await strings("""
            SELECT payload FROM alert WHERE created_at >= \(since ?? Date(timeIntervalSince1970: 0)) ORDER BY created_at, seq LIMIT \(limit)
            """).map { try StoredJSON.read(Alert.self, $0) }
    }

    public func matchedNotices() async throws -> [BodaccNotice] {
        try await strings("SELECT payload FROM notice WHERE payload IS NOT NULL ORDER BY published, id").map { try decode(BodaccNotice.self, $0) }
    }

    public func alert(id: String) async throws -> Alert? {
        try await strings("SELECT payload FROM alert WHERE id = \(id)").first.map { try StoredJSON.read(Alert.self, $0) }
    }

    public func observations(of siren: SIREN) async throws -> [ScoreObservation] {
        try await client.query("""
            SELECT source, observed_on, company_name, \(unescaped: ScoreColumns.names), detail FROM observation WHERE siren = \(siren.digits) ORDER BY id
            """, logger: logger).collect().map { row in
            let (source, observedOn, name, score, low, high, notRated, rating, limit, currency, notApplicable, status, detail) =
                try row.decode((String, String, String?, Double?, Double?, Double?, Bool, String?, Double?, String?, Bool, String?, String?).self)
            let columns = ScoreColumns(
                score: score, scoreMin: low, scoreMax: high, notRated: notRated, rating: rating, creditLimit: limit,
                creditLimitCurrency: currency, creditLimitNotApplicable: notApplicable, status: status
            )
            var observation = ScoreObservation(
                siren: siren, provider: source, observedOn: CalendarDay(iso: observedOn) ?? CalendarDay(ordinal: 0),
                score: columns.scoreValue, rating: columns.rating, creditLimit: columns.creditLimitValue, status: columns.companyStatus, companyName: name
            )
            if let detail {
                let read = try decode(SnapshotDetail.self, detail)
                observation.cover = read.cover
                observation.balance = read.balance
            }
            return observation
        }
    }

    // MARK: Maintenance

    /// Each kind of history is counted and deleted by one statement, so that the dry run counts
    /// exactly what the real run deletes.
    public func prune(observationsBefore: Date?, attemptsBefore: Date?, dryRun: Bool) async throws -> PruneReport {
        let delete = !dryRun
        return try await client.withTransaction(logger: logger) { connection in
            var report = PruneReport()
            if let cutoff = observationsBefore {
                report.observations = try await connection.query("""
                    WITH doomed AS (
                        SELECT id FROM observation WHERE recorded_at < \(cutoff) AND id NOT IN (SELECT max(id) FROM observation GROUP BY siren, source)
                    ), gone AS (DELETE FROM observation WHERE \(delete) AND id IN (SELECT id FROM doomed))
                    SELECT count(*) FROM doomed
                    """, logger: logger).collect().first?.decode(Int.self) ?? 0
            }
            if let cutoff = attemptsBefore {
                report.attempts = try await connection.query("""
                    WITH doomed AS (
                        SELECT id FROM delivery_attempt WHERE attempted_at < \(cutoff)
                            AND delivery_id IN (SELECT id FROM delivery WHERE status <> \(DeliveryStatus.pending.rawValue))
                    ), gone AS (DELETE FROM delivery_attempt WHERE \(delete) AND id IN (SELECT id FROM doomed))
                    SELECT count(*) FROM doomed
                    """, logger: logger).collect().first?.decode(Int.self) ?? 0
            }
            return report
        }
    }

    // MARK: Outbox

    /// Claims the due deliveries for this replica: rows another replica holds are skipped
    /// (`FOR UPDATE SKIP LOCKED` while the claim is made, `claimed_until` after), and a claim
    /// older than `claimDuration` — its replica died — is taken over.
    public func dueDeliveries(channel: String, due: Date, after: Int64?, limit: Int) async throws -> DueDeliveries {
        let replica = configuration.replica
        let until = due.addingTimeInterval(configuration.claimDuration.seconds)
        let rows = try await client.query("""
            UPDATE delivery d SET claimed_by = \(replica), claimed_until = \(until)
            FROM alert_revision r
            WHERE d.id IN (
                SELECT id FROM delivery
                WHERE channel = \(channel) AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= \(due)) AND id > \(after ?? Int64.min)
                    AND (claimed_until IS NULL OR claimed_until <= \(due) OR claimed_by = \(replica))
                ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ) AND r.alert_id = d.alert_id AND r.revision = d.revision
            RETURNING d.id, d.alert_id, d.revision, r.payload, d.attempts, d.queued_at, d.digest_key
            """, logger: logger).collect()
        var batch = DueDeliveries()
        for row in try rows.map({ try $0.decode((Int64, String, Int, String, Int, Date, String?).self) }).sorted(by: { $0.0 < $1.0 }) {
            StoredJSON.due(row, channel: channel, into: &batch)
        }
        return batch
    }

    public func pendingDeliveries(channel: String, limit: Int) async throws -> DueDeliveries {
        let rows = try await client.query("""
            SELECT d.id, d.alert_id, d.revision, r.payload, d.attempts, d.queued_at, d.digest_key FROM delivery d
            JOIN alert_revision r ON r.alert_id = d.alert_id AND r.revision = d.revision
            WHERE d.channel = \(channel) AND d.status = 'pending'
            ORDER BY d.id LIMIT \(limit)
            """, logger: logger).collect()
        var batch = DueDeliveries()
        for row in try rows.map({ try $0.decode((Int64, String, Int, String, Int, Date, String?).self) }) {
            StoredJSON.due(row, channel: channel, into: &batch)
        }
        return batch
    }

    /// The next time this replica has something to send: a delivery another replica holds is
    /// due for this one only when that claim runs out.
    public func nextDue(channel: String) async throws -> Date? {
        try await client.query("""
            SELECT MIN(GREATEST(COALESCE(next_attempt_at, queued_at), CASE WHEN claimed_by <> \(configuration.replica) THEN claimed_until END))
            FROM delivery WHERE channel = \(channel) AND status = 'pending'
            """, logger: logger).collect().first?.decode(Date?.self).flatMap { $0 }
    }

    public func recordAttempts(_ attempts: [DeliveryAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await client.withTransaction(logger: logger) { connection in
            for attempt in attempts {
                let id = attempt.delivery.id
                let outcome = attempt.error == nil ? AttemptOutcome.delivered : .failed
                try await connection.query("""
                    INSERT INTO delivery_attempt (delivery_id, attempted_at, outcome, http_status, error)
                    VALUES (\(id), \(attempt.at), \(outcome.rawValue), \(attempt.httpStatus), \(attempt.error))
                    """, logger: logger)
                let (status, count, due, deliveredAt, error, reason): (DeliveryStatus, Int, Date?, Date?, String?, String?) = switch attempt.next {
                case .delivered(let count, let at): (.delivered, count, nil, at, nil, nil)
                case .pending(let count, let due): (.pending, count, due, nil, attempt.error, nil)
                case .dead(let count, let reason): (.dead, count, nil, nil, attempt.error, reason)
                }
                try await connection.query("""
                    UPDATE delivery SET status = \(status.rawValue), attempts = \(count), next_attempt_at = \(due), delivered_at = \(deliveredAt),
                        last_error = \(error), dead_reason = \(reason), claimed_by = NULL, claimed_until = NULL
                    WHERE id = \(id)
                    """, logger: logger)
            }
        }
    }

    public func deadLetter(_ unreadable: [UnreadableDelivery], at: Date) async throws {
        guard !unreadable.isEmpty else { return }
        try await client.withTransaction(logger: logger) { connection in
            for delivery in unreadable {
                try await connection.query("""
                    INSERT INTO delivery_attempt (delivery_id, attempted_at, outcome, http_status, error)
                    VALUES (\(delivery.id), \(at), \(AttemptOutcome.failed.rawValue), NULL, \(delivery.reason))
                    """, logger: logger)
                try await connection.query("""
                    UPDATE delivery SET status = \(DeliveryStatus.dead.rawValue), attempts = \(delivery.attempts + 1), next_attempt_at = NULL,
                        last_error = \(delivery.reason), dead_reason = \(delivery.reason), claimed_by = NULL, claimed_until = NULL
                    WHERE id = \(delivery.id)
                    """, logger: logger)
            }
        }
    }

    public func enqueue(_ deliveries: [(alertID: String, revision: Int)], channel: String, at: Date) async throws {
        guard !deliveries.isEmpty else { return }
        try await client.query("""
            INSERT INTO delivery (alert_id, revision, channel, created_at, queued_at)
            SELECT alert_id, revision, \(channel), \(at), \(at) FROM unnest(\(deliveries.map(\.alertID))::text[], \(deliveries.map(\.revision))::integer[]) AS x(alert_id, revision)
            ON CONFLICT (alert_id, revision, channel) DO NOTHING
            """, logger: logger)
    }

    public func outboxSummary() async throws -> [String: OutboxSummary] {
        var summary: [String: OutboxSummary] = [:]
        for row in try await client.query("""
            SELECT channel, count(*) FILTER (WHERE status = 'pending'), min(queued_at) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'dead')
            FROM delivery WHERE status <> 'delivered' GROUP BY channel
            """, logger: logger).collect() {
            let (channel, pending, oldest, dead) = try row.decode((String, Int, Date?, Int).self)
            summary[channel] = OutboxSummary(pending: pending, oldestPending: oldest, dead: dead)
        }
        return summary
    }

    public func deadDeliveries() async throws -> [DeliveryRecord] {
        try await deliveryRecords(where: "d.status = 'dead'")
    }

    public func redeliver(alertID: String?, at: Date) async throws -> Int {
        try await Self.count(client.query("""
            UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = NULL, queued_at = \(at), dead_reason = NULL, claimed_by = NULL, claimed_until = NULL
            WHERE status = 'dead' AND (\(alertID)::text IS NULL OR alert_id = \(alertID)) RETURNING 1
            """, logger: logger))
    }

    public func deliveries(alertID: String) async throws -> [DeliveryRecord] {
        try await deliveryRecords(where: "d.alert_id = \(alertID)")
    }

    private func deliveryRecords(where condition: PostgresQuery) async throws -> [DeliveryRecord] {
        let query = PostgresQuery(unsafeSQL: """
            SELECT d.id, d.alert_id, d.revision, d.channel, d.status, d.queued_at, d.next_attempt_at, d.dead_reason,
                a.attempted_at, a.outcome, a.http_status, a.error
            FROM delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.id
            WHERE \(condition.sql) ORDER BY d.id, a.id
            """, binds: condition.binds)
        var records: [Int64: DeliveryRecord] = [:]
        var order: [Int64] = []
        for row in try await client.query(query, logger: logger).collect() {
            let (id, alertID, revision, channel, status, queuedAt, next, reason, attemptedAt, outcome, httpStatus, error) =
                try row.decode((Int64, String, Int, String, String, Date, Date?, String?, Date?, String?, Int?, String?).self)
            if records[id] == nil {
                order.append(id)
                records[id] = DeliveryRecord(
                    alertID: alertID, revision: revision, channel: channel, status: DeliveryStatus(rawValue: status) ?? .pending,
                    queuedAt: queuedAt, nextAttemptAt: next, deadReason: reason, attempts: []
                )
            }
            if let attemptedAt {
                records[id]?.attempts.append(.init(at: attemptedAt, outcome: outcome.flatMap(AttemptOutcome.init(rawValue:)) ?? .failed, httpStatus: httpStatus, error: error))
            }
        }
        return order.compactMap { records[$0] }
    }

    // MARK: Watchlists

    public func lastGoodWatchlist(file: String) async throws -> String? {
        try await strings("SELECT content FROM watchlist_version WHERE file = \(file)").first
    }

    public func saveGoodWatchlist(file: String, text: String, at: Date) async throws {
        try await client.query("""
            INSERT INTO watchlist_version (file, content, loaded_at) VALUES (\(file), \(text), \(at))
            ON CONFLICT (file) DO UPDATE SET content = excluded.content, loaded_at = excluded.loaded_at
            """, logger: logger)
    }

    // MARK: Helpers

    private func strings(_ query: PostgresQuery) async throws -> [String] {
        try await client.query(query, logger: logger).collect().map { try $0.decode(String.self) }
    }

    /// Rows a statement with `RETURNING 1` touched.
    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        try await rows.collect().count
    }

    private func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: String) throws -> T {
        try decoder.decode(type, from: payload)
    }

    /// The rows of `elements` as JSON documents of `rowsPerStatement` rows, each made as the
    /// transaction sends it: a million snapshots' rows and documents were all built before the
    /// first was sent, several times the cycle's own memory.
    static func forEachDocument<Element, Row: Encodable>(
        _ elements: [Element], encoder: JSONEncoder, row: (Element) throws -> Row, _ send: (String) async throws -> Void
    ) async throws {
        for start in stride(from: 0, to: elements.count, by: rowsPerStatement) {
            let rows = try elements[start..<min(start + rowsPerStatement, elements.count)].map(row)
            try await send(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }

    private static func decodeSnapshot(_ row: PostgresRow) throws -> (String, String, String?, String?, String?, ScoreColumns, String?, String?) {
        let (siren, source, observedOn, steps, facts, score, low, high, notRated, rating, limit, currency, notApplicable, status, watch, detail) =
            try row.decode((String, String, String?, String?, String?, Double?, Double?, Double?, Bool, String?, Double?, String?, Bool, String?, String?, String?).self)
        return (siren, source, observedOn, steps, facts, ScoreColumns(
            score: score, scoreMin: low, scoreMax: high, notRated: notRated, rating: rating, creditLimit: limit,
            creditLimitCurrency: currency, creditLimitNotApplicable: notApplicable, status: status
        ), watch, detail)
    }

    /// What went wrong, from the server's own message when there is one; postgres-nio's
    /// description is generic on purpose (a query's binds may be secret), and so is this: it
    /// says the SQLSTATE and the server's message, never a bound value.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            return describe(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? error)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message)\(error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

/// A notice as a row of the JSON document a commit sends: a bulk import sends thousands.
struct NoticeRow: Encodable {
    var id: String
    var published: String?
    var sirens: String
    var payload: String
}

/// A snapshot or an observation as a row of the JSON document a commit sends: its text
/// columns (a missing one is NULL), then the score columns.
struct ScoreRow: Encodable {
    var text: [String: String?]
    var columns: ScoreColumns

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for case let (name, value?) in text { try container.encode(value, forKey: Key(stringValue: name)) }
        try columns.encode(to: encoder)
    }
}

extension ScoreColumns {
    /// The columns' types, for `jsonb_to_recordset`.
    static let postgresTypes = """
        score double precision, score_min double precision, score_max double precision, not_rated boolean, rating text,
        credit_limit double precision, credit_limit_currency text, credit_limit_not_applicable boolean, status text
        """
}
