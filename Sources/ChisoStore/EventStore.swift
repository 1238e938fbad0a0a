/// Every SQL statement chiso runs, as typed operations on one connection.
///
/// The engine decides what to write; this type knows how. Statements are prepared once and
/// cached on the connection (`Database.cachedStatement`).
public final class EventStore {
    public let db: Database
    /// `appendEvent`'s statement, once prepared (one of `db`'s cached statements).
    private var appendStatement: Statement?
    /// `appendEvents`' statements by their number of rows.
    private var groupAppendStatements: [Int: Statement] = [:]
    /// Whether `dossier_units` and `petition_units` have their `first` column (a database written
    /// before it has it from its next writer on; a reader opened before then reads without it).
    private var indexHoldsFirst: (dossier: Bool, petition: Bool) = (false, false)

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public convenience init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        try self.init(path: path, readOnly: readOnly, smallCache: false)
    }

    /// A read-only connection with a 2 MiB page cache and no memory map, for a helper of the writer
    /// that reads a few rows now and then (ingest's prefetch of stored records): what it reads is
    /// mostly in the system's file cache, and the memory a writer may use goes to its batches.
    public static func lightReader(path: String) throws(SQLiteError) -> EventStore {
        try EventStore(path: path, readOnly: true, smallCache: true)
    }

    private init(path: String, readOnly: Bool, smallCache: Bool) throws(SQLiteError) {
        db = try Database(path: path, mode: readOnly ? .readOnly : .readWrite)
        defer { indexHoldsFirst = ((try? hasColumn("dossier_units", "first")) ?? false, (try? hasColumn("petition_units", "first")) ?? false) }
        if smallCache {
            try db.execute("PRAGMA cache_size = -2048; PRAGMA mmap_size = 0")
            return
        }
        // The page cache: 8 MiB for a writer. Pages it misses come from the operating system's file
        // cache for a system call each, and a 1M ingest ran no slower with 8 MiB than with 32; the
        // memory a writer may use (issue 5: < 150 MB at 10M) goes to larger batches instead, which
        // write each touched record, index row and cell once for more events (docs/performance.md
        // "Ingest", item 8). Readers keep 64 MiB and add memory-mapped reads.
        try db.execute(readOnly
            ? "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY"
            : "PRAGMA cache_size = -8192; PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY")
        if !readOnly {
            try db.configureWriter(autoCheckpointPages: 0)
            // A new database gets its schema in one transaction: one sync of the WAL instead of one
            // per statement (about 30; 15 ms of a CI-size ingest's 450). An existing one is only
            // checked, each statement on its own, so that opening it never waits for another writer.
            if (try db.scalarInt64("SELECT count(*) FROM sqlite_master") ?? 0) > 0 {
                try createSchema()
            } else {
                try db.begin(.immediate)
                do throws(SQLiteError) {
                    try createSchema()
                    try db.commit()
                } catch {
                    try? db.rollback()
                    throw error
                }
            }
        }
    }

    /// Whether `table` has a column named `column` (for the schema's later additions).
    public func hasColumn(_ table: String, _ column: String) throws(SQLiteError) -> Bool {
        let s = try db.makeStatement("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?")
        s.bind(table, at: 1); s.bind(column, at: 2)
        return try s.step() && s.int64(at: 0) > 0
    }

    /// Creates the tables that are missing and the counters and markers a database needs (`Schema`).
    ///
    /// On a database that has them all it only reads (`CREATE … IF NOT EXISTS` of an existing table
    /// takes no write lock), so that a second writer opens while the first holds the lock, and waits
    /// for it at its first batch instead (`Engine.beginWriting`).
    private func createSchema() throws(SQLiteError) {
        for sql in Schema.statements { try db.execute(sql) }
        // Ordinal 0 is the procedure-less code of the tallies.
        if try db.scalarInt64("SELECT count(*) FROM procedures WHERE ordinal = 0") == 0 {
            try db.execute("INSERT OR IGNORE INTO procedures(ordinal, code) VALUES (0, '')")
        }
        // The candidate index's `first` column came later: a database written before gets it, empty
        // (NULL: no bound, the record is read), once, by its next writer.
        for table in ["dossier_units", "petition_units"] where try !hasColumn(table, "first") {
            try db.execute("ALTER TABLE \(table) ADD COLUMN first INTEGER")
        }
        if try metaText("schema") == nil {
            try db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '\(Schema.version)')")
        }
        // A database written before a counter existed is counted once, by its next writer.
        let countersMissing = try counter(.events) == nil
        let newCounterMissing = try counter(.petitionOnlyDossiers) == nil
        if countersMissing || newCounterMissing { try recount() }
        // A new database has (empty) valid tallies; one written before tallies existed needs `chiso rebuild`.
        if try meta(Meta.talliesValid) == nil, (try counter(.events) ?? 0) == 0 { try setMeta(Meta.talliesValid, 1) }
    }

    // MARK: Event log

    /// Appends an event; false when its id is already in the log (the caller compares bodies).
    public func appendEvent(id: String, type: String, at: Int64, body: String, ingestedAt: Int64) throws(SQLiteError) -> Bool {
        var body = body
        return try body.withUTF8 { bytes in
            Result { () throws(SQLiteError) in
                try appendEvent(id: id, type: type, at: at, line: UnsafeRawBufferPointer(bytes), ingestedAt: ingestedAt)
            }
        }.get()
    }

    /// `appendEvent` of a line's bytes, which must be valid UTF-8 (ingest's lines are: the JSON
    /// parser rejects any other). Ingest's hot path: no `String` is made for the line, and the
    /// statement is kept here rather than looked up, since every parameter is bound on each call.
    public func appendEvent(id: String, type: String, at: Int64, line: UnsafeRawBufferPointer, ingestedAt: Int64) throws(SQLiteError) -> Bool {
        let s: Statement
        if let kept = appendStatement { s = kept } else {
            s = try db.cachedStatement(literal: "INSERT INTO events(id, type, at, body, ingested_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
            appendStatement = s
        }
        // The texts are bound without a copy: they live until `run` has stepped and reset the
        // statement, and every call binds all five parameters again.
        var id = id, type = type
        return try id.withUTF8 { id in
            type.withUTF8 { type in
                Result { () throws(SQLiteError) -> Bool in
                    s.bind(borrowedUTF8Text: UnsafeRawBufferPointer(id), at: 1)
                    s.bind(borrowedUTF8Text: UnsafeRawBufferPointer(type), at: 2)
                    s.bind(at, at: 3)
                    s.bind(borrowedUTF8Text: line, at: 4)
                    s.bind(ingestedAt, at: 5)
                    try s.run()
                    return db.changes > 0
                }
            }
        }.get()
    }

    /// One row of `appendEvents`: an event's id and type, its instant and its line, the texts as
    /// UTF-8 bytes that must stay valid until `appendEvents` returns (they are bound without a copy).
    public struct LogRow {
        public var id: UnsafeRawBufferPointer
        public var type: UnsafeRawBufferPointer
        public var at: Int64
        public var line: UnsafeRawBufferPointer

        public init(id: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer, at: Int64, line: UnsafeRawBufferPointer) {
            self.id = id; self.type = type; self.at = at; self.line = line
        }
    }

    /// Appends events in order, `rowsPerInsert` to a statement (docs/performance.md item 29: a
    /// statement a row cost a fifth of the log's append); `inserted[i]` is false when row
    /// `i`'s id was already in the log, or is an earlier row's of the same call (the caller compares
    /// bodies, as after `appendEvent`). The rows that were inserted got the consecutive sequence
    /// numbers ending at the last one inserted; only when some row was not inserted does this look
    /// the ids up to tell which.
    public func appendEvents(_ rows: [LogRow], ingestedAt: Int64, inserted: inout [Bool]) throws(SQLiteError) {
        inserted.removeAll(keepingCapacity: true)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + EventStore.rowsPerInsert)
            try appendGroup(rows[start..<end], ingestedAt: ingestedAt, inserted: &inserted)
            start = end
        }
    }

    /// `appendEvents` of at most `rowsPerInsert` rows, with one statement.
    private func appendGroup(_ rows: ArraySlice<LogRow>, ingestedAt: Int64, inserted: inout [Bool]) throws(SQLiteError) {
        let s = try groupAppendStatement(rows: rows.count)
        for (r, row) in rows.enumerated() {
            let base = Int32(r * 5)
            s.bind(borrowedUTF8Text: row.id, at: base + 1)
            s.bind(borrowedUTF8Text: row.type, at: base + 2)
            s.bind(row.at, at: base + 3)
            s.bind(borrowedUTF8Text: row.line, at: base + 4)
            s.bind(ingestedAt, at: base + 5)
        }
        try s.run()
        let count = db.changes
        if count == rows.count {
            inserted.append(contentsOf: repeatElement(true, count: rows.count))
            return
        }
        // Some ids were there already: a row was inserted when its id's sequence number is one of
        // this statement's, and it is the first row with that id.
        let last = db.lastInsertedRowID
        let ours: Range<Int64> = count == 0 ? 0..<0 : (last - Int64(count) + 1)..<(last + 1)
        let find = try db.cachedStatement(literal: "SELECT seq FROM events WHERE id = ?")
        var claimed: Set<Int64> = []
        for row in rows {
            find.bind(utf8Text: row.id, at: 1)
            defer { find.reset() }
            if try find.step(), case let seq = find.int64(at: 0), ours.contains(seq), claimed.insert(seq).inserted {
                inserted.append(true)
            } else {
                inserted.append(false)
            }
        }
    }

    /// The prepared `INSERT` of `rows` rows, kept for the next call.
    private func groupAppendStatement(rows: Int) throws(SQLiteError) -> Statement {
        if let kept = groupAppendStatements[rows] { return kept }
        let s = try db.cachedStatement(EventStore.valuesSQL("INSERT INTO events(id, type, at, body, ingested_at) VALUES ", tuple: 5, rows: rows)
                                       + " ON CONFLICT(id) DO NOTHING")
        groupAppendStatements[rows] = s
        return s
    }

    /// Removes an event appended in the open batch (a receipt found to conflict, details.md 6).
    public func deleteEvent(id: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "DELETE FROM events WHERE id = ?")
        s.bind(id, at: 1)
        try s.run()
    }

    /// The stored line of an event id.
    public func eventBody(id: String) throws(SQLiteError) -> String? {
        let s = try db.cachedStatement(literal: "SELECT body FROM events WHERE id = ?")
        s.bind(id, at: 1)
        defer { s.reset() }
        return try s.step() ? s.text(at: 0) : nil
    }

    /// Calls `body` with every logged line in arrival order (for verify and rebuild).
    /// With `type`, only the events of that type (the fold reads the retractions first).
    public func forEachEvent(ofType type: String? = nil, _ body: (_ seq: Int64, _ line: String) throws -> Void) throws {
        let s = try db.makeStatement(type == nil ? "SELECT seq, body FROM events ORDER BY seq"
                                                 : "SELECT seq, body FROM events WHERE type = ? ORDER BY seq")
        if let type { s.bind(type, at: 1) }
        while try s.step() {
            try body(s.int64(at: 0), s.text(at: 1) ?? "")
        }
    }

    // MARK: Retractions

    public func addRetraction(target: String, retraction: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "INSERT OR IGNORE INTO retractions(target, retraction) VALUES (?, ?)")
        s.bind(target, at: 1); s.bind(retraction, at: 2)
        try s.run()
    }

    /// The ids of the retractions that target `target`.
    public func retractions(of target: String) throws(SQLiteError) -> [String] {
        let s = try db.cachedStatement(literal: "SELECT retraction FROM retractions WHERE target = ?")
        s.bind(target, at: 1)
        defer { s.reset() }
        var out: [String] = []
        while try s.step() { if let r = s.text(at: 0) { out.append(r) } }
        return out
    }

    /// Every id currently void (a small set: retracted events and retractions awaiting their target),
    /// each once as stored. A list, not a `Set<String>`: that would keep one of two ids equal only
    /// under canonical equivalence ("é" and "e + ◌́"), which are two ids (details.md 3).
    public func voidIDs() throws(SQLiteError) -> [String] {
        let s = try db.makeStatement("SELECT id FROM void_events")
        var out: [String] = []
        while try s.step() { if let id = s.text(at: 0) { out.append(id) } }
        return out
    }

    public func isVoid(_ id: String) throws(SQLiteError) -> Bool {
        let s = try db.cachedStatement(literal: "SELECT 1 FROM void_events WHERE id = ?")
        s.bind(id, at: 1)
        defer { s.reset() }
        return try s.step()
    }

    public func setVoid(_ id: String, _ void: Bool) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: void ? "INSERT OR IGNORE INTO void_events(id) VALUES (?)" : "DELETE FROM void_events WHERE id = ?")
        s.bind(id, at: 1)
        try s.run()
    }

    // MARK: Catalogue

    public func putCatalogue(id: String, at: Int64, body: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "INSERT OR REPLACE INTO catalogue(id, at, body) VALUES (?, ?, ?)")
        s.bind(id, at: 1); s.bind(at, at: 2); s.bind(body, at: 3)
        try s.run()
    }

    public func deleteCatalogue(id: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "DELETE FROM catalogue WHERE id = ?")
        s.bind(id, at: 1)
        try s.run()
    }

    /// Every catalogue line, in (at, id) order.
    public func catalogueLines() throws(SQLiteError) -> [String] {
        let s = try db.cachedStatement(literal: "SELECT body FROM catalogue ORDER BY at, id")
        defer { s.reset() }
        var out: [String] = []
        while try s.step() { out.append(s.text(at: 0) ?? "") }
        return out
    }

    // MARK: Dossiers and petitions

    /// A stored record: its row key, activity key, blob and, for a dossier, its `DossierRowState`
    /// (0 for a petition).
    public struct StoredRecord {
        public var key: Int64
        public var activity: Int64
        public var blob: [UInt8]
        public var state: Int64
    }

    /// What a dossier row's `open` column holds: what `chiso status` counts (interfaces.md).
    public enum DossierRowState: Int64, Sendable {
        /// Received and ended.
        case ended = 0
        /// Received and not ended.
        case open = 1
        /// Counts nowhere: refused, or no receipt (events.md, details.md 6). Databases written before
        /// 2026-11-30 hold 1 or 0 for these until `chiso rebuild`.
        case countsNowhere = 2
        /// No dossier event, only named by petitions (`DossierRecord.namedOnlyByPetitions`): kept for
        /// 5.4's link, counted in no status count. Databases written before the third session of
        /// 2026-12-01 hold 2 for these until `chiso rebuild`.
        case namedOnlyByPetitions = 3
    }

    public func dossier(code: String) throws(SQLiteError) -> StoredRecord? {
        try record(code: code, sql: "SELECT key, activity, record, open FROM dossiers WHERE code = ?")
    }

    /// Whether the store holds any dossier (a new database's does not).
    public func hasDossiers() throws(SQLiteError) -> Bool {
        let s = try db.cachedStatement(literal: "SELECT EXISTS(SELECT 1 FROM dossiers)")
        defer { s.reset() }
        return try s.step() && s.int64(at: 0) != 0
    }

    public func petition(code: String) throws(SQLiteError) -> StoredRecord? {
        try record(code: code, sql: "SELECT key, activity, record, 0 FROM petitions WHERE code = ?")
    }

    private func record(code: String, sql: StaticString) throws(SQLiteError) -> StoredRecord? {
        let s = try db.cachedStatement(literal: sql)
        s.bind(code, at: 1)
        defer { s.reset() }
        guard try s.step() else { return nil }
        return StoredRecord(key: s.int64(at: 0), activity: s.int64(at: 1), blob: s.blob(at: 2) ?? [], state: s.int64(at: 3))
    }

    /// Inserts or updates a dossier's state; returns its row key.
    public func saveDossier(key: Int64?, code: String, activity: Int64, state: DossierRowState, blob: [UInt8]) throws(SQLiteError) -> Int64 {
        if let key {
            let s = try db.cachedStatement(literal: "UPDATE dossiers SET activity = ?, open = ?, record = ? WHERE key = ?")
            s.bind(activity, at: 1); s.bind(state.rawValue, at: 2); s.bind(blob: blob, at: 3); s.bind(key, at: 4)
            try s.run()
            return key
        }
        let s = try db.cachedStatement(literal: "INSERT INTO dossiers(code, activity, open, record) VALUES (?, ?, ?, ?)")
        s.bind(code, at: 1); s.bind(activity, at: 2); s.bind(state.rawValue, at: 3); s.bind(blob: blob, at: 4)
        try s.run()
        return db.lastInsertedRowID
    }

    public func savePetition(key: Int64?, code: String, activity: Int64, blob: [UInt8]) throws(SQLiteError) -> Int64 {
        if let key {
            let s = try db.cachedStatement(literal: "UPDATE petitions SET activity = ?, record = ? WHERE key = ?")
            s.bind(activity, at: 1); s.bind(blob: blob, at: 2); s.bind(key, at: 3)
            try s.run()
            return key
        }
        let s = try db.cachedStatement(literal: "INSERT INTO petitions(code, activity, record) VALUES (?, ?, ?)")
        s.bind(code, at: 1); s.bind(activity, at: 2); s.bind(blob: blob, at: 3)
        try s.run()
        return db.lastInsertedRowID
    }

    /// Deletes a dossier's or petition's row (every event of it was retracted: it is as if never sent,
    /// events.md "Corrections"). The caller removes its index and procedure rows.
    public func deleteRecord(_ kind: RecordKind, key: Int64) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: kind == .dossier ? "DELETE FROM dossiers WHERE key = ?" : "DELETE FROM petitions WHERE key = ?")
        s.bind(key, at: 1)
        try s.run()
    }

    public enum RecordKind: Sendable { case dossier, petition }

    /// A row of the candidate index (`dossier_units`, `petition_units`): record `key` filed under
    /// `unit` at its activity key, with the instant of its earliest event (`first`; `Int64.min`, as
    /// NULL, bounds nothing). Not optional: a batch holds tens of thousands of rows, and an optional
    /// would make each 16 bytes larger.
    public struct UnitIndexRow: Sendable, Equatable {
        public var unit: String
        public var activity: Int64
        public var key: Int64
        public var first: Int64
        public init(unit: String, activity: Int64, key: Int64, first: Int64 = .min) {
            self.unit = unit; self.activity = activity; self.key = key; self.first = first
        }

        /// The index's own order (unit, activity, key); units compare by their UTF-8 bytes, as SQLite's
        /// BINARY collation does.
        public static func ordered(_ a: UnitIndexRow, _ b: UnitIndexRow) -> Bool {
            // Not `<` on strings: Swift's String equality holds for canonically equivalent spellings
            // that SQLite keeps apart. (`utf8.lexicographicallyPrecedes` is the same order, but, generic,
            // it cost half of the index rows' time at 1M.)
            let units = compareBytes(a.unit, b.unit)
            if units != 0 { return units < 0 }
            return a.activity != b.activity ? a.activity < b.activity : a.key < b.key
        }

        /// The sign of the first difference between the UTF-8 bytes of `a` and `b` (a prefix comes first).
        static func compareBytes(_ a: String, _ b: String) -> Int {
            var a = a, b = b
            return a.withUTF8 { x in
                b.withUTF8 { y in
                    for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                    return x.count == y.count ? 0 : x.count < y.count ? -1 : 1
                }
            }
        }

        /// `rows` sorted by `ordered`, comparing integers: each distinct unit is ranked once by its
        /// bytes, then the rows are sorted on (rank, activity, key). Comparing the units' bytes in
        /// every comparison cost 9 % of the writer's instructions at 250k events (docs/performance.md
        /// "Ingest", item 27). Two spellings of a unit that Swift finds equal but whose bytes differ
        /// (not NFC, docs/decisions.md) fall back to `ordered`.
        public static func inIndexOrder(_ rows: [UnitIndexRow]) -> [UnitIndexRow] {
            guard rows.count > 1 else { return rows }
            var units: [String] = []
            var slots: [String: Int32] = [:]
            // `rank` holds the unit's slot in `units` until the units are ranked below.
            var keys: [(rank: Int32, activity: Int64, key: Int64, row: Int)] = []
            keys.reserveCapacity(rows.count)
            for (i, r) in rows.enumerated() {
                let slot: Int32
                if let s = slots[r.unit] {
                    guard compareBytes(units[Int(s)], r.unit) == 0 else { return rows.sorted(by: ordered) }
                    slot = s
                } else {
                    slot = Int32(units.count)
                    units.append(r.unit)
                    slots[r.unit] = slot
                }
                keys.append((slot, r.activity, r.key, i))
            }
            var rankOfSlot = [Int32](repeating: 0, count: units.count)
            for (rank, slot) in units.indices.sorted(by: { compareBytes(units[$0], units[$1]) < 0 }).enumerated() {
                rankOfSlot[slot] = Int32(rank)
            }
            for i in keys.indices { keys[i].rank = rankOfSlot[Int(keys[i].rank)] }
            keys.sort { ($0.rank, $0.activity, $0.key) < ($1.rank, $1.activity, $1.key) }
            return keys.map { rows[$0.row] }
        }
    }

    /// Removes, then adds, a batch's candidate-index rows, each set in the index's order: consecutive
    /// rows then mostly fall on the page just written, where the order in which records were touched
    /// sends each to another part of the index. Rows are added several to a statement (`insertRows`;
    /// docs/performance.md "Ingest", item 10). A row in both (the same unit, activity and key) is
    /// removed, then added again: how a record's `first` alone changes.
    public func moveIndexRows(_ kind: RecordKind, removing: [UnitIndexRow], adding: [UnitIndexRow]) throws(SQLiteError) {
        for r in UnitIndexRow.inIndexOrder(removing) { try unindexUnit(kind, unit: r.unit, activity: r.activity, key: r.key) }
        let table = kind == .dossier ? "dossier_units(unit, activity, dossier, first)" : "petition_units(unit, activity, petition, first)"
        try insertRows(UnitIndexRow.inIndexOrder(adding), sql: "INSERT OR IGNORE INTO \(table) VALUES ", tuple: 4) { s, at, r in
            s.bind(r.unit, at: at); s.bind(r.activity, at: at + 1); s.bind(r.key, at: at + 2)
            s.bind(r.first, at: at + 3)
        }
    }

    /// Rows inserted per statement by `insertRows`: a statement's fixed cost (stepping, resetting,
    /// opening its cursors) is paid once for this many rows.
    public static let rowsPerInsert = 16

    /// `prefix` followed by `rows` tuples of `tuple` parameters: `(?, ?), (?, ?), …`.
    static func valuesSQL(_ prefix: String, tuple: Int, rows: Int) -> String {
        let one = "(" + repeatElement("?", count: tuple).joined(separator: ", ") + ")"
        return prefix + repeatElement(one, count: rows).joined(separator: ", ")
    }

    /// Inserts `rows` in order, `rowsPerInsert` to a statement (`INSERT … VALUES (?, …), (?, …), …`)
    /// and the rest one by one; `bind` binds one row's `tuple` parameters from index `at`.
    private func insertRows<Row>(_ rows: [Row], sql prefix: String, tuple: Int32,
                                 bind: (Statement, Int32, Row) -> Void) throws(SQLiteError) {
        func statement(_ count: Int) throws(SQLiteError) -> Statement {
            try db.cachedStatement(EventStore.valuesSQL(prefix, tuple: Int(tuple), rows: count))
        }
        var i = 0
        if rows.count >= EventStore.rowsPerInsert {
            let many = try statement(EventStore.rowsPerInsert)
            while rows.count - i >= EventStore.rowsPerInsert {
                for j in 0..<EventStore.rowsPerInsert { bind(many, Int32(j) * tuple + 1, rows[i + j]) }
                try many.run()
                i += EventStore.rowsPerInsert
            }
        }
        if i < rows.count {
            let one = try statement(1)
            while i < rows.count {
                bind(one, 1, rows[i])
                try one.run()
                i += 1
            }
        }
    }

    public func unindexUnit(_ kind: RecordKind, unit: String, activity: Int64, key: Int64) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: kind == .dossier
            ? "DELETE FROM dossier_units WHERE unit = ? AND activity = ? AND dossier = ?"
            : "DELETE FROM petition_units WHERE unit = ? AND activity = ? AND petition = ?")
        s.bind(unit, at: 1); s.bind(activity, at: 2); s.bind(key, at: 3)
        try s.run()
    }

    /// Every unit some dossier or petition is filed under (`chiso verify` compares them all).
    public func indexedUnits() throws(SQLiteError) -> Set<String> {
        var units = Set<String>()
        for sql: StaticString in ["SELECT DISTINCT unit FROM dossier_units", "SELECT DISTINCT unit FROM petition_units"] {
            let s = try db.cachedStatement(literal: sql)
            while try s.step() { if let u = s.text(at: 0) { units.insert(u) } }
        }
        return units
    }

    /// Calls `body` with (key, code, blob) of every record filed under `unit` whose activity key is
    /// ≥ `from` and whose earliest event is before `before` (rows that do not hold it are read).
    public func records(_ kind: RecordKind, unit: String, activeFrom from: Int64, firstBefore before: Int64,
                        _ body: (_ key: Int64, _ code: String, _ blob: UnsafeRawBufferPointer) throws -> Void) throws {
        // The bound on `first` is tested on the index row, before the record's row is looked up.
        let s: Statement
        let bounded = kind == .dossier ? indexHoldsFirst.dossier : indexHoldsFirst.petition
        switch (kind, bounded) {
        case (.dossier, true):
            s = try db.cachedStatement(literal: "SELECT d.key, d.code, d.record FROM dossier_units u JOIN dossiers d ON d.key = u.dossier WHERE u.unit = ? AND u.activity >= ? AND (u.first IS NULL OR u.first < ?)")
        case (.dossier, false):
            s = try db.cachedStatement(literal: "SELECT d.key, d.code, d.record FROM dossier_units u JOIN dossiers d ON d.key = u.dossier WHERE u.unit = ? AND u.activity >= ?")
        case (.petition, true):
            s = try db.cachedStatement(literal: "SELECT p.key, p.code, p.record FROM petition_units u JOIN petitions p ON p.key = u.petition WHERE u.unit = ? AND u.activity >= ? AND (u.first IS NULL OR u.first < ?)")
        case (.petition, false):
            s = try db.cachedStatement(literal: "SELECT p.key, p.code, p.record FROM petition_units u JOIN petitions p ON p.key = u.petition WHERE u.unit = ? AND u.activity >= ?")
        }
        s.bind(unit, at: 1); s.bind(from, at: 2)
        if bounded { s.bind(before, at: 3) }
        try forEachRecordRow(s, body)
    }

    /// Calls `body` with every record of a kind (for verify's comparison and for `due`).
    public func allRecords(_ kind: RecordKind, openOnly: Bool = false,
                           _ body: (_ code: String, _ blob: UnsafeRawBufferPointer) throws -> Void) throws {
        let sql: String
        switch kind {
        case .dossier: sql = openOnly ? "SELECT code, record FROM dossiers WHERE open = 1" : "SELECT code, record FROM dossiers"
        case .petition: sql = "SELECT code, record FROM petitions"
        }
        let s = try db.makeStatement(sql)
        while try s.step() {
            let code = s.text(at: 0) ?? ""
            try s.withBlob(at: 1) { try body(code, $0) }
        }
    }

    /// Removes all derived state (dossiers, petitions, their indexes, catalogue, void marks) for a rebuild.
    public func clearDerivedState() throws(SQLiteError) {
        try db.execute("""
            DELETE FROM dossier_units; DELETE FROM dossiers; DELETE FROM petition_units; DELETE FROM petitions;
            DELETE FROM catalogue; DELETE FROM void_events; DELETE FROM retractions;
            DELETE FROM tallies; DELETE FROM dossier_procedures;
            """)
    }

    // MARK: Quarantine

    /// Quarantines a rejected line once per (source, bytes); returns false when it was already there.
    /// A line rejected again keeps its first line number and takes the latest reason, since that is
    /// the one to fix now (a receipt refused as a conflict whose id another event has since taken).
    public func quarantine(source: String, line: Int, code: String, reason: String, text: UnsafeRawBufferPointer, digest: Int64, now: Int64) throws(SQLiteError) -> Bool {
        let find = try db.cachedStatement(literal: "SELECT seq, text FROM rejects WHERE source = ? AND digest = ?")
        find.bind(source, at: 1); find.bind(digest, at: 2)
        while try find.step() {
            let same = find.withBlob(at: 1) { $0.elementsEqual(text) }
            if same {
                let seq = find.int64(at: 0)
                find.reset()
                let bump = try db.cachedStatement(literal: "UPDATE rejects SET seen = seen + 1, code = ?, reason = ? WHERE seq = ?")
                bump.bind(code, at: 1); bump.bind(reason, at: 2); bump.bind(seq, at: 3)
                try bump.run()
                return false
            }
        }
        find.reset()
        let s = try db.cachedStatement(literal: "INSERT INTO rejects(source, line, code, reason, text, digest, seen, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)")
        s.bind(source, at: 1); s.bind(line, at: 2); s.bind(code, at: 3); s.bind(reason, at: 4)
        s.bind(blob: text, at: 5); s.bind(digest, at: 6); s.bind(now, at: 7)
        try s.run()
        return true
    }

    /// A quarantined line.
    public struct Reject: Sendable {
        public var source: String
        public var line: Int
        public var code: String
        public var reason: String
        public var text: [UInt8]
        public var seen: Int
    }

    /// The quarantined lines in the order they were first rejected; those of `source` alone when given.
    public func rejects(source: String? = nil, limit: Int = Int.max) throws(SQLiteError) -> [Reject] {
        let s = try db.makeStatement("SELECT source, line, code, reason, text, seen FROM rejects WHERE ?1 IS NULL OR source = ?1 ORDER BY seq LIMIT ?2")
        s.bind(source, at: 1)
        s.bind(Int64(min(limit, Int(Int64.max))), at: 2)
        var out: [Reject] = []
        while try s.step() {
            out.append(Reject(source: s.text(at: 0) ?? "", line: s.int(at: 1), code: s.text(at: 2) ?? "",
                              reason: s.text(at: 3) ?? "", text: s.blob(at: 4) ?? [], seen: s.int(at: 5)))
        }
        return out
    }

    /// The sources of the quarantined lines, in the order each was first seen.
    public func rejectSources() throws(SQLiteError) -> [String] {
        let s = try db.makeStatement("SELECT source FROM rejects GROUP BY source ORDER BY min(seq)")
        var out: [String] = []
        while try s.step() { out.append(s.text(at: 0) ?? "") }
        return out
    }

    /// Removes the quarantined lines (of `source` alone when given) and moves the status counter;
    /// returns how many were removed. In the caller's transaction.
    public func deleteRejects(source: String?) throws(SQLiteError) -> Int {
        let s = try db.makeStatement("DELETE FROM rejects WHERE ?1 IS NULL OR source = ?1")
        s.bind(source, at: 1)
        try s.run()
        let removed = db.changes
        try bump(.rejected, by: -Int64(removed))
        return removed
    }

    // MARK: Status

    /// The counters `chiso status` reads, kept in `meta` and moved by each batch in its transaction.
    public enum Counter: String, CaseIterable, Sendable {
        /// `dossiers` counts every dossier row; `uncountedDossiers` those that count nowhere
        /// (`DossierRowState.countsNowhere`).
        case events = "count.events", dossiers = "count.dossiers", openDossiers = "count.openDossiers"
        case uncountedDossiers = "count.uncountedDossiers"
        /// Rows of codes only named by petitions (`DossierRowState.namedOnlyByPetitions`), not in `dossiers`.
        case petitionOnlyDossiers = "count.petitionOnlyDossiers"
        case petitions = "count.petitions", rejected = "count.rejected"

        /// The counter's place in `allCases`, for tables of one slot a counter: a dictionary keyed by
        /// the counters hashes their names (their raw values), once or twice an ingested event.
        public var slot: Int {
            switch self {
            case .events: return 0
            case .dossiers: return 1
            case .openDossiers: return 2
            case .uncountedDossiers: return 3
            case .petitionOnlyDossiers: return 4
            case .petitions: return 5
            case .rejected: return 6
            }
        }
    }

    public func counter(_ c: Counter) throws(SQLiteError) -> Int64? {
        let s = try db.cachedStatement(literal: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?")
        s.bind(c.rawValue, at: 1)
        defer { s.reset() }
        return try s.step() ? s.int64(at: 0) : nil
    }

    /// Adds `delta` to a counter (inside the caller's transaction).
    public func bump(_ c: Counter, by delta: Int64) throws(SQLiteError) {
        guard delta != 0 else { return }
        let s = try db.cachedStatement(literal: "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?")
        s.bind(delta, at: 1); s.bind(c.rawValue, at: 2)
        try s.run()
    }

    /// Sets every counter from the tables themselves (a new database, one written before counters
    /// existed, or after a rebuild).
    public func recount() throws(SQLiteError) {
        let sql: [(Counter, String)] = [
            (.events, "SELECT count(*) FROM events"), (.dossiers, "SELECT count(*) FROM dossiers"),
            (.openDossiers, "SELECT count(*) FROM dossiers WHERE open = 1"), (.uncountedDossiers, "SELECT count(*) FROM dossiers WHERE open = 2"),
            (.petitionOnlyDossiers, "SELECT count(*) FROM dossiers WHERE open = 3"),
            (.petitions, "SELECT count(*) FROM petitions"),
            (.rejected, "SELECT count(*) FROM rejects"),
        ]
        if let latest = try db.scalarInt64("SELECT max(at) FROM events") { try setMeta(Meta.latestEventAt, latest) }
        for (c, q) in sql {
            let n = try db.scalarInt64(q) ?? 0
            let s = try db.cachedStatement(literal: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            s.bind(c.rawValue, at: 1); s.bind(String(n), at: 2)
            try s.run()
        }
    }

    /// Notes an ingest of events naming `unit`: the latest of their instants, and when. (The column
    /// is called `root`: until 2026-12-01 the writer rolled units up to their roots; a reader rolls
    /// every row up to its root, so those rows read the same.)
    public func noteIngest(unit: String, latestEventAt: Int64, now: Int64) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: """
            INSERT INTO ingests(root, latest_event_at, ingested_at) VALUES (?, ?, ?)
            ON CONFLICT(root) DO UPDATE SET latest_event_at = max(latest_event_at, excluded.latest_event_at), ingested_at = excluded.ingested_at
            """)
        s.bind(unit, at: 1); s.bind(latestEventAt, at: 2); s.bind(now, at: 3)
        try s.run()
    }

    public struct Counts: Sendable {
        public var events: Int64 = 0
        public var dossiers: Int64 = 0
        public var openDossiers: Int64 = 0
        /// Dossier rows that count nowhere (refused, or no receipt); not in `dossiers`.
        public var uncountedDossiers: Int64 = 0
        public var petitions: Int64 = 0
        public var rejected: Int64 = 0
        /// Logged events that are void (retracted); ids a retraction still awaits are not counted.
        public var voidEvents: Int64 = 0
        public var latestEventAt: Int64?
        /// Per unit named by ingested events (or per root, in a database written before 2026-12-01):
        /// the latest event instant and ingest time. `chiso status` rolls them up to their roots.
        public var ingests: [(unit: String, latestEventAt: Int64, ingestedAt: Int64)] = []
    }

    /// What the database holds. The counts come from counters kept by each batch (`Counter`), so
    /// that `chiso status` costs the same at 10M events as at 10; a database without them is counted.
    /// `voidEvents` is counted by a query over the void ids, which are few (retractions are rare).
    public func counts() throws(SQLiteError) -> Counts {
        var c = Counts()
        var petitionOnly: Int64 = 0
        if try counter(.events) == nil {
            c.events = try db.scalarInt64("SELECT count(*) FROM events") ?? 0
            c.dossiers = try db.scalarInt64("SELECT count(*) FROM dossiers") ?? 0
            c.openDossiers = try db.scalarInt64("SELECT count(*) FROM dossiers WHERE open = 1") ?? 0
            c.uncountedDossiers = try db.scalarInt64("SELECT count(*) FROM dossiers WHERE open = 2") ?? 0
            petitionOnly = try db.scalarInt64("SELECT count(*) FROM dossiers WHERE open = 3") ?? 0
            c.petitions = try db.scalarInt64("SELECT count(*) FROM petitions") ?? 0
            c.rejected = try db.scalarInt64("SELECT count(*) FROM rejects") ?? 0
        } else {
            c.events = try counter(.events) ?? 0
            c.dossiers = try counter(.dossiers) ?? 0
            c.openDossiers = try counter(.openDossiers) ?? 0
            // Absent in a database written before it existed, which holds no such rows (`DossierRowState`).
            c.uncountedDossiers = try counter(.uncountedDossiers) ?? 0
            petitionOnly = try counter(.petitionOnlyDossiers) ?? 0
            c.petitions = try counter(.petitions) ?? 0
            c.rejected = try counter(.rejected) ?? 0
        }
        // The logged events that are void. `void_events` also holds the ids that a retraction awaits
        // (details.md 7: it "waits for" an unknown id), which are no events of the log yet. It is
        // small (retractions are rare), and each look-up is one probe of the log's unique index.
        c.voidEvents = try db.scalarInt64("SELECT count(*) FROM void_events v WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = v.id)") ?? 0
        // Every event counts, retractions too; a database written before `Meta.latestEventAt` existed
        // has only the roots' marks, which leave retractions out.
        let roots = try db.scalarInt64("SELECT max(latest_event_at) FROM ingests")
        let any = try meta(Meta.latestEventAt)
        c.latestEventAt = [roots, any].compactMap { $0 }.max()
        // The real dossiers: rows that count nowhere are reported apart, and codes only named by
        // petitions are no dossiers at all.
        c.dossiers -= c.uncountedDossiers + petitionOnly
        let s = try db.makeStatement("SELECT root, latest_event_at, ingested_at FROM ingests ORDER BY root")
        while try s.step() { c.ingests.append((s.text(at: 0) ?? "", s.int64(at: 1), s.int64(at: 2))) }
        return c
    }

    // MARK: Tallies (docs/design.md "Tallies")

    /// Keys of `meta` for the tallies.
    public enum Meta {
        /// 1 when the tallies reflect the whole log (a new database, or after `chiso rebuild`).
        public static let talliesValid = "tallies.valid"
        /// The latest `at` of any stored event: tallies answer only for E after it.
        public static let watermark = "events.watermark"
        /// `WorkingCalendar.fingerprint` of the calendar the tallies were computed with.
        public static let talliesCalendar = "tallies.calendar"
        /// Moved by every ingest commit, so that a writer can tell another one committed in between.
        public static let commitSerial = "commit.serial"
        /// The latest `at` of any event in the log, retractions included (`chiso status`).
        public static let latestEventAt = "events.latestAt"
        /// The calendar the state was computed with, as a calendar file's text
        /// (`WorkingCalendar.fileText`): every command uses it until `chiso rebuild` adopts another
        /// (details.md 27).
        public static let stateCalendar = "state.calendar"
    }

    /// A `meta` value as text (`Meta.stateCalendar`); nil when absent.
    public func metaText(_ key: String) throws(SQLiteError) -> String? {
        let s = try db.cachedStatement(literal: "SELECT value FROM meta WHERE key = ?")
        s.bind(key, at: 1)
        defer { s.reset() }
        return try s.step() ? s.text(at: 0) : nil
    }

    public func setMetaText(_ key: String, _ value: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        s.bind(key, at: 1); s.bind(value, at: 2)
        try s.run()
    }

    /// A `meta` value that is a number; nil when absent.
    public func meta(_ key: String) throws(SQLiteError) -> Int64? {
        try metaText(key).flatMap { Int64($0) }
    }

    /// Sets `key` to `value` unless it already holds more.
    public func raiseMeta(_ key: String, to value: Int64) throws(SQLiteError) {
        if let old = try meta(key), old >= value { return }
        try setMeta(key, value)
    }

    public func setMeta(_ key: String, _ value: Int64) throws(SQLiteError) {
        try setMetaText(key, String(value))
    }

    /// Procedure codes by ordinal (index 0 is the petitions' "").
    /// A database written before tallies existed, opened read-only, has no table: then only "".
    public func procedureCodes() throws(SQLiteError) -> [String] {
        guard try db.scalarInt64("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'procedures'") == 1 else { return [""] }
        let s = try db.makeStatement("SELECT ordinal, code FROM procedures ORDER BY ordinal")
        var out: [String] = []
        while try s.step() {
            let o = Int(s.int64(at: 0))
            while out.count < o { out.append("") }
            out.append(s.text(at: 1) ?? "")
        }
        return out
    }

    public func maxProcedureOrdinal() throws(SQLiteError) -> Int64 {
        try db.scalarInt64("SELECT max(ordinal) FROM procedures") ?? 0
    }

    public func addProcedure(ordinal: Int32, code: String) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "INSERT INTO procedures(ordinal, code) VALUES (?, ?)")
        s.bind(Int64(ordinal), at: 1); s.bind(code, at: 2)
        try s.run()
    }

    public func removeDossierProcedure(_ ordinal: Int32, dossier: Int64) throws(SQLiteError) {
        let s = try db.cachedStatement(literal: "DELETE FROM dossier_procedures WHERE procedure = ? AND dossier = ?")
        s.bind(Int64(ordinal), at: 1); s.bind(dossier, at: 2)
        try s.run()
    }

    /// Notes that each dossier was received for its procedure (ignoring pairs already noted), for a
    /// batch's rows at once: in the table's order and several to a statement (see `moveIndexRows`).
    public func addDossierProcedures(_ rows: [(procedure: Int32, dossier: Int64)]) throws(SQLiteError) {
        let sorted = rows.sorted { $0.procedure != $1.procedure ? $0.procedure < $1.procedure : $0.dossier < $1.dossier }
        try insertRows(sorted, sql: "INSERT OR IGNORE INTO dossier_procedures(procedure, dossier) VALUES ", tuple: 2) { s, at, r in
            s.bind(Int64(r.procedure), at: at); s.bind(r.dossier, at: at + 1)
        }
    }

    /// Calls `body` with (key, code, blob) of every dossier received for a procedure (possibly a few
    /// more: entries are never removed), one at a time.
    public func dossiers(procedure ordinal: Int32,
                         _ body: (_ key: Int64, _ code: String, _ blob: UnsafeRawBufferPointer) throws -> Void) throws {
        let s = try db.cachedStatement(literal: "SELECT d.key, d.code, d.record FROM dossier_procedures p JOIN dossiers d ON d.key = p.dossier WHERE p.procedure = ?")
        s.bind(Int64(ordinal), at: 1)
        try forEachRecordRow(s, body)
    }

    /// Steps a statement that selects (key, code, record) and resets it.
    private func forEachRecordRow(_ s: Statement, _ body: (_ key: Int64, _ code: String, _ blob: UnsafeRawBufferPointer) throws -> Void) throws {
        defer { s.reset() }
        while try s.step() {
            let key = s.int64(at: 0)
            let code = s.text(at: 1) ?? ""
            try s.withBlob(at: 2) { try body(key, code, $0) }
        }
    }

    /// Calls `body` with the encoded cell of (period, unit); false when there is none.
    @discardableResult
    public func tallyCell(period: Int64, unit: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let s = try db.cachedStatement(literal: "SELECT cell FROM tallies WHERE period = ? AND unit = ?")
        s.bind(period, at: 1); s.bind(unit, at: 2)
        defer { s.reset() }
        guard try s.step() else { return false }
        try s.withBlob(at: 0) { try body($0) }
        return true
    }

    /// Calls `body(period, cell)` for the cells of `unit` in `period` and in period 0 (one statement).
    public func tallyCells(unit: String, period: Int64, _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        let s = try db.cachedStatement(literal: "SELECT period, cell FROM tallies WHERE period IN (?, 0) AND unit = ?")
        s.bind(period, at: 1); s.bind(unit, at: 2)
        defer { s.reset() }
        while try s.step() {
            let p = s.int64(at: 0)
            try s.withBlob(at: 1) { try body(p, $0) }
        }
    }

    /// Calls `body(unit, cell)` for every cell of `period`, in unit order (one range read).
    public func tallyCells(period: Int64, _ body: (String, UnsafeRawBufferPointer) throws -> Void) throws {
        let s = try db.cachedStatement(literal: "SELECT unit, cell FROM tallies WHERE period = ?")
        s.bind(period, at: 1)
        defer { s.reset() }
        while try s.step() {
            let unit = s.text(at: 0) ?? ""
            try s.withBlob(at: 1) { try body(unit, $0) }
        }
    }

    /// Writes a cell, or removes it when empty.
    public func saveTallyCell(period: Int64, unit: String, cell: [UInt8]) throws(SQLiteError) {
        if cell.isEmpty {
            let s = try db.cachedStatement(literal: "DELETE FROM tallies WHERE period = ? AND unit = ?")
            s.bind(period, at: 1); s.bind(unit, at: 2)
            try s.run()
        } else {
            let s = try db.cachedStatement(literal: "INSERT INTO tallies(period, unit, cell) VALUES (?, ?, ?) ON CONFLICT(period, unit) DO UPDATE SET cell = excluded.cell")
            s.bind(period, at: 1); s.bind(unit, at: 2); s.bind(blob: cell, at: 3)
            try s.run()
        }
    }
}
