import ChisoStore
import Testing

/// A writer and a reader on their own connections to one WAL file, scripted step by step.
@Suite struct WALTests {
    /// Inserts `count` rows of 1000-byte payloads in one transaction (several WAL frames).
    func insertBatch(_ count: Int, into db: Database) throws {
        try db.transaction {
            let insert = try db.cachedStatement("INSERT INTO events(payload) VALUES (?)")
            for _ in 0..<count {
                insert.bind(blob: [UInt8](repeating: 7, count: 1_000), at: 1)
                try insert.run()
            }
        }
    }

    func makeWriter(at file: TemporaryDatabaseFile) throws -> Database {
        let writer = try Database(path: file.path)
        try writer.configureWriter(autoCheckpointPages: 0)  // checkpoints are ours alone
        try writer.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        return writer
    }

    @Test func readerSeesOnlyCommittedData() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try makeWriter(at: file)
        try insertBatch(1, into: writer)
        let reader = try Database(path: file.path, mode: .readOnly)
        reader.busyTimeoutMilliseconds = 0  // a reader that had to wait would fail, not hang
        let count = "SELECT count(*) FROM events"
        #expect(try reader.scalarInt64(count) == 1)

        // The writer holds an open write transaction with 2 more rows.
        try writer.begin(.immediate)
        try writer.execute("INSERT INTO events(payload) VALUES (x'01'), (x'02')")
        #expect(try writer.scalarInt64(count) == 3)
        // The reader is not blocked and does not see the uncommitted rows.
        #expect(try reader.scalarInt64(count) == 1)
        try writer.commit()
        #expect(try reader.scalarInt64(count) == 3)

        // Inside its own read transaction the reader keeps its snapshot, whole batches only.
        try reader.begin()
        #expect(try reader.scalarInt64(count) == 3)
        try insertBatch(5, into: writer)
        #expect(try reader.scalarInt64(count) == 3)
        try reader.commit()
        #expect(try reader.scalarInt64(count) == 8)

        // A rolled-back batch is never seen.
        try writer.begin(.immediate)
        try writer.execute("DELETE FROM events")
        try writer.rollback()
        #expect(try reader.scalarInt64(count) == 8)
    }

    @Test func truncateCheckpointEmptiesTheWALWhenNoReaderIsActive() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try makeWriter(at: file)
        try insertBatch(50, into: writer)
        // 50 rows × 1000 bytes need more than 12 pages of 4096 bytes, each a WAL frame.
        #expect(writer.walFileSize() > 12 * 4096)
        let reader = try Database(path: file.path, mode: .readOnly)  // connected, but idle
        #expect(try reader.scalarInt64("SELECT count(*) FROM events") == 50)

        let result = try writer.checkpoint(.truncate)
        #expect(result.walFrames == 0 && result.checkpointedFrames == 0)
        #expect(writer.walFileSize() == 0)
        // Everything is in the database file now, and still readable.
        #expect(try reader.scalarInt64("SELECT count(*) FROM events") == 50)
        #expect(try writer.scalarInt64("SELECT sum(length(payload)) FROM events") == 50_000)
    }

    @Test func passiveCheckpointCompletesEveryFrameWithoutReaders() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try makeWriter(at: file)
        try insertBatch(20, into: writer)
        let result = try writer.checkpoint(.passive)
        #expect(result.walFrames > 0)
        #expect(result.checkpointedFrames == result.walFrames)
        // PASSIVE copies but does not truncate: the file stays until a later restart/truncate.
        #expect(writer.walFileSize() > 0)
    }

    @Test func readerInAnOpenTransactionPinsTheWALUntilItEnds() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try makeWriter(at: file)
        try insertBatch(20, into: writer)  // batch A

        // The reader opens a read transaction: its snapshot ends after batch A.
        let reader = try Database(path: file.path, mode: .readOnly)
        try reader.begin()
        #expect(try reader.scalarInt64("SELECT count(*) FROM events") == 20)

        try insertBatch(20, into: writer)  // batch B, after the reader's snapshot

        // Frames of batch B may not be copied while the reader may still need the old pages.
        let passive = try writer.checkpoint(.passive)
        #expect(passive.walFrames > 0)
        #expect(passive.checkpointedFrames < passive.walFrames)

        // TRUNCATE cannot finish either; with no wait allowed it returns SQLITE_BUSY, which is
        // an answer (counts), not an error, and the WAL file stays.
        writer.busyTimeoutMilliseconds = 0
        let blocked = try writer.checkpoint(.truncate)
        #expect(blocked.checkpointedFrames < blocked.walFrames)
        #expect(writer.walFileSize() > 0)
        // FULL promises every frame, so its SQLITE_BUSY is thrown.
        let error = try #require(throws: SQLiteError.self) { try writer.checkpoint(.full) }
        #expect(error.resultCode == 5)  // SQLITE_BUSY

        // The reader ends its transaction; now truncate completes and empties the WAL.
        try reader.commit()
        let done = try writer.checkpoint(.truncate)
        #expect(done.walFrames == 0 && done.checkpointedFrames == 0)
        #expect(writer.walFileSize() == 0)
        #expect(try reader.scalarInt64("SELECT count(*) FROM events") == 40)
    }

    /// The WAL's content, not its file, says when to checkpoint: after a RESTART checkpoint the file
    /// keeps its size (SQLite rewrites it from the start) while the content starts again from nothing.
    @Test func walContentFollowsCommitsAndRestartsWithTheWAL() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let writer = try makeWriter(at: file)
        #expect(writer.walContentBytes < 4 * 4096)  // the schema's frames only
        try insertBatch(50, into: writer)
        let afterFirst = writer.walContentBytes
        #expect(afterFirst > 12 * 4096)
        #expect(afterFirst == writer.walFileSize() - 32 - 24 * (afterFirst / 4096))  // header, frame headers
        try insertBatch(50, into: writer)
        #expect(writer.walContentBytes > afterFirst + 12 * 4096)

        let restart = try writer.checkpoint(.restart)
        #expect(restart.checkpointedFrames == restart.walFrames)
        #expect(writer.walContentBytes == 0)
        let fileAfterRestart = writer.walFileSize()
        #expect(fileAfterRestart > 24 * 4096)  // the file stays...

        try insertBatch(1, into: writer)
        // ...and the next commit writes it from its start again.
        #expect(writer.walContentBytes > 0 && writer.walContentBytes < 4 * 4096)
        #expect(writer.walFileSize() == fileAfterRestart)
    }

    /// The frame-counting hook replaces SQLite's own, so it runs SQLite's automatic checkpoint
    /// (1000 pages) itself on a connection that did not turn it off.
    @Test func automaticCheckpointStillRunsWithoutConfigureWriter() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let db = try Database(path: file.path)
        try db.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        var most: Int64 = 0
        for _ in 0..<100 {  // about 1 300 frames in all
            try insertBatch(50, into: db)
            most = max(most, db.walContentBytes)
        }
        #expect(most > 900 * 4096)  // it came near the threshold...
        #expect(most < 1_100 * 4096)  // ...and the WAL restarted instead of growing past it
    }

    @Test func checkpointOfAnInMemoryDatabaseReportsNoWAL() throws {
        let db = try Database(path: ":memory:")
        let result = try db.checkpoint(.passive)
        #expect(result.walFrames == -1 && result.checkpointedFrames == -1)
        #expect(db.walFileSize() == 0)
        #expect(db.walContentBytes == 0)
    }
}
