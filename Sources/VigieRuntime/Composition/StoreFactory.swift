import Foundation
import VigieCore
import VigieStore

/// The one place that chooses the store a configuration names: every command and service asks
/// here, so that a second kind of store (PostgreSQL) is one case to add, not a search through
/// the commands.
public enum StoreFactory {
    /// How a process uses the store.
    public enum Access: Sendable {
        /// The one process that writes (a daemon, an import, a redelivery).
        case writer
        /// Reading only: beside a running daemon, on a read-only file, creating nothing.
        case reader
    }

    public static func open(_ configuration: VigieConfiguration, access: Access) throws -> any WatchStore {
        try SQLiteWatchStore(configuration: .init(path: configuration.storePath, access: access == .writer ? .writer : .reader))
    }

    /// Where the configured store's schema stands; changes nothing.
    public static func schemaStatus(_ configuration: VigieConfiguration) throws -> SchemaStatus {
        try SQLiteWatchStore.schemaStatus(path: configuration.storePath)
    }
}
