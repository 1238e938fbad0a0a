/// The SQLite schema of a chiso database (version 1).
///
/// - `events`: the append-only log, one row per accepted line, verbatim (events.md: unknown fields kept).
/// - `retractions`, `void_events`: which events are void (details.md 7).
/// - `catalogue`: the unretracted unit and procedure events (small; loaded whole per evaluation).
/// - `dossiers`, `petitions`: per-dossier and per-petition state (details.md 26), a compact blob of their
///   unretracted events; `dossier_units` / `petition_units` index them by every unit they touched and
///   by their activity key, so that a window only reads the dossiers that can concern it, and hold the
///   instant of the record's earliest event (`first`; NULL in rows written before the column existed,
///   2026-12-01), so that a window long past skips the later records without reading them.
/// - `rejects`: the quarantine of rejected lines (events.md "Bad input").
/// - `ingests`: the latest event instant and ingest time per unit that events name, rolled up to
///   the roots when read (`chiso status`); its key column is called `root`, as it was.
/// - `procedures`: a small ordinal per procedure code, for the tallies (0 = petitions);
///   `dossier_procedures` finds a procedure's dossiers when its duration changes.
/// - `tallies`: per (calendar period, unit) the sums that snapshots of a current period read instead of
///   folding dossiers; period 0 holds the open dossiers and petitions, with the deadlines of those
///   whose on-time state still depends on E (docs/design.md "Tallies").
public enum Schema {
    public static let version = 1

    public static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS events(
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            at INTEGER NOT NULL,
            body TEXT NOT NULL,
            ingested_at INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS retractions(
            target TEXT NOT NULL,
            retraction TEXT NOT NULL,
            PRIMARY KEY(target, retraction)) WITHOUT ROWID
        """,
        "CREATE TABLE IF NOT EXISTS void_events(id TEXT PRIMARY KEY) WITHOUT ROWID",
        """
        CREATE TABLE IF NOT EXISTS catalogue(
            id TEXT PRIMARY KEY,
            at INTEGER NOT NULL,
            body TEXT NOT NULL) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS dossiers(
            key INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            activity INTEGER NOT NULL,
            open INTEGER NOT NULL,
            record BLOB NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS dossier_units(
            unit TEXT NOT NULL,
            activity INTEGER NOT NULL,
            dossier INTEGER NOT NULL,
            first INTEGER,
            PRIMARY KEY(unit, activity, dossier)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS petitions(
            key INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            activity INTEGER NOT NULL,
            record BLOB NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS petition_units(
            unit TEXT NOT NULL,
            activity INTEGER NOT NULL,
            petition INTEGER NOT NULL,
            first INTEGER,
            PRIMARY KEY(unit, activity, petition)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS rejects(
            seq INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            code TEXT NOT NULL,
            reason TEXT NOT NULL,
            text BLOB NOT NULL,
            digest INTEGER NOT NULL,
            seen INTEGER NOT NULL,
            first_seen_at INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS rejects_by_digest ON rejects(source, digest)",
        "CREATE TABLE IF NOT EXISTS procedures(ordinal INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
        """
        CREATE TABLE IF NOT EXISTS dossier_procedures(
            procedure INTEGER NOT NULL,
            dossier INTEGER NOT NULL,
            PRIMARY KEY(procedure, dossier)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS tallies(
            period INTEGER NOT NULL,
            unit TEXT NOT NULL,
            cell BLOB NOT NULL,
            PRIMARY KEY(period, unit)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS ingests(
            root TEXT PRIMARY KEY,
            latest_event_at INTEGER NOT NULL,
            ingested_at INTEGER NOT NULL) WITHOUT ROWID
        """,
    ]
}
