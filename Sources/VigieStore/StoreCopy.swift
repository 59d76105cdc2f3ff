import Foundation
import GRDB
import Logging
import PostgresNIO
import VigieCore

/// Moves an SQLite store into an empty PostgreSQL one, table by table, in one PostgreSQL
/// transaction: every snapshot, observation, notice, alert with its revisions, delivery with
/// its attempts, cursor and id, as they are. The copy goes on where the SQLite store stopped:
/// alerts keep their ids, so nothing is raised again, and delivered revisions stay delivered.
public enum StoreCopy {
    /// How a column travels: SQLite keeps dates as text and booleans as integers.
    enum Kind {
        case text, integer, real, boolean, date

        var postgresType: String {
            switch self {
            case .text: "text"
            case .integer: "bigint"
            case .real: "double precision"
            case .boolean: "boolean"
            case .date: "timestamptz"
            }
        }
    }

    struct Table {
        var name: String
        var columns: [(name: String, kind: Kind)]
        /// The order rows are read in, so that ids and `seq` keep the SQLite order.
        var order: String
        /// A `bigserial` column whose sequence must continue after the copied ids.
        var serial: String?
    }

    static let score: [(String, Kind)] = [
        ("score", .real), ("score_min", .real), ("score_max", .real), ("not_rated", .boolean), ("rating", .text),
        ("credit_limit", .real), ("credit_limit_currency", .text), ("credit_limit_not_applicable", .boolean), ("status", .text),
    ]

    /// Every table, parents before children (foreign keys hold at each insert).
    static let tables: [Table] = [
        Table(name: "snapshot", columns: [("siren", .text), ("source", .text), ("observed_on", .text)] + score
            + [("procedure_steps", .text), ("provider_facts", .text), ("score_watch", .text), ("detail", .text), ("confirmed_at", .date), ("updated_at", .date)], order: "siren, source"),
        Table(name: "observation", columns: [("id", .integer), ("siren", .text), ("source", .text), ("observed_on", .text)] + score
            + [("company_name", .text), ("recorded_at", .date), ("detail", .text)], order: "id", serial: "id"),
        Table(name: "notice", columns: [("id", .text), ("published", .text), ("sirens", .text), ("payload", .text), ("seen_at", .date)], order: "id"),
        Table(name: "alert", columns: [
            ("id", .text), ("siren", .text), ("kind", .text), ("severity", .text), ("state", .text), ("revision", .integer),
            ("notice_id", .text), ("created_at", .date), ("updated_at", .date), ("payload", .text), ("case_id", .text),
        ], order: "rowid"),
        Table(name: "case_file", columns: [
            ("id", .text), ("siren", .text), ("situation", .text), ("state", .text), ("severity", .text), ("owner", .text),
            ("opened_at", .date), ("updated_at", .date), ("version", .integer), ("payload", .text),
        ], order: "id"),
        Table(name: "case_entry", columns: [
            ("id", .integer), ("case_id", .text), ("at", .date), ("actor", .text), ("action", .text), ("from_state", .text), ("to_state", .text), ("note", .text),
        ], order: "id", serial: "id"),
        Table(name: "alert_revision", columns: [("alert_id", .text), ("revision", .integer), ("payload", .text), ("recorded_at", .date)], order: "alert_id, revision"),
        Table(name: "delivery", columns: [
            ("id", .integer), ("alert_id", .text), ("revision", .integer), ("channel", .text), ("status", .text), ("attempts", .integer),
            ("last_error", .text), ("created_at", .date), ("queued_at", .date), ("next_attempt_at", .date), ("delivered_at", .date),
            ("dead_reason", .text), ("digest_key", .text),
        ], order: "id", serial: "id"),
        Table(name: "delivery_attempt", columns: [
            ("id", .integer), ("delivery_id", .integer), ("attempted_at", .date), ("outcome", .text), ("http_status", .integer), ("error", .text),
        ], order: "id", serial: "id"),
        Table(name: "cursor", columns: [("source", .text), ("value", .text), ("updated_at", .date)], order: "source"),
        Table(name: "watchlist_version", columns: [("file", .text), ("content", .text), ("loaded_at", .date)], order: "file"),
        Table(name: "source_health", columns: [
            ("source", .text), ("consecutive_failures", .integer), ("failing_since", .date), ("alert_id", .text), ("last_error", .text), ("updated_at", .date),
        ], order: "source"),
        Table(name: "history_lookup", columns: [("feed", .text), ("siren", .text), ("looked_up_at", .date)], order: "feed, siren"),
        Table(name: "source_poll", columns: [("source", .text), ("polled_at", .date)], order: "source"),
        Table(name: "provider_id", columns: [("provider", .text), ("siren", .text), ("id", .text), ("learned_at", .date)], order: "provider, siren"),
    ]

    /// Rows copied, by table.
    public struct Report: Sendable, Hashable {
        public var rows: [String: Int] = [:]
        public var tables: [String] { StoreCopy.tables.map(\.name) }
    }

    /// Copies `source` into `target`, which must hold no alert and no snapshot yet: merging two
    /// histories would make alerts that are not one store's nor the other's.
    public static func copy(from source: SQLiteWatchStore, to target: PostgresWatchStore, logger: Logger) async throws -> Report {
        let existing = try await target.client.query("SELECT (SELECT count(*) FROM alert) + (SELECT count(*) FROM snapshot) + (SELECT count(*) FROM delivery)", logger: logger)
            .collect().first?.decode(Int.self) ?? 0
        guard existing == 0 else {
            throw StoreFailure(description: "the PostgreSQL store at \(target.configuration.location) already holds alerts or snapshots; copy into an empty database (create a new one), so that no history is mixed or alerted twice")
        }
        var report = Report()
        let encoder = JSONEncoder()
        try await target.client.withTransaction(logger: logger) { connection in
            for table in tables {
                let documents = try await source.writer.read { db in try Self.documents(table, db) }
                var count = 0
                for document in documents {
                    let names = table.columns.map(\.name).joined(separator: ", ")
                    let types = table.columns.map { "\($0.name) \($0.kind.postgresType)" }.joined(separator: ", ")
                    let rows = String(decoding: try encoder.encode(document), as: UTF8.self)
                    try await connection.query("""
                        INSERT INTO \(unescaped: table.name) (\(unescaped: names))
                        SELECT \(unescaped: names) FROM ROWS FROM (jsonb_to_recordset(\(rows)::jsonb) AS (\(unescaped: types))) WITH ORDINALITY AS x
                        ORDER BY ordinality
                        """, logger: logger)
                    count += document.count
                }
                if let serial = table.serial {
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table.name)', '\(serial)'), COALESCE((SELECT max(\(serial)) FROM \(table.name)), 0) + 1, false)
                        """), logger: logger)
                }
                report.rows[table.name] = count
                logger.info("store.copied", metadata: ["store.table": "\(table.name)", "store.rows": "\(count)"])
            }
        }
        return report
    }

    /// A table's rows as JSON objects PostgreSQL reads with `jsonb_to_recordset`, in chunks.
    static func documents(_ table: Table, _ db: Database) throws -> [[[String: JSONCell]]] {
        var documents: [[[String: JSONCell]]] = []
        var current: [[String: JSONCell]] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT \(table.columns.map(\.name).joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)")
        while let row = try rows.next() {
            var object: [String: JSONCell] = [:]
            for (index, column) in table.columns.enumerated() {
                let value = row[index] as DatabaseValue
                guard !value.isNull else { continue }
                switch column.kind {
                case .text: object[column.name] = .text(String.fromDatabaseValue(value) ?? "")
                case .integer: object[column.name] = .integer(Int64.fromDatabaseValue(value) ?? 0)
                case .real: object[column.name] = .real(Double.fromDatabaseValue(value) ?? 0)
                case .boolean: object[column.name] = .boolean(Bool.fromDatabaseValue(value) ?? false)
                case .date:
                    guard let date = Date.fromDatabaseValue(value) else { continue }
                    object[column.name] = .text(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date))
                }
            }
            current.append(object)
            if current.count == PostgresWatchStore.rowsPerStatement {
                documents.append(current)
                current = []
            }
        }
        if !current.isEmpty { documents.append(current) }
        return documents
    }

    enum JSONCell: Encodable {
        case text(String), integer(Int64), real(Double), boolean(Bool)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .real(let value): try container.encode(value)
            case .boolean(let value): try container.encode(value)
            }
        }
    }
}
