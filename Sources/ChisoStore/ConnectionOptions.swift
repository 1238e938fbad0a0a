/// How a `Database` connection opens its file.
public enum OpenMode: Sendable {
    /// Read and write; the file is created if missing and switched to WAL journal mode.
    case readWrite
    /// Read only: the connection of a reader (a dashboard, `snapshot`), which never blocks the
    /// writer in WAL mode (interfaces.md, "Readers never block the writer").
    case readOnly
}

/// How `BEGIN` takes its locks (<https://sqlite.org/lang_transaction.html>).
public enum TransactionKind: Sendable {
    /// Locks are taken at the first read or write.
    case deferred
    /// The write lock is taken at once: the writer's choice, so a batch never fails half-way
    /// for want of the lock.
    case immediate
    /// Like `immediate` (in WAL mode the two are the same).
    case exclusive

    var beginSQL: StaticString {
        switch self {
        case .deferred: "BEGIN DEFERRED TRANSACTION"
        case .immediate: "BEGIN IMMEDIATE TRANSACTION"
        case .exclusive: "BEGIN EXCLUSIVE TRANSACTION"
        }
    }
}

/// The mode of a WAL checkpoint (`sqlite3_wal_checkpoint_v2`), details.md 28.
public enum CheckpointMode: Sendable {
    /// Copy as many frames as possible without waiting for anyone.
    case passive
    /// Wait (busy timeout) for the writer lock and for readers of old frames, then copy all.
    case full
    /// Like `full`, then wait for readers so the next writer restarts the WAL from its start.
    case restart
    /// Like `restart`, then truncate the WAL file to zero bytes.
    case truncate

    var sqliteValue: Int32 {
        switch self {
        case .passive: SQLITE_CHECKPOINT_PASSIVE
        case .full: SQLITE_CHECKPOINT_FULL
        case .restart: SQLITE_CHECKPOINT_RESTART
        case .truncate: SQLITE_CHECKPOINT_TRUNCATE
        }
    }
}
