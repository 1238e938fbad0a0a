import ArgumentParser
import ChisoCore
import ChisoEngine
import ChisoWorkload
#if canImport(Glibc)
import Glibc
#endif

/// `chiso demo`: the main job in one command on a synthetic province (interfaces.md, details.md 29).
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The main job in one command: generate a province, ingest it, rank its units, list the dossiers to chase.",
        discussion: """
            Generates a synthetic province (the same stream as `chiso generate`) for the six months before \
            the current month, ingests it into a database in a new temporary folder (under $TMPDIR, else \
            /tmp), then prints the province's score and the ranking of its direct children for the last \
            full month, and the early-warning list (`chiso due`) as of the end of the data. The ranking is \
            also written as a printable HTML report (inline SVG chart) in the same folder; its path is \
            printed. The database is removed at the end (or when the demo is interrupted) unless --keep-db \
            is given; with --db it is created at that path instead (which must not hold data yet) and \
            kept, and the report written beside it.

            Example:
              $ chiso demo
              $ chiso demo --dossiers 2000 --units 40 --keep-db
              database kept: /tmp/chiso-demo-AbC123/demo.sqlite
              $ chiso rank --db /tmp/chiso-demo-AbC123/demo.sqlite --period 2026-08 --parent H44
            """
    )

    @Option(parsing: .unconditional, help: "Random seed of the synthetic province, a whole number ≥ 0 (default: 7).", transform: parseSeed)
    var seed: UInt64 = 7

    @Option(parsing: .unconditional, help: "Units in the province (root, departments, communes), 1 to 10000.")
    var units: Int = 150

    @Option(parsing: .unconditional, help: "Dossiers to generate over the six months, 1 to 200000 (held in memory).")
    var dossiers: Int = 20_000

    @Flag(help: "Keep the database (its path is printed) instead of removing it at the end.")
    var keepDb = false

    @Option(name: .long, help: ArgumentHelp("Create the database at this path (which must not hold data yet) and keep it.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The index profile: a name in the indicators folder, or a path to a profile file.", valueName: "name"))
    var profile: String = "dvcqg-2026"

    @Option(name: .long, help: ArgumentHelp("Folder holding profiles and calendar-vn.json.", discussion: "Default: $CHISO_INDICATORS, else the copy built into chiso.", valueName: "dir"))
    var indicators: String?

    /// `--keep-db`, or a database at a path of the user's (`--db`).
    var keepsDatabase: Bool { keepDb || db != nil }

    /// The province code the demo generates.
    static let root = "H44"
    /// Rows shown per early-warning section.
    static let warningRows = 15

    func validate() throws {
        if let db {
            guard !db.isEmpty else { throw ValidationError("--db must name a file, e.g. --db demo.sqlite") }
            if isFolder(db) {
                throw ValidationError("--db \(db) is a folder, not a database file; pass --db with a new file in it, e.g. \(db.hasSuffix("/") ? db : db + "/")demo.sqlite")
            }
            guard fileSize(db) <= 0 else {
                throw ValidationError("--db \(db) already holds data, and the demo builds a new database; pass a new path, or leave --db out for a temporary one")
            }
        }
        // The demo holds its generated lines in memory (about 1.6 KB a dossier) and ranks a month
        // that needs at least one dossier.
        try checkWorkloadSize(units: units, dossiers: dossiers, leastDossiers: 1, mostDossiers: 200_000)
    }

    func run() throws {
        let started = monotonicSeconds()
        var options = try DatabaseOptions.parse([])
        options.profile = profile
        options.indicators = indicators
        let calendar = try options.loadCalendar()
        let profileLoaded = try options.loadProfile()
        let zone = calendar.zone

        // Six months up to the start of the current month (details.md 29).
        let now = systemNow()
        let today = zone.localDate(of: now)
        let monthStart = LocalDate(year: today.year, month: today.month, day: 1)
        let from = monthStart.adding(months: -6)
        let end = zone.startOfDay(monthStart)
        let lastMonth = Window.containing(date: monthStart.adding(months: -1), kind: .month, zone: zone)

        // The report goes beside a database of the user's (`--db`), else into a new temporary folder.
        let folder = try db.map(parentFolder) ?? makeTemporaryFolder()
        options.db = db ?? folder + "/demo.sqlite"
        let dbPath = options.databasePath
        // Interrupted (Ctrl-C), the demo removes its temporary database as it would at the end.
        if !keepsDatabase { RemovalOnInterrupt.install(files: Self.databaseFiles(dbPath), folder: db == nil ? folder : nil) }

        printForPeople("chiso demo: province \(Self.root), \(units) unit\(units == 1 ? "" : "s"), \(dossiers) dossiers, seed \(seed), \(from) to \(monthStart) (exclusive)")

        // Generate into memory, then ingest in one pass.
        let generateStarted = monotonicSeconds()
        var generator = WorkloadGenerator(options: WorkloadOptions(seed: seed, units: units, dossiers: dossiers, from: from, to: monthStart, rootCode: Self.root))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(generator.estimatedEventCount() * 320)
        var lines = 0
        generator.generate { line in
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
            lines += 1
        }
        let generateSeconds = monotonicSeconds() - generateStarted

        // The engine lives only inside `ingestAndReport`, so the database is closed before it is removed.
        do {
            try ingestAndReport(bytes: &bytes, lines: lines, generateSeconds: generateSeconds, dbPath: dbPath, folder: folder,
                                calendar: calendar, profile: profileLoaded, now: now, lastMonth: lastMonth, end: end)
        } catch {
            if !keepsDatabase { removeDatabase(dbPath) }
            throw error
        }
        if keepsDatabase {
            printForPeople("database kept: \(dbPath)")
        } else {
            removeDatabase(dbPath)
        }
        printForPeople("done in \(seconds(monotonicSeconds() - started))")
    }

    /// Ingests the generated lines into a new database, prints the score, the ranking and the early
    /// warning, and writes the HTML report.
    private func ingestAndReport(bytes: inout [UInt8], lines: Int, generateSeconds: Double, dbPath: String, folder: String,
                                 calendar: WorkingCalendar, profile: Profile, now: Instant, lastMonth: Window, end: Instant) throws {
        let zone = calendar.zone
        let ingestStarted = monotonicSeconds()
        var firstRejections: [String] = []
        let engine = try Engine(path: dbPath, calendar: calendar)
        let source = LineSource.bytes(bytes, name: "demo-\(Self.root).jsonl")
        bytes = []
        let summary = try engine.ingest(source, options: IngestOptions(batchSize: 10_000), clock: systemNow, onRejected: { r in
            if firstRejections.count < 3 { firstRejections.append(r.message) }
        })
        let ingestSeconds = monotonicSeconds() - ingestStarted
        printForPeople("generated \(lines) events in \(seconds(generateSeconds)); ingested in \(seconds(ingestSeconds)): "
              + "\(summary.accepted) accepted, \(summary.duplicates) duplicates, \(summary.rejected) rejected")
        for m in firstRejections { printForPeople("  rejected: \(m)") }

        // The province's score for the last full month, and its children's ranking.
        let scorer = engine.scorer(profile: profile)
        let province = try scorer.snapshot(unit: Self.root, window: lastMonth, now: now)
        let name = province.node?.name.map { " \($0)" } ?? ""
        printForPeople("")
        printForPeople("\(Self.root)\(name) — \(lastMonth.label): \(province.card.total.jsonNumber) of \(province.card.max.jsonNumber) points, band \(province.card.band.name)")
        printForPeople("")
        let ranking = try scorer.ranking(window: lastMonth, now: now, parent: Self.root)
        printForPeople(ranking.table(zone: zone))

        // The dossiers to chase as the data ends.
        let warning = try engine.earlyWarning(unit: Self.root, within: DueHorizon(count: 2, unit: .workingDays), asOf: end)
        printForPeople("")
        printForPeople(warning.table(zone: zone, limit: Self.warningRows), terminator: "")
        if warning.dueSoon.count > Self.warningRows || warning.late.count > Self.warningRows {
            printForPeople(keepsDatabase
                  ? "  (the whole list: chiso due --db \(dbPath) --unit \(Self.root) --as-of \(end.rfc3339(in: zone)))"
                  : "  (for the whole list, run the demo with --keep-db and then chiso due on the database it keeps)")
        }

        // The printable report.
        let htmlPath = folder + "/ranking-\(lastMonth.label).html"
        // The province bears a real name, so the report says its figures are not real ones.
        try writeDemoFile(htmlPath, ranking.html(zone: zone, source: "dữ liệu mô phỏng của `chiso demo` (seed \(seed)), không phải số liệu thật"))
        printForPeople("")
        printForPeople("HTML ranking report: \(htmlPath)")
    }

    private func removeDatabase(_ path: String) {
        for file in Self.databaseFiles(path) { unlink(file) }
    }

    /// The database's file and the files SQLite keeps beside it.
    static func databaseFiles(_ path: String) -> [String] {
        ["", "-wal", "-shm", "-journal"].map { path + $0 }
    }

    /// The folder holding `path` ("." for a bare file name).
    private func parentFolder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A new folder under `$TMPDIR`, else /tmp.
    private func makeTemporaryFolder() throws -> String {
        let base = DatabaseOptions.environment("TMPDIR").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "/tmp"
        var template = Array("\(base)/chiso-demo-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else {
            throw ValidationError("cannot create a temporary folder in \(base): \(String(cString: strerror(errno))); check that it is writable, or set TMPDIR")
        }
        return made
    }

    /// Writes `text` to `path`, replacing the file.
    private func writeDemoFile(_ path: String, _ text: String) throws {
        guard let f = fopen(path, "wb") else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var t = text
        let written = t.withUTF8 { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard written == text.utf8.count, closed == 0 else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func seconds(_ s: Double) -> String {
        let tenths = Int((s * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}

/// Files removed when the process is interrupted (SIGINT, SIGTERM, SIGHUP), then a folder if it is
/// left empty; the signal then ends the process as it would have (exit status 128 + signal).
enum RemovalOnInterrupt {
    // Written once, before the handlers are installed, and only read by them: C strings that are
    // never freed, because a handler may run at any moment until the process ends.
    nonisolated(unsafe) private static var files: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    nonisolated(unsafe) private static var folder: UnsafeMutablePointer<CChar>?

    static func install(files paths: [String], folder path: String?) {
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: paths.count + 1)
        for (i, p) in paths.enumerated() { list[i] = strdup(p) }
        list[paths.count] = nil
        files = list
        folder = path.flatMap { strdup($0) }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] where !isIgnored(signalNumber) {
            // A parent's blocked mask is inherited through exec (a Foundation `Process` child gets
            // one): unblocked, so that Ctrl-C reaches the handler rather than waiting for the end.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signalNumber)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            signal(signalNumber) { received in
                // Only async-signal-safe calls here: unlink, rmdir, signal, raise.
                if let list = RemovalOnInterrupt.files {
                    var i = 0
                    while let file = list[i] { unlink(file); i += 1 }
                }
                if let folder = RemovalOnInterrupt.folder { rmdir(folder) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Whether the parent set `signalNumber` to be ignored (a background job's SIGINT, `nohup`'s
    /// SIGHUP): it stays ignored.
    private static func isIgnored(_ signalNumber: Int32) -> Bool {
        let previous = signal(signalNumber, SIG_IGN)
        signal(signalNumber, previous)
        return unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
