import Dispatch
import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// `DossierWrites` (docs/performance.md "Ingest", items 6 and 19): the writes and tally changes
/// computed on the second thread are those computed in line, in order; and a writer that stops
/// taking them never hangs.
@Suite struct DossierWritesTests {
    static let calendar = WorkingCalendar(zone: .vietnam, holidays: [], extraWorkdays: [])
    static let rules = TallyRules(catalogue: Catalogue().asOf(.distantFuture), calendar: calendar)

    /// Records received on different days, at different units, due five days later, half of them finished.
    static func records(_ n: Int) -> [DossierRecord] {
        (0..<n).map { i in
            var r = DossierRecord(code: "D\(i)")
            let at = instant("2026-08-03T09:00:00+07:00").adding(micros: Int64(i) * 3_600_000_000)
            r.insert(DossierEntry(id: "r\(i)", at: at, unit: "U\(i % 7)", action: .received(Receipt(procedure: "P\(i % 3)", channel: .online,
                                                                                                        due: at.adding(micros: 5 * 86_400_000_000)))))
            if i % 2 == 0 {
                r.insert(DossierEntry(id: "f\(i)", at: at.adding(micros: 86_400_000_000), unit: "U\(i % 7)",
                                      action: .finished(approved: true, electronicResult: true, pushedToPersonalStore: false)))
            }
            return r
        }
    }

    static let ordinals: [String: Int32] = ["P0": 1, "P1": 2, "P2": 3]

    @Test func threadedWritesEqualInLineWrites() {
        let records = DossierWritesTests.records(300) // 10 chunks, more than the look-ahead
        let previous = [TalliedShare?](repeating: nil, count: records.count)
        let threaded = DossierWrites(records: records, previous: previous, rules: DossierWritesTests.rules, ordinals: DossierWritesTests.ordinals,
                                     parallelMinimum: 1)
        let inline = DossierWrites(records: records, previous: previous, rules: DossierWritesTests.rules, ordinals: DossierWritesTests.ordinals,
                                   parallelMinimum: .max)
        for i in records.indices {
            let a = threaded.write(i), b = inline.write(i)
            #expect(a.blob == b.blob && a.activity == b.activity && a.open == b.open && a.units == b.units && a.facts == b.facts, "record \(i)")
            #expect(a.blob == RecordCodec.encode(records[i]))
            #expect(a.open == (i % 2 == 1) && a.facts.procedure == Int32(i % 3 + 1))
        }
    }

    /// A chunk the computing thread has not started is computed by the writer (docs/performance.md
    /// item 35): with no computing thread at all the writer claims every chunk, and with one the two
    /// share them; either way every write and the tally changes are those computed in line.
    @Test(arguments: [false, true]) func theWriterComputesTheChunksNotStarted(computingThread: Bool) throws {
        let records = DossierWritesTests.records(300)
        let rules = DossierWritesTests.rules, ordinals = DossierWritesTests.ordinals
        let previous: [TalliedShare?] = records.indices.map { $0 % 4 == 0 ? nil : .facts(.none) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: (writes: [DossierWrite], changes: [TallyState.CellKey: TallyCell])?
        DispatchQueue.global().async {
            let writes = DossierWrites(records: records, previous: previous, rules: rules, ordinals: ordinals, parallelMinimum: 1,
                                       computingThread: computingThread)
            let taken = records.indices.map { writes.write($0) }
            outcome = (taken, (try? writes.tallyChanges()) ?? [:])
            done.signal()
        }
        try #require(done.wait(timeout: .now() + 30) == .success, "the writer waited for a chunk nobody computes")
        let inline = DossierWrites(records: records, previous: previous, rules: rules, ordinals: ordinals, parallelMinimum: .max)
        let expected = records.indices.map { inline.write($0) }
        let got = try #require(outcome)
        #expect(got.writes.map(\.blob) == expected.map(\.blob) && got.writes.map(\.facts) == expected.map(\.facts))
        let changes = try inline.tallyChanges()
        #expect(!changes.isEmpty && got.changes == changes)
    }

    /// An error in the writer's loop stops it taking writes; `join` (run by `flushPending`'s defer
    /// and by `deinit`) must still return while the computing thread waits for room.
    @Test func aWriterThatStopsEarlyDoesNotHang() {
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let writes = DossierWrites(records: DossierWritesTests.records(600), previous: .init(repeating: .facts(.none), count: 600),
                                       rules: DossierWritesTests.rules, ordinals: DossierWritesTests.ordinals, parallelMinimum: 1)
            for i in 0..<40 { _ = writes.write(i) }
            writes.join()
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 30) == .success, "join did not return")
    }

    /// The tally changes are each record's move from what it added before to what it adds now, as the
    /// writer made them one record after the other before they moved to the computing thread; a
    /// record without a previous share (removed, not written) moves none, and a stored one's share is
    /// computed from its stored bytes under the rules it was loaded with. Merging the changes of two
    /// halves gives the changes of the whole.
    @Test func tallyChangesAreEachRecordsMoveFromWhatItAddedBefore() throws {
        let records = DossierWritesTests.records(300)
        let rules = DossierWritesTests.rules, ordinals = DossierWritesTests.ordinals
        func facts(_ r: DossierRecord) -> TallyFacts { rules.facts(dossier: r) { ordinals[$0] ?? 0 } }
        // Before the batch: every fifth record is left to the writer, every third was new, the others
        // were stored with their receipt only (the finished ones were still open then), half of them
        // given as facts and half as their stored bytes.
        var previous: [TalliedShare?] = [], expected: [TallyState.CellKey: TallyCell] = [:]
        for (i, record) in records.enumerated() {
            if i % 5 == 0 { previous.append(nil); continue }
            var before = DossierRecord(code: record.code)
            if i % 3 != 0 { before.insert(record.entries[0]) }
            let old = facts(before)
            TallyState.move(&expected, from: old, to: facts(record))
            previous.append(i % 3 == 0 ? .facts(.none)
                            : i % 2 == 0 ? .facts(old) : .stored(blob: RecordCodec.encode(before), rules: rules, procedure: old.procedure))
        }
        #expect(expected.values.contains { !$0.clockChanges.isEmpty }, "the moves stop clocks")
        for minimum in [1, Int.max] {
            let writes = DossierWrites(records: records, previous: previous, rules: rules, ordinals: ordinals, parallelMinimum: minimum)
            for i in records.indices { _ = writes.write(i) }
            #expect(try writes.tallyChanges() == expected, "parallelMinimum \(minimum)")
        }
        var halves = TallyState()
        for range in [0..<150, 150..<300] {
            let writes = DossierWrites(records: Array(records[range]), previous: Array(previous[range]), rules: rules, ordinals: ordinals,
                                       parallelMinimum: 1)
            for i in 0..<range.count { _ = writes.write(i) }
            halves.merge(try writes.tallyChanges())
        }
        #expect(halves.deltas == expected)
    }

    /// A stored record whose bytes no longer decode is an error of the batch, not a share of zero.
    @Test func aStoredShareThatNoLongerDecodesIsAnError() {
        let records = DossierWritesTests.records(3)
        let previous: [TalliedShare?] = [nil, .stored(blob: [0xFF, 0xFF, 0xFF], rules: DossierWritesTests.rules, procedure: 1), .facts(.none)]
        let writes = DossierWrites(records: records, previous: previous, rules: DossierWritesTests.rules, ordinals: DossierWritesTests.ordinals,
                                   parallelMinimum: .max)
        for i in records.indices { _ = writes.write(i) }
        #expect(throws: EngineError.self) { try writes.tallyChanges() }
    }
}
