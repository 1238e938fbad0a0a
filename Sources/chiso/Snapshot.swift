import ArgumentParser
import ChisoCore
import ChisoEngine
#if canImport(Glibc)
import Glibc
#endif

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "The score of one unit for one period: JSON for dashboards, or a table for people.",
        discussion: """
            Counts are pooled over the unit's subtree. The evaluation instant is the end of the \
            period, or now for the current period, or --as-of when earlier.

            Example:
              $ chiso snapshot --unit H44 --period 2026-08 --format table
              $ chiso snapshot --unit H44 --period 2026-Q3 --children > h44-q3.json
            Periods: 2026-08 (month), 2026-Q3, 2026 (year), 2026-W03 (ISO week), 2026-08-01..2026-08-15.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The unit code, e.g. H44.", valueName: "code"))
    var unit: String

    @Option(help: ArgumentHelp("The period: 2026-08, 2026-Q3, 2026, 2026-W03 or 2026-08-01..2026-08-15.", valueName: "period"))
    var period: String

    @Option(help: ArgumentHelp("Evaluate at an earlier instant (RFC 3339, or a date for its local midnight).", valueName: "instant"))
    var asOf: String?

    @Flag(help: "Add each direct child's snapshot.")
    var children = false

    @Option(help: "json or table.")
    var format: String = "json"

    func validate() throws {
        try validateInstantArgument(asOf, option: "--as-of")
        try validateUnitArgument(unit, option: "--unit")
        try validatePeriodArgument(period)
        guard format == "json" || format == "table" else { throw ValidationError("--format must be json or table") }
    }

    func run() throws {
        let profile = try options.loadProfile()
        let engine = try options.openEngine(forReading: true)
        let zone = engine.calendar.zone
        let window = try Window.parse(period, zone: zone)
        let asOfInstant = try asOf.map { try parseInstantArgument($0, zone: zone, option: "--as-of") }
        let snapshot = try engine.reading {
            try engine.scorer(profile: profile).snapshot(unit: unit, window: window, now: systemNow(), asOf: asOfInstant, children: children)
        }
        noteIfUndeclared(snapshot.unit, node: snapshot.node, asOf: snapshot.asOf, zone: zone)
        if format == "json" {
            print(snapshot.json(zone: zone))
        } else {
            printForPeople(snapshotTable(snapshot, zone: zone))
            for c in snapshot.children ?? [] { print(""); printForPeople(snapshotTable(c, zone: zone)) }
        }
    }
}

/// A snapshot as text for people.
func snapshotTable(_ s: ChisoEngine.Snapshot, zone: Zone) -> String {
    let name = s.node?.name.map { " \($0)" } ?? ""
    var out = "\(s.unit.onOneLine)\(name.onOneLine) — \(s.window.label), as of \(s.asOf.rfc3339(in: zone))\n"
    out += s.card.table()
    return out
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the profile on given numerators and denominators (a what-if calculator).",
        discussion: """
            The counts file holds {"counts": {"2.1": {"numerator": 144625, "denominator": 184513}, …}}; \
            other top-level members are ignored; a component missing from the file counts as 0 ÷ 0; \
            2.2 takes {"value": x}.

            Example:
              $ chiso score --counts ../shared/fixtures/portal-phu-tho-2026-08.json --format table
            """
    )

    @Option(help: ArgumentHelp("The counts file; `-` for standard input.", valueName: "file"))
    var counts: String

    @Option(name: .long, help: ArgumentHelp("The index profile: a name in the indicators folder, or a path to a profile file.", valueName: "name"))
    var profile: String = "dvcqg-2026"

    @Option(name: .long, help: ArgumentHelp("Folder holding profiles and calendar-vn.json.", discussion: "Default: $CHISO_INDICATORS, else the copy built into chiso.", valueName: "dir"))
    var indicators: String?

    @Option(help: "json or table.")
    var format: String = "json"

    /// Global (interfaces.md), and unused: the counts come from the file.
    @Option(name: .long, help: .hidden) var db: String?

    func validate() throws {
        guard format == "json" || format == "table" else { throw ValidationError("--format must be json or table") }
        // The same usage errors as every other command (an empty --db, --indicators or --profile).
        var options = try indicatorOptions()
        options.db = db
        try options.validate()
    }

    /// `--profile` and `--indicators` as the commands that read a database take them.
    private func indicatorOptions() throws -> DatabaseOptions {
        var opts = try DatabaseOptions.parse([])
        opts.indicators = indicators
        opts.profile = profile
        return opts
    }

    func run() throws {
        let p = try indicatorOptions().loadProfile()
        // `-` is standard input, as for `chiso ingest`.
        let name = counts == "-" ? "stdin" : counts
        if counts == "-", isatty(0) == 1 { printError("reading the counts from standard input; end with Ctrl-D (or give a file: --counts FILE)") }
        let inputs = try parseCountsFile(counts == "-" ? try readStandardInput() : try readTextFile(counts), name: name)
        let (errors, warnings) = countsProblems(inputs, profile: p, name: name)
        for warning in warnings { printError("warning: " + warning) }
        if !errors.isEmpty { throw ProfileError(errors.joined(separator: "\n")) }
        let card = p.score(inputs)
        if format == "json" { print(card.scoreJSON) } else { printForPeople(card.table()) }
    }
}
