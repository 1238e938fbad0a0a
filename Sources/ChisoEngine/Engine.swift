import ChisoCore
import ChisoStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The chiso engine over one database: ingest with the incremental state kept in the same
/// transaction, and the questions asked of it (snapshot, verify, rebuild).
///
/// One `Engine` owns one writer connection; it is not thread-safe. Readers (dashboards) open their
/// own connection with `Engine(path:readOnly: true)`; WAL lets them read while ingest runs and they
/// only ever see whole batches (interfaces.md "Standards").
public final class Engine {
    public let store: EventStore
    /// The working calendar of the database's state: the one stored with it (`Meta.stateCalendar`),
    /// else, for a new database, `configuredCalendar`. Dues, working times, periods and instants all
    /// follow it, so an edited calendar file applies only after `chiso rebuild` (details.md 27).
    public internal(set) var calendar: WorkingCalendar
    /// The calendar the command loaded (`--indicators`, `$CHISO_INDICATORS` or the built-in copy):
    /// what `rebuild` adopts.
    public let configuredCalendar: WorkingCalendar
    public internal(set) var decoder: EventDecoder
    /// The unretracted catalogue events, loaded once and kept current by ingest.
    public internal(set) var catalogue: Catalogue
    /// Dossier and petition records touched by the open batch, written at commit.
    var pending = PendingRecords()
    /// The latest `at` of the batch's accepted events per unit they name (`chiso status`).
    var batchLatest: [String: Int64] = [:]
    /// The latest `at` of the batch's accepted events, retractions included (`Meta.latestEventAt`).
    var batchLatestAt: Int64?
    /// The void ids, mirrored in memory so that most events need no look-up (reloaded on rollback).
    var voidIDs: Set<EventID> = []
    /// How the open batch moves the status counters (written with the batch).
    var counterDeltas = CounterDeltas()
    /// Procedure ordinals, the tally rules and the open batch's tally changes.
    var tallies = TallyState()
    /// The commit serial this engine wrote last; another value at the next batch means another writer
    /// committed in between, and the caches of committed state are dropped.
    var lastCommitSerial: Int64?
    /// From how many units a tallied snapshot of the only tree reads the period's cells in one range
    /// rather than unit by unit (tests set it to compare both).
    var tallyScanMinimumUnits = 16
    /// From how many touched dossiers a batch computes their writes on a second thread
    /// (`DossierWrites`; tests set it to run both ways).
    var parallelWritesMinimum = 256
    /// Events a rebuild replays between writes of its records and cells, within its one transaction
    /// (a batch's worth; tests make it small).
    var rebuildChunk = IngestOptions.defaultBatchSize
    /// Set when this writer marked the tallies invalid because its calendar differs from theirs
    /// (`checkTallyCalendar`): `chiso ingest` then says so, since snapshots fold until a rebuild.
    public internal(set) var talliesInvalidated = false
    /// Stored dossiers and petitions this writer read back to change them: records committed by an
    /// earlier batch, less what the cache of recent records (`RecentRecords`, off by default) held.
    /// Deterministic for one input and batch size; the ingest benchmark gates it.
    public internal(set) var recordsRead = 0
    /// Of `recordsRead`, those the reading thread read ahead (`DossierPrefetcher`; tests read it).
    var recordsPrefetched = 0
    /// Whether ingest reads stored dossiers ahead on its reading thread (tests turn it off to compare).
    var prefetchesRecords = true
    /// The stored dossiers read ahead for the chunk of lines being ingested.
    var prefetched: PrefetchedDossiers?
    /// How many checkpoints this writer ran between batches (tests read it).
    var checkpointsRun = 0
    /// How many checkpoints in a row could not restart the WAL because a reader still used it
    /// (`checkpointWaitMilliseconds`; tests read it).
    var checkpointsGivenUp = 0
    /// Whether this writer has compared its calendar with the tallies' (`checkTallyCalendar`).
    var tallyCalendarChecked = false
    /// How long a batch or a rebuild waits for the write lock while another writer holds it
    /// (`beginWriting`): ten minutes, about a rebuild of 10M events.
    public var writerWaitMilliseconds: Int64 = 600_000
    /// Called once when a batch or a rebuild has waited a second for another writer.
    public var onWaitingForWriter: (() -> Void)?

    /// Opens the database at `path`. `calendar` is the one the command loaded; a database that
    /// already holds a calendar keeps using its own until `rebuild` (see `calendar`).
    public convenience init(path: String, calendar: WorkingCalendar, readOnly: Bool = false) throws {
        try self.init(path: path, calendar: calendar, readOnly: readOnly, afterLoadingCatalogue: {})
    }

    /// `afterLoadingCatalogue` runs between loading the catalogue and the rest of the state (tests
    /// commit a batch there from another connection).
    init(path: String, calendar: WorkingCalendar, readOnly: Bool, afterLoadingCatalogue: () throws -> Void) throws {
        let store = try Engine.openStore(path: path, readOnly: readOnly)
        self.store = store
        configuredCalendar = calendar
        // What the engine keeps in memory comes from one committed state, whose serial it keeps, so
        // that `reading` reloads it exactly when it sees a later commit (interfaces.md "Standards":
        // with the serial read after the catalogue, a batch committed in between left a reader
        // with the catalogue before it and the tallies after it; found by an audit).
        try store.db.begin(.deferred)
        do {
            lastCommitSerial = try store.meta(EventStore.Meta.commitSerial)
            self.calendar = try Engine.storedCalendar(store) ?? calendar
            decoder = EventDecoder(zone: self.calendar.zone)
            catalogue = Catalogue()
            catalogue = try loadCatalogue()
            try afterLoadingCatalogue()
            try reloadVoidIDs()
            tallies.load(codes: try store.procedureCodes())
            try store.db.commit()
        } catch {
            try? store.db.rollback()
            // A damaged page is often met only here, at the first read of the state.
            if let sqlite = error as? SQLiteError { throw Engine.explained(sqlite, path: path) }
            throw error
        }
    }

    /// Whether the calendar the command loaded differs from the database's (an edited calendar file
    /// waiting for `chiso rebuild`, details.md 27).
    public var calendarEditPending: Bool { configuredCalendar.fingerprint != calendar.fingerprint }

    /// The calendar stored with the database's state, or nil: a new database, one written before
    /// databases kept their calendar, or a stored text that no longer reads (then, as for an old
    /// database, the next writer stores its own, and the tallies' fingerprint decides whether
    /// snapshots fold until a rebuild).
    static func storedCalendar(_ store: EventStore) throws -> WorkingCalendar? {
        guard let text = try store.metaText(EventStore.Meta.stateCalendar) else { return nil }
        return try? WorkingCalendar(fileText: text, name: "the stored calendar")
    }

    /// Opens the store; a file that cannot be opened gets a message saying what to do.
    static func openStore(path: String, readOnly: Bool) throws -> EventStore {
        if isFolder(path) {
            throw EngineError.badRequest("\(path) is a folder, not a database file; pass --db with a file in it, e.g. \(path.hasSuffix("/") ? path : path + "/")chiso.sqlite")
        }
        if isSpecialFile(path) {
            throw EngineError.badRequest("\(path) is not a regular file (a device, pipe or socket) and cannot hold a database; pass --db with the path of a database file, e.g. chiso.sqlite")
        }
        if !readOnly, let problem = Engine.writeProblem(path: path, isWritable: { access($0, W_OK) == 0 }, exists: { access($0, F_OK) == 0 }) {
            throw EngineError.badRequest(problem)
        }
        do {
            let store = try EventStore(path: path, readOnly: readOnly)
            // A writer creates the schema in one transaction: a reader finds all of it or none.
            if readOnly, try store.db.scalarInt64("SELECT count(*) FROM sqlite_master WHERE name = 'meta'") == 0 {
                throw EngineError.badRequest("\(path) holds no chiso data yet (an empty file, or an ingest is creating it); run `chiso ingest --db \(path) FILE` first, or try again in a moment")
            }
            return store
        } catch let error as SQLiteError {
            throw explained(error, path: path)
        }
    }

    /// What an SQLite failure met while opening `path` means to a person, and what to do
    /// (interfaces.md "Errors"); an error that says nothing more specific is returned as it is.
    static func explained(_ error: SQLiteError, path: String) -> any Error {
        switch error.resultCode & 0xFF {
        case 5: // SQLITE_BUSY: another connection is creating or converting the file
            return EngineError.badRequest("the database \(path) is busy: another chiso is creating it or writing its first batch (SQLite: \(error.message)); try again in a moment")
        case 11: // SQLITE_CORRUPT
            return EngineError.badRequest("the database \(path) is damaged (SQLite: \(error.message)); restore it from a backup, or move it aside and ingest the event files again into a new one")
        case 8: // SQLITE_READONLY (also _DIRECTORY, _CANTINIT …): the file, its -wal/-shm or its folder
            return EngineError.badRequest("cannot use the database \(path): it, its -wal or -shm file, or its folder is read-only for this user (SQLite: \(error.message)); make them writable, or pass --db with a path in a writable folder")
        case 14: // SQLITE_CANTOPEN
            return EngineError.badRequest("cannot open the database \(path) (\(error.message)); check that its folder exists and is writable, or pass --db")
        case 26: // SQLITE_NOTADB
            return EngineError.badRequest("\(path) is not a chiso database (SQLite: \(error.message)); pass --db with the database file, or a new path to create one")
        default:
            return error
        }
    }

    /// Why a writer cannot write `path`, or nil: the file read-only, or its folder read-only (SQLite
    /// creates the -wal and -shm files next to the database). Checked before opening, so that the
    /// error names the file instead of the first SQL statement that failed (interfaces.md "Errors").
    static func writeProblem(path: String, isWritable: (String) -> Bool, exists: (String) -> Bool) -> String? {
        if exists(path), !isWritable(path) {
            return "cannot write to the database \(path): the file is read-only for this user; make it writable, or pass --db with another file"
        }
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        if exists(folder), !isWritable(folder) {
            return "cannot write to the database \(path): its folder \(folder) is read-only for this user, and SQLite needs to create \(path)-wal and -shm there; make the folder writable, or pass --db with a path in a writable folder"
        }
        return nil
    }

    /// `chiso status`'s "latest ingest time per root unit" (interfaces.md): the marks kept per unit
    /// (`EventStore.Counts.ingests`) rolled up to their roots in `tree`, the latest of each, by root
    /// code. A code never declared is its own root (details.md 12), so a feed naming one shows.
    public static func rootIngests(_ ingests: [(unit: String, latestEventAt: Int64, ingestedAt: Int64)],
                                   tree: CatalogueView) -> [(root: String, latestEventAt: Int64, ingestedAt: Int64)] {
        var byRoot: [String: (latestEventAt: Int64, ingestedAt: Int64)] = [:]
        for row in ingests {
            let root = tree.root(of: row.unit)
            let seen = byRoot[root]
            byRoot[root] = (max(seen?.latestEventAt ?? .min, row.latestEventAt), max(seen?.ingestedAt ?? .min, row.ingestedAt))
        }
        return byRoot.map { (root: $0.key, latestEventAt: $0.value.latestEventAt, ingestedAt: $0.value.ingestedAt) }
            .sorted { $0.root.utf8.lexicographicallyPrecedes($1.root.utf8) }
    }

    func loadCatalogue() throws -> Catalogue {
        var events: [Event] = []
        for line in try store.catalogueLines() {
            guard let e = try? decoder.decode(JSONParser.parse(line)) else {
                throw EngineError.corrupt("a catalogue line in the database no longer decodes: \(line.prefix(200))")
            }
            events.append(e)
        }
        return Catalogue(events: events)
    }
}

/// An engine failure that is not about one input line.
public enum EngineError: Error, CustomStringConvertible {
    case corrupt(String)
    case badRequest(String)

    /// Another command's rebuild stored a calendar in another time zone while an ingest ran.
    static let zoneChangedDuringIngest = EngineError.badRequest(
        "another command rebuilt the database with a calendar in another time zone while this ingest ran; the lines from the batch it was reading were not stored: run the same ingest again (lines already stored are skipped as duplicates)")

    /// details.md 17: a window that has not started at its evaluation instant E is an error. The
    /// message says which of now and `--as-of` set E, since an `--as-of` after now counts as now.
    static func periodNotStarted(_ window: Window, now: Instant, asOf: Instant?, zone: Zone) -> EngineError {
        let start = "period \(window.label) starts \(window.from.rfc3339(in: zone))"
        // A later --as-of helps only when the period has begun by now.
        if let asOf, asOf < now, window.from < now {
            return .badRequest("\(start), not before --as-of \(asOf.rfc3339(in: zone)): it has no score yet then; give a later --as-of or an earlier period")
        }
        return .badRequest("\(start), and it is now \(now.rfc3339(in: zone)): a period has a score only once it has begun (an --as-of after now counts as now); choose a period that has begun")
    }

    public var description: String {
        switch self {
        case .corrupt(let m): return "the database is inconsistent: \(m); run `chiso rebuild`"
        case .badRequest(let m): return m
        }
    }
}
