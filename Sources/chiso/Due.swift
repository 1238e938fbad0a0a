import ArgumentParser
import ChisoCore
import ChisoEngine

/// `chiso due`: the early-warning list (interfaces.md, details.md 25).
struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Early warning: the open dossiers of a unit's subtree that will be late soon, and those already late.",
        discussion: """
            A dossier's deadline is its due plus its completed supplement pauses. Listed, soonest first: \
            open dossiers processed in the unit's subtree, not waiting for a supplement, whose deadline \
            falls within the next --within of working time (2d = 2 working days, 4h = 4 working hours, \
            counted on the working calendar, so weekends and public holidays do not count). Listed apart: \
            open dossiers already late (deadline passed, or a second supplement request). \
            These are the dossiers a leader should chase today.

            Example:
              $ chiso due --unit H44 --as-of 2026-08-28T10:00:00+07:00
              Early warning for H44 Tỉnh Phú Thọ, as of 2026-08-28 10:00
              Due within 2 working days (deadline before 2026-09-03 10:00): 3
                deadline          due               dossier  unit     procedure  …
                2026-08-29 10:00  2026-08-27 10:00  C        H44.102  P1         …
              …
              Already late: 2
              $ chiso due --unit H44.101 --within 4h --format json
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The unit code, e.g. H44; its whole subtree is searched.", valueName: "code"))
    var unit: String

    @Option(parsing: .unconditional, help: ArgumentHelp("How far ahead: Nd working days or Nh working hours.", valueName: "duration"))
    var within: String = "2d"

    @Option(help: ArgumentHelp("Evaluate at another instant (RFC 3339, or a date for its local midnight); default now.", valueName: "instant"))
    var asOf: String?

    @Option(help: "table or json.")
    var format: String = "table"

    func validate() throws {
        try validateInstantArgument(asOf, option: "--as-of")
        try validateUnitArgument(unit, option: "--unit")
        guard format == "json" || format == "table" else { throw ValidationError("--format must be table or json") }
        do { _ = try DueHorizon(parsing: within) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let engine = try options.openEngine(forReading: true)
        let zone = engine.calendar.zone
        let horizon = try DueHorizon(parsing: within)
        let e = try asOf.map { try parseInstantArgument($0, zone: zone, option: "--as-of") } ?? systemNow()
        let warning = try engine.earlyWarning(unit: unit, within: horizon, asOf: e)
        noteIfUndeclared(warning.unit, node: warning.node, asOf: warning.asOf, zone: zone)
        if format == "json" { print(warning.json(zone: zone)) } else { printForPeople(warning.table(zone: zone), terminator: "") }
    }
}
