/// One event of a dossier as the lifecycle needs it: id, instant, the unit on the event, what happened.
public struct DossierEntry: Sendable, Equatable {
    public var id: String
    public var at: Instant
    /// The `unit` field of the event; only read on `received` and `transferred` (details.md 18).
    public var unit: String
    public var action: DossierAction

    public init(id: String, at: Instant, unit: String, action: DossierAction) {
        self.id = id; self.at = at; self.unit = unit; self.action = action
    }
}

/// Everything chiso keeps about one dossier (hồ sơ): its unretracted events in lifecycle order.
///
/// This is the per-dossier state that details.md 26 allows. Every question about the dossier at an
/// evaluation instant E (is it received, where is it, has it ended, is it on time) is answered by
/// folding the entries with `at` < E, so a late or out-of-order event simply takes its place.
public struct DossierRecord: Sendable, Equatable {
    /// The dossier code (mã hồ sơ).
    public var code: String
    /// Entries ordered by `at`, then id (details.md 5).
    public private(set) var entries: [DossierEntry]

    public init(code: String, entries: [DossierEntry] = []) {
        self.code = code
        self.entries = entries.inLifecycleOrder()
    }

    mutating func replaceEntries(_ sorted: [DossierEntry]) { entries = sorted }

    /// Adds an entry at its place in the order; an entry with the same id is not added twice.
    public mutating func insert(_ entry: DossierEntry) { entries.insertInOrder(entry) }

    /// Removes the entry with this id (a retraction); returns whether it was there.
    @discardableResult
    public mutating func remove(id: String) -> Bool { entries.removeElement(id: id) }

    /// The first receipt in order (details.md 6: it gives every receipt field), whenever it happened.
    public var firstReceipt: DossierEntry? {
        entries.first { if case .received = $0.action { return true } else { return false } }
    }

    /// The receipt of an earlier-arrived receipt with another procedure, if `receipt` would conflict with it (details.md 6).
    public func conflictingProcedure(for receipt: Receipt) -> String? {
        for e in entries {
            // "Differs" as JSON strings do, by code points (`sameID`), not by canonical equivalence.
            if case .received(let r) = e.action, !sameID(r.procedure, receipt.procedure) { return r.procedure }
        }
        return nil
    }

    /// The instant of its earliest event (entries are in lifecycle order); nil with none. Only events
    /// before E count (indicators.md "Evaluation"): a record whose earliest event is at or after E
    /// concerns no evaluation at E (the candidate index's `first`).
    public var earliest: Instant? { entries.first?.at }

    /// The instant after which this dossier can no longer matter to a window starting there:
    /// the latest `at` of its entries when it has ended, else `distantFuture` (it is still open).
    /// Windows with `from` > this key need not look at the dossier (the candidate index).
    public var activityKey: Instant {
        guard entries.contains(where: { $0.action.isEnd }) else { return .distantFuture }
        return entries.last?.at ?? .distantFuture
    }

    /// Whether the code is only named by petitions (a `petition.filed` with `dossier`) and no dossier
    /// event of its own has come: the record keeps the link for 5.4, but it is no dossier chiso has
    /// heard of, and `chiso status` counts it nowhere, not even among the dossiers that count nowhere.
    public var namedOnlyByPetitions: Bool {
        !entries.isEmpty && entries.allSatisfy { if case .petitionFiled = $0.action { true } else { false } }
    }

    /// Whether the dossier counts anywhere once all its events are in: it has a receipt and was not
    /// refused (events.md: "A refused dossier never counts anywhere"; details.md 6: a dossier with
    /// no receipt counts nowhere). What `chiso status` counts as a dossier.
    public var countsAnywhere: Bool {
        var received = false
        for e in entries {
            switch e.action {
            case .refused: return false
            case .received: received = true
            default: break
            }
        }
        return received
    }

    /// Every unit the dossier was received or transferred by: where the candidate index files it.
    public var touchedUnits: Set<String> {
        var s = Set<String>()
        for e in entries {
            switch e.action {
            case .received: s.insert(e.unit)
            case .transferred(let to): s.insert(to)
            default: break
            }
        }
        return s
    }
}

/// Resolves the facts that live outside a dossier's own events: unit merges and procedure attributes.
public protocol DossierContext {
    /// The first merge of `unit` at or after `from`, after the merge `after` in event order (at, then
    /// id) when given, and before `before`, that moves it elsewhere.
    func merge(of unit: String, from: Instant, after: UnitMerge?, before: Instant) -> UnitMerge?
    /// The due instant from the procedure's duration for a receipt at `receivedAt` evaluated at E
    /// (details.md 9), or nil when the procedure has no duration.
    func computedDue(procedure: String, receivedAt: Instant, asOf e: Instant) -> Instant?
}

/// A dossier as it stands at an evaluation instant E: the fold of its entries with `at` < E.
public struct DossierView: Sendable {
    public var code: String
    public var receivedAt: Instant
    /// The unit that received it (first receipt).
    public var receivingUnit: String
    public var receipt: Receipt
    /// The processing unit at E: the last transfer before E, else the receiving unit, moved by merges (details.md 13).
    public var unit: String
    /// The first end before E and what it was.
    public var end: (at: Instant, action: DossierAction)?
    /// The first `finished` before E (details.md 18).
    public var finished: (at: Instant, electronicResult: Bool, pushedToPersonalStore: Bool)?
    /// The due instant used for scoring (receipt's `due`, else computed); nil = can never be late.
    public var due: Instant?
    /// Completed pauses (closed at the end when still open then), as [start, end) intervals.
    public var pauses: [(start: Instant, end: Instant)]
    /// The start of the open pause when waiting for a supplement at E (open dossier).
    public var waitingSince: Instant?
    /// The instant of the second `supplementRequested` before the end, which makes it late (events.md).
    public var secondRequestAt: Instant?
    public var syncedBeforeE: Bool
    public var paidOnlineBeforeE: Bool
    /// Instants of online payments before E (3.5b counts those in [from, E)).
    public var onlinePayments: [Instant]
    public var latestRating: Rating?
    public var petitionFiledBeforeE: Bool

    /// The instant the clock stops for on-time judgement (indicators.md "onTime").
    public var clockEnd: Instant = .distantFuture
    /// `clockEnd` minus the completed pauses.
    public var effectiveEnd: Instant = .distantFuture
    /// onTime(d) of indicators.md.
    public var onTime: Bool = true

    /// Folds `record` at E. Returns nil when the dossier has no receipt before E or was refused before E
    /// (details.md 6: such a dossier counts nowhere).
    public static func evaluate(_ record: DossierRecord, asOf e: Instant, context: some DossierContext) -> DossierView? {
        var receiptEntry: DossierEntry?
        var refused = false
        var end: (at: Instant, action: DossierAction)?
        var finished: (at: Instant, electronicResult: Bool, pushedToPersonalStore: Bool)?
        var pauses: [(start: Instant, end: Instant)] = []
        var openPause: Instant?
        var requests = 0
        var secondRequestAt: Instant?
        var synced = false, paidOnline = false
        var payments: [Instant] = []
        var rating: Rating?
        var petition = false
        var transfers: [(at: Instant, to: String)] = []

        for entry in record.entries {
            if entry.at >= e { break }
            switch entry.action {
            case .received:
                if receiptEntry == nil { receiptEntry = entry }
            case .refused:
                refused = true
            case .transferred(let to):
                transfers.append((entry.at, to))
            case .supplementRequested:
                if end == nil {
                    requests += 1
                    if requests == 2 { secondRequestAt = entry.at }
                    if openPause == nil { openPause = entry.at }
                }
            case .supplemented:
                if end == nil, let start = openPause {
                    pauses.append((start, entry.at))
                    openPause = nil
                }
            case .paid(let online):
                if online { paidOnline = true; payments.append(entry.at) }
            case .finished(_, let electronic, let pushed):
                if finished == nil { finished = (entry.at, electronic, pushed) }
                if end == nil { end = (entry.at, entry.action) }
            case .returned, .withdrawn, .stopped:
                if end == nil { end = (entry.at, entry.action) }
            case .synced:
                synced = true
            case .rated(let r):
                rating = r
            case .petitionFiled:
                petition = true
            case .submitted, .apologized:
                break
            }
            if let end, let start = openPause, entry.at == end.at, entry.action.isEnd {
                // A pause still open at the end closes at the end (details.md 10).
                pauses.append((start, end.at))
                openPause = nil
            }
        }
        guard let receiptEntry, !refused, case .received(let receipt) = receiptEntry.action else { return nil }

        // Processing unit at E: transfers and merges in time order (details.md 13, 18).
        var unit = receiptEntry.unit
        var now = receiptEntry.at
        // The merge that brought it to `unit`, if the last step was one: merges at one instant follow
        // each other in id order (details.md 5), so only a later one of that instant moves it on
        // (A into C and C into A at one instant take it from A to C and back, and no further).
        var lastMerge: UnitMerge?
        var ti = 0
        let endAt = end?.at ?? .distantFuture
        var steps = 0
        while steps < 256 {
            steps += 1
            let nextTransfer = ti < transfers.count ? transfers[ti] : nil
            // The first merge of the unit since the dossier got there: a later merge of the same unit
            // moves only the dossiers processing there then (details.md 13). A merge moves dossiers
            // "received at or before the merge": one before the receipt moves nothing, also for a
            // dossier that a transfer dated before its receipt sent to the merged unit.
            let merge = context.merge(of: unit, from: max(now, receiptEntry.at), after: lastMerge, before: e)
            if let m = merge, m.at <= endAt, nextTransfer.map({ m.at < $0.at }) ?? true {
                unit = m.into; now = m.at; lastMerge = m
                continue
            }
            guard let t = nextTransfer else { break }
            unit = t.to; now = t.at; ti += 1; lastMerge = nil
        }

        var view = DossierView(
            code: record.code, receivedAt: receiptEntry.at, receivingUnit: receiptEntry.unit, receipt: receipt, unit: unit,
            end: end, finished: finished,
            due: receipt.due ?? context.computedDue(procedure: receipt.procedure, receivedAt: receiptEntry.at, asOf: e),
            pauses: pauses, waitingSince: end == nil ? openPause : nil, secondRequestAt: secondRequestAt,
            syncedBeforeE: synced, paidOnlineBeforeE: paidOnline, onlinePayments: payments,
            latestRating: rating, petitionFiledBeforeE: petition)
        view.judge(asOf: e)
        return view
    }

    /// onTime(d) (indicators.md "Evaluation", details.md 10).
    mutating func judge(asOf e: Instant) {
        var clock = end?.at ?? e
        if secondRequestAt != nil {
            clockEnd = clock; effectiveEnd = clock; onTime = false
            return
        }
        if end == nil, let waiting = waitingSince { clock = waiting }
        var paused: Int64 = 0
        for p in pauses where p.start < clock {
            paused += min(p.end, clock).micros - p.start.micros
        }
        clockEnd = clock
        effectiveEnd = clock.adding(micros: -paused)
        if let due { onTime = effectiveEnd <= due } else { onTime = true }
    }

    /// Whether the dossier had ended before `instant`.
    public func ended(before instant: Instant) -> Bool { end.map { $0.at < instant } ?? false }

    /// Total length of its completed pauses, in microseconds.
    public var pausedMicros: Int64 { pauses.reduce(0) { $0 + ($1.end.micros - $1.start.micros) } }
}
