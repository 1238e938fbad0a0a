import Foundation
import Testing

extension ChisoCLI {
    /// Arguments checked before any database is opened (interfaces.md "Errors").
    @Suite struct ArgumentTests {
        /// details.md 1: unit codes are non-empty, so an empty `--unit` or `--parent` is a usage
        /// error (exit 64) that says what to write, not a snapshot of no unit.
        @Test func anEmptyUnitCodeIsAUsageError() throws {
            let db = temporaryFolder().appendingPathComponent("t.sqlite").path
            for arguments in [["snapshot", "--unit", "", "--period", "2026-08"], ["explain", "--unit", "", "--period", "2026-08"],
                              ["due", "--unit", ""], ["rank", "--period", "2026-08", "--parent", ""]] {
                let run = try runChiso(arguments + ["--db", db])
                #expect(run.status == 64, "\(arguments): \(run.status)")
                let option = arguments.contains("--parent") ? "--parent" : "--unit"
                #expect(run.stderr.contains("\(option) needs a unit code, e.g. \(option) H44"), "\(arguments): \(run.stderr)")
                #expect(run.stdout.isEmpty)
            }
            #expect(!FileManager.default.fileExists(atPath: db))
        }

        /// A negative count is read as the option's value and refused by its own check, which says
        /// what is allowed, instead of the parser's "Missing value" for what looks like an option.
        @Test func aNegativeNumberIsTheOptionsValueAndRefusedByName() throws {
            let db = temporaryFolder().appendingPathComponent("t.sqlite").path
            let cases: [([String], String)] = [
                (["ingest", "-", "--db", db, "--batch-size", "-5"], "--batch-size must be at least 1"),
                (["ingest", "-", "--db", db, "--batch-seconds", "-1"], "--batch-seconds must be 0 or more"),
                (["explain", "--unit", "H44", "--period", "2026-08", "--db", db, "--limit", "-2"], "--limit must be ≥ 0"),
                (["generate", "--units", "-3"], "--units must be ≥ 1"),
                (["demo", "--dossiers", "-1"], "--dossiers must be at least 1"),
            ]
            for (arguments, message) in cases {
                let run = try runChiso(arguments)
                #expect(run.status == 64, "\(arguments): \(run.status)")
                #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
                #expect(!run.stderr.contains("Missing value"), "\(arguments)")
            }
            #expect(!FileManager.default.fileExists(atPath: db))
        }
    }
}
