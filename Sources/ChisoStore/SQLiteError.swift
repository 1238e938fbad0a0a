/// An SQLite error: primary and extended result codes, SQLite's message, and the SQL that failed.
///
/// Every connection runs with extended result codes on, so `extendedResultCode` is the precise
/// one (`2067` = `SQLITE_CONSTRAINT_UNIQUE`) and `resultCode` its primary family (`19` =
/// `SQLITE_CONSTRAINT`). `description` is one line a person can read:
///
///     SQLite error 19 (SQLITE_CONSTRAINT_UNIQUE, extended 2067): UNIQUE constraint failed:
///     events.id — while running: INSERT INTO events(id) VALUES (?)
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary result code: `extendedResultCode & 0xff`.
    public var resultCode: Int32
    /// The extended result code, as returned by SQLite.
    public var extendedResultCode: Int32
    /// SQLite's message (`sqlite3_errmsg`) at the time of the failure.
    public var message: String
    /// The SQL that failed, when the failure came from a statement.
    public var sql: String?

    /// Makes an error from an extended (or primary) result code; `resultCode` is derived.
    public init(extendedResultCode: Int32, message: String, sql: String? = nil) {
        self.resultCode = extendedResultCode & 0xff
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// The longest SQL quoted in `description`; `sql` itself always holds all of it.
    static let maximumQuotedSQLLength = 1_000

    public var description: String {
        let name = SQLiteError.name(of: extendedResultCode) ?? SQLiteError.name(of: resultCode)
        var text = "SQLite error \(resultCode)"
        switch (name, extendedResultCode == resultCode) {
        case (let name?, true): text += " (\(name))"
        case (let name?, false): text += " (\(name), extended \(extendedResultCode))"
        case (nil, true): break
        case (nil, false): text += " (extended \(extendedResultCode))"
        }
        text += ": \(message)"
        if let sql {
            let quoted = sql.count > SQLiteError.maximumQuotedSQLLength
                ? String(sql.prefix(SQLiteError.maximumQuotedSQLLength)) + "…"
                : sql
            text += " — while running: \(quoted)"
        }
        return text
    }

    /// The C name of a primary or extended result code (`"SQLITE_BUSY"`), nil when unknown.
    public static func name(of code: Int32) -> String? {
        resultCodeNames[code]
    }

    private static let resultCodeNames: [Int32: String] = [
        SQLITE_OK: "SQLITE_OK",
        SQLITE_ERROR: "SQLITE_ERROR",
        SQLITE_INTERNAL: "SQLITE_INTERNAL",
        SQLITE_PERM: "SQLITE_PERM",
        SQLITE_ABORT: "SQLITE_ABORT",
        SQLITE_BUSY: "SQLITE_BUSY",
        SQLITE_LOCKED: "SQLITE_LOCKED",
        SQLITE_NOMEM: "SQLITE_NOMEM",
        SQLITE_READONLY: "SQLITE_READONLY",
        SQLITE_INTERRUPT: "SQLITE_INTERRUPT",
        SQLITE_IOERR: "SQLITE_IOERR",
        SQLITE_CORRUPT: "SQLITE_CORRUPT",
        SQLITE_NOTFOUND: "SQLITE_NOTFOUND",
        SQLITE_FULL: "SQLITE_FULL",
        SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
        SQLITE_PROTOCOL: "SQLITE_PROTOCOL",
        SQLITE_EMPTY: "SQLITE_EMPTY",
        SQLITE_SCHEMA: "SQLITE_SCHEMA",
        SQLITE_TOOBIG: "SQLITE_TOOBIG",
        SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT",
        SQLITE_MISMATCH: "SQLITE_MISMATCH",
        SQLITE_MISUSE: "SQLITE_MISUSE",
        SQLITE_NOLFS: "SQLITE_NOLFS",
        SQLITE_AUTH: "SQLITE_AUTH",
        SQLITE_FORMAT: "SQLITE_FORMAT",
        SQLITE_RANGE: "SQLITE_RANGE",
        SQLITE_NOTADB: "SQLITE_NOTADB",
        SQLITE_NOTICE: "SQLITE_NOTICE",
        SQLITE_WARNING: "SQLITE_WARNING",
        SQLITE_ROW: "SQLITE_ROW",
        SQLITE_DONE: "SQLITE_DONE",
        // Extended codes chiso is likely to meet.
        (SQLITE_ERROR | (1 << 8)): "SQLITE_ERROR_MISSING_COLLSEQ",
        (SQLITE_ERROR | (2 << 8)): "SQLITE_ERROR_RETRY",
        (SQLITE_ERROR | (3 << 8)): "SQLITE_ERROR_SNAPSHOT",
        (SQLITE_IOERR | (1 << 8)): "SQLITE_IOERR_READ",
        (SQLITE_IOERR | (2 << 8)): "SQLITE_IOERR_SHORT_READ",
        (SQLITE_IOERR | (3 << 8)): "SQLITE_IOERR_WRITE",
        (SQLITE_IOERR | (4 << 8)): "SQLITE_IOERR_FSYNC",
        (SQLITE_IOERR | (6 << 8)): "SQLITE_IOERR_TRUNCATE",
        (SQLITE_IOERR | (10 << 8)): "SQLITE_IOERR_DELETE",
        (SQLITE_IOERR | (12 << 8)): "SQLITE_IOERR_NOMEM",
        (SQLITE_IOERR | (13 << 8)): "SQLITE_IOERR_ACCESS",
        (SQLITE_IOERR | (15 << 8)): "SQLITE_IOERR_LOCK",
        (SQLITE_IOERR | (18 << 8)): "SQLITE_IOERR_SHMOPEN",
        (SQLITE_IOERR | (19 << 8)): "SQLITE_IOERR_SHMSIZE",
        (SQLITE_IOERR | (20 << 8)): "SQLITE_IOERR_SHMLOCK",
        (SQLITE_IOERR | (21 << 8)): "SQLITE_IOERR_SHMMAP",
        (SQLITE_LOCKED | (1 << 8)): "SQLITE_LOCKED_SHAREDCACHE",
        (SQLITE_BUSY | (1 << 8)): "SQLITE_BUSY_RECOVERY",
        (SQLITE_BUSY | (2 << 8)): "SQLITE_BUSY_SNAPSHOT",
        (SQLITE_BUSY | (3 << 8)): "SQLITE_BUSY_TIMEOUT",
        (SQLITE_CANTOPEN | (1 << 8)): "SQLITE_CANTOPEN_NOTEMPDIR",
        (SQLITE_CANTOPEN | (2 << 8)): "SQLITE_CANTOPEN_ISDIR",
        (SQLITE_CANTOPEN | (3 << 8)): "SQLITE_CANTOPEN_FULLPATH",
        (SQLITE_CORRUPT | (1 << 8)): "SQLITE_CORRUPT_VTAB",
        (SQLITE_CORRUPT | (2 << 8)): "SQLITE_CORRUPT_SEQUENCE",
        (SQLITE_CORRUPT | (3 << 8)): "SQLITE_CORRUPT_INDEX",
        (SQLITE_READONLY | (1 << 8)): "SQLITE_READONLY_RECOVERY",
        (SQLITE_READONLY | (2 << 8)): "SQLITE_READONLY_CANTLOCK",
        (SQLITE_READONLY | (3 << 8)): "SQLITE_READONLY_ROLLBACK",
        (SQLITE_READONLY | (4 << 8)): "SQLITE_READONLY_DBMOVED",
        (SQLITE_READONLY | (5 << 8)): "SQLITE_READONLY_CANTINIT",
        (SQLITE_READONLY | (6 << 8)): "SQLITE_READONLY_DIRECTORY",
        (SQLITE_ABORT | (2 << 8)): "SQLITE_ABORT_ROLLBACK",
        (SQLITE_CONSTRAINT | (1 << 8)): "SQLITE_CONSTRAINT_CHECK",
        (SQLITE_CONSTRAINT | (2 << 8)): "SQLITE_CONSTRAINT_COMMITHOOK",
        (SQLITE_CONSTRAINT | (3 << 8)): "SQLITE_CONSTRAINT_FOREIGNKEY",
        (SQLITE_CONSTRAINT | (4 << 8)): "SQLITE_CONSTRAINT_FUNCTION",
        (SQLITE_CONSTRAINT | (5 << 8)): "SQLITE_CONSTRAINT_NOTNULL",
        (SQLITE_CONSTRAINT | (6 << 8)): "SQLITE_CONSTRAINT_PRIMARYKEY",
        (SQLITE_CONSTRAINT | (7 << 8)): "SQLITE_CONSTRAINT_TRIGGER",
        (SQLITE_CONSTRAINT | (8 << 8)): "SQLITE_CONSTRAINT_UNIQUE",
        (SQLITE_CONSTRAINT | (9 << 8)): "SQLITE_CONSTRAINT_VTAB",
        (SQLITE_CONSTRAINT | (10 << 8)): "SQLITE_CONSTRAINT_ROWID",
        (SQLITE_CONSTRAINT | (11 << 8)): "SQLITE_CONSTRAINT_PINNED",
        (SQLITE_CONSTRAINT | (12 << 8)): "SQLITE_CONSTRAINT_DATATYPE",
        (SQLITE_NOTICE | (1 << 8)): "SQLITE_NOTICE_RECOVER_WAL",
        (SQLITE_NOTICE | (2 << 8)): "SQLITE_NOTICE_RECOVER_ROLLBACK",
        (SQLITE_WARNING | (1 << 8)): "SQLITE_WARNING_AUTOINDEX",
        (SQLITE_AUTH | (1 << 8)): "SQLITE_AUTH_USER",
        (SQLITE_OK | (2 << 8)): "SQLITE_OK_SYMLINK",
    ]
}

extension SQLiteError {
    /// The error SQLite reports for `code` on `connection`, with the message read at once
    /// (before any other call on the connection can replace it).
    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.init(extendedResultCode: code, message: message, sql: sql)
    }
}
