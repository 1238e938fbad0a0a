import ChisoCore
import ChisoStore

/// A record loaded into the open batch: its stored key, what the candidate index holds for it, and
/// what it adds to the tallies.
struct CachedRecord<Record: Sendable>: Sendable {
    var key: Int64?
    var indexedActivity: Int64?
    var indexedUnits: Set<String>
    /// The `first` its index rows hold: the instant of the stored record's earliest event.
    var indexedFirst: Int64? = nil
    var record: Record
    /// What the stored record adds to the tallies (`TallyFacts.none` for a new one).
    var tallied: TalliedShare = .facts(.none)
    /// The stored row's `DossierRowState` (nil for a new record, and for petitions), so that the
    /// status counters move by what the row held, whatever wrote it.
    var storedState: EventStore.DossierRowState? = nil
}

/// What a record loaded into the batch added to the tallies when it was stored: its facts, or, for a
/// dossier read back from the store, its stored bytes and the rules it was tallied under, from which
/// the computing thread computes them at commit (`DossierWrites`) instead of the writer at load
/// (docs/performance.md "Ingest", item 20). The rules are those of the load: a catalogue event later
/// in the batch moves the record from what it added under them (`retallyRecordsAffected`).
enum TalliedShare: Sendable {
    case facts(TallyFacts)
    /// `procedure` is the ordinal of the stored record's first receipt (`TallyFacts.procedure`),
    /// given when it was loaded, so that `facts` finds it in the ordinals.
    case stored(blob: [UInt8], rules: TallyRules, procedure: Int32?)

    /// The ordinal of the procedure the share is filed under (`TallyFacts.procedure`).
    var procedure: Int32? {
        switch self {
        case .facts(let f): return f.procedure
        case .stored(_, _, let procedure): return procedure
        }
    }

    /// The facts of the share; `code` is the record's, `ordinals` hold its procedure's.
    func facts(code: String, ordinals: [String: Int32]) throws -> TallyFacts {
        switch self {
        case .facts(let f): return f
        case .stored(let blob, let rules, _):
            let record = try blob.withUnsafeBytes { buf throws(RecordCodecError) in try RecordCodec.decodeDossier(code: code, buf) }
            return rules.facts(dossier: record) { ordinals[$0] ?? 0 }
        }
    }
}

typealias CachedDossier = CachedRecord<DossierRecord>
typealias CachedPetition = CachedRecord<PetitionRecord>

/// Records as committed by recent batches, so that a record's next event needs no read from the
/// store (a stream's events of one dossier come in nearby batches). Two generations of at most
/// `generation` records each: when the young one is full it becomes the old one and the old one is
/// dropped, so the cache holds the last `generation` to 2 × `generation` records put in (fewer when
/// records were taken out).
/// (One generation of twice the size, emptied when full, held 0 to 2 × `generation`: the same peak
/// memory, and fewer hits; docs/performance.md "Ingest", item 7.)
///
/// Off by default (`generation` 0): memory spent on larger batches saves more than the same memory
/// spent here (item 9: on the 1M file, batches of 64 000 without the cache ran faster, in less
/// memory, than batches of 32 000 with two generations of 4 096). Tests turn it on.
struct RecentRecords<R: Sendable> {
    private var young: [CodePoints: CachedRecord<R>] = [:]
    private var old: [CodePoints: CachedRecord<R>] = [:]
    /// Records in a generation; 0 keeps none (tests make it small, so that generations turn over).
    var generation = 0

    /// Removes and returns the record `code`, if the cache holds it.
    mutating func take(_ code: String) -> CachedRecord<R>? {
        guard generation > 0 else { return nil } // holds nothing: `put` keeps no record then
        let key = CodePoints(code)
        return young.removeValue(forKey: key) ?? old.removeValue(forKey: key)
    }

    /// Keeps `cached` as the committed state of `code`.
    mutating func put(_ code: String, _ cached: CachedRecord<R>) {
        guard generation > 0 else { return }
        let key = CodePoints(code)
        if young.count >= generation, young[key] == nil {
            swap(&young, &old)
            young.removeAll(keepingCapacity: true)
        }
        old.removeValue(forKey: key)
        young[key] = cached
    }

    mutating func removeAll() { young.removeAll(); old.removeAll() }

    /// How many records it holds (tests).
    var count: Int { young.count + old.count }

    /// Whether it holds `code` (tests).
    func contains(_ code: String) -> Bool {
        let key = CodePoints(code)
        return young[key] != nil || old[key] != nil
    }
}

/// The records of one kind touched in the open batch, in the order they were first touched: the
/// order in which they are written, cached and give procedures their ordinals. A dictionary's order
/// changes from run to run (Swift seeds its hashing per process), and so would the records read back,
/// the ordinals and the order of the writes. The records live in an array in that order, found by a
/// dictionary of their slots, so that the commit walks them without hashing each code again
/// (docs/performance.md "Ingest", item 19). Codes are told apart by their code points (`CodePoints`).
struct TouchedRecords<R: Sendable> {
    private var slots: [CodePoints: Int] = [:]
    /// The batch's records in the order first touched.
    private(set) var ordered: [(code: String, cached: CachedRecord<R>)] = []

    var count: Int { ordered.count }

    func contains(_ code: String) -> Bool { slots[CodePoints(code)] != nil }

    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        ordered.removeAll(keepingCapacity: true)
    }

    /// Puts a whole record in, replacing any copy there.
    mutating func put(_ code: String, _ cached: CachedRecord<R>) {
        let key = CodePoints(code)
        if let i = slots[key] { ordered[i].cached = cached; return }
        slots[key] = ordered.count
        ordered.append((code, cached))
    }

    /// One hash of `code` when the record is already in the batch (most events of a batch).
    mutating func change(_ code: String, recent: inout RecentRecords<R>, load: (String) throws -> CachedRecord<R>?, empty: () -> R,
                         _ change: (inout R) -> Void) rethrows {
        let key = CodePoints(code)
        if let i = slots[key] {
            change(&ordered[i].cached.record)
            return
        }
        var cached = try recent.take(code) ?? load(code) ?? CachedRecord(key: nil, indexedActivity: nil, indexedUnits: [], record: empty())
        change(&cached.record)
        slots[key] = ordered.count
        ordered.append((code, cached))
    }
}

/// How the open batch moves each status counter (`EventStore.Counter`), in one slot a counter.
struct CounterDeltas {
    private var deltas = [Int64](repeating: 0, count: EventStore.Counter.allCases.count)

    subscript(counter: EventStore.Counter) -> Int64 {
        get { deltas[counter.slot] }
        set { deltas[counter.slot] = newValue }
    }

    mutating func removeAll() {
        for i in deltas.indices { deltas[i] = 0 }
    }
}

/// Dossiers and petitions touched in the open batch.
struct PendingRecords {
    private(set) var dossiers = TouchedRecords<DossierRecord>()
    private(set) var petitions = TouchedRecords<PetitionRecord>()
    /// Records as committed by recent batches. Dropped on rollback.
    var recentDossiers = RecentRecords<DossierRecord>()
    var recentPetitions = RecentRecords<PetitionRecord>()

    mutating func removeAll() {
        dossiers.removeAll(); petitions.removeAll()
    }

    /// Puts a whole record in the batch (`rebuild`), replacing any copy there.
    mutating func put(dossier code: String, _ cached: CachedDossier) { dossiers.put(code, cached) }

    /// Puts a whole record in the batch (`rebuild`), replacing any copy there.
    mutating func put(petition code: String, _ cached: CachedPetition) { petitions.put(code, cached) }

    mutating func forgetRecent() { recentDossiers.removeAll(); recentPetitions.removeAll() }

    /// Changes the dossier `code` in the open batch: taken from the recent ones, else loaded from the
    /// store (`load`), else new.
    mutating func changeDossier(_ code: String, load: (String) throws -> CachedDossier?, _ change: (inout DossierRecord) -> Void) rethrows {
        try dossiers.change(code, recent: &recentDossiers, load: load, empty: { DossierRecord(code: code) }, change)
    }

    /// Changes the petition `code` in the open batch, as `changeDossier` does.
    mutating func changePetition(_ code: String, load: (String) throws -> CachedPetition?, _ change: (inout PetitionRecord) -> Void) rethrows {
        try petitions.change(code, recent: &recentPetitions, load: load, empty: { PetitionRecord(code: code) }, change)
    }
}

extension Engine {
    /// Applies an accepted event's effect on the state, or removes it (`adding: false`) when it turns void.
    /// Retractions re-evaluate their target (details.md 7). `line` gives the event's logged line, which
    /// only catalogue events keep (made only for them: ingest appends the bytes without a `String`).
    func applyEffect(_ event: Event, line: () -> String, adding: Bool) throws {
        switch event.body {
        case .retracted(let target):
            // The retraction row is written on arrival, void or not; here only its target follows.
            try refreshVoid(target)
        case .dossier(let code, let unit, let action):
            try withDossier(code) { r in
                if adding { r.insert(DossierEntry(id: event.id, at: event.at, unit: unit, action: action)) } else { r.remove(id: event.id) }
            }
        case .petition(let code, let unit, let action):
            try withPetition(code) { r in
                if adding { r.insert(PetitionEntry(id: event.id, at: event.at, unit: unit, action: action)) } else { r.remove(id: event.id) }
            }
            if case .filed(_, let dossier?) = action {
                try withDossier(dossier) { r in
                    if adding { r.insert(DossierEntry(id: event.id, at: event.at, unit: unit, action: .petitionFiled(petition: code))) } else { r.remove(id: event.id) }
                }
            }
        default:
            try retallyRecordsAffected(by: event) {
                if adding {
                    try store.putCatalogue(id: event.id, at: event.at.micros, body: line())
                    catalogue.insert(event)
                } else {
                    try store.deleteCatalogue(id: event.id)
                    catalogue.remove(id: event.id)
                }
            }
        }
    }

    /// Recomputes whether `target` is void; when that changes, adds or removes its effect.
    ///
    /// A retraction that turns void or valid again changes its own target, and so on down the chain
    /// (details.md 7: retracting a retraction restores its target), however long the chain: each
    /// event retracts one target, so the walk is a path, followed in a loop. It stops where nothing
    /// changes, at an event that is not a retraction, or on coming back to an event it has already
    /// visited: a cycle of retractions, whose members only retract each other and so change no score.
    func refreshVoid(_ start: String) throws {
        var target = start
        var visited: Set<EventID> = []
        while visited.insert(EventID(target)).inserted {
            var void = false
            for r in try store.retractions(of: target) where !voidIDs.contains(EventID(r)) { void = true; break }
            guard void != voidIDs.contains(EventID(target)) else { return }
            try store.setVoid(target, void)
            if void { voidIDs.insert(EventID(target)) } else { voidIDs.remove(EventID(target)) }
            guard let line = try store.eventBody(id: target) else { return } // pending: the target has not arrived
            guard let event = try? decoder.decode(JSONParser.parse(line)) else {
                throw EngineError.corrupt("logged event \(target) no longer decodes")
            }
            guard case .retracted(let next) = event.body else {
                try applyEffect(event, line: { line }, adding: !void)
                return
            }
            // A retraction turned void or valid again: its own target follows.
            target = next
        }
    }

    func withDossier(_ code: String, _ change: (inout DossierRecord) -> Void) throws {
        try pending.changeDossier(code, load: { code in
            // Read ahead by the reading thread, and still what the store holds (`PrefetchedDossiers`),
            // else read now.
            let found: StoredDossier?
            if let ahead = prefetched?.dossier(code, at: lastCommitSerial) {
                found = ahead
                if ahead != nil { recordsPrefetched += 1 }
            } else {
                found = try store.dossier(code: code).map { stored in try StoredDossier(code: code, stored) }
            }
            guard let d = found else { return nil }
            recordsRead += 1
            // What it adds to the tallies is computed at commit, on the computing thread; its procedure
            // gets its ordinal now (it has one: it was tallied), as `tallyFacts` would give it.
            return CachedDossier(key: d.key, indexedActivity: d.activity, indexedUnits: d.record.touchedUnits,
                                 indexedFirst: d.record.earliest?.micros, record: d.record,
                                 tallied: .stored(blob: d.blob, rules: tallyRules(), procedure: receiptOrdinal(d.record)), storedState: d.state)
        }, change)
    }

    func withPetition(_ code: String, _ change: (inout PetitionRecord) -> Void) throws {
        try pending.changePetition(code, load: { code in
            guard let stored = try store.petition(code: code) else { return nil }
            recordsRead += 1
            let record = try stored.blob.withUnsafeBytes { buf throws(RecordCodecError) in try RecordCodec.decodePetition(code: code, buf) }
            return CachedPetition(key: stored.key, indexedActivity: stored.activity, indexedUnits: record.touchedUnits,
                                  indexedFirst: record.earliest?.micros, record: record,
                                  tallied: .facts(tallyFacts(petition: record)))
        }, change)
    }

    /// The ordinal of the procedure of `record`'s first receipt, given on first sight (the one its
    /// tally facts are filed under, `TallyFacts.procedure`); nil without a receipt.
    func receiptOrdinal(_ record: DossierRecord) -> Int32? {
        guard let receipt = record.firstReceipt, case .received(let r) = receipt.action else { return nil }
        return procedureOrdinal(r.procedure)
    }

    /// Writes the batch's touched records and their candidate-index rows.
    func flushPending() throws {
        try flushDossiers()
        try flushPetitions()
        pending.removeAll()
    }

    private func flushDossiers() throws {
        // Encodings and facts are computed ahead on a second thread (`DossierWrites`); facts name
        // procedures by ordinal, so every receipt's procedure gets one here first.
        // Both passes walk `touched`: the batch, in the order its records were first touched.
        let touched = pending.dossiers.ordered
        // The tallies of a record that is written move on the computing thread too; those of a record
        // that is removed (every event gone) move here, in `unstore`.
        var records: [DossierRecord] = [], previous: [TalliedShare?] = []
        records.reserveCapacity(touched.count)
        previous.reserveCapacity(touched.count)
        for (_, c) in touched {
            _ = receiptOrdinal(c.record)
            records.append(c.record)
            previous.append(c.record.entries.isEmpty ? nil : c.tallied)
        }
        let writes = DossierWrites(records: records, previous: previous, rules: tallyRules(), ordinals: tallies.ordinals,
                                   parallelMinimum: parallelWritesMinimum)
        defer { writes.join() }
        // Index and procedure rows are written after the loop, each set in its table's order.
        var unindexed: [EventStore.UnitIndexRow] = [], indexed: [EventStore.UnitIndexRow] = []
        var procedureRows: [(procedure: Int32, dossier: Int64)] = []
        for (i, (code, c)) in touched.enumerated() {
            let w = writes.write(i)
            if c.record.entries.isEmpty {
                try unstore(.dossier, code, c)
                if let key = c.key {
                    if let o = c.tallied.procedure { try store.removeDossierProcedure(o, dossier: key) }
                    counterDeltas[.dossiers] -= 1
                    if let old = c.storedState { countRow(old, by: -1) }
                }
                continue
            }
            let activity = w.activity, state = w.state, units = w.units, facts = w.facts, first = c.record.earliest?.micros
            if c.key == nil { counterDeltas[.dossiers] += 1 }
            if state != c.storedState {
                countRow(state, by: 1)
                if let old = c.storedState { countRow(old, by: -1) }
            }
            let key = try store.saveDossier(key: c.key, code: code, activity: activity, state: state, blob: w.blob)
            Engine.indexMoves(c, activity: activity, units: units, first: first, key: key, removing: &unindexed, adding: &indexed)
            if let o = facts.procedure, o != c.tallied.procedure || c.key == nil { procedureRows.append((o, key)) }
            pending.recentDossiers.put(code, CachedDossier(key: key, indexedActivity: activity, indexedUnits: units, indexedFirst: first,
                                                           record: c.record, tallied: .facts(facts),
                                                           storedState: state))
        }
        try store.moveIndexRows(.dossier, removing: unindexed, adding: indexed)
        try store.addDossierProcedures(procedureRows)
        tallies.merge(try writes.tallyChanges())
    }

    /// The candidate-index rows of a record to remove (filed at its old activity key under a unit it
    /// no longer touches, or at another key, or with another earliest instant) and to add, when it is
    /// written with `activity`, `units` and `first`. They share a row only when `first` alone changed
    /// (an earlier event came, or the earliest was retracted): it is removed, then added with the new one.
    private static func indexMoves<R>(_ c: CachedRecord<R>, activity: Int64, units: Set<String>, first: Int64?, key: Int64,
                                      removing: inout [EventStore.UnitIndexRow], adding: inout [EventStore.UnitIndexRow]) {
        let moved = c.indexedActivity != activity || c.indexedFirst != first
        if let old = c.indexedActivity {
            for u in c.indexedUnits where moved || !units.contains(u) {
                removing.append(.init(unit: u, activity: old, key: key))
            }
        }
        for u in units where moved || !c.indexedUnits.contains(u) {
            adding.append(.init(unit: u, activity: activity, key: key, first: first ?? .min))
        }
    }

    /// Removes a stored record every event of which is retracted (or was void on arrival): it is as if
    /// never sent (events.md "Corrections"), so its row and index rows go and its tally share is
    /// removed, and `chiso status` counts what `chiso rebuild` would. One never stored is not stored.
    private func unstore<R>(_ kind: EventStore.RecordKind, _ code: String, _ c: CachedRecord<R>) throws {
        guard let key = c.key else { return }
        if let old = c.indexedActivity { for u in c.indexedUnits { try store.unindexUnit(kind, unit: u, activity: old, key: key) } }
        try store.deleteRecord(kind, key: key)
        retally(from: try c.tallied.facts(code: code, ordinals: tallies.ordinals), to: .none)
    }

    /// Moves the status counter of a dossier row in `state` (`chiso status`); ended rows are the rest.
    private func countRow(_ state: EventStore.DossierRowState, by delta: Int64) {
        switch state {
        case .open: counterDeltas[.openDossiers] += delta
        case .countsNowhere: counterDeltas[.uncountedDossiers] += delta
        case .namedOnlyByPetitions: counterDeltas[.petitionOnlyDossiers] += delta
        case .ended: break
        }
    }

    private func flushPetitions() throws {
        var unindexed: [EventStore.UnitIndexRow] = [], indexed: [EventStore.UnitIndexRow] = []
        for (code, c) in pending.petitions.ordered {
            if c.record.entries.isEmpty {
                try unstore(.petition, code, c)
                if c.key != nil { counterDeltas[.petitions] -= 1 }
                continue
            }
            let activity = c.record.activityKey.micros, first = c.record.earliest?.micros
            if c.key == nil { counterDeltas[.petitions] += 1 }
            let key = try store.savePetition(key: c.key, code: code, activity: activity, blob: RecordCodec.encode(c.record))
            let units = c.record.touchedUnits
            Engine.indexMoves(c, activity: activity, units: units, first: first, key: key, removing: &unindexed, adding: &indexed)
            let facts = tallyFacts(petition: c.record)
            retally(from: try c.tallied.facts(code: code, ordinals: tallies.ordinals), to: facts)
            pending.recentPetitions.put(code, CachedPetition(key: key, indexedActivity: activity, indexedUnits: units, indexedFirst: first,
                                                             record: c.record,
                                                             tallied: .facts(facts)))
        }
        try store.moveIndexRows(.petition, removing: unindexed, adding: indexed)
    }

    /// Records the latest event instant, and the latest per unit with the ingest time (`chiso status`).
    func flushIngestMarks(now: Int64) throws {
        if let at = batchLatestAt { try store.raiseMeta(EventStore.Meta.latestEventAt, to: at); batchLatestAt = nil }
        // Kept per unit and rolled up to the roots of the tree as it stands when read (`chiso status`),
        // so that a unit declared after its first events is counted under its root, not as one.
        for (unit, at) in batchLatest { try store.noteIngest(unit: unit, latestEventAt: at, now: now) }
        batchLatest.removeAll(keepingCapacity: true)
    }
}
