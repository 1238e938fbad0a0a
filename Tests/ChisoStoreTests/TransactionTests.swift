import ChisoStore
import Testing

struct BodyFailure: Error, Equatable {}

@Suite struct TransactionTests {
    @Test func transactionCommitsOnReturn() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x)")
        let answer = try db.transaction {
            #expect(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (1), (2)")
            return 42
        }
        #expect(answer == 42)
        #expect(db.isInTransaction == false)
        #expect(try db.scalarInt64("SELECT count(*) FROM t") == 2)
    }

    @Test func transactionRollsBackOnThrowAndRethrowsTheBodysError() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (0)")
        #expect(throws: BodyFailure()) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1), (2)")
                #expect(try db.scalarInt64("SELECT count(*) FROM t") == 3)
                throw BodyFailure()
            }
        }
        #expect(db.isInTransaction == false)
        #expect(try db.scalarInt64("SELECT count(*) FROM t") == 1)
    }

    @Test func sqliteErrorInsideTheBodyRollsBackTheWholeBatch() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x UNIQUE)")
        let error = try #require(throws: SQLiteError.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                try db.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error.extendedResultCode == 2067)
        #expect(try db.scalarInt64("SELECT count(*) FROM t") == 0)
    }

    @Test func rollbackWithoutATransactionDoesNothing() throws {
        let db = try Database(path: ":memory:")
        #expect(db.isInTransaction == false)
        try db.rollback()
        try db.begin()
        #expect(db.isInTransaction)
        try db.rollback()
        #expect(db.isInTransaction == false)
    }

    @Test func beginInsideATransactionIsAnError() throws {
        let db = try Database(path: ":memory:")
        try db.begin(.immediate)
        let error = try #require(throws: SQLiteError.self) { try db.begin(.exclusive) }
        #expect(error.message.contains("within a transaction"))
        #expect(error.sql == "BEGIN EXCLUSIVE TRANSACTION")
        try db.commit()
    }

    @Test func openingConfiguresAWriterConnection() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let db = try Database(path: file.path)
        let journalMode = try db.makeStatement("PRAGMA journal_mode")
        #expect(try journalMode.step())
        #expect(journalMode.text(at: 0) == "wal")
        #expect(try db.scalarInt64("PRAGMA synchronous") == 2)  // FULL
        #expect(try db.scalarInt64("PRAGMA foreign_keys") == 1)
        #expect(db.busyTimeoutMilliseconds == 5_000)
        db.busyTimeoutMilliseconds = 250
        #expect(db.busyTimeoutMilliseconds == 250)
        try db.configureWriter(autoCheckpointPages: 0)
        #expect(try db.scalarInt64("PRAGMA wal_autocheckpoint") == 0)
        #expect(try db.scalarInt64("PRAGMA journal_size_limit") == 64 * 1024 * 1024)
        #expect(db.path == file.path)
    }
}
