/// The counters of the incremental tallies: what one dossier or petition adds to a
/// (period, unit, procedure) cell. A snapshot of a calendar period evaluated after every stored
/// event sums these cells over the subtree instead of folding each dossier (docs/design.md
/// "Tallies"; issue 5). Every field is a plain count except `endedMicros`.
public enum TallyField: Int, CaseIterable, Sendable {
    // R(W), the period that holds the receipt (indicators.md "Evaluation").
    case received, receivedSynced, receivedOnline, receivedFeePositive, receivedFeePositivePaidOnline
    /// 2.2: dossiers of R(W) that ended `finished` or `returned`, and their working time (details.md 11).
    case endedCount, endedMicros
    /// 3.2: online dossiers received in W, filed under the unit that received them (details.md 15).
    case onlineHere
    /// 3.5b: dossiers with an online payment in W (details.md 18).
    case paidInPeriod
    // P(W): filed under the periods from the receipt to the end; open dossiers under `TallyPeriod.open`.
    case active, activeOnTime, activeElectronic, activeDigitizedElectronic, activeDigitized
    case activeReused, activePersonalStore, activePopulationData, activeSatisfied
    // Petitions (details.md 19), under procedure ordinal 0.
    case petitions, petitionsOnTime, petitionsFiled, petitionsFiledSatisfied, petitionsFiledProcedure, petitionsFiledStaff

    public static let count = TallyField.allCases.count
    public var bit: UInt32 { 1 << UInt32(rawValue) }

    /// The fields a snapshot needs per procedure: those whose meaning depends on the procedure's
    /// attributes at E (fee-bearing, written result) or that feed a set of procedures (3.2, 3.5, 3.5b,
    /// 4.5a). A cell keeps the others once, under ordinal 0, which keeps cells small.
    public static let perProcedure: UInt32 = [
        TallyField.receivedFeePositive, .receivedFeePositivePaidOnline, .paidInPeriod, .onlineHere, .active,
        .activeElectronic, .activeDigitizedElectronic, .activeDigitized, .activePopulationData,
    ].reduce(0) { $0 | $1.bit }
}

/// Period keys of the tallies: calendar months, quarters and years, and `open` for the part of open
/// dossiers and petitions that belongs to every period.
public enum TallyPeriod {
    public static let open: Int64 = 0
    public static let kinds: [PeriodKind] = [.month, .quarter, .year]

    /// The key of a calendar month, quarter or year; nil for other windows (they are folded).
    public static func key(of window: Window, zone: Zone) -> Int64? {
        let d = zone.localDate(of: window.from)
        switch window.kind {
        case .month: return (1 << 32) | Int64(d.year * 12 + d.month - 1)
        case .quarter: return (2 << 32) | Int64(d.year * 4 + (d.month - 1) / 3)
        case .year: return (3 << 32) | Int64(d.year)
        default: return nil
        }
    }
}

/// One record's share of one tally cell: the fields it counts (one each) and, with `endedMicros`, its working time.
public struct TallyShare: Sendable, Equatable {
    public var period: Int64
    public var unit: String
    /// The procedure's ordinal in the store (0 for petitions).
    public var procedure: Int32
    public var fields: UInt32
    public var micros: Int64 = 0
}

/// An open dossier's on-time clock or an unanswered petition's limit, filed in the open cell of
/// `unit`: whether the item counts as on time depends on E, so it is counted at read time.
public struct TallyClock: Sendable, Equatable {
    public var unit: String
    public var entry: ClockEntry
}

/// What a record contributes to the tallies, as computed from all its stored events.
public struct TallyFacts: Sendable, Equatable {
    public var shares: [TallyShare] = []
    public var clock: TallyClock?
    /// The procedure ordinal of its receipt, to find it again when the procedure's duration changes.
    public var procedure: Int32?

    public init() {}
    public static let none = TallyFacts()
}

/// Computes records' tally facts from the catalogue after every stored event and the calendar.
///
/// The facts are what a record adds to a snapshot of a calendar period W at any E later than all
/// stored events (`Engine.talliedMeasures`): then "before E" means "stored", receipts and ends are fixed,
/// and only open items depend on E, through their clock. Immutable, so ingest computes facts on a
/// second thread while its writer runs SQL (`Engine.flushPending`).
public final class TallyRules: Sendable {
    public let evaluator: Evaluator
    let context: CatalogueContext

    /// `catalogue` must be the catalogue after every stored event (`Catalogue.asOf(.distantFuture)`).
    public init(catalogue: CatalogueView, calendar: WorkingCalendar) {
        evaluator = Evaluator(catalogue: catalogue, calendar: calendar)
        context = CatalogueContext(catalogue: catalogue, calendar: calendar)
    }

    var zone: Zone { evaluator.zone }

    /// The keys of the months, quarters and years that meet [from, through] (for each kind, none when
    /// through's period is before from's), by calendar arithmetic on local dates (the same keys as `TallyPeriod.key(of:zone:)`).
    func periods(from: Instant, through: Instant, _ body: (Int64) -> Void) {
        let a = zone.localDate(of: from), b = zone.localDate(of: through)
        let m0 = a.year * 12 + a.month - 1, m1 = b.year * 12 + b.month - 1
        // Each kind on its own: an end in an earlier month of the same quarter is still in that quarter.
        if m0 <= m1 { for m in m0...m1 { body((1 << 32) | Int64(m)) } }
        if m0 / 3 <= m1 / 3 { for q in (m0 / 3)...(m1 / 3) { body((2 << 32) | Int64(q)) } }
        if a.year <= b.year { for y in a.year...b.year { body((3 << 32) | Int64(y)) } }
    }

    func periods(containing at: Instant, _ body: (Int64) -> Void) { periods(from: at, through: at, body) }

    /// A dossier's facts (indicators.md "Evaluation", the measures of `Evaluator.measures`).
    public func facts(dossier record: DossierRecord, ordinal: (String) -> Int32) -> TallyFacts {
        var out = TallyFacts()
        guard let receipt = record.firstReceipt, case .received(let r) = receipt.action else { return out }
        let procedure = ordinal(r.procedure)
        out.procedure = procedure
        guard let d = DossierView.evaluate(record, asOf: .distantFuture, context: context) else { return out }
        // The shares are built in place, one per (period, unit): a dossier received and ended in one
        // month has three (the month, its quarter, its year), three more when another unit than its
        // own received it online; eight leave room for an end in a later month without growing.
        var shares: [TallyShare] = []
        shares.reserveCapacity(8)
        func add(_ period: Int64, _ unit: String, _ fields: UInt32, _ micros: Int64 = 0) {
            guard fields != 0 else { return }
            if let i = shares.firstIndex(where: { $0.period == period && $0.unit == unit }) {
                shares[i].fields |= fields; shares[i].micros += micros
            } else {
                shares.append(TallyShare(period: period, unit: unit, procedure: procedure, fields: fields, micros: micros))
            }
        }

        // R(W): the periods holding the receipt.
        var rFields = TallyField.received.bit
        if d.syncedBeforeE { rFields |= TallyField.receivedSynced.bit }
        if d.receipt.channel == .online { rFields |= TallyField.receivedOnline.bit }
        if d.receipt.fee > 0 {
            rFields |= TallyField.receivedFeePositive.bit
            if d.paidOnlineBeforeE { rFields |= TallyField.receivedFeePositivePaidOnline.bit }
        }
        var micros: Int64 = 0
        if let end = d.end {
            switch end.action {
            case .finished, .returned:
                rFields |= TallyField.endedCount.bit | TallyField.endedMicros.bit
                micros = evaluator.workingTimeExcludingPauses(d, end: end.at)
            default: break
            }
        }
        periods(containing: d.receivedAt) { p in
            add(p, d.unit, rFields, micros)
            // 3.2 counts the online dossier for the unit that received it.
            if d.receipt.channel == .online { add(p, d.receivingUnit, TallyField.onlineHere.bit) }
        }
        for t in d.onlinePayments { periods(containing: t) { add($0, d.unit, TallyField.paidInPeriod.bit) } }

        // P(W) and its measures.
        var pFields = TallyField.active.bit
        let satisfiedApartFromClock = d.latestRating != .unsatisfied && !d.petitionFiledBeforeE
        if d.receipt.anyDigitized { pFields |= TallyField.activeDigitized.bit }
        if d.receipt.anyReused { pFields |= TallyField.activeReused.bit }
        if d.receipt.anyFromPersonalStore || (d.finished?.pushedToPersonalStore ?? false) { pFields |= TallyField.activePersonalStore.bit }
        if d.receipt.populationData { pFields |= TallyField.activePopulationData.bit }
        if let end = d.end {
            if d.onTime { pFields |= TallyField.activeOnTime.bit }
            if d.onTime && satisfiedApartFromClock { pFields |= TallyField.activeSatisfied.bit }
            if d.finished?.electronicResult ?? false {
                pFields |= TallyField.activeElectronic.bit
                if d.receipt.anyDigitized { pFields |= TallyField.activeDigitizedElectronic.bit }
            }
            // In P(W) for every W with from ≤ end (and a receipt before E, which the fast path ensures).
            periods(from: d.receivedAt, through: end.at) { add($0, d.unit, pFields) }
        } else {
            // Open: in P(W) of every period; on time while E ≤ due + completed pauses (details.md 10).
            if let fixed = openOnTime(d) {
                if fixed { pFields |= TallyField.activeOnTime.bit }
                if fixed && satisfiedApartFromClock { pFields |= TallyField.activeSatisfied.bit }
            } else if let due = d.due {
                out.clock = TallyClock(unit: d.unit, entry: ClockEntry(deadline: due.micros &+ d.pausedMicros, kind: .dossier, since: 0,
                                                                     satisfied: satisfiedApartFromClock))
            }
            add(TallyPeriod.open, d.unit, pFields)
        }
        out.shares = shares
        return out
    }

    /// Whether an open dossier is on time whatever E is (nil when that depends on E): a second request
    /// makes it late; waiting for a supplement stops its clock; no due means never late.
    func openOnTime(_ d: DossierView) -> Bool? {
        if d.secondRequestAt != nil { return false }
        if d.waitingSince != nil { return d.onTime } // judged at the request, independent of E
        if d.due == nil { return true }
        return nil
    }

    /// A petition's facts (details.md 19).
    public func facts(petition record: PetitionRecord) -> TallyFacts {
        var out = TallyFacts()
        guard let p = PetitionView.evaluate(record, asOf: .distantFuture, calendar: evaluator.calendar) else { return out }
        let satisfiedApartFromClock = p.latestSatisfied != false && !p.reraised
        var filed = TallyField.petitionsFiled.bit
        if p.category == .procedure { filed |= TallyField.petitionsFiledProcedure.bit }
        if p.category == .staff { filed |= TallyField.petitionsFiledStaff.bit }
        var shares: [TallyShare] = []
        func add(_ period: Int64, _ fields: UInt32) {
            if let i = shares.firstIndex(where: { $0.period == period }) { shares[i].fields |= fields } else {
                shares.append(TallyShare(period: period, unit: p.unit, procedure: 0, fields: fields))
            }
        }
        if let answered = p.answeredAt {
            let onTime = answered <= p.limit
            if onTime && satisfiedApartFromClock { filed |= TallyField.petitionsFiledSatisfied.bit }
            periods(containing: p.filedAt) { add($0, filed) }
            let handled = TallyField.petitions.bit | (onTime ? TallyField.petitionsOnTime.bit : 0)
            periods(from: p.filedAt, through: answered) { add($0, handled) }
        } else {
            periods(containing: p.filedAt) { add($0, filed) }
            add(TallyPeriod.open, TallyField.petitions.bit)
            out.clock = TallyClock(unit: p.unit, entry: ClockEntry(deadline: p.limit.micros, kind: .petition, since: p.filedAt.micros,
                                                                 satisfied: satisfiedApartFromClock))
        }
        out.shares = shares
        return out
    }
}

/// The sums of one tally cell per procedure ordinal, as kept in the store: a compact blob of
/// (ordinal delta, field mask, zig-zag varint values), ordered by ordinal. In memory: the ordinals in
/// order and their values side by side in one flat array (no allocation per procedure).
public struct TallyCell: Sendable, Equatable {
    public private(set) var ordinals: [Int32] = []
    /// `values[i * TallyField.count + field]` belongs to `ordinals[i]`.
    public private(set) var values: [Int64] = []
    /// The running clocks of the unit's open items, in order (open cells only): a snapshot counts those
    /// with deadline ≥ E without another query.
    public private(set) var clocks: [ClockEntry] = []
    /// In a batch's change of a cell: how many of each clock to add (negative: to remove).
    public private(set) var clockChanges: [ClockEntry: Int] = [:]

    public init() {}

    public var isEmpty: Bool { ordinals.isEmpty && clocks.isEmpty && clockChanges.isEmpty }

    /// Records a clock to add (1) or remove (-1) in a change of this cell.
    public mutating func change(clock: ClockEntry, by n: Int) {
        let v = (clockChanges[clock] ?? 0) + n
        clockChanges[clock] = v == 0 ? nil : v
    }

    /// Drops clocks whose deadline is before `watermark`: tallies answer only for E after it, when
    /// those are late whatever E is, so they no longer count (and a later removal finds nothing).
    public mutating func prune(below watermark: Int64) {
        if let first = clocks.first, first.deadline < watermark { clocks.removeAll { $0.deadline < watermark } }
    }

    /// The values of an ordinal, indexed by `TallyField.rawValue` (for tests and diagnostics).
    public func sums(of ordinal: Int32) -> [Int64]? {
        guard case let (i, true) = slot(ordinal) else { return nil }
        return Array(values[(i * TallyField.count)..<((i + 1) * TallyField.count)])
    }

    /// The index of `ordinal`, or where it would go.
    func slot(_ ordinal: Int32) -> (Int, Bool) {
        var lo = 0, hi = ordinals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ordinals[mid] < ordinal { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < ordinals.count && ordinals[lo] == ordinal)
    }

    /// The start of `ordinal`'s values, inserting zeros for a new one.
    mutating func base(of ordinal: Int32) -> Int {
        let (i, found) = slot(ordinal)
        if !found {
            ordinals.insert(ordinal, at: i)
            values.insert(contentsOf: repeatElement(0, count: TallyField.count), at: i * TallyField.count)
        }
        return i * TallyField.count
    }

    /// Drops an ordinal whose values are all zero.
    mutating func compact(_ ordinal: Int32) {
        let (i, found) = slot(ordinal)
        guard found else { return }
        let b = i * TallyField.count
        for f in 0..<TallyField.count where values[b + f] != 0 { return }
        ordinals.remove(at: i)
        values.removeSubrange(b..<(b + TallyField.count))
    }

    /// Adds (sign 1) or removes (sign -1) a share: its per-procedure fields under its ordinal, the
    /// others under ordinal 0 (`TallyField.perProcedure`). Used for a batch's changes: an ordinal
    /// whose values come back to zero stays until `add(_ other:)` applies the change to a stored
    /// cell, which drops it, so that removing a record's old share and adding its new one does not
    /// remove and insert the ordinal's values each time.
    public mutating func add(_ share: TallyShare, sign: Int64) {
        add(share.fields & TallyField.perProcedure, of: share, under: share.procedure, sign: sign)
        add(share.fields & ~TallyField.perProcedure, of: share, under: 0, sign: sign)
    }

    private mutating func add(_ fields: UInt32, of share: TallyShare, under ordinal: Int32, sign: Int64) {
        guard fields != 0 else { return }
        let b = base(of: ordinal)
        var bits = fields
        while bits != 0 {
            let f = bits.trailingZeroBitCount
            bits &= bits - 1
            values[b + f] += sign * (f == TallyField.endedMicros.rawValue ? share.micros : 1)
        }
    }

    /// Adds another change of the same cell into this change (both made by `add(_:sign:)` and
    /// `change(clock:by:)`): the values summed under each ordinal, kept when they come back to zero,
    /// and the clock changes summed. The result is the change the two sequences of `add` and
    /// `change` make one after the other, in either order: the engine merges the changes the
    /// computing thread made for a batch's dossiers into its own (docs/performance.md "Ingest", item 19).
    public mutating func merge(change other: TallyCell) {
        addValues(of: other, droppingZeros: false)
        for (entry, n) in other.clockChanges { change(clock: entry, by: n) }
    }

    /// Applies a change (made by `add(_:sign:)`, `change(clock:by:)` and `merge(change:)`) to a
    /// stored cell: an ordinal whose values come back to zero is dropped, clocks are inserted and removed.
    public mutating func add(_ other: TallyCell) {
        addValues(of: other, droppingZeros: true)
        for (entry, n) in other.clockChanges {
            for _ in 0..<abs(n) {
                var lo = 0, hi = clocks.count
                while lo < hi { let mid = (lo + hi) / 2; if clocks[mid] < entry { lo = mid + 1 } else { hi = mid } }
                if n > 0 { clocks.insert(entry, at: lo) } else if lo < clocks.count, clocks[lo] == entry { clocks.remove(at: lo) }
            }
        }
    }

    /// Adds `other`'s values into this cell's, ordinal by ordinal, in one pass over both ordered
    /// lists; with `droppingZeros`, an ordinal of `other` whose values come to zero here is dropped.
    /// When every ordinal of `other` is already here (most commits), in place; otherwise the merged
    /// arrays are built once at their size, where inserting each new ordinal's values moved every
    /// later one and grew the arrays by doubling (docs/performance.md "Ingest", item 36).
    private mutating func addValues(of other: TallyCell, droppingZeros: Bool) {
        let n = TallyField.count
        guard !other.ordinals.isEmpty else { return }
        // How many of `other`'s ordinals are new here: the merged arrays get exactly their room.
        var new = 0
        do {
            var i = 0
            for o in other.ordinals {
                while i < ordinals.count, ordinals[i] < o { i += 1 }
                if i == ordinals.count || ordinals[i] != o { new += 1 }
            }
        }
        if new == 0 {
            var i = 0, emptied = false
            values.withUnsafeMutableBufferPointer { v in
                other.values.withUnsafeBufferPointer { w in
                    for (j, o) in other.ordinals.enumerated() {
                        while ordinals[i] < o { i += 1 }
                        var zero = true
                        for f in 0..<n {
                            v[i * n + f] += w[j * n + f]
                            if v[i * n + f] != 0 { zero = false }
                        }
                        if zero { emptied = true }
                    }
                }
            }
            if droppingZeros, emptied { for o in other.ordinals { compact(o) } }
            return
        }
        var mergedOrdinals: [Int32] = [], mergedValues: [Int64] = []
        mergedOrdinals.reserveCapacity(ordinals.count + new)
        mergedValues.reserveCapacity((ordinals.count + new) * n)
        var a = 0, b = 0
        while a < ordinals.count || b < other.ordinals.count {
            if b == other.ordinals.count || (a < ordinals.count && ordinals[a] < other.ordinals[b]) {
                mergedOrdinals.append(ordinals[a])
                mergedValues.append(contentsOf: values[(a * n)..<((a + 1) * n)])
                a += 1
                continue
            }
            let ownHere = a < ordinals.count && ordinals[a] == other.ordinals[b]
            let start = mergedValues.count
            var zero = true
            for f in 0..<n {
                let sum = (ownHere ? values[a * n + f] : 0) + other.values[b * n + f]
                if sum != 0 { zero = false }
                mergedValues.append(sum)
            }
            if droppingZeros && zero {
                mergedValues.removeSubrange(start...)
            } else {
                mergedOrdinals.append(other.ordinals[b])
            }
            if ownHere { a += 1 }
            b += 1
        }
        ordinals = mergedOrdinals
        values = mergedValues
    }

    /// Layout: entry count, entries (ordinal delta, field mask, values), clock count, clocks (deadline
    /// delta, kind | satisfied << 1, and a petition's filing instant).
    public func encoded() -> [UInt8] {
        guard !ordinals.isEmpty || !clocks.isEmpty else { return [] }
        var w = ByteWriter()
        w.bytes.reserveCapacity(ordinals.count * 12 + clocks.count * 4 + 8)
        w.varint(UInt64(ordinals.count))
        var previous: Int32 = 0
        values.withUnsafeBufferPointer { v in
            for (i, o) in ordinals.enumerated() {
                let b = i * TallyField.count
                w.varint(UInt64(o - previous)); previous = o
                // Ordinal 0 holds the procedure-independent fields, the others only per-procedure ones.
                let candidates = o == 0 ? ~TallyField.perProcedure : TallyField.perProcedure
                var mask: UInt32 = 0
                var bits = candidates & ((1 << UInt32(TallyField.count)) - 1)
                while bits != 0 {
                    let f = bits.trailingZeroBitCount
                    bits &= bits - 1
                    if v[b + f] != 0 { mask |= 1 << UInt32(f) }
                }
                w.varint(UInt64(mask))
                bits = mask
                while bits != 0 {
                    let f = bits.trailingZeroBitCount
                    bits &= bits - 1
                    w.signed(v[b + f])
                }
            }
        }
        w.varint(UInt64(clocks.count))
        var last: Int64 = 0
        for c in clocks {
            w.signed(c.deadline &- last); last = c.deadline
            w.byte(UInt8(c.kind.rawValue) | (c.satisfied ? 2 : 0))
            if c.kind == .petition { w.signed(c.since) }
        }
        return w.bytes
    }

    public init(decoding bytes: UnsafeRawBufferPointer) throws(RecordCodecError) {
        var last: Int32 = -1
        var clocks: [ClockEntry] = []
        try TallyCell.forEach(bytes, { o, f, value in
            if o != last { ordinals.append(o); values.append(contentsOf: repeatElement(0, count: TallyField.count)); last = o }
            values[values.count - TallyField.count + f] = value
        }, clock: { clocks.append($0) })
        self.clocks = clocks
    }

    /// Calls `body(ordinal, field index, value)` for every non-zero value of an encoded cell and `clock`
    /// for each of its clocks in order, with no allocation.
    public static func forEach(_ bytes: UnsafeRawBufferPointer, _ body: (Int32, Int, Int64) -> Void,
                               clock: (ClockEntry) -> Void) throws(RecordCodecError) {
        guard bytes.count > 0 else { return }
        var r = ByteReader(bytes)
        var ordinal: Int32 = 0
        for _ in 0..<(try r.varint()) {
            let delta = try r.varint()
            guard delta <= UInt64(Int32.max) - UInt64(ordinal) else { throw RecordCodecError(message: "bad tally cell") }
            ordinal += Int32(delta)
            let fields = try r.varint()
            guard fields >> UInt64(TallyField.count) == 0 else { throw RecordCodecError(message: "bad tally field \(63 - fields.leadingZeroBitCount)") }
            var mask = UInt32(fields)
            while mask != 0 {
                let f = mask.trailingZeroBitCount
                mask &= mask - 1
                body(ordinal, f, try r.signed())
            }
        }
        var deadline: Int64 = 0
        for _ in 0..<(try r.varint()) {
            deadline &+= try r.signed()
            let flags = try r.byte()
            let kind: ClockEntry.Kind = flags & 1 == 0 ? .dossier : .petition
            let since = kind == .petition ? try r.signed() : 0
            clock(ClockEntry(deadline: deadline, kind: kind, since: since, satisfied: flags & 2 != 0))
        }
    }
}

/// A running clock in a cell: an open dossier's deadline (due + completed pauses) or an unanswered
/// petition's limit, whether it is satisfied apart from the clock, and a petition's filing instant.
public struct ClockEntry: Hashable, Comparable, Sendable {
    public enum Kind: Int64, Sendable { case dossier = 0, petition = 1 }
    public var deadline: Int64
    public var kind: Kind
    /// A petition's filing instant (5.3 counts those filed in W); 0 for a dossier.
    public var since: Int64
    public var satisfied: Bool

    public static func < (a: ClockEntry, b: ClockEntry) -> Bool {
        (a.deadline, a.kind.rawValue, a.since, a.satisfied ? 1 : 0) < (b.deadline, b.kind.rawValue, b.since, b.satisfied ? 1 : 0)
    }
}

/// The tallies of one calendar period summed over a subtree (its cells for the period and for
/// `TallyPeriod.open`), plus the clocks still running at E: what `Evaluator.measures(unit:from:sums:)`
/// turns into the measures.
public struct TallySums {
    /// Procedure code of each ordinal ("" for 0, the petitions).
    public let codes: [String]
    /// Summed values, at `ordinal * TallyField.count + field`.
    public private(set) var values: [Int64]
    /// 3.2: for each live unit of the subtree, the procedure ordinals of which it received an online
    /// dossier in W (distinct: a cell holds an ordinal once, and only period cells hold `onlineHere`).
    public var onlineReceipts = OnlineReceipts()
    /// Open dossiers whose clock runs and is still within its deadline at E, and of those the satisfied ones.
    public var dossierClocksOnTime: Int64 = 0
    public var dossierClocksSatisfied: Int64 = 0
    /// Unanswered petitions within their limit at E, and of those the satisfied ones filed in W.
    public var petitionClocksOnTime: Int64 = 0
    public var petitionClocksFiledSatisfied: Int64 = 0

    /// E and the window's start, for the clocks.
    public let asOf: Int64
    public let from: Int64

    public init(codes: [String], asOf: Instant, from: Instant) {
        self.codes = codes
        self.asOf = asOf.micros
        self.from = from.micros
        values = [Int64](repeating: 0, count: codes.count * TallyField.count)
        onlineReceipts.codes = codes
    }

    /// Adds one encoded cell filed under `unit`; `live` = the unit counts for 3.2 (details.md 13).
    /// Returns false when the cell names an ordinal beyond `codes` (a newer procedure: reload them).
    ///
    /// The layout of `TallyCell.encoded()`, decoded in one loop straight into the sums: a snapshot
    /// reads about 100 000 values and 10 000 clocks at 10M stored events, and this loop is most of its
    /// time (docs/performance.md "Where a tallied snapshot's time goes").
    public mutating func add(cell bytes: UnsafeRawBufferPointer, unit: String, live: Bool) throws(RecordCodecError) -> Bool {
        guard bytes.count > 0 else { return true }
        let n = TallyField.count
        let count = codes.count
        let onlineHere = TallyField.onlineHere.rawValue
        var unknown = false
        var pairs: [Int32] = []
        var r = ByteReader(bytes)
        try values.withUnsafeMutableBufferPointer { v throws(RecordCodecError) in
            var ordinal: Int32 = 0
            for _ in 0..<(try r.varint()) {
                let delta = try r.varint()
                guard delta <= UInt64(Int32.max) - UInt64(ordinal) else { throw RecordCodecError(message: "bad tally cell") }
                ordinal += Int32(delta)
                let mask = try r.varint()
                guard mask >> UInt64(n) == 0 else { throw RecordCodecError(message: "bad tally field \(63 - mask.leadingZeroBitCount)") }
                var bits = UInt32(mask)
                guard Int(ordinal) < count else {
                    unknown = true
                    while bits != 0 { bits &= bits - 1; _ = try r.varint() }
                    continue
                }
                let row = Int(ordinal) * n
                while bits != 0 {
                    let f = bits.trailingZeroBitCount
                    bits &= bits - 1
                    let value = try r.signed()
                    v[row + f] += value
                    if f == onlineHere, value > 0, live { pairs.append(ordinal) }
                }
            }
        }
        // The clocks, in deadline order: on time while E ≤ deadline (details.md 10, 19).
        var dossiers: Int64 = 0, dossiersSatisfied: Int64 = 0, petitions: Int64 = 0, petitionsSatisfied: Int64 = 0
        var deadline: Int64 = 0
        for _ in 0..<(try r.varint()) {
            deadline &+= try r.signed()
            let flags = try r.byte()
            let since = flags & 1 == 0 ? 0 : try r.signed()
            guard deadline >= asOf else { continue }
            if flags & 1 == 0 {
                dossiers += 1
                if flags & 2 != 0 { dossiersSatisfied += 1 }
            } else {
                petitions += 1
                if flags & 2 != 0, since >= from { petitionsSatisfied += 1 }
            }
        }
        dossierClocksOnTime += dossiers
        dossierClocksSatisfied += dossiersSatisfied
        petitionClocksOnTime += petitions
        petitionClocksFiledSatisfied += petitionsSatisfied
        if !pairs.isEmpty { onlineReceipts.byOrdinal[unit, default: []].append(contentsOf: pairs) }
        return !unknown
    }

    public func value(_ ordinal: Int, _ field: TallyField) -> Int64 { values[ordinal * TallyField.count + field.rawValue] }
}

extension Evaluator {
    /// All measures for unit U over [from, E) from tallies (`TallySums`) rather than records. Gives the
    /// same counts as `measures(unit:from:dossiers:petitions:)` when E is later than every stored event;
    /// the property tests hold the two to that.
    public func measures(unit: String, from: Instant, sums: TallySums) -> Measures {
        var m = Measures()
        var t = DossierTally()
        var feeProcedures = Set<String>(), paidProcedures = Set<String>(), populationProcedures = Set<String>()
        var endedMicros: Int64 = 0, endedCount: Int64 = 0
        var petitions = [Int64](repeating: 0, count: 6)
        let n = TallyField.count
        sums.values.withUnsafeBufferPointer { v in
            for o in 0..<sums.codes.count {
                let base = o * n
                var any = false
                for f in 0..<n where v[base + f] != 0 { any = true; break }
                guard any else { continue }
                func x(_ f: TallyField) -> Int64 { v[base + f.rawValue] }
                // Fields kept once per cell (ordinal 0, `TallyField.perProcedure`) are plain sums.
                petitions[0] += x(.petitions); petitions[1] += x(.petitionsOnTime); petitions[2] += x(.petitionsFiled)
                petitions[3] += x(.petitionsFiledSatisfied); petitions[4] += x(.petitionsFiledProcedure); petitions[5] += x(.petitionsFiledStaff)
                t.received += x(.received)
                t.receivedSynced += x(.receivedSynced)
                t.receivedOnline += x(.receivedOnline)
                endedCount += x(.endedCount)
                endedMicros += x(.endedMicros)
                t.activeOnTime += x(.activeOnTime)
                t.activeReused += x(.activeReused)
                t.activePersonalStore += x(.activePersonalStore)
                t.activeSatisfied += x(.activeSatisfied)
                guard o > 0 else { continue }
                // Per procedure: what its attributes at E make of the counts.
                let code = sums.codes[o]
                let p = catalogue.procedure(code)
                let feeBearing = p?.feeBearing ?? false
                let writtenResult = p?.writtenResult ?? true
                if feeBearing {
                    t.receivedFeeBearing += x(.receivedFeePositive)
                    t.receivedFeeBearingPaidOnline += x(.receivedFeePositivePaidOnline)
                    if x(.receivedFeePositive) > 0 { feeProcedures.insert(code) }
                    if x(.paidInPeriod) > 0 { paidProcedures.insert(code) }
                }
                t.active += x(.active)
                if writtenResult {
                    t.activeWrittenResult += x(.active)
                    t.activeWrittenResultElectronic += x(.activeElectronic)
                    t.activeDigitized += x(.activeDigitizedElectronic)
                } else {
                    t.activeDigitized += x(.activeDigitized)
                }
                t.activePopulationData += x(.activePopulationData)
                if x(.activePopulationData) > 0 { populationProcedures.insert(code) }
            }
        }
        t.activeOnTime += sums.dossierClocksOnTime
        t.activeSatisfied += sums.dossierClocksSatisfied
        for (name, value) in t.named { m.counts[name] = value }
        m.values["ended.meanWorkingDays"] = meanWorkingDays(totalMicros: endedMicros, count: Int64(endedCount))

        catalogueMeasures(unit: unit, from: from, feeProcedures: feeProcedures, paidProcedures: paidProcedures,
                          populationProcedures: populationProcedures, onlineReceipts: sums.onlineReceipts, into: &m)

        // Petitions: the fold sets a petition measure only when it counts something.
        petitions[1] += sums.petitionClocksOnTime
        petitions[3] += sums.petitionClocksFiledSatisfied
        let names = ["petitions", "petitions.onTime", "petitionsFiled", "petitionsFiled.satisfied", "petitionsFiled.procedure", "petitionsFiled.staff"]
        for (i, name) in names.enumerated() where petitions[i] != 0 { m[name] = petitions[i] }
        return m
    }
}
