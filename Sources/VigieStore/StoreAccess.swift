/// How a process uses the store, whichever it is.
public enum StoreAccess: Sendable {
    /// A process that writes (a daemon, an import, a redelivery): it creates and migrates the
    /// store. On SQLite it is the only one, holding `<file>.lock` so that a second one refuses to
    /// start instead of sending every alert twice; on PostgreSQL replicas share the work.
    case writer
    /// Reading only (`alerts list`, `status`): works beside a running daemon and on a
    /// read-only SQLite file; never creates a store, a file or a folder.
    case reader
    /// People's actions on cases (`cases ack`, `alerts redeliver`): small writes beside a
    /// running daemon, each its own transaction. It takes no lock and never migrates: the
    /// store must exist and be up to date, as for a reader.
    case editor
}
