#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ChisoCore
import ChisoEngine

struct Rejects: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the quarantined input lines with their source, line number and reason.",
        discussion: """
            Every rejected line is kept verbatim, once per source and bytes, so it can be fixed and sent \
            again. A source is a file as it was named to `chiso ingest`, or `stdin`. Once lines are fixed \
            and sent again, or were the wrong file, `--clear` removes them from the quarantine.

            Example:
              $ chiso rejects
              feed.jsonl:12  missing-field  field `at` is required but missing; …
              $ chiso rejects --format json | jq '.[0].reason'
              $ chiso rejects --source feed.jsonl --clear
              cleared 1 quarantined line of feed.jsonl
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: "table or json (an array of {source, line, reason, text}; with --clear, {\"cleared\": n}).")
    var format: String = "table"

    @Option(help: ArgumentHelp("Only the lines of this source (a file as named to `chiso ingest`, or stdin).", valueName: "source"))
    var source: String?

    @Flag(help: "Remove the lines listed (all, or those of --source) from the quarantine instead of listing them.")
    var clear = false

    func validate() throws {
        guard format == "json" || format == "table" else { throw ValidationError("--format must be table or json") }
        if source?.isEmpty == true { throw ValidationError("--source needs a source's name, e.g. --source feed.jsonl (see `chiso rejects`)") }
    }

    func run() throws {
        if clear {
            // A mistyped --db is not made a database whose quarantine is "cleared".
            guard access(options.databasePath, F_OK) == 0 else {
                throw EngineError.badRequest("\(options.databasePath) does not exist, so it has no quarantine to clear; check --db (or $CHISO_DB)")
            }
            let engine = try options.openEngine()
            let removed = try engine.clearRejects(source: source)
            if removed == 0, let source { try noteSources(engine, insteadOf: source) }
            if format == "json" { print("{\"cleared\": \(removed)}"); return }
            let of = source.map { " of \($0.onOneLine)" } ?? ""
            printForPeople("cleared \(removed) quarantined line\(removed == 1 ? "" : "s")\(of)")
            return
        }
        let engine = try options.openEngine(forReading: true)
        let rejects = try engine.store.rejects(source: source)
        if format == "json" {
            let items = rejects.map { r in
                "{\"source\": \(jsonQuoted(r.source)), \"line\": \(r.line), \"code\": \(jsonQuoted(r.code)), \"reason\": \(jsonQuoted(r.reason)), \"text\": \(jsonQuoted(String(decoding: r.text, as: UTF8.self))), \"seen\": \(r.seen)}"
            }
            print("[" + items.joined(separator: ",\n ") + "]")
            return
        }
        if rejects.isEmpty {
            if let source { try noteSources(engine, insteadOf: source) }
            printForPeople(source.map { "no rejected lines of \($0.onOneLine)" } ?? "no rejected lines")
            return
        }
        for r in rejects {
            var text = String(decoding: r.text.prefix(120), as: UTF8.self)
            if r.text.count > 120 { text += "…" }
            printForPeople("\(r.source):\(r.line)  \(r.code)  \(r.reason)\(r.seen > 1 ? "  (seen \(r.seen) times)" : "")")
            printForPeople("    \(text)")
        }
    }
}

/// When `--source` matches nothing, says on standard error which sources the quarantine holds: a
/// source is the file as it was named to `chiso ingest` (`./feed.jsonl` is not `feed.jsonl`), or
/// `stdin` for lines read from standard input.
private func noteSources(_ engine: Engine, insteadOf source: String) throws {
    let sources = try engine.store.rejectSources()
    guard !sources.isEmpty else { return }
    let shown = sources.prefix(10).map(\.onOneLine).joined(separator: ", ") + (sources.count > 10 ? ", …" : "")
    printError("note: no quarantined line has the source \(source.onOneLine); its sources are \(shown) (each file as it was named to `chiso ingest`, `stdin` for standard input)")
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the database holds and how fresh it is.",
        discussion: """
            Events, dossiers (open and ended), petitions, units, procedures, quarantined lines, the latest \
            event instant (retractions included) and ingest time per root unit, and the file's size. \
            Dossiers that count nowhere (refused, or with no receipt) are not among the dossiers; they \
            are counted apart ("uncountedDossiers"). "calendarEditPending" is true when the calendar \
            loaded differs from the database's, which it keeps until `chiso rebuild`.

            Example:
              $ chiso status --format json
              {"events": 1000000, "dossiers": 98000, "openDossiers": 2100, "rejected": 0, …}
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: "table or json.")
    var format: String = "table"

    func validate() throws {
        guard format == "json" || format == "table" else { throw ValidationError("--format must be table or json") }
    }

    func run() throws {
        let engine = try options.openEngine(forReading: true)
        // Counters, catalogue and tally state from one committed state.
        let (c, view, tallies) = try engine.reading { (try engine.store.counts(), engine.catalogue.asOf(.distantFuture), try engine.tallyStatus()) }
        let zone = engine.calendar.zone
        let procedures = view.declarations.values.filter { !($0.last?.declaration.abolished ?? true) }.count
        // Declared units: a code only named by other events belongs to no tree (details.md 12).
        let units = view.units.values.filter(\.declared).count
        let size = fileSize(options.databasePath) + engine.store.db.walFileSize()
        let roots = Engine.rootIngests(c.ingests, tree: view)
        func when(_ micros: Int64?) -> String { micros.map { Instant(micros: $0).rfc3339(in: zone) } ?? "—" }
        if format == "json" {
            let rootObjects = roots.map { "{\"root\": \(jsonQuoted($0.root)), \"latestEventAt\": \(jsonQuoted(when($0.latestEventAt))), \"ingestedAt\": \(jsonQuoted(when($0.ingestedAt)))}" }
            print("{\"events\": \(c.events), \"dossiers\": \(c.dossiers), \"openDossiers\": \(c.openDossiers), \"endedDossiers\": \(c.dossiers - c.openDossiers), \"uncountedDossiers\": \(c.uncountedDossiers), \"petitions\": \(c.petitions), \"units\": \(units), \"procedures\": \(procedures), \"rejected\": \(c.rejected), \"voidEvents\": \(c.voidEvents), \"latestEventAt\": \(c.latestEventAt.map { jsonQuoted(when($0)) } ?? "null"), \"roots\": [\(rootObjects.joined(separator: ", "))], \"fileBytes\": \(size), \"tallies\": \(jsonQuoted(tallies.rawValue)), \"calendarEditPending\": \(engine.calendarEditPending)}")
            return
        }
        printForPeople("database        \(options.databasePath) (\(size) bytes)")
        printForPeople("events          \(c.events) (\(c.voidEvents) retracted)")
        printForPeople("dossiers        \(c.dossiers) (\(c.openDossiers) open, \(c.dossiers - c.openDossiers) ended)"
              + (c.uncountedDossiers > 0 ? "; \(c.uncountedDossiers) more count nowhere (refused, or no receipt)" : ""))
        printForPeople("petitions       \(c.petitions)")
        printForPeople("units           \(units)")
        printForPeople("procedures      \(procedures)")
        printForPeople("rejected lines  \(c.rejected)")
        printForPeople("latest event    \(when(c.latestEventAt))")
        printForPeople("tallies         \(tallies.sentence)")
        if engine.calendarEditPending {
            printForPeople("calendar        the database's own; \(try options.indicatorSet.calendarSource) differs and applies after `chiso rebuild`")
        }
        for r in roots { printForPeople("  root \(r.root.onOneLine): latest event \(when(r.latestEventAt)), ingested \(when(r.ingestedAt))") }
    }
}

struct Verify: ParsableCommand, ReportsTrouble {
    static let configuration = CommandConfiguration(
        abstract: "Recompute every score from the event log alone and compare with the incremental state.",
        discussion: """
            For every unit and every month, quarter and year that holds a receipt (and the current ones). \
            Exit status 1 on any difference; 2 when it could not do its work (the database, the profile \
            or the indicators could not be read, or the answer could not be written).

            Example:
              $ chiso verify
              verified 2712 snapshots: incremental state equals the recomputation from the log
            """
    )

    @OptionGroup var options: DatabaseOptions

    func run() throws {
        let profile = try options.loadProfile()
        let engine = try options.openEngine(forReading: true)
        let report = try engine.verify(profile: profile, now: systemNow())
        if report.isClean {
            print("verified \(report.compared) snapshots: incremental state equals the recomputation from the log")
            // Equal, but the fast path is off: say so, since the scores are exact and slower.
            let tallies = try engine.tallyStatus()
            if tallies != .current { printError("note: the tallies \(tallies.sentence)") }
        } else {
            for d in report.differences.prefix(50) { printError("difference: \(d)") }
            printError("\(report.differences.count) of \(report.compared) snapshots differ; run `chiso rebuild` and report this as a bug")
            throw ExitCode(1)
        }
    }
}

struct Rebuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute the whole incremental state from the event log.",
        discussion: """
            Run it after editing the calendar or upgrading chiso. A database keeps the calendar its scores \
            were computed with, so an edited calendar (dues change) applies from a rebuild on; until then \
            every command notes that it waits. The log itself is not touched.

            Example:
              $ chiso rebuild --indicators ./indicators
            """
    )

    @OptionGroup var options: DatabaseOptions

    func run() throws {
        let engine = try options.openEngine(announceCalendarEdit: false)
        let calendarEdited = engine.calendarEditPending
        try engine.rebuild()
        let c = try engine.store.counts()
        print("rebuilt the state of \(c.dossiers) dossiers and \(c.petitions) petitions from \(c.events) events"
              + (calendarEdited ? " under the calendar of \(try options.indicatorSet.calendarSource), which now applies" : ""))
    }
}

/// Size of a file in bytes, 0 when absent.
func fileSize(_ path: String) -> Int64 {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : 0
}
