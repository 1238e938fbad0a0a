import ChisoStore
import Testing

/// The hot-path writes of `EventStore` (docs/performance.md "Ingest", item 10).
@Suite struct EventStoreTests {
    /// An appended line's bytes are stored as the text `appendEvent(body:)` stores, and a repeated id
    /// is reported, whichever form appended it first.
    @Test func appendingBytesStoresTheSameTextAsAppendingAString() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let store = try EventStore(path: file.path)
        let line = #"{"id":"e-1","type":"dossier.received","unit":"Sở Tư pháp ✓"}"#
        let appended = try Array(line.utf8).withUnsafeBytes { bytes in
            try store.appendEvent(id: "e-1", type: "dossier.received", at: 1, line: bytes, ingestedAt: 2)
        }
        #expect(appended)
        #expect(try store.eventBody(id: "e-1") == line)
        #expect(try store.appendEvent(id: "e-1", type: "dossier.received", at: 1, body: line, ingestedAt: 2) == false)
        #expect(try store.appendEvent(id: "e-2", type: "x", at: 1, body: "", ingestedAt: 2))
        let again = try [UInt8]().withUnsafeBytes { bytes in
            try store.appendEvent(id: "e-2", type: "x", at: 1, line: bytes, ingestedAt: 2)
        }
        #expect(again == false)
        #expect(try store.eventBody(id: "e-2") == "")
    }

    /// `moveIndexRows` sorts in the index's own order (unit bytes, activity, key), which is SQLite's
    /// for the primary key: a unit spelled with a decomposed accent sorts by its bytes, not as Swift
    /// compares strings. It removes, then adds.
    @Test func indexRowsAreWrittenInTheIndexsOrder() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let store = try EventStore(path: file.path)
        let units = ["H44.02", "H44.01", "H44", "b"]
        var rows: [EventStore.UnitIndexRow] = []
        for (i, u) in units.enumerated() {
            for activity: Int64 in [5, -3] { rows.append(.init(unit: u, activity: activity, key: Int64(10 - i))) }
        }
        // Two spellings of "Á" that Swift finds equal: by bytes the decomposed one (41 CC 81) comes
        // first, whatever the activity; compared as equal strings the activity would decide.
        rows += [.init(unit: "A\u{0301}", activity: 5, key: 20), .init(unit: "\u{00C1}", activity: -3, key: 21)]
        // Enough rows for a statement of several rows (`rowsPerInsert`) and some one by one.
        for key in Int64(100)..<120 { rows.append(.init(unit: "H44.03", activity: key % 3, key: key)) }
        try store.db.transaction {
            try store.moveIndexRows(.dossier, removing: [], adding: rows)
            // A row already there is ignored, inside a statement of several rows too.
            try store.moveIndexRows(.dossier, removing: [rows[0], rows[3]], adding: [.init(unit: "H44", activity: 0, key: 1)] + rows[10..<30])
        }
        let read = try store.db.makeStatement("SELECT unit, activity, dossier FROM dossier_units ORDER BY unit, activity, dossier")
        var stored: [EventStore.UnitIndexRow] = []
        while try read.step() { stored.append(.init(unit: read.text(at: 0) ?? "", activity: read.int64(at: 1), key: read.int64(at: 2))) }
        var expected = rows
        expected.removeAll { $0 == rows[0] || $0 == rows[3] }
        expected.append(.init(unit: "H44", activity: 0, key: 1))
        let decomposed = EventStore.UnitIndexRow(unit: "A\u{0301}", activity: 5, key: 20)
        let composed = EventStore.UnitIndexRow(unit: "\u{00C1}", activity: -3, key: 21)
        #expect(EventStore.UnitIndexRow.ordered(decomposed, composed))
        #expect(!EventStore.UnitIndexRow.ordered(composed, decomposed))
        let sorted = expected.sorted(by: EventStore.UnitIndexRow.ordered)
        #expect(stored.map(\.key) == sorted.map(\.key))
        #expect(stored.map { Array($0.unit.utf8) } == sorted.map { Array($0.unit.utf8) })
    }

    /// `inIndexOrder`, which sorts on integer ranks of the units, gives `ordered`'s order exactly:
    /// over random rows (units that are prefixes of others, non-ASCII ones, repeated rows), and for
    /// two spellings of one unit that Swift finds equal but whose bytes differ.
    /// `Counter.slot` is each counter's place in `allCases`, so that a table of one slot a counter
    /// (the engine's batch deltas) holds every counter in a slot of its own.
    @Test func everyCounterHasItsOwnSlot() {
        for (i, counter) in EventStore.Counter.allCases.enumerated() {
            #expect(counter.slot == i, "\(counter)")
        }
    }

    @Test func rankedUnitsSortAsTheirBytes() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(seed % UInt64(n))
        }
        let units = ["H44", "H44.1", "H44.10", "H44.2", "H4", "b", "Á", "Sở Tư pháp", "Z", "H44.105"]
        for round in 0..<50 {
            let rows = (0..<(1 + next(300))).map { _ in
                EventStore.UnitIndexRow(unit: units[next(units.count)], activity: Int64(next(5)) - 2, key: Int64(next(40)))
            }
            let expected = rows.sorted(by: EventStore.UnitIndexRow.ordered)
            let ranked = EventStore.UnitIndexRow.inIndexOrder(rows)
            #expect(ranked.map(\.key) == expected.map(\.key), "round \(round)")
            #expect(ranked.map { Array($0.unit.utf8) } == expected.map { Array($0.unit.utf8) }, "round \(round)")
            #expect(ranked.map(\.activity) == expected.map(\.activity), "round \(round)")
        }
        let spellings = [EventStore.UnitIndexRow(unit: "\u{00C1}", activity: -3, key: 21), .init(unit: "B", activity: 0, key: 1),
                         .init(unit: "A\u{0301}", activity: 5, key: 20)]
        // By bytes: 41 CC 81 (decomposed), 42 ("B"), C3 81 (composed).
        #expect(EventStore.UnitIndexRow.inIndexOrder(spellings).map(\.key) == [20, 1, 21])
    }
}

/// Opening a store (`EventStore.init`).
@Suite struct EventStoreOpeningTests {
    /// A new database's schema is written in one transaction: each page goes to the WAL once.
    /// Committed statement by statement, the schema's first page (which lists every table) would
    /// be written again at every commit, and the WAL would hold several times the file's pages.
    @Test func aNewDatabasesSchemaIsOneCommit() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        let store = try EventStore(path: file.path)
        let pages = try #require(try store.db.scalarInt64("PRAGMA page_count"))
        let pageSize = try #require(try store.db.scalarInt64("PRAGMA page_size"))
        #expect(pages > 10)
        #expect(store.db.walContentBytes > 0)
        #expect(store.db.walContentBytes <= pages * pageSize)
        #expect(try store.meta("schema") == Int64(Schema.version))
    }

    /// Opening an existing database again changes nothing and keeps what it holds.
    @Test func reopeningKeepsTheLog() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        do {
            let store = try EventStore(path: file.path)
            #expect(try store.appendEvent(id: "e-1", type: "x", at: 1, body: "{}", ingestedAt: 2))
        }
        let store = try EventStore(path: file.path)
        #expect(store.db.walContentBytes == 0)
        #expect(try store.eventBody(id: "e-1") == "{}")
    }
}
