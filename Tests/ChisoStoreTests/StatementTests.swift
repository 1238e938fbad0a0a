import ChisoStore
import Testing

@Suite struct StatementTests {
    @Test func cachedStatementIsReusedAndComesBackReset() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        let sql = "SELECT x FROM t WHERE x >= ? ORDER BY x"
        let first = try db.cachedStatement(sql)
        first.bind(2, at: 1)
        #expect(try first.step())
        #expect(first.int(at: 0) == 2)  // left mid-way, on the row x = 2

        let second = try db.cachedStatement(sql)
        #expect(second === first)
        // Reset: bindings cleared, so `x >= NULL` matches nothing.
        #expect(try second.step() == false)
        // And rewound: binding 1 again reads from the first row.
        let third = try db.cachedStatement(sql)
        third.bind(1, at: 1)
        var seen: [Int] = []
        while try third.step() { seen.append(third.int(at: 0)) }
        #expect(seen == [1, 2, 3])

        #expect(try db.cachedStatement("SELECT 1") !== first)
        #expect(try db.makeStatement(sql) !== first)
    }

    /// A statement kept by its user (as `EventStore` keeps the append) is run again without `reset()`:
    /// a bind failure is thrown once by `run()`, then forgotten.
    @Test func runForgetsABindFailureOnceThrown() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x TEXT)")
        let insert = try db.cachedStatement("INSERT INTO t VALUES (?)")
        insert.bind("a", at: 2)  // out of range
        #expect(throws: SQLiteError.self) { try insert.run() }
        insert.bind(utf8Text: UnsafeRawBufferPointer(start: nil, count: 0), at: 1)
        try insert.run()
        "ẞ b".utf8CString.withUnsafeBytes { insert.bind(utf8Text: UnsafeRawBufferPointer(rebasing: $0.dropLast()), at: 1) }
        try insert.run()
        let read = try db.makeStatement("SELECT x FROM t ORDER BY rowid")
        var seen: [String] = []
        while try read.step() { seen.append(read.text(at: 0) ?? "NULL") }
        #expect(seen == ["", "ẞ b"])
    }

    /// Borrowed text is not copied at bind time but read when the statement runs (so the bytes must
    /// live until then): a change to the buffer between bind and run reaches the row, which shows that
    /// no copy was made; an empty buffer stores '' (not NULL).
    @Test func borrowedTextIsReadWhenTheStatementRuns() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x TEXT)")
        let insert = try db.cachedStatement("INSERT INTO t VALUES (?)")
        var buffer = Array("Sở Tư pháp".utf8)
        try buffer.withUnsafeMutableBytes { bytes in
            insert.bind(borrowedUTF8Text: UnsafeRawBufferPointer(bytes), at: 1)
            bytes.copyBytes(from: "Sổ".utf8)  // "Sở" and "Sổ" are 4 bytes each
            try insert.run()
        }
        insert.bind(borrowedUTF8Text: UnsafeRawBufferPointer(start: nil, count: 0), at: 1)
        try insert.run()
        let read = try db.makeStatement("SELECT x FROM t ORDER BY rowid")
        var seen: [String] = []
        while try read.step() { seen.append(read.text(at: 0) ?? "NULL") }
        #expect(seen == ["Sổ Tư pháp", ""])
    }

    /// The literal cache keys by the literal's address: one statement per literal, reset on reuse.
    @Test func literalStatementIsReusedPerLiteralAndComesBackReset() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        func lookUp(_ db: Database) throws -> Statement { try db.cachedStatement(literal: "SELECT x FROM t WHERE x >= ? ORDER BY x") }
        let first = try lookUp(db)
        first.bind(3, at: 1)
        #expect(try first.step())
        #expect(first.int(at: 0) == 3)
        let second = try lookUp(db)
        #expect(second === first)
        #expect(try second.step() == false)  // bindings cleared
        let third = try lookUp(db)
        third.bind(2, at: 1)
        #expect(try third.step() && third.int(at: 0) == 2)  // and rewound
        #expect(try db.cachedStatement(literal: "SELECT 1") !== first)
        // A literal and the same text as a String are cached apart, but prepare the same SQL.
        let byText = try db.cachedStatement("SELECT x FROM t WHERE x >= ? ORDER BY x")
        #expect(byText !== first)
        byText.bind(1, at: 1)
        #expect(try byText.step() && byText.int(at: 0) == 1)
    }

    @Test func runRewindsSoTheStatementCanRunAgain() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER PRIMARY KEY, y)")
        let insert = try db.cachedStatement("INSERT INTO t(y) VALUES (?)")
        for y in 10...12 {
            insert.bind(y, at: 1)
            try insert.run()
            #expect(db.changes == 1)
        }
        #expect(db.lastInsertedRowID == 3)
        #expect(try db.scalarInt64("SELECT sum(y) FROM t") == 33)
        try db.execute("UPDATE t SET y = 0")
        #expect(db.changes == 3)
    }

    @Test func scalarInt64IsNilForNoRowAndForNull() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x)")
        #expect(try db.scalarInt64("SELECT x FROM t") == nil)
        #expect(try db.scalarInt64("SELECT NULL") == nil)
        #expect(try db.scalarInt64("SELECT 9007199254740993") == 9_007_199_254_740_993)
    }

    @Test func blobRoundTripIncludingZeroLengthAndNull() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE b(k INTEGER PRIMARY KEY, v BLOB)")
        let bytes: [UInt8] = [0, 1, 2, 255, 0, 128]
        let insert = try db.cachedStatement("INSERT INTO b(k, v) VALUES (?, ?)")
        insert.bind(1, at: 1)
        insert.bind(blob: bytes, at: 2)
        try insert.run()
        insert.bind(2, at: 1)
        insert.bind(blob: [], at: 2)
        try insert.run()
        insert.bind(3, at: 1)
        bytes.withUnsafeBytes { insert.bind(blob: UnsafeRawBufferPointer(rebasing: $0[1..<3]), at: 2) }
        try insert.run()
        insert.bind(4, at: 1)
        insert.bindNull(at: 2)
        try insert.run()

        // typeof tells NULL apart from a zero-length blob at the SQL level too.
        let select = try db.cachedStatement("SELECT v, typeof(v), length(v) FROM b ORDER BY k")
        var rows: [([UInt8]?, String?, Bool, Int)] = []
        while try select.step() {
            let copied = select.blob(at: 0)
            let borrowedCount = select.withBlob(at: 0) { $0.count }
            rows.append((copied, select.text(at: 1), select.isNull(at: 0), borrowedCount))
        }
        #expect(rows.count == 4)
        #expect(rows[0].0 == bytes && rows[0].1 == "blob" && rows[0].3 == 6)
        #expect(rows[1].0 == [] && rows[1].1 == "blob" && rows[1].2 == false && rows[1].3 == 0)
        #expect(rows[2].0 == [1, 2] && rows[2].3 == 2)
        #expect(rows[3].0 == nil && rows[3].1 == "null" && rows[3].2 == true && rows[3].3 == 0)
    }

    @Test func vietnameseTextRoundTrip() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE units(code TEXT, name TEXT)")
        let name = "Tỉnh Phú Thọ"
        let insert = try db.cachedStatement("INSERT INTO units(code, name) VALUES (?, ?)")
        insert.bind("25", at: 1)
        insert.bind(name, at: 2)
        try insert.run()
        insert.bind("", at: 1)
        insert.bind(nil as String?, at: 2)
        try insert.run()

        let select = try db.cachedStatement(
            "SELECT name, length(name), length(CAST(name AS BLOB)), code FROM units ORDER BY rowid")
        #expect(try select.step())
        #expect(select.text(at: 0) == name)
        // "Tỉnh Phú Thọ": 12 characters; ỉ and ọ take 3 bytes in UTF-8, ú takes 2,
        // the other 9 take 1 → 9 + 3 + 2 + 3 = 17 bytes.
        #expect(select.int(at: 1) == 12)
        #expect(select.int(at: 2) == 17)
        #expect(select.text(at: 3) == "25")
        #expect(try select.step())
        #expect(select.text(at: 0) == nil)
        #expect(select.text(at: 3) == "")  // the empty string stays text, not NULL
        #expect(try select.step() == false)
    }

    @Test func numbersAndBooleans() throws {
        let db = try Database(path: ":memory:")
        let select = try db.makeStatement("SELECT ?, ?, ?, ?, ?")
        select.bind(Int64.min, at: 1)
        select.bind(0.1, at: 2)
        select.bind(true, at: 3)
        select.bind(false, at: 4)
        select.bind(-42, at: 5)
        #expect(select.columnCount == 5)
        #expect(try select.step())
        #expect(select.int64(at: 0) == Int64.min)
        #expect(select.double(at: 1) == 0.1)
        #expect(select.bool(at: 2) == true && select.int(at: 2) == 1)
        #expect(select.bool(at: 3) == false && select.int(at: 3) == 0)
        #expect(select.int(at: 4) == -42)
    }

    @Test func cachedStatementOutlivingItsConnectionFailsCleanly() throws {
        var db: Database? = try Database(path: ":memory:")
        let statement = try #require(try db?.cachedStatement("SELECT 1"))
        db = nil  // finalizes the cached statement and closes the connection
        let error = try #require(throws: SQLiteError.self) { try statement.step() }
        #expect(error.resultCode == 21)  // SQLITE_MISUSE
    }
}
