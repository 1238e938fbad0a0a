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

        /// interfaces.md `--strict`: "stop at the first rejection". The summary counts what was read, so
        /// standard error says that the rest was not.
        @Test func strictSaysWhereItStopped() throws {
            let db = temporaryFolder().appendingPathComponent("t.sqlite").path
            let lines = [EventLine.province[0], "junk", EventLine.province[1]]
            let run = try runChiso(["ingest", "-", "--db", db, "--strict", "--format", "json"], input: lines.joined(separator: "\n") + "\n")
            #expect(run.status == 1)
            #expect(run.stdout == #"{"accepted": 1, "duplicates": 0, "rejected": 1}"# + "\n")
            #expect(run.stderr.contains("stopped at the first rejected line (--strict); the lines after it were not read"), "\(run.stderr)")
            let all = try runChiso(["ingest", "-", "--db", db], input: lines.joined(separator: "\n") + "\n")
            #expect(all.status == 1)
            #expect(!all.stderr.contains("stopped"), "\(all.stderr)")
        }

        /// interfaces.md: the database is "created on first use". A reader that creates it says so,
        /// so that a mistyped --db is not read as an empty province; the next run has nothing to say.
        @Test func aReaderThatCreatesTheDatabaseSaysSo() throws {
            let db = temporaryFolder().appendingPathComponent("typo.sqlite").path
            let first = try runChiso(["status", "--db", db, "--format", "json"])
            #expect(first.status == 0)
            #expect(first.stdout.hasPrefix(#"{"events": 0"#))
            #expect(first.stderr.contains("note: \(db) did not exist and was created empty"), "\(first.stderr)")
            let second = try runChiso(["status", "--db", db, "--format", "json"])
            #expect(second.status == 0 && second.stderr.isEmpty, "\(second.stderr)")
        }

        /// details.md 12: a code never declared is scored as itself; snapshot, explain and due still
        /// answer (exit 0, output as specified) but say on standard error that the code is not declared.
        @Test func anUndeclaredUnitIsAnsweredWithANote() throws {
            let db = try provinceDatabase()
            for command in [["snapshot", "--period", "2026-08"], ["explain", "--period", "2026-08"], ["due"]] {
                let typo = try runChiso(command + ["--unit", "h44", "--db", db])
                #expect(typo.status == 0, "\(command): \(typo.stderr)")
                #expect(!typo.stdout.isEmpty)
                #expect(typo.stderr.contains("note: unit h44 is not declared as of "), "\(command): \(typo.stderr)")
                let declared = try runChiso(command + ["--unit", "H44", "--db", db])
                #expect(declared.status == 0 && declared.stderr.isEmpty, "\(command): \(declared.stderr)")
            }
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
                (["due", "--unit", "H44", "--db", db, "--within", "-1d"], "-1d"),
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
