import ChisoCore
import ChisoStore

/// The outcome of `chiso verify` (details.md 26).
public struct VerifyReport: Sendable {
    /// Snapshots compared (each computed twice).
    public var compared = 0
    /// One line per snapshot that differs: unit, period, and the first measure or score that differs.
    public var differences: [String] = []
    public var isClean: Bool { differences.isEmpty }
}

extension Engine {
    /// Recomputes every score from the event log alone and compares it with the incremental state:
    /// for every unit and every month, quarter and year that holds a receipt, and the current ones,
    /// with "now" taken once (details.md 26).
    public func verify(profile: Profile, now: Instant) throws -> VerifyReport {
        // The log and the state are read in one transaction, so that an ingest running meanwhile
        // cannot show up as a difference between them.
        try reading { try verifyInOneState(profile: profile, now: now) }
    }

    private func verifyInOneState(profile: Profile, now: Instant) throws -> VerifyReport {
        let fold = try foldLog()
        let fresh = Scorer(catalogue: fold.catalogue, calendar: calendar, profile: profile, records: FoldedRecords(fold: fold))
        let incremental = scorer(profile: profile)
        var report = VerifyReport()
        let zone = calendar.zone

        var units = Set(fold.catalogue.asOf(now).units.keys)
        var windows: [String: Window] = [:]
        for kind in [PeriodKind.month, .quarter, .year] {
            let w = Window.containing(now, kind: kind, zone: zone)
            windows[w.label] = w
        }
        for r in fold.dossiers.values {
            units.formUnion(r.touchedUnits)
            guard let receipt = r.firstReceipt, receipt.at < now else { continue }
            for kind in [PeriodKind.month, .quarter, .year] {
                let w = Window.containing(receipt.at, kind: kind, zone: zone)
                if windows[w.label] == nil { windows[w.label] = w }
            }
        }
        for r in fold.petitions.values { units.formUnion(r.touchedUnits) }
        // And those of the incremental state: a unit that only the state holds records for (a record
        // the log no longer supports) must be compared too.
        units.formUnion(try store.indexedUnits())
        let sortedUnits = units.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for w in windows.values.sorted(by: { ($0.from, $0.label) < ($1.from, $1.label) }) where w.from < now {
            for u in sortedUnits {
                let a = try incremental.snapshot(unit: u, window: w, now: now)
                let b = try fresh.snapshot(unit: u, window: w, now: now)
                report.compared += 1
                if let diff = firstDifference(a, b) {
                    report.differences.append("\(u) \(w.label): \(diff)")
                }
            }
        }
        return report
    }

    func firstDifference(_ a: Snapshot, _ b: Snapshot) -> String? {
        for key in Set(a.measures.counts.keys).union(b.measures.counts.keys).sorted() where a.measures[key] != b.measures[key] {
            return "\(key) is \(a.measures[key]) incrementally but \(b.measures[key]) recomputed from the log"
        }
        if a.measures.values != b.measures.values { return "2.2's value differs: \(a.measures.values) vs \(b.measures.values)" }
        if a.card.scoreJSON != b.card.scoreJSON { return "the scores differ" }
        return nil
    }

    /// Recomputes the whole incremental state from the log (after a calendar edit or an upgrade), in one
    /// transaction, under the calendar the command loaded, which the database keeps from then on
    /// (details.md 27). The WAL is checkpointed afterwards once it holds more than `checkpointBytes`.
    public func rebuild(checkpointBytes: Int64 = IngestOptions().checkpointBytes) throws {
        let previous = (calendar, decoder)
        calendar = configuredCalendar
        decoder = EventDecoder(zone: calendar.zone)
        tallies.rules = nil
        do {
            try rebuildState()
        } catch {
            (calendar, decoder) = previous
            tallies.rules = nil
            throw error
        }
        // The new state is committed: a checkpoint that fails now is reported, but the engine keeps
        // the calendar it was rebuilt with. A rebuild writes the whole state into the WAL, bounded as
        // after a batch (details.md 28; an audit saw 260 MB over 60 rebuilds with no ingest between).
        try checkpointIfGrown(beyond: checkpointBytes)
    }

    /// Rebuilds by replaying the log, in its order, through the incremental path that ingest takes
    /// after the append (`applyEffect`), from an empty state, in one transaction: the state is the one
    /// ingesting the log into a new database would give, which equals the fold of the log
    /// (interfaces.md "Incremental equals recomputed"; `chiso verify` checks it), and the memory is a
    /// batch's, as ingest's, not the whole state's (docs/performance.md "Windows long past, verify and
    /// rebuild at scale"). A retraction replayed before its target finds the target already in the
    /// log and takes out (or, retracted itself, puts back) its effect early; entries and catalogue
    /// events are added and removed by id, so the target's own turn adds nothing twice, and the state
    /// is the same. Cycles of retractions are void as on arrival, where the fold's choice of which
    /// member is void depends on the order it visits them (no score depends on it, details.md 7).
    private func rebuildState() throws {
        // The log is read under the write lock: an ingest that commits while the log is replayed would
        // otherwise be in the log and missing from the state written back (an audit: `verify` then
        // failed until the next rebuild). Another writer waits meanwhile (`beginWriting`).
        try beginWriting()
        do {
            // What another writer committed since this engine opened or while it waited (procedure
            // ordinals above all, which the rebuild keeps); the calendar stays the one adopted.
            let adopted = (calendar, decoder)
            try reloadIfAnotherWriterCommitted()
            (calendar, decoder) = adopted
            try store.clearDerivedState()
            pending.removeAll()
            pending.forgetRecent()
            catalogue = Catalogue()
            voidIDs = []
            tallies.discardBatch()
            tallies.rules = nil
            var replayed = 0
            try store.forEachEvent { seq, line in
                let event = try loggedEvent(seq, line)
                if case .retracted(let target) = event.body { try store.addRetraction(target: target, retraction: event.id) }
                if !voidIDs.contains(EventID(event.id)) { try applyEffect(event, line: { line }, adding: true) }
                replayed += 1
                // A batch's worth at a time, within the one transaction, as ingest writes a batch.
                if replayed % rebuildChunk == 0 {
                    try flushPending()
                    try flushTallies()
                }
            }
            try flushPending()
            try flushTallies()
            try store.setMeta(EventStore.Meta.watermark, try store.db.scalarInt64("SELECT max(at) FROM events WHERE type != 'event.retracted'") ?? .min)
            try store.setMeta(EventStore.Meta.talliesValid, 1)
            try store.setMeta(EventStore.Meta.talliesCalendar, calendar.fingerprint)
            try store.setMetaText(EventStore.Meta.stateCalendar, calendar.fileText)
            counterDeltas.removeAll()
            try store.recount()
            let serial = (try store.meta(EventStore.Meta.commitSerial) ?? 0) &+ 1
            try store.setMeta(EventStore.Meta.commitSerial, serial)
            try store.db.commit()
            lastCommitSerial = serial
        } catch {
            try? rollbackBatch()
            throw error
        }
    }
}
