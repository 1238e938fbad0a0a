import ChisoStore
import Foundation
import Testing

/// A database file under the temporary directory with a unique name, removed (with its -wal
/// and -shm files) by `remove()`.
struct TemporaryDatabaseFile {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chiso-store-\(UUID().uuidString).sqlite").path
    }

    func remove() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesExtendedCodeMessageAndSQL() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE events(id TEXT NOT NULL UNIQUE)")
        let sql = "INSERT INTO events(id) VALUES (?)"
        let insert = try db.cachedStatement(sql)
        insert.bind("e-1", at: 1)
        try insert.run()
        insert.bind("e-1", at: 1)
        let error = try #require(throws: SQLiteError.self) { try insert.run() }
        // SQLITE_CONSTRAINT = 19; SQLITE_CONSTRAINT_UNIQUE = 19 | (8 << 8) = 19 + 2048 = 2067.
        #expect(error.resultCode == 19)
        #expect(error.extendedResultCode == 2067)
        #expect(error.message == "UNIQUE constraint failed: events.id")
        #expect(error.sql == sql)
        #expect(error.description == "SQLite error 19 (SQLITE_CONSTRAINT_UNIQUE, extended 2067): "
            + "UNIQUE constraint failed: events.id — while running: \(sql)")
        // The failed statement was reset: the table still holds the first row only.
        #expect(try db.scalarInt64("SELECT count(*) FROM events") == 1)
    }

    @Test func primaryKeyViolationIsNamed() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(id TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')")
        let error = try #require(throws: SQLiteError.self) {
            try db.execute("INSERT INTO t VALUES ('a')")
        }
        // SQLITE_CONSTRAINT_PRIMARYKEY = 19 | (6 << 8) = 19 + 1536 = 1555.
        #expect(error.extendedResultCode == 1555)
        #expect(error.description.hasPrefix(
            "SQLite error 19 (SQLITE_CONSTRAINT_PRIMARYKEY, extended 1555): "))
    }

    @Test func prepareErrorCarriesSQL() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try db.makeStatement("SELEC 1")
        }
        #expect(error.resultCode == 1)  // SQLITE_ERROR
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == "SELEC 1")
    }

    @Test func executeNamesTheFailingStatementAfterRunningTheOnesBefore() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try db.execute("""
                CREATE TABLE a(x);
                INSERT INTO a VALUES (1);
                INSERT INTO missing VALUES (2);
                INSERT INTO a VALUES (3);
                """)
        }
        #expect(error.message == "no such table: missing")
        #expect(error.sql == "INSERT INTO missing VALUES (2);")
        // The first two statements ran, the fourth did not.
        #expect(try db.scalarInt64("SELECT count(*) FROM a") == 1)
    }

    @Test func executeQuotesAWholeStatementWithASyntaxError() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try db.execute("CREATE TABLE a(x);\nSELECT (1 FROM a;\nSELECT 2")
        }
        // SQLite stops parsing at "FROM"; the error still quotes the statement to its `;`.
        #expect(error.message == "near \"FROM\": syntax error")
        #expect(error.sql == "SELECT (1 FROM a;")
    }

    @Test func bindOutOfRangeIsThrownByStep() throws {
        let db = try Database(path: ":memory:")
        let select = try db.makeStatement("SELECT ?")
        select.bind(Int64(7), at: 2)
        let error = try #require(throws: SQLiteError.self) { try select.step() }
        #expect(error.resultCode == 25)  // SQLITE_RANGE
        #expect(error.message.contains("parameter 2"))
        // reset() forgets the failure.
        select.reset()
        select.bind(Int64(7), at: 1)
        #expect(try select.step())
        #expect(select.int64(at: 0) == 7)
    }

    @Test func makeStatementRejectsASecondStatement() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try db.makeStatement("SELECT 1; SELECT 2")
        }
        #expect(error.resultCode == 21)  // SQLITE_MISUSE
        // Trailing `;`, whitespace and comments are fine.
        let one = try db.makeStatement("SELECT 1; -- the answer\n ;")
        #expect(try one.step())
        #expect(one.int(at: 0) == 1)
    }

    @Test func writingThroughAReadOnlyConnectionIsReadonly() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try Database(path: file.path)
        try writer.execute("CREATE TABLE t(x)")
        let reader = try Database(path: file.path, mode: .readOnly)
        let error = try #require(throws: SQLiteError.self) {
            try reader.execute("INSERT INTO t VALUES (1)")
        }
        #expect(error.resultCode == 8)  // SQLITE_READONLY
        #expect(error.description.hasPrefix("SQLite error 8 (SQLITE_READONLY)"))
    }

    @Test func openingAMissingFileReadOnlyFailsWithThePath() throws {
        let path = "/nonexistent-chiso-dir/x.sqlite"
        let error = try #require(throws: SQLiteError.self) {
            try Database(path: path, mode: .readOnly)
        }
        #expect(error.resultCode == 14)  // SQLITE_CANTOPEN
        #expect(error.message.contains(path))
    }
}
