import ChisoCore
import ChisoStore
import Testing
@testable import ChisoEngine

/// The log appended in groups of lines (`LogGroup`, `EventStore.appendEvents`; docs/performance.md
/// item 29) keeps exactly what appending one line at a time keeps.
@Suite struct LogGroupTests {
    /// What an ingest leaves behind: its summary, the rejections it reported, the log in order, the
    /// quarantine, and every dossier's stored record.
    struct Outcome: Equatable {
        var accepted = 0, duplicates = 0, rejected = 0
        var rejections: [String] = []
        var log: [String] = []
        var columns: [String] = []
        var quarantine: [String] = []
        var records: [String: [UInt8]] = [:]
    }

    /// Ingests `batches` one after the other, in batches of `batchSize` lines, into a new database.
    func outcome(_ batches: [[String]], batchSize: Int, codes: [String]) throws -> Outcome {
        let engine = try openEngine()
        var result = Outcome()
        for lines in batches {
            let (summary, rejected) = try ingest(engine, lines, batchSize: batchSize)
            result.accepted += summary.accepted
            result.duplicates += summary.duplicates
            result.rejected += summary.rejected
            result.rejections += rejected.map(\.message)
        }
        try engine.store.forEachEvent { _, line in result.log.append(line) }
        // The columns beside the line: the id, type and instant the appends bound.
        let columns = try engine.store.db.makeStatement("SELECT id, type, at FROM events ORDER BY seq")
        while try columns.step() { result.columns.append("\(columns.text(at: 0) ?? "-") \(columns.text(at: 1) ?? "-") \(columns.int64(at: 2))") }
        result.quarantine = try engine.store.rejects().map { "\($0.line) \($0.code) \(String(decoding: $0.text, as: UTF8.self))" }
        for code in codes {
            if let stored = try engine.store.dossier(code: code) { result.records[code] = stored.blob }
        }
        return result
    }

    /// Lines that make a grouped append decide something: a line repeated at once (a duplicate), an
    /// id sent again with another body (a conflict), a receipt whose procedure conflicts with the
    /// dossier's first (taken out of the log again), then that receipt's id sent again, and an id
    /// that an earlier batch stored.
    static func trickyLines(_ n: Int) -> [String] {
        let first = Line.received("t\(n)a", "T\(n)", unit: "H44.101", procedure: "P1", at: "2026-08-03 09:00")
        let conflicting = Line.received("t\(n)b", "T\(n)", unit: "H44.101", procedure: "P2", at: "2026-08-03 10:00")
        let synced = Line.dossier("t\(n)c", "synced", "T\(n)", at: "2026-08-03 11:00")
        return [
            first, first, synced,
            Line.dossier("t\(n)c", "supplemented", "T\(n)", at: "2026-08-03 11:30"),
            conflicting, conflicting, Line.dossier("t\(n)b", "synced", "T\(n)", at: "2026-08-03 12:00"),
            Line.dossier("t\(n)d", "returned", "T\(n)", at: "2026-08-04 08:00"),
        ]
    }

    @Test(arguments: [UInt64(51), 52, 53, 54])
    func groupedAppendsKeepWhatOneLineAtATimeKeeps(seed: UInt64) throws {
        var lines = PropertyTests().randomStream(seed: seed, span: 40, dossiers: 60)
        var rng = PropertyTests.SplitMix(state: seed)
        for n in 0..<6 {
            let at = rng.int(lines.count)
            lines.insert(contentsOf: Self.trickyLines(n), at: at)
        }
        // Lines an earlier ingest stored, sent again among the others (same and other bodies).
        let earlier = Array(lines.prefix(40))
        let codes = (0..<60).map { "D\($0)" } + (0..<6).map { "T\($0)" }
        let batches = [earlier, lines + [earlier[3].replacingOccurrences(of: "2026", with: "2025")]]
        // Batches of one line append one line at a time; larger ones in groups of up to 16.
        let alone = try outcome(batches, batchSize: 1, codes: codes)
        #expect(alone.duplicates > 40 && alone.rejected >= 12, "the stream must hold repeats and conflicts: \(alone.duplicates), \(alone.rejected)")
        for batchSize in [2, 7, 64, 2000] {
            let grouped = try outcome(batches, batchSize: batchSize, codes: codes)
            #expect(grouped == alone, "batches of \(batchSize)")
        }
    }

    @Test func aConflictingReceiptTakenOutOfTheLogIsAppendedAgainWhenItsIdComesBack() throws {
        let lines = Self.trickyLines(0)
        let codes = ["T0"]
        let alone = try outcome([lines], batchSize: 1, codes: codes)
        let grouped = try outcome([lines], batchSize: 100, codes: codes)
        #expect(grouped == alone)
        // The conflicting receipt is rejected twice (it is not stored, so its repeat is no duplicate),
        // and the line that reuses its id for a sync is then new.
        #expect(alone.rejections.filter { $0.contains("conflict") || $0.contains("procedure") }.count >= 2, "\(alone.rejections)")
        #expect(alone.log.contains { $0.contains(#""id":"t0b","type":"dossier.synced""#) })
        #expect(alone.duplicates == 1)
        #expect(alone.columns.first == "t0a dossier.received \(instant("2026-08-03T09:00:00+07:00").micros)")
    }

    @Test func appendEventsTellsWhichRowsWereNew() throws {
        let engine = try openEngine()
        let store = engine.store
        let lines = (0..<40).map { #"{"id":"r\#($0)"}"# }
        var inserted: [Bool] = []
        func append(_ ids: [Int], at micros: Int64 = 1) throws -> [Bool] {
            var result: [Bool] = []
            try store.db.begin(.immediate)
            try withTexts(ids.flatMap { ["r\($0)", lines[$0]] }) { buffers in
                let rows = stride(from: 0, to: buffers.count, by: 2).map {
                    EventStore.LogRow(id: buffers[$0], type: buffers[$0], at: micros, line: buffers[$0 + 1])
                }
                try store.appendEvents(rows, ingestedAt: 0, inserted: &inserted)
                result = inserted
            }
            try store.db.commit()
            return result
        }
        #expect(try append([0, 1, 2]) == [true, true, true])
        // Ids already stored, and an id twice in one call: only its first row is new.
        #expect(try append([3, 1, 4, 3, 0, 5]) == [true, false, true, false, false, true])
        #expect(try append([1, 2]) == [false, false])
        // More rows than one statement takes.
        let many = Array(6..<40) + [6]
        #expect(try append(many) == Array(repeating: true, count: 34) + [false])
        #expect(try append([]) == [])
        var stored: [String] = []
        try store.forEachEvent { _, line in stored.append(line) }
        #expect(stored == (0..<40).map { lines[$0] })
    }

    /// Calls `body` with each text's UTF-8 bytes, all valid during the call.
    func withTexts(_ texts: [String], _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
        let joined = Array(texts.joined().utf8)
        try joined.withUnsafeBytes { all in
            var buffers: [UnsafeRawBufferPointer] = []
            var start = 0
            for text in texts {
                let count = text.utf8.count
                buffers.append(UnsafeRawBufferPointer(rebasing: all[start..<(start + count)]))
                start += count
            }
            try body(buffers)
        }
    }
}
