import GRDB

/// The schema, as a list of migrations GRDB applies once each, in order. Add a migration;
/// never edit one that has shipped.
enum StoreMigrations {
    /// What a provider said, as columns shared by the snapshot and the observation history, as
    /// migration v1 created them. A later change to these columns is a new migration.
    static let scoreColumnsV1 = """
        score REAL, score_min REAL, score_max REAL, not_rated INTEGER NOT NULL DEFAULT 0, rating TEXT,
        credit_limit REAL, credit_limit_currency TEXT, credit_limit_not_applicable INTEGER NOT NULL DEFAULT 0, status TEXT,
        """

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: snapshots, observations, notices, alerts, outbox, cursors") { db in
            try db.execute(sql: """
                CREATE TABLE snapshot (
                    siren TEXT NOT NULL,
                    source TEXT NOT NULL,
                    observed_on TEXT,
                    \(scoreColumnsV1)
                    procedure_steps TEXT,
                    updated_at DATETIME NOT NULL,
                    PRIMARY KEY (siren, source)
                ) WITHOUT ROWID;

                CREATE TABLE observation (
                    id INTEGER PRIMARY KEY,
                    siren TEXT NOT NULL,
                    source TEXT NOT NULL,
                    observed_on TEXT NOT NULL,
                    \(scoreColumnsV1)
                    company_name TEXT,
                    recorded_at DATETIME NOT NULL
                );
                CREATE INDEX observation_company ON observation (siren, source, observed_on);

                CREATE TABLE notice (
                    id TEXT PRIMARY KEY NOT NULL,
                    published TEXT,
                    sirens TEXT NOT NULL,
                    payload TEXT,
                    seen_at DATETIME NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE alert (
                    id TEXT PRIMARY KEY NOT NULL,
                    siren TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    state TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    notice_id TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    payload TEXT NOT NULL
                );
                CREATE INDEX alert_company ON alert (siren);
                CREATE INDEX alert_created ON alert (created_at);

                CREATE TABLE alert_revision (
                    alert_id TEXT NOT NULL REFERENCES alert(id),
                    revision INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    recorded_at DATETIME NOT NULL,
                    PRIMARY KEY (alert_id, revision)
                ) WITHOUT ROWID;

                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY,
                    alert_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    created_at DATETIME NOT NULL,
                    delivered_at DATETIME,
                    UNIQUE (alert_id, revision, channel),
                    FOREIGN KEY (alert_id, revision) REFERENCES alert_revision(alert_id, revision)
                );
                CREATE INDEX delivery_pending ON delivery (channel, status, id);

                CREATE TABLE cursor (
                    source TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL,
                    updated_at DATETIME NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE watchlist_version (
                    file TEXT PRIMARY KEY NOT NULL,
                    content TEXT NOT NULL,
                    loaded_at DATETIME NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: delivery retries, dead letters and the attempt log") { db in
            try db.execute(sql: """
                ALTER TABLE delivery ADD COLUMN next_attempt_at DATETIME;
                ALTER TABLE delivery ADD COLUMN queued_at DATETIME;
                ALTER TABLE delivery ADD COLUMN dead_reason TEXT;
                UPDATE delivery SET queued_at = created_at;
                CREATE INDEX delivery_due ON delivery (channel, status, next_attempt_at);

                CREATE TABLE delivery_attempt (
                    id INTEGER PRIMARY KEY,
                    delivery_id INTEGER NOT NULL REFERENCES delivery(id),
                    attempted_at DATETIME NOT NULL,
                    outcome TEXT NOT NULL,
                    http_status INTEGER,
                    error TEXT
                );
                CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id);
                """)
        }
        migrator.registerMigration("v3: digests") { db in
            try db.execute(sql: """
                ALTER TABLE delivery ADD COLUMN digest_key TEXT;
                CREATE INDEX delivery_digest ON delivery (channel, digest_key, status);
                """)
        }
        migrator.registerMigration("v4: company-less alerts, source health, BODACC history look-ups") { db in
            // SQLite cannot drop a NOT NULL: the alert table is rebuilt, as SQLite documents it.
            try db.execute(sql: """
                CREATE TABLE alert_v4 (
                    id TEXT PRIMARY KEY NOT NULL,
                    siren TEXT,
                    kind TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    state TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    notice_id TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    payload TEXT NOT NULL
                );
                INSERT INTO alert_v4 SELECT id, siren, kind, severity, state, revision, notice_id, created_at, updated_at, payload FROM alert;
                DROP TABLE alert;
                ALTER TABLE alert_v4 RENAME TO alert;
                CREATE INDEX alert_company ON alert (siren);
                CREATE INDEX alert_created ON alert (created_at);

                CREATE TABLE source_health (
                    source TEXT PRIMARY KEY NOT NULL,
                    consecutive_failures INTEGER NOT NULL,
                    failing_since DATETIME,
                    alert_id TEXT,
                    last_error TEXT,
                    updated_at DATETIME NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE history_lookup (
                    feed TEXT NOT NULL,
                    siren TEXT NOT NULL,
                    looked_up_at DATETIME NOT NULL,
                    PRIMARY KEY (feed, siren)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5: when each source was last polled") { db in
            try db.execute(sql: """
                CREATE TABLE source_poll (
                    source TEXT PRIMARY KEY NOT NULL,
                    polled_at DATETIME NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6: provider facts and ids; observations on change, confirmations, pruning indexes") { db in
            try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN provider_facts TEXT")
            // When a source last said the same thing again: observations are stored on change only.
            try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN confirmed_at DATETIME")
            try db.execute(sql: "CREATE INDEX observation_recorded ON observation (recorded_at)")
            try db.execute(sql: "CREATE INDEX delivery_attempt_time ON delivery_attempt (attempted_at)")
            // Ids providers gave companies (Creditsafe's connectIds): a restart does not search again.
            try db.execute(sql: """
                CREATE TABLE provider_id (
                    provider TEXT NOT NULL,
                    siren TEXT NOT NULL,
                    id TEXT NOT NULL,
                    learned_at DATETIME NOT NULL,
                    PRIMARY KEY (provider, siren)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v7: cases, their audit trail, alerts' cases, score hysteresis") { db in
            try db.execute(sql: """
                CREATE TABLE case_file (
                    id TEXT PRIMARY KEY NOT NULL,
                    siren TEXT NOT NULL,
                    situation TEXT NOT NULL,
                    state TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    owner TEXT,
                    opened_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    version INTEGER NOT NULL,
                    payload TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX case_company ON case_file (siren);
                CREATE INDEX case_state ON case_file (state);

                CREATE TABLE case_entry (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES case_file (id),
                    at DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX case_entry_case ON case_entry (case_id, id);

                ALTER TABLE alert ADD COLUMN case_id TEXT;
                CREATE INDEX alert_case ON alert (case_id);
                ALTER TABLE snapshot ADD COLUMN score_watch TEXT;
                """)
        }
        migrator.registerMigration("v8: what a source says beyond scores: insurer decisions, aged balances, the money-at-risk review") { db in
            try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN detail TEXT")
            try db.execute(sql: "ALTER TABLE observation ADD COLUMN detail TEXT")
        }
        return migrator
    }
}
