import Testing
@testable import ChisoCore

/// The pure parts of the tallies: cell arithmetic and encoding, and period keys.
@Suite struct TallyTests {
    func share(_ period: Int64, _ procedure: Int32, _ fields: [TallyField], micros: Int64 = 0) -> TallyShare {
        TallyShare(period: period, unit: "U", procedure: procedure, fields: fields.reduce(0) { $0 | $1.bit }, micros: micros)
    }

    @Test func cellSumsRoundTripAndCancel() throws {
        var cell = TallyCell()
        let shares = [
            share(1, 7, [.received, .receivedOnline]), share(1, 3, [.active, .activeOnTime]),
            share(1, 7, [.received, .endedCount, .endedMicros], micros: 12_345), share(1, 0, [.petitions]),
            share(1, 300, [.activeSatisfied]), share(1, 7, [.receivedFeePositive, .onlineHere]),
        ]
        for s in shares { cell.add(s, sign: 1) }
        // Per-procedure fields under their ordinal, the others once under 0 (`TallyField.perProcedure`).
        #expect(cell.ordinals == [0, 3, 7])
        #expect(cell.sums(of: 7)?[TallyField.receivedFeePositive.rawValue] == 1)
        #expect(cell.sums(of: 0)?[TallyField.received.rawValue] == 2)
        #expect(cell.sums(of: 7)?[TallyField.received.rawValue] == 0)
        #expect(cell.sums(of: 0)?[TallyField.endedMicros.rawValue] == 12_345)
        #expect(cell.sums(of: 0)?[TallyField.activeOnTime.rawValue] == 1)
        #expect(cell.sums(of: 3)?[TallyField.active.rawValue] == 1)
        let decoded = try cell.encoded().withUnsafeBytes { try TallyCell(decoding: $0) }
        #expect(decoded == cell)
        var delta = TallyCell()
        for s in shares.reversed() { delta.add(s, sign: -1) }
        var sum = decoded
        sum.add(delta)
        #expect(sum.isEmpty)
        #expect(sum.encoded().isEmpty)
    }

    /// `merge(change:)` and `add(_:)` add ordinal by ordinal in one pass over both cells; they give
    /// what adding every value of the other cell under its ordinal gives (`reference`: zeros kept by
    /// a merge, dropped by an add for the ordinals the other cell holds), for random cells that
    /// share all, some or none of their ordinals, with values that cancel.
    @Test func mergeAndAddEqualOrdinalByOrdinal() throws {
        var rng = CatalogueMeasuresTests.Xorshift(state: 0x7A11)
        /// A cell's values by ordinal.
        func table(_ cell: TallyCell) -> [Int32: [Int64]] {
            var t: [Int32: [Int64]] = [:]
            for o in cell.ordinals { t[o] = cell.sums(of: o) }
            return t
        }
        /// Sums `other` into `cell` one ordinal at a time (the arithmetic before item 36).
        func reference(_ cell: TallyCell, _ other: TallyCell, dropping: Bool) -> [Int32: [Int64]] {
            var sums = table(cell)
            for o in other.ordinals {
                let v = zip(sums[o] ?? Array(repeating: 0, count: TallyField.count), other.sums(of: o) ?? []).map { $0 + $1 }
                sums[o] = dropping && v.allSatisfy({ $0 == 0 }) ? nil : v
            }
            return sums
        }
        /// A cell of random shares under some of `ordinals`, and the shares.
        func randomCell(_ ordinals: [Int32], _ rng: inout CatalogueMeasuresTests.Xorshift) -> (TallyCell, [(TallyShare, Int64)]) {
            var c = TallyCell(), shares: [(TallyShare, Int64)] = []
            for o in ordinals where rng.next() % 3 != 0 {
                let fields = (0..<TallyField.count).filter { _ in rng.next() % 4 == 0 }.reduce(UInt32(0)) { $0 | (1 << UInt32($1)) }
                let s = TallyShare(period: 1, unit: "U", procedure: o, fields: fields | TallyField.active.bit, micros: 5)
                let sign: Int64 = rng.next() % 2 == 0 ? 1 : -1
                c.add(s, sign: sign)
                shares.append((s, sign))
            }
            return (c, shares)
        }
        var grown = 0, dropped = 0
        for _ in 0..<400 {
            let pool = (0..<Int32(1 + rng.next() % 12)).map { $0 * Int32(1 + rng.next() % 3) }
            let (a, aShares) = randomCell(pool, &rng)
            // Half the time `b` instead takes back some of `a`'s shares, so that sums come back to zero.
            var (b, _) = randomCell(pool, &rng)
            if rng.next() % 2 == 0 {
                var undo = TallyCell()
                for (s, sign) in aShares where rng.next() % 2 == 0 { undo.add(s, sign: -sign) }
                b = undo
            }
            var m = a
            m.merge(change: b)
            #expect(table(m) == reference(a, b, dropping: false))
            #expect(m.ordinals == m.ordinals.sorted() && Set(m.ordinals).count == m.ordinals.count)
            var s = a
            s.add(b)
            #expect(table(s) == reference(a, b, dropping: true))
            #expect(s.ordinals == s.ordinals.sorted())
            if !Set(b.ordinals).isSubset(of: a.ordinals) { grown += 1 }
            if s.ordinals.count < Set(a.ordinals).union(b.ordinals).count { dropped += 1 }
        }
        // The cases the one pass tells apart all occurred.
        #expect(grown > 50 && dropped > 50 && grown < 350)
    }

    /// `TallySums.add(cell:)` decodes a cell in its own loop: it sums what `TallyCell(decoding:)`
    /// reads, counts the clocks still running at E, notes 3.2's online receipts of a live unit,
    /// reports ordinals it does not know, and refuses a damaged cell.
    @Test func sumsReadACellAsItsDecodingDoes() throws {
        var cell = TallyCell()
        for s in [share(1, 7, [.received, .onlineHere, .receivedFeePositive]), share(1, 3, [.active, .activeOnTime]),
                  share(1, 7, [.received, .endedCount, .endedMicros], micros: 300_000), share(1, 0, [.petitions])] {
            cell.add(s, sign: 1)
        }
        var clocks = TallyCell()
        let at: (Int64) -> Int64 = { 1_000_000 * $0 }
        clocks.change(clock: ClockEntry(deadline: at(5), kind: .dossier, since: 0, satisfied: true), by: 1)
        clocks.change(clock: ClockEntry(deadline: at(9), kind: .dossier, since: 0, satisfied: false), by: 1)
        clocks.change(clock: ClockEntry(deadline: at(12), kind: .petition, since: at(2), satisfied: true), by: 1)
        clocks.change(clock: ClockEntry(deadline: at(15), kind: .petition, since: at(7), satisfied: true), by: 1)
        cell.add(clocks)
        let bytes = cell.encoded()
        let decoded = try bytes.withUnsafeBytes { try TallyCell(decoding: $0) }
        let codes = (0..<8).map { "P\($0)" }
        var sums = TallySums(codes: codes, asOf: Instant(micros: at(9)), from: Instant(micros: at(3)))
        #expect(try bytes.withUnsafeBytes { try sums.add(cell: $0, unit: "U", live: true) })
        for (i, o) in decoded.ordinals.enumerated() {
            for f in TallyField.allCases {
                #expect(sums.value(Int(o), f) == decoded.values[i * TallyField.count + f.rawValue], "ordinal \(o), \(f)")
            }
        }
        #expect(sums.value(7, .received) == 0 && sums.value(0, .received) == 2 && sums.value(0, .endedMicros) == 300_000)
        // E = 9 s: the dossier due at 5 s is late; 9, 12 and 15 s still run; of the petitions only the
        // one filed at 7 s is filed in W (from 3 s).
        #expect(sums.dossierClocksOnTime == 1 && sums.dossierClocksSatisfied == 0)
        #expect(sums.petitionClocksOnTime == 2 && sums.petitionClocksFiledSatisfied == 1)
        #expect(sums.onlineReceipts.byOrdinal["U"] == [7])

        var few = TallySums(codes: Array(codes.prefix(5)), asOf: Instant(micros: 0), from: Instant(micros: 0))
        #expect(try bytes.withUnsafeBytes { try few.add(cell: $0, unit: "U", live: false) } == false)
        #expect(few.value(3, .active) == 1)

        var damaged = TallySums(codes: codes, asOf: Instant(micros: 0), from: Instant(micros: 0))
        #expect(throws: RecordCodecError.self) { try [UInt8]([1, 0, 0x80, 0x80, 0x80, 0x80, 0x01]).withUnsafeBytes { try damaged.add(cell: $0, unit: "U", live: true) } }
        #expect(throws: RecordCodecError.self) { try Array(bytes.dropLast(2)).withUnsafeBytes { try damaged.add(cell: $0, unit: "U", live: true) } }
        // Ordinals that add up past Int32.max, and a field beyond the last: an error, not a crash,
        // whether the cell is summed or decoded.
        var w = ByteWriter()
        w.varint(2)
        for _ in 0..<2 { w.varint(UInt64(Int32.max)); w.varint(1); w.signed(1) }
        w.varint(0)
        var past = ByteWriter()
        past.varint(1); past.varint(0); past.varint(1 << 40); past.signed(1); past.varint(0)
        for cell in [w.bytes, past.bytes] {
            #expect(throws: RecordCodecError.self) { try cell.withUnsafeBytes { try damaged.add(cell: $0, unit: "U", live: true) } }
            #expect(throws: RecordCodecError.self) { try cell.withUnsafeBytes { try TallyCell(decoding: $0) } }
        }
    }

    /// The calendar arithmetic of `TallyRules.periods` gives the windows that `Window` walks, for
    /// random pairs of instants in either order (an end may be dated before its receipt).
    @Test func periodKeysMatchWindows() throws {
        let zone = Zone.vietnam
        let rules = TallyRules(catalogue: Catalogue().asOf(.distantFuture), calendar: WorkingCalendar(zone: zone, holidays: [], extraWorkdays: []))
        let start = zone.startOfDay(LocalDate(year: 2025, month: 11, day: 1))
        var x: UInt64 = 1
        func next() -> Instant {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return start.adding(micros: Int64((x >> 11) % (400 * 86_400_000_000)))
        }
        var multi = 0
        for _ in 0..<2_000 {
            let a = next(), b = next()
            var keys: [Int64] = []
            rules.periods(from: a, through: b) { keys.append($0) }
            var expected: [Int64] = []
            for kind in TallyPeriod.kinds {
                var w = Window.containing(a, kind: kind, zone: zone)
                while w.from <= b {
                    expected.append(try #require(TallyPeriod.key(of: w, zone: zone)))
                    w = Window.containing(w.to, kind: kind, zone: zone)
                }
            }
            #expect(keys == expected, "\(a.rfc3339(in: zone)) … \(b.rfc3339(in: zone))")
            if keys.count > 3 { multi += 1 }
        }
        #expect(multi > 100)
    }
}
