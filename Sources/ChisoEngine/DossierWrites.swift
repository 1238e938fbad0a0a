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

/// The `DossierWrite`s of a batch's touched dossiers, computed in chunks on a second thread while the
/// writer runs the SQL of those already computed (docs/performance.md "Ingest", item 6), and the
/// tally changes they make (item 19): each record's move from the facts it added when stored
/// (`previous`) to its new facts, summed into `tallyChanges`, which the writer merges after `join`.
///
/// Encoding records and computing their facts is about a third of what writing a batch costs the
/// writer, and needs no state but the records: moving it off the writer's thread shortens the
/// critical path of ingest, which is that thread (the reading thread is idle while a batch commits).
/// The computing thread is still the slower of the two there (at 1M events the writer waited for it
/// a third or more of its loop over the records), so a chunk is claimed by whichever thread comes to it first: rather than
/// wait, the writer computes the writes of the next chunk nobody has started, and hands their new
/// facts to the computing thread, which makes their tally moves with its own (item 35). The results
/// are the same whoever computes them and the same as computing them in line, which small batches
/// do: a write is a pure function of its record, and the tally changes are sums.
final class DossierWrites: @unchecked Sendable {
    // @unchecked: a chunk's slots of `results` are written by the thread that claimed the chunk
    // before it marks the chunk done under `monitor`, and read by the writer only after it saw the
    // chunk done; `changes` and `failure` are the computing thread's (the writer's when unthreaded),
    // read only after `join`, which orders the end of that thread before them and before `deinit`.
    private let records: [DossierRecord]
    /// What each record added to the tallies before the batch, or nil when the writer moves its
    /// tallies itself (a record every event of which is gone: it is removed, not written).
    private let previous: [TalliedShare?]
    private let rules: TallyRules
    private let ordinals: [String: Int32]
    private let results: UnsafeMutablePointer<DossierWrite>
    private let threaded: Bool
    private let chunks: Int
    private let monitor = Monitor()
    // Guarded by `monitor`.
    /// The first chunk no thread has claimed yet.
    private var nextUnclaimed = 0
    /// Which chunks are computed.
    private var done: [Bool]
    /// The chunk the writer is taking writes from: neither thread computes further than `lookahead`
    /// chunks from it (computed writes hold encodings and facts, and a batch's worth of them at once
    /// added 8 MB to a 1M ingest's peak).
    private var taking = 0
    /// Set by `join`: the computing thread claims nothing more.
    private var stopping = false
    /// Whether the computing thread runs (it clears this as it ends).
    private var computing: Bool
    /// The new facts of records whose writes the writer computed, for the computing thread to move
    /// their tallies (or `tallyChanges`, once it has ended). Moving them on the writer's thread, into
    /// cell changes of its own, held every cell of the batch twice: 8 MiB more at CI size.
    private var handedOver: [HandedFacts] = []
    /// The new facts of one chunk the writer computed, by record.
    private typealias HandedFacts = [(record: Int, facts: TallyFacts)]
    // The computing thread's (the writer's when unthreaded).
    /// The cell changes of the records' moves.
    private var changes: [TallyState.CellKey: TallyCell] = [:]
    /// A stored record whose bytes no longer decode (the writer throws it after `join`).
    private var failure: (any Error)?
    /// Slots moved out by `write` (threaded only).
    private var consumed = 0
    private var joined = false

    /// Records per chunk: the unit of hand-over between the two threads.
    static let chunk = 32
    /// Chunks computed ahead of the writer at most.
    static let lookahead = 4

    /// Starts computing the writes of `records`: on a second thread from `parallelMinimum` records
    /// (fewer are computed on the writer's thread as they are needed). `ordinals` must hold the
    /// procedure of each record's first receipt; `previous[i]` is what `records[i]` added before
    /// (a record beyond `previous` moves no tallies). Tests start no computing thread
    /// (`computingThread` false) to have the writer claim every chunk.
    init(records: [DossierRecord], previous: [TalliedShare?], rules: TallyRules, ordinals: [String: Int32], parallelMinimum: Int,
         computingThread: Bool = true) {
        self.records = records
        self.previous = previous
        self.rules = rules
        self.ordinals = ordinals
        threaded = records.count >= parallelMinimum
        computing = threaded && computingThread
        results = .allocate(capacity: threaded ? records.count : 0)
        chunks = threaded ? (records.count + DossierWrites.chunk - 1) / DossierWrites.chunk : 0
        done = [Bool](repeating: false, count: chunks)
        if computing { DispatchQueue.global(qos: .userInitiated).async { self.computeAll() } }
    }

    /// The computing thread: claims the next unclaimed chunk within the look-ahead and computes it,
    /// moving the tallies of what the writer handed over in between, until no chunk is left.
    private func computeAll() {
        monitor.lock()
        while true {
            while !stopping && nextUnclaimed < chunks && nextUnclaimed >= taking + DossierWrites.lookahead {
                monitor.wait()
            }
            guard !stopping && nextUnclaimed < chunks else { break }
            let c = nextUnclaimed
            nextUnclaimed += 1
            let handed = handedOver
            handedOver.removeAll()
            monitor.unlock()
            moveHandedOver(handed)
            for i in range(of: c) { (results + i).initialize(to: compute(i)) }
            monitor.lock()
            done[c] = true
            monitor.broadcast()
        }
        computing = false
        monitor.broadcast()
        monitor.unlock()
    }

    private func range(of chunk: Int) -> Range<Int> {
        (chunk * DossierWrites.chunk)..<min(records.count, (chunk + 1) * DossierWrites.chunk)
    }

    /// The write of `records[i]`, its tally move added to `changes`.
    private func compute(_ i: Int) -> DossierWrite {
        let w = DossierWrite(records[i], rules: rules, ordinals: ordinals)
        move(i, to: w.facts)
        return w
    }

    /// Adds the tally move of `records[i]`, from what it added before to `facts`, to `changes`.
    private func move(_ i: Int, to facts: TallyFacts) {
        guard i < previous.count, let share = previous[i] else { return }
        do {
            TallyState.move(&changes, from: try share.facts(code: records[i].code, ordinals: ordinals), to: facts)
        } catch {
            failure = failure ?? error
        }
    }

    private func moveHandedOver(_ handed: [HandedFacts]) {
        for chunk in handed { for (i, facts) in chunk { move(i, to: facts) } }
    }

    /// The write of `records[i]`; `i` must go up from 0 by one.
    func write(_ i: Int) -> DossierWrite {
        guard threaded else { return compute(i) }
        assert(i == consumed, "writes are taken in order")
        if i % DossierWrites.chunk == 0 {
            let c = i / DossierWrites.chunk
            monitor.lock()
            taking = c // the chunks before are taken: room for the computing thread
            monitor.broadcast()
            // Rather than wait for chunk `c`, compute the next chunk nobody has started (`c` itself
            // when the computing thread has not come to it), within the look-ahead.
            while !done[c] {
                if nextUnclaimed < chunks && nextUnclaimed < c + DossierWrites.lookahead {
                    let claimed = nextUnclaimed
                    nextUnclaimed += 1
                    monitor.unlock()
                    var handed: HandedFacts = []
                    handed.reserveCapacity(DossierWrites.chunk)
                    for j in range(of: claimed) {
                        let w = DossierWrite(records[j], rules: rules, ordinals: ordinals)
                        handed.append((j, w.facts))
                        (results + j).initialize(to: w)
                    }
                    monitor.lock()
                    handedOver.append(handed)
                    done[claimed] = true
                } else {
                    monitor.wait()
                }
            }
            monitor.unlock()
        }
        consumed = i + 1
        return (results + i).move()
    }

    /// The tally changes of every record's move; waits for the computing thread first. Complete once
    /// the writer has taken every write (unthreaded, `write` computes them). Throws when a stored
    /// record's bytes no longer decode.
    func tallyChanges() throws -> [TallyState.CellKey: TallyCell] {
        join()
        // The computing thread has ended: what it did not move is moved here.
        moveHandedOver(handedOver)
        handedOver.removeAll()
        if let failure { throw EngineError.corrupt("a stored dossier no longer decodes (\(failure))") }
        return changes
    }

    /// Waits for the computing thread to finish (also when the writer stopped early on an error):
    /// it claims no chunk after this, and ends once the one it is computing is done.
    func join() {
        guard !joined else { return }
        monitor.lock()
        stopping = true
        monitor.broadcast()
        while computing { monitor.wait() }
        monitor.unlock()
        joined = true
    }

    deinit {
        join()
        // Slots are initialized chunk by chunk: those of done chunks past what the writer moved out.
        if threaded {
            for c in 0..<chunks where done[c] {
                let r = range(of: c), from = max(consumed, r.lowerBound)
                if from < r.upperBound { (results + from).deinitialize(count: r.upperBound - from) }
            }
        }
        results.deallocate()
    }
}
