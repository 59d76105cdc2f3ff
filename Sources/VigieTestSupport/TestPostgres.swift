import Foundation
import Logging
import PostgresNIO
import VigieCore
import VigieStore

/// The PostgreSQL server the tests run against: `scripts/test` starts one (`scripts/postgres`)
/// and names it in `VIGIE_TEST_POSTGRES_URL`. Each test gets a database of its own, so tests
/// run in parallel, and twice at once, without seeing each other's rows.
public enum TestPostgres {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            "VIGIE_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL, or export the URL of a server of yours (scripts/postgres start prints one)"
        }
    }

    /// The server the tests were given.
    public static func server() throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["VIGIE_TEST_POSTGRES_URL"], !url.isEmpty else { throw Unavailable() }
        return try PostgresLocation(url: url, origin: "VIGIE_TEST_POSTGRES_URL")
    }

    /// A new, empty database on the test server. Its name starts with `vigie_test_`, which
    /// `scripts/test` drops before each run.
    public static func makeDatabase() async throws -> PostgresLocation {
        let server = try server()
        let name = "vigie_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let client = PostgresClient(configuration: try server.clientConfiguration(), backgroundLogger: Logger(label: "test.postgres"))
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        return server.database(name)
    }

    /// An empty PostgreSQL store of its own, as a writer.
    public static func makeStore(replica: String = "test", claimDuration: Duration = .seconds(300)) async throws -> PostgresWatchStore {
        try await PostgresWatchStore(
            configuration: .init(location: try await makeDatabase(), replica: replica, claimDuration: claimDuration),
            access: .writer, logger: Logger(label: "test.postgres")
        )
    }
}
