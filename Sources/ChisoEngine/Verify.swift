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

    private func rebuildState() throws {
        // The log is read under the write lock: an ingest that commits while the log is folded would
        // otherwise be in the log and missing from the state written back (an audit: `verify` then
        // failed until the next rebuild). Another writer waits meanwhile (`beginWriting`).
        try beginWriting()
        let fold: StateFold
        do {
            // What another writer committed since this engine opened or while it waited (procedure
            // ordinals above all, which the rebuild keeps); the calendar stays the one adopted.
            let adopted = (calendar, decoder)
            try reloadIfAnotherWriterCommitted()
            (calendar, decoder) = adopted
            tallies.rules = nil
            fold = try foldLog()
            var catalogueLines: [EventID: (at: Int64, line: String)] = [:]
            let catalogueIDs = Set(fold.catalogue.events.map { EventID($0.id) })
            try store.forEachEvent { _, line in
                guard let value = try? JSONParser.parse(line), case .string(let id)? = value["id"], catalogueIDs.contains(EventID(id)),
                      let e = try? decoder.decode(value) else { return }
                catalogueLines[EventID(id)] = (e.at.micros, line)
            }
            try store.clearDerivedState()
            pending.forgetRecent()
            // The records are tallied under the log's catalogue.
            catalogue = fold.catalogue
            tallies.discardBatch()
            for (target, rs) in fold.retractions { for r in rs { try store.addRetraction(target: target.text, retraction: r.text) } }
            for id in fold.void { try store.setVoid(id.text, true) }
            for (id, c) in catalogueLines { try store.putCatalogue(id: id.text, at: c.at, body: c.line) }
            // Written a chunk at a time within the one transaction, so that the writes computed for
            // the records (blobs, facts, index rows) are never held for the whole state at once.
            var held = 0
            for (code, r) in fold.dossiers {
                pending.put(dossier: code.text, CachedDossier(key: nil, indexedActivity: nil, indexedUnits: [], record: r))
                held += 1
                if held % rebuildChunk == 0 { try flushPending() }
            }
            for (code, r) in fold.petitions {
                pending.put(petition: code.text, CachedPetition(key: nil, indexedActivity: nil, indexedUnits: [], record: r))
                held += 1
                if held % rebuildChunk == 0 { try flushPending() }
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
        catalogue = fold.catalogue
        voidIDs = fold.void
    }
}
