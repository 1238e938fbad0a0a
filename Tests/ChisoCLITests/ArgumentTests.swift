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
    }
}
