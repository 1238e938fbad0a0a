#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One SQLite connection.
///
/// Not thread-safe: use each connection from one thread or task. chiso's writer (ingest) and
/// its readers (snapshot, rank, a dashboard) use separate connections to the same WAL database,
/// so readers never block the writer and never see half a batch (interfaces.md).
///
///     let db = try Database(path: "chiso.sqlite")
///     try db.configureWriter(autoCheckpointPages: 0)
///     try db.transaction {
///         let insert = try db.cachedStatement("INSERT INTO events(id) VALUES (?)")
///         insert.bind("e-1", at: 1)
///         try insert.run()
///     }
///     try db.checkpoint(.passive)
public final class Database {
    /// The path the connection was opened with (`":memory:"` for an in-memory database).
    public let path: String
    /// The `sqlite3` connection.
    private let connection: OpaquePointer
    /// Prepared statements by SQL, finalized before the connection closes.
    private var statementCache: [String: Statement] = [:]
    /// Prepared statements by the address of their SQL literal: the hot path's look-up hashes a
    /// pointer instead of the SQL text.
    private var literalStatementCache: [UnsafeRawPointer: Statement] = [:]
    private var busyTimeout: Int32
    /// What the WAL hook keeps: [0] the frames in the WAL after this connection's last commit, as
    /// SQLite reports them; [1] the automatic checkpoint's threshold in frames (≤ 0: none).
    private let walHookState: UnsafeMutablePointer<Int32>
    /// The database's page size: the size of a WAL frame's page.
    private var pageSize: Int64 = 4096

    /// Once per process, before its first connection: SQLite's memory statistics off. They take a
    /// global mutex on every allocation SQLite makes, and chiso reads none of them
    /// (docs/performance.md "Ingest", item 14). Refused, harmlessly, if something else in the
    /// process initialised SQLite first.
    private static let configureProcess: Void = { _ = chiso_sqlite3_config_memstatus(0) }()

    /// The busy timeout every connection starts with.
    public static let defaultBusyTimeoutMilliseconds: Int32 = 5_000

    /// Opens a connection (`SQLITE_OPEN_NOMUTEX`, extended result codes on, busy timeout 5000 ms).
    ///
    /// `.readWrite` creates the file if missing and sets `journal_mode=WAL` (an error if the file
    /// cannot be switched to WAL; an in-memory database keeps its `memory` journal),
    /// `synchronous=FULL` (a committed batch survives power loss, interfaces.md) and
    /// `foreign_keys=ON`. Checkpoint policy is the writer's: see `configureWriter`.
    public init(path: String, mode: OpenMode = .readWrite) throws(SQLiteError) {
        Database.configureProcess
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let connection = opened else {
            var error = SQLiteError(code: code, connection: opened, sql: nil)
            error.message += " (opening \(path))"
            sqlite3_close_v2(opened)
            throw error
        }
        do {
            try Database.configure(connection, mode: mode)
        } catch {
            sqlite3_close_v2(connection)
            throw error
        }
        self.path = path
        self.connection = connection
        self.busyTimeout = Database.defaultBusyTimeoutMilliseconds
        walHookState = .allocate(capacity: 2)
        walHookState.initialize(repeating: 0, count: 2)
        installWALHook(autoCheckpointPages: 1_000)  // SQLite's default until `configureWriter`
        if let size = try? Database.firstText(of: "PRAGMA page_size", on: connection), let bytes = Int64(size) {
            pageSize = bytes
        }
    }

    private static func configure(_ connection: OpaquePointer, mode: OpenMode) throws(SQLiteError) {
        try check(sqlite3_extended_result_codes(connection, 1), on: connection, sql: nil)
        try check(
            sqlite3_busy_timeout(connection, defaultBusyTimeoutMilliseconds), on: connection, sql: nil)
        guard mode == .readWrite else { return }
        let journalSQL = "PRAGMA journal_mode=WAL"
        // Switching a new file to WAL needs it alone, and failed with SQLITE_BUSY despite the busy
        // timeout when a reader opened the new file at the same instant (an audit saw 3 of 60
        // ingests started beside `chiso status` fail so): the switch is tried again, every 20 ms
        // for up to about 5 s, before the error is reported.
        var journalMode: String?
        var attempt = 0
        while true {
            do {
                journalMode = try firstText(of: journalSQL, on: connection)
                break
            } catch where error.resultCode & 0xFF == SQLITE_BUSY && attempt < 250 {
                attempt += 1
                usleep(20_000)
            }
        }
        guard journalMode == "wal" || journalMode == "memory" else {
            throw SQLiteError(
                extendedResultCode: SQLITE_ERROR,
                message: "the database could not be switched to WAL journal mode "
                    + "(it stays in \(journalMode ?? "an unknown") mode)",
                sql: journalSQL)
        }
        try execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", on: connection)
    }

    deinit {
        for statement in statementCache.values { statement.finalize() }
        for statement in literalStatementCache.values { statement.finalize() }
        // close_v2: statements made by makeStatement that are still alive keep the connection
        // open (a "zombie") until they are finalized, instead of failing with SQLITE_BUSY.
        sqlite3_close_v2(connection)
        walHookState.deallocate()
    }

    /// Sets the writer's checkpoint policy: the automatic checkpoint's threshold (pages, as
    /// `wal_autocheckpoint`; 0 or less turns automatic checkpoints off so the caller checkpoints
    /// between batches, details.md 28, from `walContentBytes`) and
    /// `journal_size_limit` (the size, in bytes, the WAL file is truncated back to after a
    /// checkpoint lets it restart; default 64 MiB).
    public func configureWriter(
        autoCheckpointPages: Int, journalSizeLimitBytes: Int64 = 64 * 1024 * 1024
    ) throws(SQLiteError) {
        try execute("PRAGMA journal_size_limit=\(max(-1, journalSizeLimitBytes))")
        // Not `PRAGMA wal_autocheckpoint`: it would replace the hook that counts frames.
        installWALHook(autoCheckpointPages: Int32(clamping: max(0, autoCheckpointPages)))
    }

    // MARK: Statements

    /// Runs one or more `;`-separated statements, ignoring any rows. A failure names the
    /// statement that failed; the ones before it have run.
    public func execute(_ sql: String) throws(SQLiteError) {
        try Database.execute(sql, on: connection)
    }

    /// A prepared statement for `sql`, cached on this connection: the same SQL gives the same
    /// `Statement` object, reset and with its bindings cleared. Pass constant SQL (values go in
    /// bindings), or the cache grows without bound.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        statementCache[sql] = statement
        return statement
    }

    /// `cachedStatement(_:)` for SQL written as a literal in the source, looked up by the literal's
    /// address (ingest prepares nothing and hashes no SQL per event).
    public func cachedStatement(literal sql: StaticString) throws(SQLiteError) -> Statement {
        guard sql.hasPointerRepresentation else { return try cachedStatement(sql.description) }
        let key = UnsafeRawPointer(sql.utf8Start)
        if let statement = literalStatementCache[key] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql.description, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        literalStatementCache[key] = statement
        return statement
    }

    /// A new prepared statement for `sql` (one statement), not cached; finalized when released.
    public func makeStatement(_ sql: String) throws(SQLiteError) -> Statement {
        try prepare(sql, flags: 0)
    }

    private func prepare(_ sql: String, flags: UInt32) throws(SQLiteError) -> Statement {
        var handle: OpaquePointer?
        var tailOffset = 0
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(connection, text, -1, flags, &handle, &tail)
            if let tail { tailOffset = text.distance(to: tail) }
            return code
        }
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
        guard let handle else {
            throw SQLiteError(
                extendedResultCode: SQLITE_MISUSE, message: "the SQL holds no statement", sql: sql)
        }
        let statement = Statement(handle: handle, sql: sql)
        let rest = String(decoding: sql.utf8.dropFirst(tailOffset), as: UTF8.self)
        let holdsMore: Bool
        do {
            holdsMore = try Database.holdsStatement(rest, on: connection)
        } catch {
            throw SQLiteError(
                extendedResultCode: error.extendedResultCode, message: error.message, sql: sql)
        }
        if holdsMore {
            throw SQLiteError(
                extendedResultCode: SQLITE_MISUSE,
                message: "a prepared statement holds one statement and this SQL holds more "
                    + "(execute runs several)",
                sql: sql)
        }
        return statement
    }

    /// True when `sql` holds a statement, not only `;`, whitespace and comments.
    private static func holdsStatement(
        _ sql: String, on connection: OpaquePointer
    ) throws(SQLiteError) -> Bool {
        var remaining = Substring(sql)
        while remaining.contains(where: { !$0.isWhitespace && $0 != ";" }) {
            var handle: OpaquePointer?
            var tailOffset = 0
            let code = String(remaining).withCString { text in
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v3(connection, text, -1, 0, &handle, &tail)
                if let tail { tailOffset = text.distance(to: tail) }
                return code
            }
            sqlite3_finalize(handle)
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, connection: connection, sql: sql)
            }
            if handle != nil { return true }
            guard tailOffset > 0 else { return false }
            remaining = Substring(remaining.utf8.dropFirst(tailOffset))
        }
        return false
    }

    /// SELECT for a single integer: the first column of the first row, nil when there is no
    /// row or the value is NULL. The statement is cached (pass constant SQL) and reset before
    /// returning, so it holds no read transaction.
    public func scalarInt64(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    // MARK: Transactions

    /// Opens a transaction (`BEGIN DEFERRED|IMMEDIATE|EXCLUSIVE`).
    public func begin(_ kind: TransactionKind = .deferred) throws(SQLiteError) {
        try cachedStatement(literal: kind.beginSQL).run()
    }

    /// Commits the open transaction.
    public func commit() throws(SQLiteError) {
        try cachedStatement(literal: "COMMIT TRANSACTION").run()
    }

    /// Rolls back the open transaction; does nothing when none is open (SQLite may already
    /// have rolled back after an I/O, disk-full or busy error).
    public func rollback() throws(SQLiteError) {
        guard isInTransaction else { return }
        try cachedStatement(literal: "ROLLBACK TRANSACTION").run()
    }

    /// True between `begin` and `commit`/`rollback` (the connection is not in autocommit mode).
    public var isInTransaction: Bool { sqlite3_get_autocommit(connection) == 0 }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it (or the
    /// commit) throws, and rethrows that error. A batch is committed whole or not at all
    /// (interfaces.md).
    public func transaction<T>(
        _ kind: TransactionKind = .immediate, _ body: () throws -> T
    ) throws -> T {
        try begin(kind)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            do {
                try rollback()
            } catch {
                // The body's (or commit's) error is the one the caller must see; a failed
                // rollback leaves SQLite to roll back when the connection closes.
            }
            throw error
        }
    }

    // MARK: Connection state

    /// Rows changed by the last INSERT, UPDATE or DELETE (`sqlite3_changes64`).
    public var changes: Int { Int(sqlite3_changes64(connection)) }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// How long a statement waits for a lock held by another connection before failing with
    /// `SQLITE_BUSY` (0 or less: fail at once).
    public var busyTimeoutMilliseconds: Int32 {
        get { busyTimeout }
        set {
            sqlite3_busy_timeout(connection, newValue)
            busyTimeout = max(0, newValue)
        }
    }

    /// Runs `body` with the busy timeout set to `milliseconds`, then puts the previous one back.
    @discardableResult
    public func withBusyTimeout<T>(_ milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        let kept = busyTimeoutMilliseconds
        busyTimeoutMilliseconds = milliseconds
        defer { busyTimeoutMilliseconds = kept }
        return try body()
    }

    // MARK: WAL

    /// Checkpoints the WAL of "main" (`sqlite3_wal_checkpoint_v2`), details.md 28; returns the
    /// frames in the WAL and the frames copied into the database (both -1 when the database is
    /// not in WAL mode).
    ///
    /// `SQLITE_BUSY` from a passive, restart or truncate checkpoint (a reader still uses old
    /// frames, or another checkpoint runs) is not an error: the counts say how far it got; try
    /// again later. From a `.full` checkpoint, which promises every frame, it is thrown.
    @discardableResult
    public func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> (
        walFrames: Int, checkpointedFrames: Int
    ) {
        var walFrames: Int32 = -1
        var checkpointedFrames: Int32 = -1
        let code = sqlite3_wal_checkpoint_v2(
            connection, "main", mode.sqliteValue, &walFrames, &checkpointedFrames)
        let busyIsAnAnswer = mode != .full && code & 0xff == SQLITE_BUSY
        guard code == SQLITE_OK || busyIsAnAnswer else {
            throw SQLiteError(
                code: code, connection: connection, sql: "checkpoint(.\(mode)) of main")
        }
        if mode == .restart || mode == .truncate, code == SQLITE_OK {
            // The WAL restarts from its first frame at the next commit.
            walHookState[0] = 0
        }
        return (Int(walFrames), Int(checkpointedFrames))
    }

    /// The bytes of WAL content after this connection's last commit (frames × page size): what a
    /// checkpoint would copy. 0 after a RESTART or TRUNCATE checkpoint that completed, and for a
    /// database that is not in WAL mode.
    ///
    /// A writer decides when to checkpoint from this, not from `walFileSize()`: after a RESTART
    /// checkpoint SQLite rewrites the WAL file from its start but keeps the file (up to
    /// `journal_size_limit`), so the file's size stays at its largest and would ask for a
    /// checkpoint after every batch.
    public var walContentBytes: Int64 { Int64(walHookState[0]) * pageSize }

    /// Installs the WAL hook that counts the WAL's frames (`walContentBytes`). It replaces SQLite's
    /// own hook (`wal_autocheckpoint` sets that one), so it also runs the automatic passive
    /// checkpoint as SQLite's does, when `autoCheckpointPages` > 0.
    private func installWALHook(autoCheckpointPages: Int32) {
        walHookState[1] = autoCheckpointPages
        sqlite3_wal_hook(connection, { context, connection, name, frames in
            guard let state = context?.assumingMemoryBound(to: Int32.self) else { return SQLITE_OK }
            state[0] = frames
            if state[1] > 0, frames >= state[1] { sqlite3_wal_checkpoint(connection, name) }
            return SQLITE_OK
        }, UnsafeMutableRawPointer(walHookState))
    }

    /// The size in bytes of the database's WAL file, 0 when there is none (or the database
    /// is in memory).
    public func walFileSize() -> Int64 {
        // sqlite3_db_filename gives the absolute path SQLite actually opened.
        guard let databaseFile = sqlite3_db_filename(connection, "main"),
              databaseFile.pointee != 0,
              let walFile = sqlite3_filename_wal(databaseFile)
        else { return 0 }
        var status = stat()
        guard stat(walFile, &status) == 0 else { return 0 }
        return Int64(status.st_size)
    }

    // MARK: Helpers on a raw connection (also used before `self` exists)

    private static func check(
        _ code: Int32, on connection: OpaquePointer, sql: String?
    ) throws(SQLiteError) {
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
    }

    /// Runs every statement of `sql` in turn, ignoring rows; an error carries the statement
    /// that failed.
    private static func execute(_ sql: String, on connection: OpaquePointer) throws(SQLiteError) {
        let text = sql.utf8CString
        let failure: SQLiteError? = text.withUnsafeBufferPointer { buffer in
            guard var next = buffer.baseAddress else { return nil }
            while next.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v3(connection, next, -1, 0, &statement, &tail)
                guard code == SQLITE_OK else {
                    // `tail` may point inside the failing statement (a syntax error): quote
                    // the whole statement instead.
                    return SQLiteError(
                        code: code, connection: connection,
                        sql: trimmed(firstStatement(of: String(cString: next))))
                }
                defer { sqlite3_finalize(statement) }
                guard let tail, tail != next else { return nil }
                guard let statement else {
                    next = tail  // an empty statement: only `;`, whitespace or comments
                    continue
                }
                var stepCode = sqlite3_step(statement)
                while stepCode == SQLITE_ROW { stepCode = sqlite3_step(statement) }
                guard stepCode == SQLITE_DONE else {
                    return SQLiteError(
                        code: stepCode, connection: connection,
                        sql: trimmed(sqlText(from: next, to: tail)))
                }
                next = tail
            }
            return nil
        }
        if let failure { throw failure }
    }

    private static func sqlText(from start: UnsafePointer<CChar>, to end: UnsafePointer<CChar>) -> String {
        String(
            decoding: UnsafeRawBufferPointer(start: start, count: start.distance(to: end)),
            as: UTF8.self)
    }

    /// The text of the first statement of `sql`, up to and including the `;` that completes
    /// it (`sqlite3_complete` knows about quotes, comments and triggers); all of `sql` if none.
    private static func firstStatement(of sql: String) -> String {
        var prefix = ""
        for character in sql {
            prefix.append(character)
            if character == ";" && sqlite3_complete(prefix) != 0 { return prefix }
        }
        return sql
    }

    private static func trimmed(_ sql: String) -> String {
        String(sql.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// The first column of the first row of `sql` as text (nil when no row or NULL).
    private static func firstText(
        of sql: String, on connection: OpaquePointer
    ) throws(SQLiteError) -> String? {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, 0, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
        let statement = Statement(handle: handle, sql: sql)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.text(at: 0)
    }
}
