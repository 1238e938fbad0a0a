import ArgumentParser
import ChisoCore
import ChisoEngine
#if canImport(Glibc)
import Glibc
#endif

/// `chiso rank`: the ranking of units for a period, with the change against the previous period
/// (interfaces.md "The command line", details.md 13, 21, 22).
struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank units by total points for a period, with the change against the previous period.",
        discussion: """
            Without --parent the roots are ranked; with --parent U, U's direct children; --level L ranks \
            every unit of level L in U's subtree instead (in every root's subtree without --parent). \
            Units merged before the period starts are left out. Each unit's score is its snapshot, pooled \
            over its subtree. Equal totals share a rank (1, 2, 2, 4) and are listed by unit code.

            The change compares with the previous period of the same kind (2026-08 with 2026-07; a date \
            range with the equally long range just before it): Δ total = total − previous total; \
            Δ rank = rank − previous rank, so −2 means the unit climbed two places (tables show it \
            as ▲2; ▼1 fell one place, = unchanged). A unit not ranked \
            in the previous period has no change (null in JSON, empty in CSV, — in tables).

            Formats (--format):
              table     aligned columns for a terminal (the default)
              markdown  a pipe table
              csv       RFC 4180 with CRLF line ends, starting with a UTF-8 byte
                        order mark so that spreadsheets show Vietnamese names
                        right; header: rank, code, name, level, total, band, the
                        group codes, change_total, change_rank
              json      [{rank, unit: {code, name, level}, total, band,
                          groups: {CODE: points}, change: {total, rank} | null}]
                        with JSON numbers (change.total: at most 2 decimals)
              html      a printable A4 report with a bar chart (inline SVG;
                        no network, no script)
            When no unit qualifies, table and markdown print a message saying so; json prints [], \
            csv its header row and html a report that says so, with the message on standard error.

            Example:
              $ chiso rank --period 2026-08 --parent H44
              $ chiso rank --period 2026-Q3 --parent H44 --level commune --format csv
              $ chiso rank --period 2026-08 --parent H44 --format html --output report.html
            Periods: 2026-08 (month), 2026-Q3, 2026 (year), 2026-W03 (ISO week), 2026-08-01..2026-08-15.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The period: 2026-08, 2026-Q3, 2026, 2026-W03 or 2026-08-01..2026-08-15.", valueName: "period"))
    var period: String

    @Option(help: ArgumentHelp("Rank the units under this unit (default: the roots).", valueName: "code"))
    var parent: String?

    @Option(help: ArgumentHelp("Rank every unit of this level in the parent's subtree instead of its children: ministry, province, department, commune or agency.", valueName: "level"))
    var level: String?

    @Option(help: ArgumentHelp("The output format (see Formats above).", valueName: "format"))
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Evaluate at an earlier instant (RFC 3339, or a date for its local midnight).", valueName: "instant"))
    var asOf: String?

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        try validateInstantArgument(asOf, option: "--as-of")
        try validateUnitArgument(parent, option: "--parent")
        try validatePeriodArgument(period)
        if let level, UnitLevel(rawValue: level) == nil {
            throw ValidationError("--level \(level) is not a level; use ministry, province, department, commune or agency")
        }
    }

    func run() throws {
        let profile = try options.loadProfile()
        let engine = try options.openEngine(forReading: true)
        let zone = engine.calendar.zone
        let window = try Window.parse(period, zone: zone)
        let asOfInstant = try asOf.map { try parseInstantArgument($0, zone: zone, option: "--as-of") }
        let ranking = try engine.reading {
            try engine.scorer(profile: profile).ranking(
                window: window, now: systemNow(), asOf: asOfInstant, parent: parent, level: level.flatMap(UnitLevel.init(rawValue:)))
        }
        if ranking.rows.isEmpty, format == .csv || format == .json || format == .html { printError(ranking.emptyMessage) }
        let text: String
        switch format {
        case .table: text = forPeople(ranking.table(zone: zone)) + "\n"
        case .markdown: text = forPeople(ranking.markdown) + "\n"
        case .csv: text = ranking.csv
        case .json: text = ranking.json + "\n"
        case .html: text = ranking.html(zone: zone)
        }
        if let output {
            try writeFile(output, text)
        } else {
            var t = text
            if let failure = t.withUTF8({ OutputFailure.writing(UnsafeRawBufferPointer($0)) }) { throw failure }
        }
    }

    /// Writes `text` to `path`, replacing the file.
    private func writeFile(_ path: String, _ text: String) throws {
        guard let f = fopen(path, "wb") else {
            throw EngineError.badRequest("cannot write \(path): \(String(cString: strerror(errno))); check the folder exists and is writable")
        }
        var t = text
        let written = t.withUTF8 { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard written == text.utf8.count, closed == 0 else {
            throw EngineError.badRequest("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
