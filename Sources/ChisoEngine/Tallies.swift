import ChisoCore
import ChisoStore

/// The tallies kept by ingest (docs/design.md "Tallies"): every dossier and petition adds its
/// `TallyFacts` to cells of (calendar period, unit); a batch moves the cells by the difference between
/// what its touched records added before and what they add now, in the batch's transaction.
///
/// Invariant: the stored cells are the sum of `TallyRules.facts` of every stored record under the
/// current catalogue. A catalogue event that changes what a record adds (a merge, a procedure's
/// duration) re-tallies the records it affects in the same batch (`retallyRecordsAffected`).
struct TallyState {
    /// Procedure code → ordinal, and back (index 0 is the petitions' "").
    var ordinals: [String: Int32] = [:]
    var codes: [String] = [""]
    /// Ordinals given in the open batch, written with it.
    var newProcedures: [(Int32, String)] = []
    /// The rules under the catalogue after every stored event; nil after a catalogue change.
    var rules: TallyRules?
    /// How the open batch moves each (period, unit) cell.
    var deltas: [CellKey: TallyCell] = [:]
    /// The latest `at` accepted in the open batch.
    var batchWatermark: Int64 = .min
    /// The cells the last batch wrote, as it wrote them, so that the next batch (which mostly touches
    /// the same current periods) need not read and decode them again. Only the last batch's cells are
    /// kept, so the memory follows the current periods, not history. Dropped on rollback and when
    /// another writer committed in between (`Engine.beginBatch`).
    var cells: [CellKey: TallyCell] = [:]

    struct CellKey: Hashable, Sendable {
        var period: Int64
        var unit: String
    }

    mutating func load(codes stored: [String]) {
        codes = stored.isEmpty ? [""] : stored
        ordinals = [:]
        for (i, c) in codes.enumerated() where i > 0 { ordinals[c] = Int32(i) }
        newProcedures = []
    }

    /// Moves `deltas`, a batch's cell changes, from `old` to `new` facts of a record (and its clock,
    /// kept in its unit's open cell). Pure: `DossierWrites` runs it on its computing thread into
    /// changes of its own, which the writer merges (`TallyCell.merge(change:)`).
    static func move(_ deltas: inout [CellKey: TallyCell], from old: TallyFacts, to new: TallyFacts) {
        guard old != new else { return }
        // Shares that did not change cancel out; only the others move a cell. Which of the new ones
        // cancel is marked in memory on the stack (a record has a handful of shares; an array
        // allocated for each move was 2 % of the computing thread's instructions).
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: new.shares.count) { unchanged in
            unchanged.initialize(repeating: false)
            for s in old.shares {
                if let i = new.shares.indices.first(where: { !unchanged[$0] && new.shares[$0] == s }) { unchanged[i] = true; continue }
                deltas[CellKey(period: s.period, unit: s.unit), default: TallyCell()].add(s, sign: -1)
            }
            for (i, s) in new.shares.enumerated() where !unchanged[i] {
                deltas[CellKey(period: s.period, unit: s.unit), default: TallyCell()].add(s, sign: 1)
            }
        }
        if old.clock != new.clock {
            if let c = old.clock { deltas[CellKey(period: TallyPeriod.open, unit: c.unit), default: TallyCell()].change(clock: c.entry, by: -1) }
            if let c = new.clock { deltas[CellKey(period: TallyPeriod.open, unit: c.unit), default: TallyCell()].change(clock: c.entry, by: 1) }
        }
    }

    /// Adds changes made apart (`move` on another thread) into the batch's.
    mutating func merge(_ changes: [CellKey: TallyCell]) {
        // A cell the batch has not changed yet takes the change as it is, which is what merging it
        // into an empty cell gives, built there one ordinal at a time (docs/performance.md "Ingest", item 36).
        for (key, change) in changes {
            if let i = deltas.index(forKey: key) { deltas.values[i].merge(change: change) } else { deltas[key] = change }
        }
    }

    mutating func discardBatch() {
        deltas.removeAll(keepingCapacity: true)
        newProcedures.removeAll()
        batchWatermark = .min
        rules = nil
        cells.removeAll()
    }
}

extension Engine {
    /// The tally rules under the current catalogue.
    func tallyRules() -> TallyRules {
        if let r = tallies.rules { return r }
        let r = TallyRules(catalogue: catalogue.asOf(.distantFuture), calendar: calendar)
        tallies.rules = r
        return r
    }

    /// The ordinal of a procedure code, given on first sight.
    func procedureOrdinal(_ code: String) -> Int32 {
        if let o = tallies.ordinals[code] { return o }
        let o = Int32(tallies.codes.count)
        tallies.codes.append(code)
        tallies.ordinals[code] = o
        tallies.newProcedures.append((o, code))
        return o
    }

    func tallyFacts(dossier record: DossierRecord) -> TallyFacts {
        tallyRules().facts(dossier: record) { procedureOrdinal($0) }
    }

    func tallyFacts(petition record: PetitionRecord) -> TallyFacts {
        tallyRules().facts(petition: record)
    }

    /// Moves the open batch's cells from `old` to `new` facts of a record (and its clock, kept in its unit's open cell).
    func retally(from old: TallyFacts, to new: TallyFacts) {
        TallyState.move(&tallies.deltas, from: old, to: new)
    }

    /// Writes the open batch's cell changes, new procedure ordinals and watermark.
    func flushTallies() throws {
        for (o, code) in tallies.newProcedures { try store.addProcedure(ordinal: o, code: code) }
        tallies.newProcedures.removeAll()
        let stored = try store.meta(EventStore.Meta.watermark) ?? .min
        let watermark = max(tallies.batchWatermark, stored)
        var written: [TallyState.CellKey: TallyCell] = [:]
        written.reserveCapacity(tallies.deltas.count)
        for (key, delta) in tallies.deltas where !delta.isEmpty {
            var cell: TallyCell
            // Taken out of the cache, not copied: the change is then added in place, where a copy
            // held every written cell twice (docs/performance.md "Ingest", item 36). A cell the
            // cache lacks is read from the store, so taking it out is safe whatever follows.
            if let cached = tallies.cells.removeValue(forKey: key) { cell = cached } else {
                cell = TallyCell()
                try store.tallyCell(period: key.period, unit: key.unit) { bytes in cell = try TallyCell(decoding: bytes) }
            }
            cell.add(delta)
            cell.prune(below: watermark)
            try store.saveTallyCell(period: key.period, unit: key.unit, cell: cell.encoded())
            written[key] = cell
        }
        tallies.cells = written
        tallies.deltas.removeAll(keepingCapacity: true)
        if watermark > stored { try store.setMeta(EventStore.Meta.watermark, watermark) }
        tallies.batchWatermark = .min
    }

    /// Applies a catalogue event's change (`change`) and moves the tallies of the dossiers whose facts
    /// it changes from what they added under the catalogue before it to what they add after it.
    /// Procedure attributes are read at snapshot time; only durations (details.md 9) and merges
    /// (details.md 13) reach the facts.
    ///
    /// Dossiers of the open batch are re-tallied when it is written (their old facts are those they
    /// were loaded with). Stored ones are read one at a time, never all held: a merge or a duration
    /// change can concern years of dossiers, and ingest's memory must not grow with history (issue 5).
    func retallyRecordsAffected(by event: Event, _ change: () throws -> Void) throws {
        var units: Set<String> = []
        var procedure: Int32?
        switch event.body {
        case .procedureDeclared(let d):
            procedure = tallies.ordinals[d.procedure] // nil: no dossier names it yet
        case .unitMerged(let unit, let into):
            // A merge moves the dossiers of the merged unit and of every unit merged into it, in chains:
            // take the dossiers of every unit that has a merge, and of both ends of this one.
            units = [unit, into]
            for (code, node) in tallyRules().evaluator.catalogue.units where node.mergedInto != nil { units.insert(code) }
        default:
            break
        }
        // With nothing to re-tally, the rules are rebuilt when next needed, not now.
        let before = procedure != nil || !units.isEmpty ? tallyRules() : nil
        try change()
        tallies.rules = nil
        guard let before else { return }
        let after = tallyRules()
        var seen = Set<Int64>()
        func retallyStored(_ key: Int64, _ code: String, _ blob: UnsafeRawBufferPointer) throws {
            guard seen.insert(key).inserted, !pending.dossiers.contains(code) else { return }
            // The committed copy is re-read from the store from now on, with facts under the new rules.
            _ = pending.recentDossiers.take(code)
            let record = try RecordCodec.decodeDossier(code: code, blob)
            retally(from: before.facts(dossier: record) { procedureOrdinal($0) },
                    to: after.facts(dossier: record) { procedureOrdinal($0) })
        }
        if let procedure { try store.dossiers(procedure: procedure, retallyStored) }
        for u in units.sorted() { try store.records(.dossier, unit: u, activeFrom: .min, firstBefore: .max, retallyStored) }
    }
}

extension Engine {
    /// The measures of a calendar period from the tallies, when they answer for it: the tallies are
    /// valid and E is later than every stored event (then "before E" means "stored"). Nil otherwise:
    /// the caller folds the records, which is exact for any E.
    func talliedMeasures(unit: String, window: Window, evaluator: Evaluator) throws -> Measures? {
        guard let period = TallyPeriod.key(of: window, zone: calendar.zone) else { return nil }
        let ownTransaction = !store.db.isInTransaction
        if ownTransaction { try store.db.begin(.deferred) }
        defer { if ownTransaction { try? store.db.commit() } }
        guard try store.meta(EventStore.Meta.talliesValid) == 1,
              try store.meta(EventStore.Meta.talliesCalendar) == calendar.fingerprint else { return nil }
        let e = evaluator.catalogue.asOf
        guard e.micros > (try store.meta(EventStore.Meta.watermark) ?? .min) else { return nil }
        if try store.maxProcedureOrdinal() >= Int64(tallies.codes.count), tallies.newProcedures.isEmpty {
            tallies.load(codes: try store.procedureCodes())
        }
        let subtree = evaluator.catalogue.subtree(of: unit)
        let live = Set(evaluator.liveUnits(subtree: subtree, from: window.from))
        var sums = TallySums(codes: tallies.codes, asOf: e, from: window.from)
        var known = true
        if subtree.count >= tallyScanMinimumUnits, evaluator.catalogue.roots.count <= 1 {
            // A large subtree of the only tree in the database: reading the period's cells in one range
            // costs less than a look-up per unit (a national database keeps the look-ups).
            let members = Set(subtree)
            for p in [period, TallyPeriod.open] {
                try store.tallyCells(period: p) { u, bytes in
                    guard members.contains(u) else { return }
                    if try !sums.add(cell: bytes, unit: u, live: live.contains(u)) { known = false }
                }
            }
        } else {
            for u in subtree {
                let isLive = live.contains(u)
                try store.tallyCells(unit: u, period: period) { _, bytes in
                    if try !sums.add(cell: bytes, unit: u, live: isLive) { known = false }
                }
            }
        }
        guard known else {
            throw EngineError.corrupt("a tally names a procedure ordinal that the procedures table does not hold")
        }
        return evaluator.measures(unit: unit, from: window.from, sums: sums)
    }
}

/// Whether current-period snapshots can come from the tallies (`chiso status`). The raw value is a
/// stable token for monitoring (`status --format json`); `sentence` is for people.
public enum TallyStatus: String, Sendable {
    case current
    /// A database written before tallies existed, or after a writer with another calendar.
    case rebuildNeeded = "rebuild-needed"
    /// Computed with another calendar than this reader's: snapshots fold until a rebuild.
    case otherCalendar = "other-calendar"

    public var sentence: String {
        switch self {
        case .current: return "current"
        case .rebuildNeeded: return "need `chiso rebuild` (written before tallies existed, or by a writer with another calendar); until then current-period snapshots fold the records, exact but slower"
        case .otherCalendar: return "computed with another calendar than this one; snapshots fold the records until `chiso rebuild` with this calendar"
        }
    }
}

extension Engine {
    public func tallyStatus() throws -> TallyStatus {
        guard try store.meta(EventStore.Meta.talliesValid) == 1 else { return .rebuildNeeded }
        switch try store.meta(EventStore.Meta.talliesCalendar) {
        case nil, calendar.fingerprint?: return .current
        default: return .otherCalendar
        }
    }
}
