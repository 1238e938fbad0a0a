import Foundation
import Testing
@testable import ChisoCore
@testable import ChisoEngine
import ChisoWorkload
import ChisoStore

/// Incremental equals recomputed (interfaces.md "Standards"): random streams delivered shuffled, with
/// duplicates and retractions, in random batch sizes; every snapshot from the incremental state equals the
/// one recomputed from the log alone, for several units, windows and evaluation instants.
@Suite struct PropertyTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    }

    /// A dense random stream over few dossiers, so that every rule meets odd orders.
    /// `span`: days of activity from 20 July.
    /// `dossiers`: how many; `dueShift`: explicit dues fall up to this many days after a random instant.
    func randomStream(seed: UInt64, span: Int = 45, dossiers: Int = 40, dueShift: Int = 0) -> [String] {
        var rng = SplitMix(state: seed)
        var lines = smallProvince() + [
            Line.procedure("p2", "P2", authority: ["department", "H44.102"], online: "partial", fee: true,
                           duration: #"{"value":8,"unit":"hours"}"#),
            Line.procedure("p3", "P3", authority: ["commune"], online: "none", duration: nil),
            Line.procedure("p1b", "P1", at: "2026-08-10 00:00"),
            #"{"id":"m1","type":"unit.merged","at":"2026-08-20T00:00:00+07:00","unit":"H44.102","into":"H44.101"}"#,
            #"{"id":"sv1","type":"unit.service","at":"2026-08-05T00:00:00+07:00","unit":"H44.101","eCertifiedCopy":true}"#,
        ]
        // Odd seeds merge H44.102 a second time: only the dossiers that reached it after the first merge move.
        if seed % 2 == 1 { lines.append(#"{"id":"m2","type":"unit.merged","at":"2026-08-27T00:00:00+07:00","unit":"H44.102","into":"H44.01"}"#) }
        let units = ["H44.101", "H44.102", "H44.01"]
        var ids: [String] = []
        func time(shift: Int = 0) -> String {
            let day = 20 + rng.int(span) + shift // 20 July … early September by default
            let date = LocalDate(year: 2026, month: 7, day: 1).adding(days: day - 1)
            return "\(date) \(String(format: "%02d", 7 + rng.int(11))):\(rng.chance(0.5) ? "00" : "30")"
        }
        var n = 0
        func id() -> String { n += 1; let s = "e\(n)"; ids.append(s); return s }
        for d in 0..<dossiers {
            let code = "D\(d)"
            let procedure = ["P1", "P2", "P3"][rng.int(3)]
            let unit = units[rng.int(3)]
            let due = rng.chance(0.3) ? #","due":"\#(Line.t(time(shift: dueShift == 0 ? 0 : rng.int(dueShift))))""# : ""
            lines.append(Line.received(id(), code, unit: unit, procedure: procedure, at: time(),
                                       channel: ["online", "direct", "postal"][rng.int(3)],
                                       extra: due + #","fee":\#(rng.int(3) * 1000),"populationData":\#(rng.chance(0.5)),"components":[{"digitized":\#(rng.chance(0.5)),"reused":\#(rng.chance(0.3))}]"#))
            for _ in 0..<rng.int(7) {
                switch rng.int(11) {
                case 0: lines.append(Line.dossier(id(), "supplementRequested", code, at: time()))
                case 1: lines.append(Line.dossier(id(), "supplemented", code, at: time()))
                case 2: lines.append(Line.finished(id(), code, at: time(), electronic: rng.chance(0.5), pushed: rng.chance(0.2)))
                case 3: lines.append(Line.dossier(id(), "returned", code, at: time()))
                case 4: lines.append(Line.dossier(id(), "transferred", code, at: time(), extra: #","to":"\#(units[rng.int(3)])""#))
                case 5: lines.append(Line.dossier(id(), "paid", code, at: time(), extra: #","online":\#(rng.chance(0.7)),"amount":1000"#))
                case 6: lines.append(Line.dossier(id(), "synced", code, at: time()))
                case 7: lines.append(Line.dossier(id(), "rated", code, at: time(), extra: #","rating":"\#(["satisfied", "neutral", "unsatisfied"][rng.int(3)])""#))
                case 8: lines.append(Line.dossier(id(), ["withdrawn", "stopped", "refused"][rng.int(3)], code, at: time()))
                case 9: lines.append(Line.petition(id(), "filed", "PK\(d)", unit: unit, at: time(), extra: #","category":"procedure","dossier":"\#(code)""#))
                default: lines.append(Line.received(id(), code, unit: unit, procedure: procedure, at: time()))
                }
            }
        }
        for p in 0..<10 {
            lines.append(Line.petition(id(), "filed", "PX\(p)", unit: units[rng.int(3)], at: time(), extra: #","category":"staff""#))
            if rng.chance(0.7) { lines.append(Line.petition(id(), "answered", "PX\(p)", unit: units[rng.int(3)], at: time())) }
            if rng.chance(0.3) { lines.append(Line.petition(id(), "transferred", "PX\(p)", unit: units[rng.int(3)], at: time(), extra: #","to":"\#(units[rng.int(3)])""#)) }
            if rng.chance(0.4) { lines.append(Line.petition(id(), "rated", "PX\(p)", unit: units[rng.int(3)], at: time(), extra: #","satisfied":\#(rng.chance(0.5))"#)) }
        }
        // Retractions: of events, of retractions, and of ids that only arrive later.
        var retractions: [String] = []
        for i in 0..<12 {
            guard !ids.isEmpty else { break }
            let target = ids[rng.int(ids.count)]
            retractions.append(Line.retract("x\(i)", target: i % 4 == 3 ? "x\(i - 1)" : target))
        }
        lines += retractions
        // Duplicates, then a shuffle.
        for _ in 0..<20 { lines.append(lines[rng.int(lines.count)]) }
        for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, rng.int(i + 1)) }
        return lines
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func incrementalEqualsRecomputed(seed: UInt64) throws {
        let engine = try openEngine()
        let lines = randomStream(seed: seed)
        var rng = SplitMix(state: seed &* 31)
        var offset = 0
        while offset < lines.count {
            let size = 1 + rng.int(40)
            try ingest(engine, Array(lines[offset..<min(offset + size, lines.count)]), batchSize: 1 + rng.int(10))
            offset += size
        }
        let profile = try defaultProfile()
        let fold = try engine.foldLog()
        let fresh = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: FoldedRecords(fold: fold))
        let incremental = engine.scorer(profile: profile)
        let now = instant("2026-09-10T12:00:00+07:00")
        var compared = 0
        for unit in ["H44", "H44.101", "H44.102", "H44.01"] {
            for period in ["2026-07", "2026-08", "2026-09", "2026-Q3", "2026-08-10..2026-08-20", "2026-W33"] {
                let w = try Window.parse(period)
                for asOf in [nil, "2026-08-12T10:00:00+07:00", "2026-08-25T00:00:00+07:00"] {
                    let a = asOf.map(instant)
                    if let a, a <= w.from { continue }
                    let x = try incremental.snapshot(unit: unit, window: w, now: now, asOf: a)
                    let y = try fresh.snapshot(unit: unit, window: w, now: now, asOf: a)
                    #expect(x.measures == y.measures, "\(unit) \(period) as of \(asOf ?? "E")")
                    #expect(x.json(zone: .vietnam) == y.json(zone: .vietnam))
                    compared += 1
                }
            }
        }
        #expect(compared > 50)
        // And the engine's own verify agrees.
        #expect(try engine.verify(profile: profile, now: now).isClean)
        // A rebuild from the log gives the same snapshots, and the same counts in `chiso status`: a
        // dossier or petition whose every event is retracted is as if never sent (events.md).
        let before = try incremental.snapshot(unit: "H44", window: Window.parse("2026-08"), now: now).json(zone: .vietnam)
        let counted = try engine.store.counts()
        try engine.rebuild()
        #expect(try engine.scorer(profile: profile).snapshot(unit: "H44", window: Window.parse("2026-08"), now: now).json(zone: .vietnam) == before)
        let recounted = try engine.store.counts()
        #expect([counted.events, counted.dossiers, counted.openDossiers, counted.uncountedDossiers, counted.petitions]
                == [recounted.events, recounted.dossiers, recounted.openDossiers, recounted.uncountedDossiers, recounted.petitions])
        // `voidEvents` is a query, not a counter: it must count the logged events the fold finds void.
        let loggedVoid = try engine.foldLog().void.filter { try engine.store.eventBody(id: $0.text) != nil }.count
        #expect(counted.voidEvents == loggedVoid)
    }

    /// details.md 7: r1 retracts a receipt, r2 retracts r1, … rN retracts rN−1. rN stands, so the
    /// receipt is void exactly when N is odd, however long the chain and in whichever order it comes
    /// (the incremental walk once stopped after 64 steps).
    @Test(arguments: [64, 65, 130, 131])
    func retractionChainsAreFollowedToTheirEnd(length: Int) throws {
        var chain = [Line.retract("r1", target: "d1")]
        for k in 2...length { chain.append(Line.retract("r\(k)", target: "r\(k - 1)")) }
        let head = smallProvince() + [Line.received("d1", "D1", unit: "H44.101", at: "2026-08-03 09:00")]
        let now = instant("2026-12-01T00:00:00+07:00")
        for (name, lines) in [("in order", head + chain), ("reversed", head + chain.reversed()), ("chain first", chain + head)] {
            let e = try openEngine()
            try ingest(e, lines, batchSize: 7)
            let s = try snapshot(e, period: "2026-08", now: "2026-12-01T00:00:00+07:00")
            #expect(s.measures.counts["received"] == (length % 2 == 1 ? 0 : 1), "\(length) \(name)")
            #expect(try e.verify(profile: defaultProfile(), now: now).isClean, "\(length) \(name)")
        }
    }

    /// details.md 13: a merge moves the merged unit's open dossiers to `into`; declaring the merged
    /// unit again later takes it out of the tree but leaves the moved dossiers where they went, for
    /// the tallies and for every window that folds records alike.
    @Test func dossiersMovedByAMergeStayWhenTheMergedUnitIsDeclaredAgain() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("d1", "D1", unit: "H44.102", at: "2026-08-03 09:00"),
            #"{"id":"m1","type":"unit.merged","at":"2026-08-10T00:00:00+07:00","unit":"H44.102","into":"H44.101"}"#,
            Line.unit("u9", "H44.102", parent: nil, level: "commune", at: "2026-08-20 00:00"),
        ])
        for period in ["2026-08", "2026-08-01..2026-08-31", "2026-W34"] {
            #expect(try snapshot(e, unit: "H44.101", period: period).measures.counts["active"] == 1, "\(period)")
            #expect(try snapshot(e, unit: "H44.102", period: period).measures.counts["active"] == 0, "\(period)")
        }
        #expect(try e.verify(profile: defaultProfile(), now: instant("2027-06-01T00:00:00+07:00")).isClean)
    }

    /// `chiso verify` compares every unit the state files records under, not only those the log names:
    /// a record the log no longer supports is a difference.
    @Test func verifyComparesUnitsOnlyTheStateHolds() throws {
        let e = try openEngine()
        try ingest(e, [Line.received("d1", "D1", unit: "ZZ", at: "2026-08-03 09:00")])
        let now = instant("2027-06-01T00:00:00+07:00")
        #expect(try e.verify(profile: defaultProfile(), now: now).isClean)
        try e.store.db.execute("DELETE FROM events WHERE id = 'd1'")
        let report = try e.verify(profile: defaultProfile(), now: now)
        #expect(!report.isClean)
        #expect(report.differences.contains { $0.hasPrefix("ZZ ") })
    }

    /// The same events in a different arrival order give the same scores.
    @Test func arrivalOrderDoesNotMatter() throws {
        let lines = randomStream(seed: 42)
        let a = try openEngine(), b = try openEngine()
        try ingest(a, lines)
        try ingest(b, lines.reversed())
        let now = instant("2026-09-10T12:00:00+07:00")
        let profile = try defaultProfile()
        for period in ["2026-07", "2026-08", "2026-Q3"] {
            let w = try Window.parse(period)
            let x = try a.scorer(profile: profile).snapshot(unit: "H44", window: w, now: now)
            let y = try b.scorer(profile: profile).snapshot(unit: "H44", window: w, now: now)
            // Conflicting receipts are resolved by arrival (details.md 6), so compare only when none was rejected.
            if try a.store.rejects().isEmpty && b.store.rejects().isEmpty {
                #expect(x.measures == y.measures, "\(period)")
            }
        }
    }
}

/// Every record of a fold, whatever the units, window and E asked: the reference that the candidate
/// readers (`RecordSource`) must agree with, having no index and skipping nothing.
struct EveryRecord: RecordSource {
    let fold: StateFold
    func candidates(units: [String], from: Instant, before: Instant) throws -> (dossiers: [DossierRecord], petitions: [PetitionRecord]) {
        (Array(fold.dossiers.values), Array(fold.petitions.values))
    }
}

/// The candidate readers skip records filed under a unit before the window (activity key) and those
/// with no entry before E (indicators.md "Evaluation": only events before E count). Neither may leave
/// out a record that counts: snapshots and explanations over the candidates equal those over every
/// record, for windows and evaluation instants before, within and after the streams' activity.
@Suite struct CandidateTests {
    @Test(arguments: [UInt64(51), 52, 53, 54, 55, 56])
    func candidatesMissNoRecordThatCounts(seed: UInt64) throws {
        let engine = try openEngine()
        try ingest(engine, PropertyTests().randomStream(seed: seed, span: 60, dossiers: 60), batchSize: 9)
        let profile = try defaultProfile()
        let fold = try engine.foldLog()
        let every = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: EveryRecord(fold: fold))
        let folded = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: FoldedRecords(fold: fold))
        let stored = engine.scorer(profile: profile, useTallies: false)
        let now = instant("2026-10-01T00:00:00+07:00")
        var compared = 0
        for unit in ["H44", "H44.101", "H44.102", "H44.01"] {
            for period in ["2026-07", "2026-08", "2026-09", "2026-Q3", "2026-07-25..2026-08-05", "2026-W31"] {
                let w = try Window.parse(period)
                for asOf in [nil, "2026-07-22T10:00:00+07:00", "2026-07-28T00:00:00+07:00", "2026-08-12T10:00:00+07:00", "2026-09-03T16:30:00+07:00"] {
                    let a = asOf.map(instant)
                    if let a, a <= w.from { continue }
                    let reference = try every.snapshot(unit: unit, window: w, now: now, asOf: a)
                    for scorer in [folded, stored] {
                        let x = try scorer.snapshot(unit: unit, window: w, now: now, asOf: a)
                        #expect(x.measures == reference.measures, "\(unit) \(period) as of \(asOf ?? "E")")
                    }
                    let explained = try stored.explain(unit: unit, window: w, now: now, asOf: a)
                    let reexplained = try every.explain(unit: unit, window: w, now: now, asOf: a)
                    #expect(explained.json(zone: .vietnam, limit: .max) == reexplained.json(zone: .vietnam, limit: .max), "\(unit) \(period) as of \(asOf ?? "E")")
                    compared += 1
                }
            }
        }
        #expect(compared > 80)
        // The bound on E does skip records: early in the stream most records have no entry yet.
        let units = Array(Set(fold.dossiers.values.flatMap(\.touchedUnits)))
        let all = try FoldedRecords(fold: fold).candidates(units: units, from: .distantPast, before: .distantFuture).dossiers.count
        let early = try FoldedRecords(fold: fold).candidates(units: units, from: .distantPast, before: instant("2026-07-28T00:00:00+07:00")).dossiers.count
        // Every record filed under a unit: one with no receipt or transfer left (retracted) is filed
        // nowhere, and counts nowhere.
        #expect(all == fold.dossiers.values.filter { !$0.touchedUnits.isEmpty }.count)
        #expect(early > 0 && early < all / 2)
        let stillStored = try StoredRecords(engine: engine).candidates(units: units, from: .distantPast, before: instant("2026-07-28T00:00:00+07:00")).dossiers.count
        #expect(stillStored == early)
    }

    /// Every candidate-index row holds its record's earliest instant (`first`), through events that
    /// arrive earlier than the record's first, retractions of the earliest, transfers and merges, in
    /// random batches.
    @Test(arguments: [UInt64(71), 72, 73])
    func indexRowsHoldTheEarliestInstant(seed: UInt64) throws {
        let engine = try openEngine()
        let lines = PropertyTests().randomStream(seed: seed, span: 50, dossiers: 80)
        var rng = PropertyTests.SplitMix(state: seed)
        var offset = 0
        while offset < lines.count {
            let size = 1 + rng.int(30)
            try ingest(engine, Array(lines[offset..<min(offset + size, lines.count)]), batchSize: 1 + rng.int(8))
            offset += size
        }
        func checkRows() throws {
            var rows = 0
            for sql in ["SELECT u.first, d.record FROM dossier_units u JOIN dossiers d ON d.key = u.dossier",
                        "SELECT u.first, p.record FROM petition_units u JOIN petitions p ON p.key = u.petition"] {
                let s = try engine.store.db.makeStatement(sql)
                while try s.step() {
                    let first = s.int64(at: 0)
                    let earliest = try s.withBlob(at: 1) { try RecordCodec.earliestInstant($0) }
                    #expect(first == earliest?.micros)
                    rows += 1
                }
            }
            #expect(rows > 80)
        }
        try checkRows()
        // A rebuild writes every row anew, with its `first`.
        try engine.rebuild()
        try checkRows()
    }

    /// A database written before the index held `first`: a reader opened on it reads every record
    /// filed in range, as before; its next writer adds the column (empty: no bound) and fills it for
    /// the records it writes; the scores stay those of the log.
    @Test func anIndexWithoutFirstIsReadAndThenCompleted() throws {
        let path = temporaryDatabase()
        let lines = PropertyTests().randomStream(seed: 81, span: 50, dossiers: 60)
        let half = lines.count / 2
        do {
            let old = try openEngine(path)
            try ingest(old, Array(lines[..<half]))
            try old.store.db.execute("ALTER TABLE dossier_units DROP COLUMN first; ALTER TABLE petition_units DROP COLUMN first")
        }
        let profile = try defaultProfile()
        let now = instant("2026-10-01T00:00:00+07:00")
        func compare(_ engine: Engine) throws {
            let fold = try engine.foldLog()
            let fresh = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: EveryRecord(fold: fold))
            for period in ["2026-07", "2026-08", "2026-Q3"] {
                for asOf in [nil, "2026-07-28T00:00:00+07:00", "2026-08-12T10:00:00+07:00"] {
                    let w = try Window.parse(period), a = asOf.map(instant)
                    if let a, a <= w.from { continue }
                    let x = try engine.scorer(profile: profile, useTallies: false).snapshot(unit: "H44", window: w, now: now, asOf: a)
                    let y = try fresh.snapshot(unit: "H44", window: w, now: now, asOf: a)
                    #expect(x.measures == y.measures, "\(period) as of \(asOf ?? "E")")
                }
            }
        }
        let reader = try Engine(path: path, calendar: testIndicators.calendar(), readOnly: true)
        #expect(try !reader.store.hasColumn("dossier_units", "first"))
        try compare(reader)
        let writer = try openEngine(path)
        #expect(try writer.store.hasColumn("dossier_units", "first") && writer.store.hasColumn("petition_units", "first"))
        #expect(try writer.store.db.scalarInt64("SELECT count(*) FROM dossier_units WHERE first IS NOT NULL") == 0)
        try ingest(writer, Array(lines[half...]))
        #expect(try writer.store.db.scalarInt64("SELECT count(*) FROM dossier_units WHERE first IS NOT NULL") ?? 0 > 0)
        try compare(writer)
        #expect(try writer.verify(profile: profile, now: now).isClean)
    }

    /// A stored record's earliest instant is read from its first entry (`RecordCodec.earliestInstant`):
    /// the smallest `at` of its entries, whatever order they arrived in; none for an empty record.
    @Test func theEarliestInstantIsReadWithoutDecoding() throws {
        var rng = PropertyTests.SplitMix(state: 7)
        for _ in 0..<200 {
            var d = DossierRecord(code: "D")
            var p = PetitionRecord(code: "P")
            for i in 0..<rng.int(6) {
                let at = Instant(micros: Int64(rng.int(1_000_000)) * 1_000_000 - 500_000_000_000)
                d.insert(DossierEntry(id: "e\(rng.int(50))-\(i)", at: at, unit: "U", action: .synced))
                p.insert(PetitionEntry(id: "p\(i)", at: at, unit: "U", action: .answered))
            }
            let dossierEarliest = try RecordCodec.encode(d).withUnsafeBytes { try RecordCodec.earliestInstant($0) }
            let petitionEarliest = try RecordCodec.encode(p).withUnsafeBytes { try RecordCodec.earliestInstant($0) }
            #expect(dossierEarliest == d.entries.map(\.at).min())
            #expect(petitionEarliest == p.entries.map(\.at).min())
        }
        #expect(throws: RecordCodecError.self) { try [UInt8]([1, 1, 5, 65]).withUnsafeBytes { try RecordCodec.earliestInstant($0) } }
    }
}

/// The tallies (docs/design.md "Tallies") answer a calendar period evaluated after every stored event;
/// they must give exactly what folding the records and folding the whole log give.
@Suite struct TallyPropertyTests {
    /// `threaded`: every batch computes its dossiers' writes on a second thread (`DossierWrites`), in
    /// batches large enough to hand several chunks over; otherwise batches are small and computed in line.
    @Test(arguments: [(UInt64(21), 45, false), (22, 40, false), (23, 50, false), (24, 35, false), (25, 45, false),
                      (26, 40, false), (27, 50, false), (28, 35, false), (31, 45, true), (32, 40, true), (33, 50, true), (34, 35, true)])
    func talliesEqualRecomputed(seed: UInt64, span: Int, threaded: Bool) throws {
        let engine = try openEngine()
        if threaded { engine.parallelWritesMinimum = 1 }
        // Half the seeds with tiny generations of recent records, so that they turn over between batches.
        if seed % 2 == 0 { engine.pending.recentDossiers.generation = 5; engine.pending.recentPetitions.generation = 3 }
        var lines = PropertyTests().randomStream(seed: seed, span: span, dossiers: 90, dueShift: 30)
        // Catalogue changes that move dossiers (a merge) or their dues (a new duration), arriving after
        // the dossiers for half the seeds, so that already-tallied records must be re-tallied.
        let late = lines.filter { $0.contains(#""type":"unit.merged""#) } + [
            Line.procedure("p2b", "P2", authority: ["department", "H44.102"], online: "partial", fee: true,
                           duration: #"{"value":3,"unit":"workingDays"}"#, at: "2026-08-01 00:00"),
        ]
        if seed % 2 == 1 { lines = lines.filter { !$0.contains(#""type":"unit.merged""#) } + late } else { lines.insert(contentsOf: late, at: 0) }
        var rng = PropertyTests.SplitMix(state: seed &* 17)
        var offset = 0
        while offset < lines.count {
            let size = 1 + rng.int(threaded ? 400 : 60)
            try ingest(engine, Array(lines[offset..<min(offset + size, lines.count)]), batchSize: 1 + rng.int(threaded ? 300 : 12))
            offset += size
        }
        let profile = try defaultProfile()
        let fold = try engine.foldLog()
        let fresh = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: FoldedRecords(fold: fold))
        let tallied = engine.scorer(profile: profile)
        let folded = engine.scorer(profile: profile, useTallies: false)
        let watermark = Instant(micros: try #require(try engine.store.meta(EventStore.Meta.watermark)))
        let units = ["H44", "H44.01", "H44.101", "H44.102"]
        var fromTallies = 0, compared = 0
        let hour: Int64 = 3_600_000_000
        var clocks: Int64 = 0
        for now in [watermark.adding(micros: 1), watermark.adding(micros: 30 * hour), watermark.adding(micros: 24 * 8 * hour),
                    instant("2026-12-31T00:00:00+07:00"), watermark] {
            for u in units {
                try engine.store.tallyCell(period: TallyPeriod.open, unit: u) { bytes in
                    clocks += Int64(try TallyCell(decoding: bytes).clocks.filter { $0.deadline >= now.micros && $0.kind == .dossier }.count)
                }
            }
            for period in ["2026-07", "2026-08", "2026-09", "2026-Q3", "2026-Q4", "2026"] {
                let w = try Window.parse(period)
                guard min(w.to, now) > w.from else { continue }
                for unit in units {
                    engine.tallyScanMinimumUnits = Int.max // unit by unit
                    let x = try tallied.snapshot(unit: unit, window: w, now: now, children: unit == "H44")
                    engine.tallyScanMinimumUnits = 1 // one range per period
                    let x2 = try tallied.snapshot(unit: unit, window: w, now: now, children: unit == "H44")
                    #expect(x2.measures == x.measures && x2.fromTallies == x.fromTallies)
                    let y = try folded.snapshot(unit: unit, window: w, now: now, children: unit == "H44")
                    let z = try fresh.snapshot(unit: unit, window: w, now: now, children: unit == "H44")
                    #expect(!y.fromTallies && !z.fromTallies)
                    // The tallies answer exactly when E is later than every stored event.
                    #expect(x.fromTallies == (min(w.to, now) > watermark), "\(unit) \(period) at \(now.micros)")
                    if x.fromTallies { fromTallies += 1 }
                    #expect(x.measures == y.measures, "\(unit) \(period) at \(now.micros): tallies vs records")
                    #expect(x.measures == z.measures, "\(unit) \(period) at \(now.micros): tallies vs log")
                    #expect(x.json(zone: .vietnam) == z.json(zone: .vietnam))
                    compared += 1
                }
            }
        }
        #expect(clocks > 0, "no open dossier's clock was running at any E")
        #expect(fromTallies >= 20, "only \(fromTallies) of \(compared) snapshots came from the tallies")
        // A rebuild recomputes the tallies to the same cells.
        // Cells as sets of rows, decoded; clocks before the final watermark are pruned on both sides
        // (incrementally they were pruned as the watermark rose, a rebuild prunes them at once).
        func cells() throws -> [String] {
            let final = try #require(try engine.store.meta(EventStore.Meta.watermark))
            let s = try engine.store.db.makeStatement("SELECT period, unit, cell FROM tallies ORDER BY period, unit")
            var out: [String] = []
            while try s.step() {
                var cell = try s.withBlob(at: 2) { try TallyCell(decoding: $0) }
                cell.prune(below: final)
                out.append("\(s.int64(at: 0)) \(s.text(at: 1) ?? "") \(cell.encoded())")
            }
            return out
        }
        let incremental = try cells()
        try engine.rebuild()
        let rebuilt = try cells()
        // Cells are keyed by ordinals, which a rebuild keeps; compare them as sets of rows.
        #expect(incremental == rebuilt)
    }
}

/// A catalogue event that changes committed dossiers' facts re-tallies them without holding them:
/// a merge or a duration change can concern years of dossiers, and ingest's memory must not grow
/// with history (issue 5).
@Suite struct CatalogueRetallyTests {
    @Test(arguments: [false, true])
    func committedDossiersAreRetalliedOneAtATime(byDuration: Bool) throws {
        let engine = try openEngine()
        var lines = smallProvince() + [Line.unit("u9", "H44.109", parent: "H44", level: "commune")]
        for i in 0..<300 {
            let day = 3 + i % 20
            // No due of their own: the procedure's duration gives it (details.md 9).
            lines.append(Line.received("r\(i)", "D\(i)", unit: "H44.109", at: "2026-08-\(day < 10 ? "0" : "")\(day) 09:00"))
            if i % 3 == 0 { lines.append(Line.dossier("f\(i)", "finished", "D\(i)", unit: "H44.109", at: "2026-08-24 10:00")) }
        }
        try ingest(engine, lines, batchSize: 40)
        let change = byDuration
            // Declared as of before the receipts (a duration applies to dossiers received after it), delivered late.
            ? Line.procedure("p1b", "P1", duration: #"{"value":40,"unit":"workingDays"}"#, at: "2026-08-01 00:00")
            : #"{"id":"m9","type":"unit.merged","at":"2026-08-25T00:00:00+07:00","unit":"H44.109","into":"H44.101"}"#
        try engine.beginBatch()
        let outcome = try Array((change + "\n").utf8).withUnsafeBytes {
            try engine.ingest(line: UnsafeRawBufferPointer(rebasing: $0.dropLast()), source: "t", lineNumber: 1,
                              endsWithoutNewline: false, now: instant("2027-06-01T00:00:00+07:00"))
        }
        #expect(outcome == .accepted)
        // The 300 dossiers moved the batch's cells, but none of them is held by the batch.
        #expect(engine.pending.dossiers.count == 0)
        #expect(!engine.tallies.deltas.isEmpty)
        try engine.commitBatch(now: instant("2027-06-01T00:00:00+07:00"))

        let profile = try defaultProfile()
        let fold = try engine.foldLog()
        let fresh = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: FoldedRecords(fold: fold))
        let now = instant("2026-09-01T00:00:00+07:00")
        for unit in ["H44", "H44.101", "H44.109"] {
            let x = try engine.scorer(profile: profile).snapshot(unit: unit, window: Window.parse("2026-08"), now: now)
            let z = try fresh.snapshot(unit: unit, window: Window.parse("2026-08"), now: now)
            #expect(x.fromTallies)
            #expect(x.measures == z.measures, "\(unit): tallies vs log after the \(byDuration ? "duration" : "merge")")
        }
    }
}

/// Two writers taking turns on one database: each must notice the other's commits (`commit.serial`)
/// and drop what it remembers of records and cells, or its next batch builds on stale state.
@Suite struct TwoWriterTests {
    @Test(arguments: [UInt64(41), 42])
    func writersTakingTurnsStayExact(seed: UInt64) throws {
        let path = temporaryDatabase("twoWriters\(seed)")
        let a = try openEngine(path), b = try openEngine(path)
        let lines = PropertyTests().randomStream(seed: seed, span: 40, dossiers: 70, dueShift: 20)
        var offset = 0, turn = 0
        while offset < lines.count {
            let chunk = Array(lines[offset..<min(offset + 37, lines.count)])
            try ingest(turn % 2 == 0 ? a : b, chunk, batchSize: 11)
            offset += chunk.count; turn += 1
        }
        let profile = try defaultProfile()
        let fold = try a.foldLog()
        let fresh = Scorer(catalogue: fold.catalogue, calendar: a.calendar, profile: profile, records: FoldedRecords(fold: fold))
        let reader = try Engine(path: path, calendar: a.calendar, readOnly: true)
        let now = instant("2026-12-31T00:00:00+07:00")
        for period in ["2026-08", "2026-09", "2026-Q3", "2026"] {
            let w = try Window.parse(period)
            for unit in ["H44", "H44.01", "H44.101", "H44.102"] {
                let x = try reader.scorer(profile: profile).snapshot(unit: unit, window: w, now: now)
                let y = try fresh.snapshot(unit: unit, window: w, now: now)
                #expect(x.fromTallies)
                #expect(x.measures == y.measures, "\(unit) \(period)")
            }
        }
    }
}

/// `chiso verify` folds the log in two passes (retractions, then every event once); `chiso rebuild`
/// replays it through ingest's path, writing a chunk of events' records at a time (docs/performance.md
/// "Windows long past, verify and rebuild at scale").
@Suite struct FoldAndRebuildTests {
    /// The fold finds the log's retractions by its `type` column first: a column that disagrees with
    /// the bodies is reported, not folded into a state that misses the retraction.
    @Test func aRetractionFiledUnderAnotherTypeIsAnError() throws {
        let engine = try openEngine()
        try ingest(engine, smallProvince() + [Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"), Line.retract("x1", target: "r1")])
        #expect(try engine.foldLog().void.contains(EventID("r1")))
        try engine.store.db.execute("UPDATE events SET type = 'dossier.synced' WHERE id = 'x1'")
        #expect(throws: EngineError.self) { try engine.foldLog() }
    }

    /// A rebuild replays the log and writes what it touched a chunk of events at a time within its
    /// one transaction: in chunks of 7 events it writes the same records, index rows and tallies as in
    /// one chunk, and verifies clean. (`dossier_procedures` is left out: like ingest, a replay keeps
    /// the row of a receipt written in an earlier chunk and retracted in a later one, which only
    /// makes a duration change re-tally one dossier more; every receipt's row is checked instead.)
    @Test(arguments: [UInt64(61), 62])
    func aRebuildInChunksWritesTheSameState(seed: UInt64) throws {
        let lines = PropertyTests().randomStream(seed: seed, span: 50, dossiers: 80)
        func rebuilt(chunk: Int) throws -> (state: [String], engine: Engine) {
            let engine = try openEngine()
            try ingest(engine, lines, batchSize: 13)
            engine.rebuildChunk = chunk
            try engine.rebuild()
            var state: [String] = []
            for sql in ["SELECT code || ' ' || hex(record) || ' ' || activity || ' ' || open FROM dossiers ORDER BY code",
                        "SELECT u.unit || ' ' || u.activity || ' ' || u.first || ' ' || d.code FROM dossier_units u JOIN dossiers d ON d.key = u.dossier ORDER BY 1",
                        "SELECT code || ' ' || hex(record) FROM petitions ORDER BY code",
                        "SELECT u.unit || ' ' || u.activity || ' ' || u.first || ' ' || p.code FROM petition_units u JOIN petitions p ON p.key = u.petition ORDER BY 1",
                        "SELECT period || ' ' || unit || ' ' || hex(cell) FROM tallies ORDER BY period, unit"] {
                let s = try engine.store.db.makeStatement(sql)
                while try s.step() { state.append(s.text(at: 0) ?? "") }
                state.append("--")
            }
            // Each dossier's first receipt has its procedure row.
            let rows = try engine.store.db.makeStatement("SELECT p.code, d.code FROM dossier_procedures x JOIN procedures p ON p.ordinal = x.procedure JOIN dossiers d ON d.key = x.dossier")
            var filed = Set<String>()
            while try rows.step() { filed.insert("\(rows.text(at: 0) ?? "") \(rows.text(at: 1) ?? "")") }
            var receipts = 0
            try engine.store.allRecords(.dossier) { code, blob in
                let record = try RecordCodec.decodeDossier(code: code, blob)
                guard let first = record.firstReceipt, case .received(let r) = first.action else { return }
                #expect(filed.contains("\(r.procedure) \(code)"), "\(code)")
                receipts += 1
            }
            #expect(receipts > 50)
            return (state, engine)
        }
        let (whole, _) = try rebuilt(chunk: IngestOptions.defaultBatchSize)
        let (chunked, engine) = try rebuilt(chunk: 7)
        #expect(whole.count > 150)
        #expect(chunked == whole)
        #expect(try engine.verify(profile: defaultProfile(), now: instant("2026-10-01T00:00:00+07:00")).isClean)
    }
}

/// A database keeps the calendar its scores were computed with; an edited calendar applies after
/// `chiso rebuild` (details.md 27), in every path: tallies, folds, verify and new events.
@Suite struct TallyCalendarTests {
    /// D1 and D2, received Mon 10 Aug 09:00 (P1: 5 working days, due Mon 17 Aug 09:00) and finished
    /// Mon 17 Aug 10:00: late, unless Fri 14 Aug is a holiday (then due Tue 18 Aug 09:00: on time).
    static func dossier(_ n: Int) -> [String] {
        [Line.received("r\(n)", "D\(n)", unit: "H44.101", at: "2026-08-10 09:00"), Line.finished("f\(n)", "D\(n)", at: "2026-08-17 10:00")]
    }

    @Test func anEditedCalendarAppliesAfterRebuild() throws {
        let path = temporaryDatabase()
        let engine = try openEngine(path)
        let original = engine.calendar
        try ingest(engine, smallProvince() + TallyCalendarTests.dossier(1))
        let before = try snapshot(engine, unit: "H44.101")
        #expect(before.fromTallies && before.measures["active"] == 1 && before.measures["active.onTime"] == 0)

        var edited = original
        edited.holidays.insert(LocalDate(year: 2026, month: 8, day: 14))
        #expect(edited.fingerprint != original.fingerprint)

        // A reader given the edited calendar keeps the database's, in the tallies and in folds.
        let reader = try Engine(path: path, calendar: edited, readOnly: true)
        #expect(reader.calendarEditPending)
        #expect(reader.calendar.fingerprint == original.fingerprint)
        #expect(try reader.tallyStatus() == .current)
        let read = try snapshot(reader, unit: "H44.101")
        #expect(read.fromTallies && read.measures == before.measures)
        let folded = try reader.scorer(profile: defaultProfile(), useTallies: false)
            .snapshot(unit: "H44.101", window: Window.parse("2026-08"), now: instant("2027-06-01T00:00:00+07:00"))
        #expect(!folded.fromTallies && folded.measures == before.measures)

        // So does a writer: its new dossier is judged under the database's calendar, the tallies stay current.
        let writer = try Engine(path: path, calendar: edited)
        try ingest(writer, TallyCalendarTests.dossier(2))
        #expect(!writer.talliesInvalidated)
        #expect(try writer.tallyStatus() == .current)
        let written = try snapshot(writer, unit: "H44.101")
        #expect(written.fromTallies && written.measures["active"] == 2 && written.measures["active.onTime"] == 0)
        #expect(try writer.verify(profile: defaultProfile(), now: instant("2027-06-01T00:00:00+07:00")).isClean)

        // The rebuild applies the edit, and the database keeps it from then on.
        try writer.rebuild()
        #expect(!writer.calendarEditPending && writer.calendar.fingerprint == edited.fingerprint)
        let rebuilt = try snapshot(writer, unit: "H44.101")
        let refolded = try writer.scorer(profile: defaultProfile(), useTallies: false)
            .snapshot(unit: "H44.101", window: Window.parse("2026-08"), now: instant("2027-06-01T00:00:00+07:00"))
        #expect(rebuilt.fromTallies && !refolded.fromTallies)
        #expect(rebuilt.measures["active.onTime"] == 2 && refolded.measures == rebuilt.measures)
        let reopened = try Engine(path: path, calendar: original, readOnly: true)
        #expect(reopened.calendarEditPending && reopened.calendar.fingerprint == edited.fingerprint)
        #expect(try snapshot(reopened, unit: "H44.101").measures == rebuilt.measures)
    }

    /// A stored calendar that no longer reads is treated as absent: the database opens, and its next
    /// writer stores its own.
    @Test func anUnreadableStoredCalendarIsReplacedByTheNextWriter() throws {
        let path = temporaryDatabase()
        let engine = try openEngine(path)
        try ingest(engine, smallProvince())
        try engine.store.setMetaText(EventStore.Meta.stateCalendar, "{not a calendar")
        let writer = try openEngine(path)
        #expect(!writer.calendarEditPending)
        try ingest(writer, TallyCalendarTests.dossier(1))
        #expect(try writer.store.metaText(EventStore.Meta.stateCalendar) == writer.calendar.fileText)
        #expect(try writer.tallyStatus() == .current)
    }

    @Test func aCalendarFileRoundTrips() throws {
        var calendar = try testIndicators.calendar()
        calendar.extraWorkdays.insert(LocalDate(year: 2031, month: 1, day: 4))
        calendar.workingHours = [(start: 450, end: 690), (start: 780, end: 1050)]
        calendar.zone = Zone(offsetSeconds: -(5 * 3600 + 1800))
        let read = try WorkingCalendar(fileText: calendar.fileText, name: "round trip")
        #expect(read.fingerprint == calendar.fingerprint)
        #expect(read.fileText == calendar.fileText)
        #expect(calendar.fileText.contains(#""timeZone": "-05:30""#) && calendar.fileText.contains(#"["07:30", "11:30"]"#))
    }
}
