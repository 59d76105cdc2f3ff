import VigieCore

/// The PostgreSQL schema, as migrations applied once each, in order, under an advisory lock so
/// that replicas starting together migrate once. Add a migration; never edit one that has shipped.
///
/// The schema is SQLite's as of its v6, with PostgreSQL's types, checked statuses, and the
/// columns several replicas need: delivery claims and work leases.
enum PostgresMigrations {
    struct Migration: Sendable {
        var identifier: String
        /// One statement each: the extended query protocol runs one at a time.
        var statements: [String]
    }

    /// Taken by every migration run, so that replicas starting at once wait for each other.
    static let lockKey: Int64 = 0x5649_4749_4501 // "VIGIE" + 1

    static let scoreColumns = """
        score double precision, score_min double precision, score_max double precision, not_rated boolean NOT NULL DEFAULT false,
        rating text, credit_limit double precision, credit_limit_currency text, credit_limit_not_applicable boolean NOT NULL DEFAULT false, status text
        """

    static let all: [Migration] = [
        Migration(identifier: "v1: snapshots, observations, notices, alerts, outbox, cursors, health, provider ids", statements: [
            """
            CREATE TABLE snapshot (
                siren text NOT NULL, source text NOT NULL, observed_on text, \(scoreColumns),
                procedure_steps text, provider_facts text, confirmed_at timestamptz, updated_at timestamptz NOT NULL,
                PRIMARY KEY (siren, source)
            )
            """,
            """
            CREATE TABLE observation (
                id bigserial PRIMARY KEY, siren text NOT NULL, source text NOT NULL, observed_on text NOT NULL, \(scoreColumns),
                company_name text, recorded_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX observation_company ON observation (siren, source, observed_on)",
            "CREATE INDEX observation_recorded ON observation (recorded_at)",
            """
            CREATE TABLE notice (
                id text PRIMARY KEY, published text, sirens text NOT NULL, payload text, seen_at timestamptz NOT NULL
            )
            """,
            // An alert's id is its identity: the primary key is what keeps two replicas that saw
            // the same fact from raising it twice.
            """
            CREATE TABLE alert (
                id text PRIMARY KEY, seq bigserial NOT NULL, siren text, kind text NOT NULL,
                severity text NOT NULL, state text NOT NULL, revision integer NOT NULL, notice_id text,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, payload text NOT NULL
            )
            """,
            "CREATE INDEX alert_company ON alert (siren)",
            "CREATE INDEX alert_created ON alert (created_at, seq)",
            """
            CREATE TABLE alert_revision (
                alert_id text NOT NULL REFERENCES alert (id), revision integer NOT NULL, payload text NOT NULL,
                recorded_at timestamptz NOT NULL, PRIMARY KEY (alert_id, revision)
            )
            """,
            """
            CREATE TABLE delivery (
                id bigserial PRIMARY KEY, alert_id text NOT NULL, revision integer NOT NULL, channel text NOT NULL,
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts integer NOT NULL DEFAULT 0, last_error text, created_at timestamptz NOT NULL,
                queued_at timestamptz NOT NULL, next_attempt_at timestamptz, delivered_at timestamptz, dead_reason text,
                digest_key text, claimed_by text, claimed_until timestamptz,
                UNIQUE (alert_id, revision, channel),
                FOREIGN KEY (alert_id, revision) REFERENCES alert_revision (alert_id, revision)
            )
            """,
            "CREATE INDEX delivery_due ON delivery (channel, status, next_attempt_at)",
            "CREATE INDEX delivery_digest ON delivery (channel, digest_key, status)",
            """
            CREATE TABLE delivery_attempt (
                id bigserial PRIMARY KEY, delivery_id bigint NOT NULL REFERENCES delivery (id),
                attempted_at timestamptz NOT NULL, outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
                http_status integer, error text
            )
            """,
            "CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id)",
            "CREATE INDEX delivery_attempt_time ON delivery_attempt (attempted_at)",
            "CREATE TABLE cursor (source text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL)",
            "CREATE TABLE watchlist_version (file text PRIMARY KEY, content text NOT NULL, loaded_at timestamptz NOT NULL)",
            """
            CREATE TABLE source_health (
                source text PRIMARY KEY, consecutive_failures integer NOT NULL, failing_since timestamptz,
                alert_id text, last_error text, updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE history_lookup (
                feed text NOT NULL, siren text NOT NULL, looked_up_at timestamptz NOT NULL, PRIMARY KEY (feed, siren)
            )
            """,
            "CREATE TABLE source_poll (source text PRIMARY KEY, polled_at timestamptz NOT NULL)",
            """
            CREATE TABLE provider_id (
                provider text NOT NULL, siren text NOT NULL, id text NOT NULL, learned_at timestamptz NOT NULL,
                PRIMARY KEY (provider, siren)
            )
            """,
        ]),
        Migration(identifier: "v2: replicas share the work: shard and source leases", statements: [
            "CREATE TABLE replica (name text PRIMARY KEY, seen_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)",
            // One row per shard and per source one replica leads; a lease is its holder and when
            // it runs out. Changing `WorkShare.shardCount` needs a migration that reshapes these rows.
            "CREATE TABLE work_lease (item text PRIMARY KEY, holder text, expires_at timestamptz)",
            "INSERT INTO work_lease (item) SELECT 'shard:' || g FROM generate_series(0, \(WorkShare.shardCount - 1)) AS g",
        ]),
        Migration(identifier: "v3: cases, their audit trail, alerts' cases, score hysteresis", statements: [
            """
            CREATE TABLE case_file (
                id text PRIMARY KEY, siren text NOT NULL,
                situation text NOT NULL CHECK (situation IN ('procedure', 'cessation', 'deterioration')),
                state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'snoozed', 'resolved')),
                severity text NOT NULL CHECK (severity IN ('info', 'warning', 'high', 'critical')),
                owner text, opened_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version bigint NOT NULL, payload text NOT NULL
            )
            """,
            "CREATE INDEX case_company ON case_file (siren)",
            "CREATE INDEX case_active ON case_file (state) WHERE state <> 'resolved'",
            """
            CREATE TABLE case_entry (
                id bigserial PRIMARY KEY, case_id text NOT NULL REFERENCES case_file (id), at timestamptz NOT NULL,
                actor text NOT NULL, action text NOT NULL, from_state text, to_state text NOT NULL, note text
            )
            """,
            "CREATE INDEX case_entry_case ON case_entry (case_id, id)",
            "ALTER TABLE alert ADD COLUMN case_id text",
            "CREATE INDEX alert_case ON alert (case_id)",
            "ALTER TABLE snapshot ADD COLUMN score_watch text",
        ]),
        Migration(identifier: "v4: what a source says beyond scores: insurer decisions, aged balances, the money-at-risk review", statements: [
            "ALTER TABLE snapshot ADD COLUMN detail text",
            "ALTER TABLE observation ADD COLUMN detail text",
        ]),
    ]

    static var identifiers: [String] { all.map(\.identifier) }
}
