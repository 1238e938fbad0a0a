import ChisoCore
import ChisoStore

/// A dossier as committed: its stored row with the record decoded, as the writer loads it into a
/// batch, whether it reads it itself or the reading thread read it ahead.
struct StoredDossier: Sendable {
    var key: Int64
    var activity: Int64
    var state: EventStore.DossierRowState
    var record: DossierRecord
    /// The record as stored, from which its tally facts are computed at commit (`TalliedShare`).
    var blob: [UInt8]

    init(code: String, _ stored: EventStore.StoredRecord) throws {
        key = stored.key
        blob = stored.blob
        activity = stored.activity
        state = EventStore.DossierRowState(rawValue: stored.state) ?? .open
        record = try stored.blob.withUnsafeBytes { buf throws(RecordCodecError) in try RecordCodec.decodeDossier(code: code, buf) }
    }
}

/// The stored dossiers that a chunk of lines names, read by the reading thread through a connection
/// of its own (docs/performance.md "Ingest", item 12), with the commit they were read at.
///
/// The writer takes a dossier from here instead of reading it from the store only while the
/// database is still at that commit (`serial` equals the writer's `lastCommitSerial`): the store
/// then holds what was read, since stored records change only when a batch commits, and a record
/// the open batch has touched is in the batch, which is looked at first.
struct PrefetchedDossiers: Sendable {
    /// The commit serial (`EventStore.Meta.commitSerial`) of the state the records were read from.
    var serial: Int64?
    /// By code: the code as read (a `String` key also finds a canonically equivalent spelling, which
    /// the store keeps apart, so the writer compares the bytes) and the stored dossier, nil when none.
    var records: [String: (code: String, stored: StoredDossier?)] = [:]
    /// Whether the store held no dossier at all at `serial` (the first batch of a new database):
    /// then every code is known absent without a look-up, and `records` stays empty.
    var storeHadNoDossiers = false

    /// What was read for `code` at `serial`: `.some(nil)` when the store had no such dossier, nil when
    /// it was not read, or was read at another commit.
    func dossier(_ code: String, at serial: Int64?) -> StoredDossier?? {
        guard self.serial == serial else { return nil }
        if storeHadNoDossiers { return .some(nil) }
        guard let entry = records[code], sameID(entry.code, code) else { return nil }
        return .some(entry.stored)
    }
}

/// Reads ahead, on the reading thread, the stored dossiers a chunk's events name, so that the
/// writer does not look them up (a look-up that finds nothing, for a new dossier, costs a descent of
/// the code index as well). Owned by one `LineReader` and used only on its thread.
final class DossierPrefetcher: @unchecked Sendable {
    // @unchecked: the connection and `sent` are used by the reading thread only, after `init` on the
    // writer's.
    private let store: EventStore
    /// The codes already read at `sentSerial`: the writer took each into its batch at the first event
    /// that named it (or found it there), and keeps it there until the batch commits, which changes
    /// the serial; reading them again would be wasted (most of a dossier's events share a batch).
    private var sent: Set<String> = []
    private var sentSerial: Int64??

    /// Opens a read-only connection to the database at `path`; nil for an in-memory database, which
    /// a second connection cannot see, or when it cannot be opened (the writer then reads records
    /// itself, as without a prefetch).
    init?(path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file::memory:"),
              let store = try? EventStore.lightReader(path: path) else { return nil }
        self.store = store
    }

    /// The stored dossiers named by `lines`' events, read in one read transaction; nil when the
    /// store cannot be read (the writer then reads them itself).
    func prefetch(_ lines: [ParsedLine]) -> PrefetchedDossiers? {
        var codes: [String] = []
        codes.reserveCapacity(lines.count)
        for line in lines {
            guard case .success(let event)? = line.prepared else { continue }
            switch event.body {
            case .dossier(let code, _, _): codes.append(code)
            case .petition(_, _, .filed(_, let dossier?)): codes.append(dossier)
            default: continue
            }
        }
        guard !codes.isEmpty else { return nil }
        do {
            try store.db.begin(.deferred)
            defer { try? store.db.rollback() }
            let serial = try store.meta(EventStore.Meta.commitSerial)
            if sentSerial != .some(serial) {
                sent.removeAll(keepingCapacity: true)
                sentSerial = .some(serial)
            }
            var result = PrefetchedDossiers(serial: serial)
            // A new database's first batch finds nothing: one look-up says so for every code
            // (docs/performance.md "Ingest", item 18).
            if try !store.hasDossiers() {
                result.storeHadNoDossiers = true
                return result
            }
            result.records.reserveCapacity(codes.count)
            for code in codes where sent.insert(code).inserted {
                result.records[code] = (code, try store.dossier(code: code).map { stored in
                    try StoredDossier(code: code, stored)
                })
            }
            return result
        } catch {
            return nil
        }
    }
}
