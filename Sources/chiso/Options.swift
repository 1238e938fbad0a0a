import ArgumentParser
import ChisoCore
import ChisoEngine
#if canImport(Glibc)
import Glibc
#endif

/// Options every command that touches a database shares (interfaces.md "The command line").
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (created on first use).", discussion: "Default: $CHISO_DB, else chiso.sqlite in the current folder.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The index profile: a name in the indicators folder, or a path to a profile file.", valueName: "name"))
    var profile: String = "dvcqg-2026"

    @Option(name: .long, help: ArgumentHelp("Folder holding profiles and calendar-vn.json.", discussion: "Default: $CHISO_INDICATORS, else the copy built into chiso.", valueName: "dir"))
    var indicators: String?

    func validate() throws {
        if db?.isEmpty == true { throw ValidationError("--db must name a file, e.g. --db chiso.sqlite") }
        if indicators?.isEmpty == true { throw ValidationError("--indicators must name a folder, e.g. --indicators ./indicators") }
        if profile.isEmpty { throw ValidationError("--profile must name a profile, e.g. --profile dvcqg-2026") }
    }

    /// An environment variable; set but empty counts as unset.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    var databasePath: String {
        if let db { return db }
        return DatabaseOptions.environment("CHISO_DB") ?? "chiso.sqlite"
    }

    var indicatorSet: IndicatorSet {
        get throws {
            // A folder that is not there is named with where it was given (an audit: a bad
            // $CHISO_INDICATORS was reported only as a calendar file that could not be read).
            func folder(_ path: String, givenBy source: String) throws -> IndicatorSet {
                guard isFolder(path) else {
                    let what = access(path, F_OK) == 0 ? "is not a folder" : "does not exist"
                    throw EngineError.badRequest("\(source) names \(path), which \(what); give the folder holding the profiles and calendar-vn.json\(source.hasPrefix("$") ? ", or unset it to use the copy built into chiso" : "")")
                }
                return IndicatorSet(directory: path)
            }
            if let indicators { return try folder(indicators, givenBy: "--indicators") }
            if let env = DatabaseOptions.environment("CHISO_INDICATORS") { return try folder(env, givenBy: "$CHISO_INDICATORS") }
            return IndicatorSet(directory: nil)
        }
    }

    func loadProfile() throws -> Profile { try indicatorSet.profile(named: profile) }
    func loadCalendar() throws -> WorkingCalendar { try indicatorSet.calendar() }

    /// Opens the database. A command that only reads (`forReading`) opens an existing file read-only,
    /// so that it never takes the write lock from a running ingest (interfaces.md "Standards");
    /// a missing file is created, empty, as on first use.
    ///
    /// The database keeps the calendar its scores were computed with, and an edited calendar file
    /// applies after `chiso rebuild` (details.md 27): until then a note on standard error says that
    /// the loaded calendar waits (`announceCalendarEdit`, off for `rebuild`, which applies it).
    func openEngine(forReading: Bool = false, announceCalendarEdit: Bool = true) throws -> Engine {
        let empty = fileSize(databasePath) == 0
        let readOnly = forReading && !empty
        let existed = access(databasePath, F_OK) == 0
        let engine = try Engine(path: databasePath, calendar: loadCalendar(), readOnly: readOnly)
        // interfaces.md: the database is "created on first use", by any command. A reader that
        // creates it (in a new file, or in an empty one) answers from nothing, so it says so: a
        // mistyped --db is then seen at once.
        if forReading, empty {
            let was = existed ? "was an empty file and now holds an empty database" : "did not exist and was created empty"
            printError("note: \(databasePath) \(was), so there is nothing to report yet; check --db (or $CHISO_DB) if you expected data")
        }
        if !readOnly {
            let path = databasePath
            engine.onWaitingForWriter = {
                printError("note: another chiso (an ingest or a rebuild) is writing to \(path); waiting for it to finish (up to \(engine.writerWaitMilliseconds / 60_000) minutes)")
            }
        }
        if announceCalendarEdit, engine.calendarEditPending {
            printError("note: \(try indicatorSet.calendarSource) differs from the calendar this database's scores were computed with; it applies after `chiso rebuild` (until then every command uses the database's calendar)")
        }
        return engine
    }
}

/// interfaces.md makes `--db`, `--profile` and `--indicators` global: a command that uses no
/// database or profile (`generate`, and `score` for `--db`) still accepts them, hidden from its help,
/// and ignores them, so that a script may pass them to every command.
struct IgnoredGlobalOptions: ParsableArguments {
    @Option(name: .long, help: .hidden) var db: String?
    @Option(name: .long, help: .hidden) var profile: String?
    @Option(name: .long, help: .hidden) var indicators: String?

    /// Empty, they are the usage errors they are for every other command (docs/decisions.md).
    func validate() throws {
        var options = try DatabaseOptions.parse([])
        (options.db, options.indicators) = (db, indicators)
        if let profile { options.profile = profile }
        try options.validate()
    }
}

/// Output formats.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table, markdown, csv, html
}

/// The current instant from the system clock.
func systemNow() -> Instant {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Instant(micros: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
}

/// Checks an `--as-of` value's form while the arguments are validated, so that the error comes with
/// the command's own usage (its zone is applied later, by `parseInstantArgument`).
func validateInstantArgument(_ text: String?, option: String) throws {
    guard let text, Timestamp.parseInstant(text) == nil, LocalDate(parsing: text) == nil else { return }
    throw ValidationError(notAnInstant(text, option: option))
}

/// Parses an `--as-of` value: an RFC 3339 timestamp, or a date (its local midnight).
func parseInstantArgument(_ text: String, zone: Zone, option: String) throws -> Instant {
    let instant: Instant
    if let t = Timestamp.parseInstant(text) {
        instant = t
    } else if let d = LocalDate(parsing: text) {
        instant = zone.startOfDay(d)
    } else {
        throw ValidationError(notAnInstant(text, option: option))
    }
    // As for an event's instants (docs/decisions.md): written back in the engine's zone, it must
    // fall in the years 0000–9999 there. Known once the database's zone is, so one sentence and 64,
    // as for a period, without the usage block of a mistyped option.
    let year = zone.localDate(of: instant).year
    guard (0...9999).contains(year) else {
        printError("Error: \(option) \(text) falls in the year \(year) in the engine's time zone; give an instant in the years 0000–9999 there")
        throw ExitCode.validationFailure
    }
    return instant
}

/// Why an `--as-of` value is refused. The usual mistake, a timestamp without its offset, is named
/// as such (events.md: instants carry an offset).
func notAnInstant(_ text: String, option: String) -> String {
    if Timestamp.parseInstant(text + "+07:00") != nil {
        return "\(option) \(text) has no offset; add one, e.g. \(text)+07:00 (or Z for UTC), or give a date such as 2026-08-20"
    }
    return "\(option) \(text) is not a timestamp; write e.g. 2026-08-20T17:00:00+07:00 or 2026-08-20"
}

/// details.md 12: a code never declared is scored as itself alone, its name and level null. A
/// mistyped code gives the same, so a reader says so on standard error; its output stays as specified.
func noteIfUndeclared(_ unit: String, node: UnitNode?, asOf: Instant, zone: Zone) {
    guard node == nil else { return }
    printError("note: unit \(unit) is not declared as of \(asOf.rfc3339(in: zone)), so this counts only the events that name \(unit) itself, with no subtree; check the code if you meant a declared unit")
}

/// Writes a line to standard error, its control characters shown (`forPeople`): a message may
/// quote a value from the input.
func printError(_ s: String) {
    var line = forPeople(s) + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Prints text meant for a person's terminal (tables, reports, `rejects`), its control characters shown.
func printForPeople(_ s: String, terminator: String = "\n") {
    print(forPeople(s), terminator: terminator)
}

/// Text for a terminal. Control characters that come from the data (ESC, backspace, a lone CR …),
/// which would clear, recolour or overwrite what a person sees, are shown as their Unicode control
/// pictures (`␛`, `␈`, `␍`, DEL `␡`), and C1 controls as U+FFFD, as the HTML report shows them
/// (docs/decisions.md); line feeds and tabs stay. JSON and CSV carry the data as it is.
func forPeople(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) else { return s }
    var out = String.UnicodeScalarView()
    for c in s.unicodeScalars {
        switch c.value {
        case 0x0A, 0x09: out.append(c)
        case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + c.value) ?? "\u{FFFD}")
        case 0x7F: out.append("\u{2421}")
        case 0x80...0x9F: out.append("\u{FFFD}")
        default: out.append(c)
        }
    }
    return String(out)
}

/// Checks the form of `--period` before any database is opened, so that a mistyped period exits 64,
/// the status of any other bad option, with its one sentence (interfaces.md) and no usage block. The
/// form does not depend on the time zone, which the calendar gives once the engine is open and with
/// which the period is then read again.
func validatePeriodArgument(_ text: String) throws {
    do {
        _ = try Window.parse(text)
    } catch {
        printError("Error: " + error.description)
        throw ExitCode.validationFailure
    }
}

/// Checks that a unit code given on the command line is not empty (details.md 1: codes are
/// non-empty strings), so that `--unit ""` is an error rather than a snapshot of no unit.
func validateUnitArgument(_ code: String?, option: String) throws {
    guard let code, code.isEmpty else { return }
    throw ValidationError("\(option) needs a unit code, e.g. \(option) H44; unit codes are never empty")
}
