import Foundation
import Logging
import VigieCore
import VigieStore

/// The one place that chooses the store a configuration names: every command and service asks
/// here, so that no command opens a store type by name.
public enum StoreFactory {
    /// How a process uses the store.
    public typealias Access = StoreAccess

    public static func open(_ configuration: VigieConfiguration, access: Access, logger: Logger = Logger(label: "vigie.store")) async throws -> any WatchStore {
        switch configuration.store {
        case .sqlite:
            return try SQLiteWatchStore(configuration: .init(path: configuration.storePath, access: access))
        case .postgres(let settings):
            return try await PostgresWatchStore(configuration: try postgres(settings), access: access, logger: logger)
        }
    }

    /// Where the configured store's schema stands; changes nothing.
    public static func schemaStatus(_ configuration: VigieConfiguration, logger: Logger = Logger(label: "vigie.store")) async throws -> SchemaStatus {
        switch configuration.store {
        case .sqlite:
            return try SQLiteWatchStore.schemaStatus(path: configuration.storePath)
        case .postgres(let settings):
            return try await PostgresWatchStore.schemaStatus(location: try postgres(settings).location, logger: logger)
        }
    }

    /// Where the configured store is, for messages: never a password.
    public static func location(_ configuration: VigieConfiguration) -> String {
        switch configuration.store {
        case .sqlite: configuration.storePath
        case .postgres(let settings): settings.location?.description ?? "PostgreSQL (URL not available here)"
        }
    }

    static func postgres(_ settings: VigieConfiguration.Postgres) throws -> PostgresWatchStore.Configuration {
        guard let location = settings.location else {
            throw StoreFailure(description: "the store's PostgreSQL URL is not available here: export the variable store.url_env names (or make store.url_file readable), then run again")
        }
        return PostgresWatchStore.Configuration(
            location: location, replica: settings.replica ?? defaultReplica, claimDuration: settings.claimTimeout, maximumConnections: settings.maxConnections
        )
    }

    /// A replica's name when the configuration gives none: the host's (a pod's) name, stable
    /// across restarts, so that a restarted replica takes its own leases back at once. Two
    /// processes on one host must each set `store.replica`.
    static var defaultReplica: String {
        ProcessInfo.processInfo.hostName
    }
}
