import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import ChisoCore
import ChisoWorkload

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic event stream (JSON Lines) on standard output.",
        discussion: """
            A province with departments and communes (and one merge), a procedure catalogue with every \
            flag, announcements, dossiers on every channel with transfers, pauses, late and on-time ends, \
            payments, ratings and petitions, plus late-arriving events and duplicates. The same seed gives \
            the same stream.

            Example:
              $ chiso generate --seed 7 --dossiers 20000 --from 2026-01-01 > h44.jsonl
              $ chiso generate --dossiers 1000 | chiso ingest --db small.sqlite -
            """
    )

    @Option(parsing: .unconditional, help: "Random seed, a whole number ≥ 0 (default: 1).", transform: parseSeed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Units in the province (root, departments, communes), 1 to 10000.")
    var units: Int = 150

    @Option(parsing: .unconditional, help: "Dossiers to generate, 0 to 100000000.")
    var dossiers: Int = 20_000

    @Option(help: ArgumentHelp("First day of activity (YYYY-MM-DD).", valueName: "date"))
    var from: String = "2026-01-01"

    @Option(help: ArgumentHelp("End day, exclusive (YYYY-MM-DD).", valueName: "date"))
    var to: String = "2026-09-01"

    @Option(help: "The province code.")
    var root: String = "H44"

    @OptionGroup var ignored: IgnoredGlobalOptions

    func validate() throws {
        guard let f = LocalDate(parsing: from) else { throw ValidationError("--from \(from) is not a date (YYYY-MM-DD)") }
        guard let t = LocalDate(parsing: to) else { throw ValidationError("--to \(to) is not a date (YYYY-MM-DD)") }
        guard f < t else { throw ValidationError("--from must be before --to") }
        try checkWorkloadSize(units: units, dossiers: dossiers, leastDossiers: 0, mostDossiers: WorkloadOptions.maximumDossiers)
        guard !root.isEmpty, !root.contains(where: \.isWhitespace) else { throw ValidationError("--root must be a unit code without spaces, e.g. H44") }
    }

    func run() throws {
        guard let f = LocalDate(parsing: from), let t = LocalDate(parsing: to) else { return }
        var generator = WorkloadGenerator(options: WorkloadOptions(seed: seed, units: units, dossiers: dossiers, from: f, to: t, rootCode: root))
        var out = StandardOutput()
        // Once the output failed (a full disk, a closed pipe), the rest of the stream is not made.
        generator.generate(stoppingWhen: { out.failure != nil }) { line in out.write(line) }
        out.flush()
        if let failure = out.failure { throw failure }
    }
}

/// `--seed`: a whole number from 0 to 2^64 − 1, refused with that said (the parser alone would say
/// only that the value is invalid).
func parseSeed(_ text: String) throws -> UInt64 {
    guard let seed = UInt64(text) else { throw ValidationError("a seed is a whole number from 0 to 18446744073709551615, e.g. --seed 7") }
    return seed
}

/// `--units` and `--dossiers` of `generate` and `demo`: each refused on its own, with its range.
func checkWorkloadSize(units: Int, dossiers: Int, leastDossiers: Int, mostDossiers: Int) throws {
    guard (1...WorkloadOptions.maximumUnits).contains(units) else {
        throw ValidationError("--units must be from 1 to \(WorkloadOptions.maximumUnits), got \(units)")
    }
    guard (leastDossiers...mostDossiers).contains(dossiers) else {
        throw ValidationError("--dossiers must be from \(leastDossiers) to \(mostDossiers), got \(dossiers)")
    }
}

/// Buffered standard output for large streams. A failed write (a full disk) is kept in `failure`,
/// and nothing more is written.
struct StandardOutput {
    var buffer: [UInt8] = []
    private(set) var failure: OutputFailure?
    init() { buffer.reserveCapacity(1 << 16) }
    mutating func write(_ line: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }
    mutating func flush() {
        if failure == nil { failure = buffer.withUnsafeBytes { OutputFailure.writing($0) } }
        buffer.removeAll(keepingCapacity: true)
    }
}
