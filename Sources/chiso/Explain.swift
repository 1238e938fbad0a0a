import ArgumentParser
import ChisoCore
import ChisoEngine

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Why a unit has its points: each component's numbers and the items that cost points.",
        discussion: """
            For each component: numerator, denominator, ratio and points; for dossier, petition and \
            procedure components, the items that cost points (late, not digitised, not paid online …), \
            dossiers and petitions with their dates, most costly first, each with what fixing it alone \
            would gain (unrounded, 4 decimals). Fixing every listed item of a component brings it to its \
            maximum.

            Example:
              $ chiso explain --unit H44.07 --period 2026-08 --component 2.1
              2.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn: 1338/1664 = 80.41%, 16.08 of 20 points
                326 item(s) cost points; fixing one gains 0.0120
                +0.0120  dossier H44.101-260803-0001 @H44.101 2026-08-03T09:12:00+07:00: ended …, late by …
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The unit code, e.g. H44.", valueName: "code"))
    var unit: String

    @Option(help: ArgumentHelp("The period: 2026-08, 2026-Q3, 2026, 2026-W03 or 2026-08-01..2026-08-15.", valueName: "period"))
    var period: String

    @Option(help: ArgumentHelp("Only this component, e.g. 2.1.", valueName: "id"))
    var component: String?

    @Option(help: ArgumentHelp("Evaluate at an earlier instant.", valueName: "instant"))
    var asOf: String?

    @Option(parsing: .unconditional, help: "Items listed per component.")
    var limit: Int = 10

    @Option(help: "table or json.")
    var format: String = "table"

    func validate() throws {
        try validateInstantArgument(asOf, option: "--as-of")
        try validateUnitArgument(unit, option: "--unit")
        try validatePeriodArgument(period)
        guard format == "json" || format == "table" else { throw ValidationError("--format must be table or json") }
        guard limit >= 0 else { throw ValidationError("--limit must be ≥ 0") }
    }

    func run() throws {
        let profile = try options.loadProfile()
        let engine = try options.openEngine(forReading: true)
        let zone = engine.calendar.zone
        let window = try Window.parse(period, zone: zone)
        let asOfInstant = try asOf.map { try parseInstantArgument($0, zone: zone, option: "--as-of") }
        let explanation = try engine.reading {
            try engine.scorer(profile: profile).explain(unit: unit, window: window, now: systemNow(), asOf: asOfInstant, component: component, keep: limit)
        }
        noteIfUndeclared(explanation.snapshot.unit, node: explanation.snapshot.node, asOf: explanation.snapshot.asOf, zone: zone)
        if format == "json" { print(explanation.json(zone: zone, limit: limit)) } else { printForPeople(explanation.text(zone: zone, limit: limit)) }
    }
}
