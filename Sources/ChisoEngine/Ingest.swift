#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChisoCore
import ChisoStore

/// How `chiso ingest` batches its work (interfaces.md, events.md "Bad input").
public struct IngestOptions: Sendable {
    /// Events per transaction at most. Larger batches write each touched dossier, index row and
    /// tally cell once for more events (docs/performance.md "Ingest", items 2, 8 and 9); a live feed
    /// commits within about a second whatever the size (`maxBatchMilliseconds`).
    public var batchSize: Int = IngestOptions.defaultBatchSize
    /// The default `batchSize`: a 10M ingest stays under issue 5's 150 MB (130.4 MB) with the
    /// writer's 8 MiB page cache (`EventStore`) and no cache of recent records (`RecentRecords`).
    public static let defaultBatchSize = 64_000
    /// Stop at the first rejected line (everything before it stays committed).
    public var strict: Bool = false
    /// Commit the open batch when the input has been idle this long, so a live feed is durable
    /// and visible within a second of each line.
    public var idleCommitMilliseconds: Int32 = 200
    /// Commit the open batch once its first line is this old, so that a steady feed that never
    /// pauses for `idleCommitMilliseconds` is still visible within about a second (`.max`: never).
    public var maxBatchMilliseconds: Int64 = IngestOptions.defaultMaxBatchMilliseconds
    /// The default `maxBatchMilliseconds`.
    public static let defaultMaxBatchMilliseconds: Int64 = 1_000
    /// Checkpoint the WAL between batches once it is larger than this (details.md 28).
    public var checkpointBytes: Int64 = 32 << 20

    public init(batchSize: Int = IngestOptions.defaultBatchSize, strict: Bool = false) {
        self.batchSize = max(1, batchSize); self.strict = strict
    }
}

/// What an ingest did: lines accepted, duplicates, rejections (interfaces.md `chiso ingest`).
public struct IngestSummary: Sendable, Equatable {
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    /// Non-blank lines read.
    public var lines = 0
    /// True when `--strict` stopped at a rejection.
    public var stopped = false

    public init() {}

    public var json: String { "{\"accepted\": \(accepted), \"duplicates\": \(duplicates), \"rejected\": \(rejected)}" }
}

/// The fate of one input line.
public enum LineOutcome: Sendable, Equatable {
    case accepted, duplicate, skipped
    case rejected(Rejection)
}

/// A rejected line as reported to the person running the ingest.
public struct RejectedLine: Sendable {
    public var source: String
    public var line: Int
    public var rejection: Rejection
    public var message: String { "\(source):\(line): \(rejection)" }
}

extension Engine {
    /// Opens a batch (one write transaction).
    public func beginBatch() throws {
        try beginWriting()
        try reloadIfAnotherWriterCommitted()
        if !tallyCalendarChecked {
            try checkTallyCalendar()
            tallyCalendarChecked = true
        }
    }

    /// Removes the quarantined lines, or those of one source (`chiso rejects --clear`): once they
    /// have been fixed and sent again, or were the wrong file. The lines are the person's to drop
    /// (events.md "Bad input" keeps them "so it can be fixed and re-sent"); no score depends on
    /// them. Waits for another writer's batch as ingest does. Returns how many were removed.
    public func clearRejects(source: String?) throws -> Int {
        try beginWriting()
        do {
            let removed = try store.deleteRejects(source: source)
            try store.db.commit()
            return removed
        } catch {
            try? store.db.rollback()
            throw error
        }
    }

    /// Takes the write lock (`BEGIN IMMEDIATE`). While another writer holds it (an ingest's batch, a
    /// rebuild), waits for it, up to `writerWaitMilliseconds`, telling `onWaitingForWriter` once
    /// after the first second so that a command can say why it is not moving. Two writers are
    /// serialised, never failed after SQLite's few seconds of busy timeout (docs/decisions.md,
    /// "Another writer").
    func beginWriting() throws {
        var waited: Int64 = 0
        while !(try tryBeginWriting(waitingAtMost: min(1_000, max(0, writerWaitMilliseconds - waited)))) {
            waited += 1_000
            if waited >= writerWaitMilliseconds {
                throw EngineError.badRequest(
                    "another chiso (an ingest or a rebuild) kept writing to \(store.db.path) for over \(writerWaitMilliseconds / 1000) s; "
                    + "nothing more was stored from this command: run it again once the other has finished (re-sending lines already accepted changes nothing)")
            }
            if waited == 1_000 { onWaitingForWriter?() }
        }
    }

    /// One `BEGIN IMMEDIATE`, waiting at most `milliseconds` for the lock; false when another writer
    /// still held it (SQLITE_BUSY).
    private func tryBeginWriting(waitingAtMost milliseconds: Int64) throws -> Bool {
        let begun = store.db.withBusyTimeout(Int32(milliseconds)) {
            Result { () throws(SQLiteError) in try store.db.begin(.immediate) }
        }
        switch begun {
        case .success: return true
        case .failure(let error) where error.resultCode & 0xFF == 5: return false
        case .failure(let error): throw error
        }
    }

    /// Inside a transaction: when another writer committed since this engine last wrote or read (the
    /// commit serial moved), what it remembers of the committed state (catalogue, void ids, procedure
    /// ordinals, recent records and cells) may be out of date, and is dropped or reloaded.
    func reloadIfAnotherWriterCommitted() throws {
        let serial = try store.meta(EventStore.Meta.commitSerial)
        guard serial != lastCommitSerial else { return }
        pending.forgetRecent()
        tallies.cells.removeAll()
        // A rebuild may have stored another calendar (details.md 27): the state read now was
        // computed with it.
        calendar = try Engine.storedCalendar(store) ?? configuredCalendar
        decoder = EventDecoder(zone: calendar.zone)
        catalogue = try loadCatalogue()
        try reloadVoidIDs()
        tallies.load(codes: try store.procedureCodes())
        tallies.rules = nil
        lastCommitSerial = serial
        tallyCalendarChecked = false
    }

    /// Runs `body` in one read transaction, so that everything it reads (the catalogue, the tallies,
    /// the records of every unit, the log) comes from one committed state, whatever batches commit
    /// meanwhile: a reader never sees half a batch, nor two batches mixed (interfaces.md "Standards").
    /// A snapshot reads many units; without this, a batch committing between two of them would be
    /// half counted. Inside an open transaction (a batch) `body` just runs.
    ///
    /// The transaction is held for `body`'s duration: keep it short on a live database, since the WAL
    /// cannot be checkpointed past a reader's state (details.md 28).
    public func reading<T>(_ body: () throws -> T) throws -> T {
        guard !store.db.isInTransaction else { return try body() }
        try store.db.begin(.deferred)
        do {
            // The first read fixes the state the transaction sees; the catalogue follows it.
            try reloadIfAnotherWriterCommitted()
            let result = try body()
            try store.db.commit()
            return result
        } catch {
            try? store.db.rollback()
            throw error
        }
    }

    /// Tallies hold dues and working times computed with one calendar. The first writer of a database
    /// stores its calendar with it, and every later command uses that one (`Engine.calendar`), so a
    /// writer's calendar differs from the tallies' only on a database written before databases kept
    /// their calendar: it then marks them invalid, so that snapshots fold records (exact under any
    /// calendar) until `chiso rebuild` recomputes them (details.md 27).
    func checkTallyCalendar() throws {
        // A new database, or one written before databases kept their calendar, takes this writer's.
        if try Engine.storedCalendar(store) == nil {
            try store.setMetaText(EventStore.Meta.stateCalendar, calendar.fileText)
        }
        let mine = calendar.fingerprint
        switch try store.meta(EventStore.Meta.talliesCalendar) {
        case nil: try store.setMeta(EventStore.Meta.talliesCalendar, mine)
        case mine?: break
        default:
            if try store.meta(EventStore.Meta.talliesValid) != 0 { talliesInvalidated = true }
            try store.setMeta(EventStore.Meta.talliesValid, 0)
        }
    }

    /// Commits the open batch with the state it changed, then checkpoints the WAL when it has grown.
    public func commitBatch(now: Instant, checkpointBytes: Int64 = 32 << 20) throws {
        try flushPending()
        try flushTallies()
        try flushIngestMarks(now: now.micros)
        for counter in EventStore.Counter.allCases { try store.bump(counter, by: counterDeltas[counter]) }
        counterDeltas.removeAll()
        let serial = (lastCommitSerial ?? 0) &+ 1
        try store.setMeta(EventStore.Meta.commitSerial, serial)
        try store.db.commit()
        lastCommitSerial = serial
        try checkpointIfGrown(beyond: checkpointBytes)
    }

    /// Checkpoints the WAL after a commit once it holds more than `bytes` of frames.
    func checkpointIfGrown(beyond bytes: Int64) throws {
        if store.db.walContentBytes > bytes {
            // RESTART waits for readers in short transactions, then the next batch writes the WAL
            // from its start again: it cannot grow without bound (details.md 28). The wait is
            // bounded (`checkpointWaitMilliseconds`) so that a reader holding one transaction for
            // long (a `chiso verify`) never stalls the writer (interfaces.md "Readers never block
            // the writer"): the checkpoint then copies what it can and the WAL grows meanwhile.
            try store.db.withBusyTimeout(checkpointWaitMilliseconds) { try store.db.checkpoint(.restart) }
            checkpointsRun += 1
            checkpointsGivenUp = store.db.walContentBytes == 0 ? 0 : checkpointsGivenUp + 1
        }
    }

    /// How long the checkpoint after a commit waits for readers: 100 ms, halved after each
    /// checkpoint in a row that a reader kept from restarting the WAL, down to none, and 100 ms
    /// again once one restarts it. A dashboard's reads take milliseconds, so 100 ms finds a gap
    /// between them; a reader that holds its transaction for minutes costs the first few commits
    /// under 200 ms in all, and none after (it used to cost each commit the 5 s busy timeout).
    var checkpointWaitMilliseconds: Int32 {
        checkpointsGivenUp >= 7 ? 0 : 100 >> Int32(checkpointsGivenUp)
    }

    /// Reads the void ids from the store into `voidIDs`, told apart by their code points.
    func reloadVoidIDs() throws {
        voidIDs = Set(try store.voidIDs().map { EventID($0) })
    }

    /// Abandons the open batch and reloads the in-memory catalogue.
    public func rollbackBatch() throws {
        pending.removeAll()
        counterDeltas.removeAll()
        pending.forgetRecent()
        batchLatest.removeAll()
        batchLatestAt = nil
        try store.db.rollback()
        catalogue = try loadCatalogue()
        try reloadVoidIDs()
        tallies.discardBatch()
        tallies.load(codes: try store.procedureCodes())
        tallyCalendarChecked = false
    }

    /// Ingests one line inside the open batch. Rejected lines are quarantined (once per source and bytes).
    public func ingest(line bytes: UnsafeRawBufferPointer, source: String, lineNumber: Int, endsWithoutNewline: Bool, now: Instant) throws -> LineOutcome {
        guard let prepared = Engine.prepare(bytes, endsWithoutNewline: endsWithoutNewline, decoder: decoder) else { return .skipped }
        return try ingest(prepared: prepared, line: bytes, source: source, lineNumber: lineNumber, now: now)
    }

    /// Ingests a line already parsed by `prepare` (possibly on another thread) inside the open batch.
    func ingest(prepared: Result<Event, Rejection>, line bytes: UnsafeRawBufferPointer, source: String, lineNumber: Int, now: Instant,
                appended: Bool? = nil) throws -> LineOutcome {
        let outcome: LineOutcome
        switch prepared {
        case .success(let event): outcome = try accept(event, line: bytes, now: now, appended: appended)
        case .failure(let why): outcome = .rejected(why)
        }
        if outcome == .accepted { counterDeltas[.events] += 1 }
        if case .rejected(let why) = outcome {
            if try store.quarantine(source: source, line: lineNumber, code: why.code, reason: why.description, text: bytes,
                                    digest: fnv1a(bytes), now: now.micros) {
                counterDeltas[.rejected] += 1
            }
        }
        return outcome
    }

    /// What can be known of a line without the state: its event, or why it is rejected (events.md
    /// "Bad input"); nil for a blank line. Pure, so `LineReader` runs it ahead of the writer.
    static func prepare(_ bytes: UnsafeRawBufferPointer, endsWithoutNewline: Bool, decoder: EventDecoder) -> Result<Event, Rejection>? {
        prepareForLog(bytes, endsWithoutNewline: endsWithoutNewline, decoder: decoder)?.prepared
    }

    /// `prepare`, with the line's `LogFields` when it is a dossier or petition event read straight
    /// from its bytes, the lines that the writer appends to the log in groups (`LogGroup`).
    static func prepareForLog(_ bytes: UnsafeRawBufferPointer, endsWithoutNewline: Bool,
                              decoder: EventDecoder) -> (prepared: Result<Event, Rejection>, log: LogFields?)? {
        if isBlank(bytes) { return nil }
        // The newline is not counted (details.md 4), nor the CR of a CRLF line end.
        let length = bytes.last == 0x0D ? bytes.count - 1 : bytes.count
        if length > 1_048_576 { return (.failure(.lineTooLong(bytes: length)), nil) }
        // The usual line, straight from its bytes; anything else (bad input too) through the parser,
        // which gives the same event or says what is wrong (EventDecoder.decodeLine).
        if let (event, log) = decoder.decodeLineWithLogFields(bytes) {
            return (.success(event), LogGroup.appendsAhead(event) ? log : nil)
        }
        return (preparedByParser(bytes, endsWithoutNewline: endsWithoutNewline, decoder: decoder), nil)
    }

    /// `prepare` of a line that `EventDecoder.decodeLine` leaves to the parser.
    private static func preparedByParser(_ bytes: UnsafeRawBufferPointer, endsWithoutNewline: Bool,
                                         decoder: EventDecoder) -> Result<Event, Rejection> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            // Invalid UTF-8 is the reason wherever it is (docs/decisions.md), also in a last line with
            // no newline (a gzip file's bytes), which is not "a line cut short".
            return .failure(endsWithoutNewline && error.kind != .invalidUTF8 ? .endsMidLine : .notJSON(error))
        }
        if endsWithoutNewline, case .object = value {} else if endsWithoutNewline { return .failure(.endsMidLine) }
        do { return .success(try decoder.decode(value)) } catch { return .failure(error) }
    }

    /// Whether a line is empty or only white space, and so skipped (details.md 4): every character
    /// has Unicode's White_Space property (space, tab, CR, LF, VT, FF, NBSP, U+2028 …). An event line
    /// starts with `{`, so this costs one byte's look for almost every line.
    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || (0x09...0x0D).contains($0)) }) else { return true }
        guard bytes[first] >= 0x80 else { return false }
        // Non-ASCII: white space only if the rest decodes (valid UTF-8) to White_Space characters.
        let rest = UnsafeRawBufferPointer(rebasing: bytes[first...])
        guard let text = String(validating: rest, as: UTF8.self) else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// Appends a decoded event to the log and applies it to the state (or finds it a duplicate, or a conflict).
    /// `appended`: whether the line was already appended to the log with the lines after it (`LogGroup`),
    /// true when it was inserted; nil to append it here.
    func accept(_ event: Event, line bytes: UnsafeRawBufferPointer, now: Instant, appended: Bool? = nil) throws -> LineOutcome {
        // A merge into itself would close the unit as its own child, which no tree can hold. Refused
        // here, for new lines only: a log written before 2026-12-01 may hold one, and must still
        // decode (the tree cuts it as a cycle, details.md 12).
        if case .unitMerged(let unit, let into) = event.body, into == unit {
            // The same line again, from such a log, is still a duplicate.
            if let stored = try store.eventBody(id: event.id), stored.utf8.elementsEqual(bytes) { return .duplicate }
            return .rejected(.invalidValue(field: "into", problem: "is the merged unit itself; give the unit it is merged into"))
        }
        let isNew = try appended ?? store.appendEvent(id: event.id, type: event.type, at: event.at.micros, line: bytes, ingestedAt: now.micros)
        if !isNew {
            guard let stored = try store.eventBody(id: event.id) else {
                throw EngineError.corrupt("event \(event.id) is in the log but cannot be read back")
            }
            // The same bytes again (a file ingested twice) is a duplicate without parsing anything.
            if stored.utf8.elementsEqual(bytes) { return .duplicate }
            guard let old = try? JSONParser.parse(stored) else {
                throw EngineError.corrupt("event \(event.id) is in the log but cannot be read back")
            }
            guard let new = try? JSONParser.parse(bytes) else { return .rejected(.conflictingID(event.id)) }
            return old.canonicalText.utf8.elementsEqual(new.canonicalText.utf8) ? .duplicate : .rejected(.conflictingID(event.id))
        }
        if case .dossier(let code, _, .received(let receipt)) = event.body {
            var conflict: String?
            try withDossier(code) { conflict = $0.conflictingProcedure(for: receipt) }
            if let conflict {
                try store.deleteEvent(id: event.id)
                return .rejected(.conflictingReceipt(dossier: code, procedure: receipt.procedure, acceptedProcedure: conflict))
            }
        }
        if case .retracted(let target) = event.body {
            try store.addRetraction(target: target, retraction: event.id)
        }
        if voidIDs.isEmpty || !voidIDs.contains(EventID(event.id)) {
            try applyEffect(event, line: { String(decoding: bytes, as: UTF8.self) }, adding: true)
        }
        batchLatestAt = max(batchLatestAt ?? .min, event.at.micros)
        // One look-up of the unit (the subscript with a default is changed in place).
        func raise(_ latest: inout Int64) { latest = max(latest, event.at.micros) }
        switch event.body {
        case .unitDeclared(let u, _, _, _), .unitMerged(let u, _), .unitService(let u, _),
             .dossier(_, let u, _), .petition(_, let u, _):
            raise(&batchLatest[u, default: .min])
        case .procedureDeclared(let d):
            raise(&batchLatest[d.unit, default: .min])
        case .procedureAnnounced(_, let u, _, _), .procedurePublished(_, let u):
            raise(&batchLatest[u, default: .min])
        case .retracted:
            break
        }
        // A retraction's own `at` plays no part in any evaluation (details.md 7), so it does not hold the tallies back.
        if case .retracted = event.body {} else { tallies.batchWatermark = max(tallies.batchWatermark, event.at.micros) }
        return .accepted
    }

    /// Reads every line of `input` into the log in batches; see `IngestOptions`.
    /// `onRejected` is called for each rejection, `progress` after each batch.
    public func ingest(_ input: LineSource, options: IngestOptions = IngestOptions(),
                       clock: () -> Instant,
                       onRejected: (RejectedLine) -> Void = { _ in },
                       progress: (IngestSummary) -> Void = { _ in }) throws -> IngestSummary {
        var summary = IngestSummary()
        var inBatch = 0
        var now = clock()
        var batchOpenedAt: Int64 = 0  // monotonic milliseconds
        func commitIfOpen() throws {
            if inBatch > 0 || store.db.isInTransaction {
                if store.db.isInTransaction { try commitBatch(now: now, checkpointBytes: options.checkpointBytes) }
                inBatch = 0
                progress(summary)
            }
        }
        do {
            // The calendar of the latest commit (a rebuild by another command may have changed it)
            // decides the zone in which the reading thread's decoder reduces timestamps to dates.
            try reading {}
            let readerZone = decoder.zone
            // Lines are read, parsed and decoded on a thread of their own, ahead of this one.
            let reader = try LineReader(source: input, decoder: decoder, idleMilliseconds: options.idleCommitMilliseconds,
                                        prefetcher: prefetchesRecords ? DossierPrefetcher(path: store.db.path) : nil)
            defer { reader.stop(); prefetched = nil }
            loop: while true {
                switch reader.next() {
                case .idle:
                    try commitIfOpen()
                case .end:
                    break loop
                case .failed(let error):
                    throw error
                case .lines(let chunk):
                    prefetched = chunk.prefetched
                    var strictStop = false
                    var group = LogGroup()
                    try chunk.forEach { index, parsed, bytes in
                        guard !strictStop, let prepared = parsed.prepared else { return } // a blank line
                        if !store.db.isInTransaction {
                            now = clock(); batchOpenedAt = monotonicMilliseconds(); try beginBatch()
                            // A rebuild committed meanwhile with a calendar in another zone: the lines
                            // read ahead were decoded in the old one.
                            guard decoder.zone == readerZone else { throw EngineError.zoneChangedDuringIngest }
                        }
                        // `--strict` stops at a rejection with every line before it, and none after, in the log.
                        let appended = options.strict ? nil
                            : try group.appended(index, in: chunk, store: store, batchRoom: options.batchSize - inBatch, now: now)
                        let outcome = try ingest(prepared: prepared, line: bytes, source: input.name, lineNumber: parsed.number, now: now,
                                                 appended: appended)
                        switch outcome {
                        case .skipped: return
                        case .accepted: summary.accepted += 1
                        case .duplicate: summary.duplicates += 1
                        case .rejected(let why):
                            summary.rejected += 1
                            onRejected(RejectedLine(source: input.name, line: parsed.number, rejection: why))
                            if options.strict {
                                summary.lines += 1
                                summary.stopped = true
                                strictStop = true
                                return
                            }
                        }
                        summary.lines += 1
                        inBatch += 1
                        if inBatch >= options.batchSize { try commitIfOpen() }
                    }
                    if strictStop {
                        try commitIfOpen()
                        return summary
                    }
                    // The batch's age, once a chunk (at most `LineReader.chunkLines` lines, handed
                    // over as soon as the input pauses): reading the clock once a line cost 1.5 % of
                    // the writer's time (docs/performance.md "Ingest", item 13).
                    if inBatch > 0, monotonicMilliseconds() - batchOpenedAt >= options.maxBatchMilliseconds {
                        try commitIfOpen()
                    }
                    // Freed by the reading thread (with the dossiers read ahead for it), not here.
                    prefetched = nil
                    reader.recycle(chunk)
                }
            }
            try commitIfOpen()
        } catch {
            if store.db.isInTransaction { try? rollbackBatch() }
            throw error
        }
        return summary
    }
}

/// Lines of a chunk appended to the log together, with one statement of up to
/// `EventStore.rowsPerInsert` rows (docs/performance.md item 29), before each is accepted in turn.
///
/// Only a run of consecutive dossier and petition events with distinct ids is appended ahead:
/// accepting one of them reads nothing of the log but its own id, so the lines after it already
/// being in the log changes nothing. A receipt found to conflict is taken out of the log again
/// (details.md 6) as it would be alone; an id met twice ends the run, so that its second line is
/// appended after the first was accepted or taken out, in the same order as one line at a time. A
/// catalogue event, a retraction (which reads its target's line) and a rejected or blank line are
/// appended one at a time, as before. A run never reaches past the open batch's room, so a batch
/// commits after a run's last line, not inside it. What a row needs (`LogFields`: where the id
/// and type are in the line, the instant, a hash of the id) was found by the reading thread.
struct LogGroup {
    /// The chunk's lines `range` were appended; `inserted[i]` tells whether line `range.lowerBound + i` was new.
    private var range = 0..<0
    private var inserted: [Bool] = []
    private var rows: [EventStore.LogRow] = []
    private var hashes: [UInt64] = []

    /// Whether line `index` of `chunk` was new to the log when appended with the lines after it
    /// (appending them now if it starts a run of two or more); nil when it is to be appended alone.
    mutating func appended(_ index: Int, in chunk: ParsedLines, store: EventStore, batchRoom: Int, now: Instant) throws -> Bool? {
        if range.contains(index) { return inserted[index - range.lowerBound] }
        let limit = min(EventStore.rowsPerInsert, batchRoom, chunk.lines.count - index)
        guard limit >= 2, chunk.lines[index].log != nil, chunk.lines[index + 1].log != nil else { return nil }
        let count = try chunk.bytes.withUnsafeBytes { all in
            // The rows point into the chunk's bytes: none is kept past this closure.
            defer { rows.removeAll(keepingCapacity: true); hashes.removeAll(keepingCapacity: true) }
            for j in index..<(index + limit) {
                // Equal hashes end the run too, whether the ids are equal or not.
                guard let log = chunk.lines[j].log, !hashes.contains(log.idHash) else { break }
                let line = UnsafeRawBufferPointer(rebasing: all[chunk.lines[j].range])
                rows.append(EventStore.LogRow(id: UnsafeRawBufferPointer(rebasing: line[log.id]),
                                              type: UnsafeRawBufferPointer(rebasing: line[log.type]), at: log.at, line: line))
                hashes.append(log.idHash)
            }
            guard rows.count >= 2 else { return 0 }
            try store.appendEvents(rows, ingestedAt: now.micros, inserted: &inserted)
            return rows.count
        }
        guard count >= 2 else { return nil }
        range = index..<(index + count)
        return inserted[0]
    }

    /// Dossier and petition events: accepting one reads no other line of the log.
    static func appendsAhead(_ event: Event) -> Bool {
        switch event.body {
        case .dossier, .petition: return true
        default: return false
        }
    }
}

/// Milliseconds of the monotonic clock (unaffected by changes of the wall clock).
func monotonicMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
}

/// FNV-1a 64-bit digest of a line, to find a quarantined line again cheaply.
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> Int64 { Int64(bitPattern: LogFields.hash(bytes)) }
