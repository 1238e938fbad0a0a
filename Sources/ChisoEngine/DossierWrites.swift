import Dispatch
import ChisoCore
import ChisoStore

/// What one touched dossier is written as at commit: its row, its candidate-index entries and its
/// tally facts. A pure function of the record, the tally rules and the procedure ordinals.
struct DossierWrite: Sendable {
    var activity: Int64
    /// What `chiso status` counts it as: a dossier that counts nowhere (`DossierRecord.countsAnywhere`)
    /// is neither open nor ended.
    var state: EventStore.DossierRowState
    var blob: [UInt8]
    var units: Set<String>
    var facts: TallyFacts

    /// Whether it is open (tests compare it).
    var open: Bool { state == .open }

    init(_ record: DossierRecord, rules: TallyRules, ordinals: [String: Int32]) {
        activity = record.activityKey.micros
        // Open ⇔ activity key +∞ (DossierRecord.activityKey).
        state = record.namedOnlyByPetitions ? .namedOnlyByPetitions
            : !record.countsAnywhere ? .countsNowhere : activity == Instant.distantFuture.micros ? .open : .ended
        blob = RecordCodec.encode(record)
        units = record.touchedUnits
        // The writer gives every receipt's procedure an ordinal before the plan starts (`DossierWrites.init`).
        facts = rules.facts(dossier: record) { ordinals[$0] ?? 0 }
    }
}

/// The `DossierWrite`s of a batch's touched dossiers, computed in order on a second thread while the
/// writer runs the SQL of those already computed (docs/performance.md "Ingest", item 6), and the
/// tally changes they make (item 19): each record's move from the facts it added when stored
/// (`previous`) to its new facts, summed into `tallyChanges`, which the writer merges after `join`.
///
/// Encoding records and computing their facts is about a third of what writing a batch costs the
/// writer, and needs no state but the records: moving it off the writer's thread shortens the
/// critical path of ingest, which is that thread (the reading thread is mostly idle). The results are
/// the same as computing them in line, which small batches do.
final class DossierWrites: @unchecked Sendable {
    // @unchecked: `results` is written by the computing thread, slot by slot, before it signals the
    // chunk's semaphore, and read by the writer only after waiting on that semaphore; `join` orders
    // the end of the computing thread before `deinit`.
    private let records: [DossierRecord]
    /// What each record added to the tallies before the batch, or nil when the writer moves its
    /// tallies itself (a record every event of which is gone: it is removed, not written).
    private let previous: [TalliedShare?]
    /// A stored record whose bytes no longer decode (the writer throws it after `join`).
    private var failure: (any Error)?
    private let rules: TallyRules
    private let ordinals: [String: Int32]
    private let results: UnsafeMutablePointer<DossierWrite>
    private let ready: [DispatchSemaphore]
    private let finished = DispatchSemaphore(value: 0)
    /// Chunks the computing thread may be ahead of the writer: computed writes hold encodings and
    /// facts, and a batch's worth of them at once added 8 MB to a 1M ingest's peak.
    private let room = DispatchSemaphore(value: DossierWrites.lookahead)
    private let threaded: Bool
    /// Slots moved out by `write` (threaded only).
    private var consumed = 0
    private var joined = false
    /// The cell changes of the records' moves: written by the computing thread (or by `write` on the
    /// writer's thread, unthreaded) and read only after `join`.
    private var changes: [TallyState.CellKey: TallyCell] = [:]

    /// Records per hand-over from the computing thread to the writer.
    static let chunk = 32
    /// Chunks computed ahead of the writer at most.
    static let lookahead = 4

    /// Starts computing the writes of `records`: on a second thread from `parallelMinimum` records
    /// (fewer are computed on the writer's thread as they are needed). `ordinals` must hold the
    /// procedure of each record's first receipt; `previous[i]` is what `records[i]` added before
    /// (a record beyond `previous` moves no tallies).
    init(records: [DossierRecord], previous: [TalliedShare?], rules: TallyRules, ordinals: [String: Int32], parallelMinimum: Int) {
        self.records = records
        self.previous = previous
        self.rules = rules
        self.ordinals = ordinals
        threaded = records.count >= parallelMinimum
        results = .allocate(capacity: threaded ? records.count : 0)
        let chunks = threaded ? (records.count + DossierWrites.chunk - 1) / DossierWrites.chunk : 0
        ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        if threaded {
            DispatchQueue.global(qos: .userInitiated).async { self.computeAll() }
        } else {
            finished.signal()
        }
    }

    private func computeAll() {
        for c in 0..<ready.count {
            room.wait()
            let range = (c * DossierWrites.chunk)..<min(records.count, (c + 1) * DossierWrites.chunk)
            for i in range { (results + i).initialize(to: compute(i)) }
            ready[c].signal()
        }
        finished.signal()
    }

    /// The write of `records[i]`, its tally move added to `changes`.
    private func compute(_ i: Int) -> DossierWrite {
        let w = DossierWrite(records[i], rules: rules, ordinals: ordinals)
        if i < previous.count, let share = previous[i] {
            do {
                TallyState.move(&changes, from: try share.facts(code: records[i].code, ordinals: ordinals), to: w.facts)
            } catch {
                failure = failure ?? error
            }
        }
        return w
    }

    /// The write of `records[i]`; `i` must go up from 0 by one.
    func write(_ i: Int) -> DossierWrite {
        guard threaded else { return compute(i) }
        assert(i == consumed, "writes are taken in order")
        if i % DossierWrites.chunk == 0 {
            if i > 0 { room.signal() } // the chunk before is taken
            ready[i / DossierWrites.chunk].wait()
        }
        consumed = i + 1
        return (results + i).move()
    }

    /// The tally changes of every record's move; waits for the computing thread first. Complete once
    /// the writer has taken every write (unthreaded, `write` computes them). Throws when a stored
    /// record's bytes no longer decode.
    func tallyChanges() throws -> [TallyState.CellKey: TallyCell] {
        join()
        if let failure { throw EngineError.corrupt("a stored dossier no longer decodes (\(failure))") }
        return changes
    }

    /// Waits for the computing thread to finish (also when the writer stopped early on an error).
    func join() {
        guard !joined else { return }
        // A writer that stopped taking writes (an error) must not leave the computing thread waiting for room.
        if threaded { for _ in 0..<ready.count { room.signal() } }
        finished.wait()
        joined = true
    }

    deinit {
        join()
        if threaded { (results + consumed).deinitialize(count: records.count - consumed) }
        results.deallocate()
    }
}
