import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import VigieCore
import VigieStore

/// The stores every implementation is held to: these tests take the store as an argument, so
/// that a second implementation (PostgreSQL) runs them unchanged by adding its case.
public enum StoreUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// An empty store, on its own.
    public func make() async throws -> any WatchStore {
        switch self {
        case .sqlite: try SQLiteWatchStore(configuration: .init(path: nil))
        case .postgres: try await TestPostgres.makeStore()
        }
    }

    /// An empty store on its own, and a way to run SQL on its rows behind its back: a document
    /// damaged on disk, or written by a later version, is what such a test needs.
    public func makeWithSQL() async throws -> (store: any WatchStore, execute: @Sendable (String) async throws -> Void) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-sql-\(UUID()).sqlite").path
            let store = try SQLiteWatchStore(configuration: .init(path: path))
            return (store, { sql in try await DatabaseQueue(path: path).write { try $0.execute(sql: sql) } })
        case .postgres:
            let location = try await TestPostgres.makeDatabase()
            let store = try await PostgresWatchStore(configuration: .init(location: location, replica: "test"), access: .writer, logger: Logger(label: "test.postgres"))
            return (store, { sql in
                let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: Logger(label: "test.postgres"))
                let running = Task { await client.run() }
                defer { running.cancel() }
                try await client.query(PostgresQuery(unsafeSQL: sql))
            })
        }
    }

    public var testDescription: String { rawValue }
}
