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

    public var testDescription: String { rawValue }
}
