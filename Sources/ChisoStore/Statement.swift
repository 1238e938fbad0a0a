/// SQLite's `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the bind call returns.
/// (The C macro is `((sqlite3_destructor_type)-1)`, which Swift cannot import.)
let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement on one `Database` connection.
///
/// Bind indexes are 1-based as in SQLite; column indexes are 0-based. Binding does not throw:
/// the first failed bind (an index out of range, a statement already running) is kept and
/// thrown by the next `step()`, until `reset()`.
///
/// A statement that has returned a row holds its read transaction open until it is stepped to
/// the end or reset; a reader that keeps one so pins the WAL (details.md 28). Step to the end,
/// or call `reset()`, when done.
///
///     let insert = try db.cachedStatement("INSERT INTO events(id, body) VALUES (?, ?)")
///     insert.bind("e-1", at: 1)
///     insert.bind(blob: bytes, at: 2)
///     try insert.run()
public final class Statement {
    /// The SQL this statement was prepared from.
    public let sql: String
    /// The `sqlite3_stmt`; nil once finalized (a cached statement outliving its connection).
    private var handle: OpaquePointer?
    /// The first bind failure since the last `reset()`, thrown by the next `step()`.
    private var bindFailure: SQLiteError?

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Finalizes now; later use fails with `SQLITE_MISUSE`. Called by the connection's `deinit`
    /// for its cached statements.
    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    // MARK: Running

    /// Rewinds the statement (`sqlite3_reset`) and sets every parameter back to NULL
    /// (`sqlite3_clear_bindings`). Ends the statement's read of the database.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        bindFailure = nil
    }

    /// Steps once: true when a row is available, false when done.
    ///
    /// On failure the statement is reset (so it holds no lock) and the error carries `sql`.
    public func step() throws(SQLiteError) -> Bool {
        if let bindFailure { throw bindFailure }
        guard let handle else {
            throw SQLiteError(
                extendedResultCode: SQLITE_MISUSE,
                message: "statement used after its database connection was closed", sql: sql)
        }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(code: code, connection: sqlite3_db_handle(handle), sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs to completion ignoring rows, then rewinds (`sqlite3_reset`; bindings are kept, a bind
    /// failure is forgotten once thrown), so a statement kept by its user can be bound and run again.
    public func run() throws(SQLiteError) {
        defer { sqlite3_reset(handle); bindFailure = nil }
        while try step() {}
    }

    // MARK: Binding

    /// Binds a 64-bit integer to parameter `index` (1-based).
    public func bind(_ value: Int64, at index: Int32) {
        check(sqlite3_bind_int64(handle, index, value), index: index)
    }

    /// Binds an integer to parameter `index` (1-based).
    public func bind(_ value: Int, at index: Int32) {
        bind(Int64(value), at: index)
    }

    /// Binds a double to parameter `index` (1-based).
    public func bind(_ value: Double, at index: Int32) {
        check(sqlite3_bind_double(handle, index, value), index: index)
    }

    /// Binds a Boolean as the integer 0 or 1 to parameter `index` (1-based).
    public func bind(_ value: Bool, at index: Int32) {
        bind(Int64(value ? 1 : 0), at: index)
    }

    /// Binds UTF-8 text (copied) to parameter `index` (1-based).
    public func bind(_ value: String, at index: Int32) {
        var value = value
        value.withUTF8 { bindText(UnsafeRawBufferPointer($0), at: index, destructor: transientDestructor) }
    }

    /// Binds UTF-8 bytes (copied) as text to parameter `index` (1-based), without making a `String`;
    /// the caller vouches that they are valid UTF-8 (SQLite does not check). Empty bytes bind `''`.
    public func bind(utf8Text bytes: UnsafeRawBufferPointer, at index: Int32) {
        bindText(bytes, at: index, destructor: transientDestructor)
    }

    /// Binds UTF-8 bytes as text *without copying them* (`SQLITE_STATIC`): the bytes must stay valid
    /// and unchanged until the statement has been stepped and reset, and every such parameter must
    /// be bound again before its next step. For a statement bound and run within one call
    /// (`EventStore.appendEvent`: a copy of each line and id cost an allocation an event).
    public func bind(borrowedUTF8Text bytes: UnsafeRawBufferPointer, at index: Int32) {
        bindText(bytes, at: index, destructor: nil)
    }

    private func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32, destructor: sqlite3_destructor_type?) {
        // A nil base address would bind NULL; the empty string must stay text.
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            check(sqlite3_bind_text(handle, index, "", 0, transientDestructor), index: index)
            return
        }
        let code = sqlite3_bind_text64(
            handle, index, base.assumingMemoryBound(to: CChar.self), sqlite3_uint64(bytes.count),
            destructor, UInt8(SQLITE_UTF8))
        check(code, index: index)
    }

    /// Binds text (copied), or NULL for nil, to parameter `index` (1-based).
    public func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    /// Binds a blob (copied) to parameter `index` (1-based); an empty buffer binds a
    /// zero-length blob, not NULL.
    public func bind(blob: UnsafeRawBufferPointer, at index: Int32) {
        guard let base = blob.baseAddress, !blob.isEmpty else {
            check(sqlite3_bind_zeroblob(handle, index, 0), index: index)
            return
        }
        check(
            sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(blob.count), transientDestructor),
            index: index)
    }

    /// Binds a blob (copied) to parameter `index` (1-based); `[]` binds a zero-length blob.
    public func bind(blob: [UInt8], at index: Int32) {
        blob.withUnsafeBytes { bind(blob: $0, at: index) }
    }

    /// Binds NULL to parameter `index` (1-based).
    public func bindNull(at index: Int32) {
        check(sqlite3_bind_null(handle, index), index: index)
    }

    private func check(_ code: Int32, index: Int32) {
        guard code != SQLITE_OK, bindFailure == nil else { return }
        if let handle {
            var error = SQLiteError(code: code, connection: sqlite3_db_handle(handle), sql: sql)
            error.message += " (binding parameter \(index))"
            bindFailure = error
        } else {
            bindFailure = SQLiteError(
                extendedResultCode: SQLITE_MISUSE,
                message: "statement used after its database connection was closed", sql: sql)
        }
    }

    // MARK: Reading the current row

    /// The number of columns in a row of this statement.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// True when the value of `column` (0-based) is NULL.
    public func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The value of `column` (0-based) as a 64-bit integer (NULL reads as 0).
    public func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The value of `column` (0-based) as an integer (NULL reads as 0).
    public func int(at column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    /// The value of `column` (0-based) as a double (NULL reads as 0).
    public func double(at column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// The value of `column` (0-based) as a Boolean: any non-zero integer is true.
    public func bool(at column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }

    /// The value of `column` (0-based) as text, nil when NULL. Invalid UTF-8 is repaired
    /// with U+FFFD.
    public func text(at column: Int32) -> String? {
        if isNull(at: column) { return nil }
        // sqlite3_column_text first, then sqlite3_column_bytes (the order SQLite documents).
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The value of `column` (0-based) as bytes, nil when NULL, `[]` for a zero-length blob.
    public func blob(at column: Int32) -> [UInt8]? {
        if isNull(at: column) { return nil }
        return withBlob(at: column) { Array($0) }
    }

    /// Calls `body` with the bytes of `column` (0-based) without copying them; the buffer is
    /// valid only inside `body`, and is empty for a zero-length blob or NULL.
    public func withBlob<R>(
        at column: Int32, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        guard let bytes = sqlite3_column_blob(handle, column) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
