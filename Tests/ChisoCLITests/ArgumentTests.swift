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

        /// Control characters from the data (an ESC that would clear or recolour the screen) are shown,
        /// not sent to the terminal, in every output for people: tables, rejects, messages. JSON keeps
        /// the data as it is, escaped.
        @Test func controlCharactersFromTheDataAreShownNotSent() throws {
            let db = temporaryFolder().appendingPathComponent("t.sqlite").path
            let escName = #"\u001b[2J\u001b[31mĐỏ"#
            let lines = EventLine.province + [
                EventLine.unit("u9", "H44.109", parent: "H44", level: "commune", name: escName),
                "{\"id\":\"bad\u{1B}[2J\",\"type\":\"x\"}",
            ]
            let ingest = try runChiso(["ingest", "-", "--db", db], input: lines.joined(separator: "\n") + "\n")
            #expect(ingest.status == 1)
            // The rejection message does not quote the line; it must not carry its ESC either.
            #expect(!ingest.stderr.unicodeScalars.contains("\u{1B}"), "\(ingest.stderr)")
            let outputs = [
                try runChiso(["rejects", "--db", db]).stdout,
                try runChiso(["rank", "--db", db, "--period", "2026-08", "--parent", "H44"]).stdout,
                try runChiso(["rank", "--db", db, "--period", "2026-08", "--parent", "H44", "--format", "markdown"]).stdout,
                try runChiso(["snapshot", "--db", db, "--unit", "H44.109", "--period", "2026-08", "--format", "table"]).stdout,
            ]
            for output in outputs {
                #expect(!output.unicodeScalars.contains("\u{1B}"), "\(output)")
                #expect(output.contains("␛[2J") || output.contains(#"␛\[2J"#), "\(output)") // Markdown escapes the [ 
            }
            let json = try runChiso(["snapshot", "--db", db, "--unit", "H44.109", "--period", "2026-08"]).stdout
            #expect(json.contains(#"\u001b[2J"#) || json.contains(#"\u001B[2J"#), "\(json)")
        }

        /// A file that is not JSON Lines (a pretty-printed JSON array, whose last element alone may be a
        /// whole line; CSV) gets one sentence about the file besides each line's reason; a file with
        /// mostly good lines does not.
        @Test func aFileThatIsNotJSONLinesIsNamed() throws {
            let folder = temporaryFolder()
            let db = folder.appendingPathComponent("t.sqlite").path
            let array = "[\n  " + EventLine.province.joined(separator: ",\n  ") + "\n]\n"
            // A compressed file's lines are mostly not UTF-8, and were not counted (an audit).
            let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0x0A, 0xC3, 0x28, 0x0A, 0x80, 0x81, 0x0A, 0xFE, 0xFE]
            for (name, bytes, noted) in [("array.json", Array(array.utf8), true), ("events.csv", Array("id,type,at\nu0,unit.declared,2026-01-01\n".utf8), true),
                                         ("events.jsonl.gz", gzip, true), ("mixed.jsonl", Array((EventLine.province[0] + "\nid,type\n").utf8), false)] {
                let path = folder.appendingPathComponent(name).path
                #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
                let run = try runChiso(["ingest", path, "--db", db])
                #expect(run.status == 1)
                let note = "lines of \(path) are not JSON objects; chiso reads JSON Lines, one event object per line"
                #expect(run.stderr.contains(note) == noted, "\(name): \(run.stderr)")
                #expect(run.stderr.contains("a file of counts is read by `chiso score --counts`") == noted, "\(name): \(run.stderr)")
            }
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
            // An empty file (`touch`) is made a database the same way, and said so (it was silent).
            let touched = temporaryFolder().appendingPathComponent("touched.sqlite").path
            #expect(FileManager.default.createFile(atPath: touched, contents: Data()))
            let empty = try runChiso(["snapshot", "--db", touched, "--unit", "H44", "--period", "2026-08"])
            #expect(empty.status == 0 && empty.stderr.contains("note: \(touched) was an empty file and now holds an empty database"), "\(empty.stderr)")
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
                (["generate", "--units", "-3"], "--units must be from 1 to 10000, got -3"),
                (["generate", "--units", "99999999999"], "--units must be from 1 to 10000, got 99999999999"),
                (["demo", "--dossiers", "-1"], "--dossiers must be from 1 to 200000, got -1"),
                (["due", "--unit", "H44", "--db", db, "--within", "-1d"], "-1d"),
                (["generate", "--seed", "-5"], "a seed is a whole number from 0 to 18446744073709551615, e.g. --seed 7"),
            ]
            for (arguments, message) in cases {
                let run = try runChiso(arguments)
                #expect(run.status == 64, "\(arguments): \(run.status)")
                #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
                #expect(!run.stderr.contains("Missing value"), "\(arguments)")
            }
            #expect(!FileManager.default.fileExists(atPath: db))
        }

        /// interfaces.md: `--db` and `--profile` are global. They may come before the command's name,
        /// and every command accepts them, including those that read no database (`score`, `generate`).
        @Test func globalOptionsComeBeforeOrAfterTheCommand() throws {
            let db = try provinceDatabase()
            let after = try runChiso(["status", "--db", db, "--format", "json"])
            #expect(after.status == 0)
            for arguments in [["--db", db, "status", "--format", "json"], ["--db=\(db)", "--profile", "qd766-2022", "status", "--format", "json"]] {
                let before = try runChiso(arguments)
                #expect(before.status == 0, "\(arguments): \(before.stderr)")
                #expect(before.stdout == after.stdout, "\(arguments)")
            }
            let snapshot = try runChiso(["--profile", "qd766-2022", "--db", db, "snapshot", "--unit", "H44", "--period", "2026-08"])
            #expect(snapshot.status == 0, "\(snapshot.stderr)")
            #expect(snapshot.stdout.hasPrefix(#"{"profile": "qd766-2022""#), "\(snapshot.stdout)")
            let counts = temporaryFolder().appendingPathComponent("counts.json")
            try #"{"counts": {"2.1": {"numerator": 144625, "denominator": 184513}}}"#.write(to: counts, atomically: true, encoding: .utf8)
            let score = try runChiso(["--profile", "qd766-2022", "--db", db, "score", "--counts", counts.path])
            #expect(score.status == 0, "\(score.stderr)")
            #expect(score.stdout.contains(#""profile": "qd766-2022""#), "\(score.stdout)")
            let generate = try runChiso(["--db", db, "--profile", "dvcqg-2026", "generate", "--dossiers", "3", "--units", "2"])
            #expect(generate.status == 0, "\(generate.stderr)")
            #expect(generate.stdout == (try runChiso(["generate", "--dossiers", "3", "--units", "2"])).stdout)
            // What is not global stays where it belongs.
            let misplaced = try runChiso(["--format", "json", "status", "--db", db])
            #expect(misplaced.status == 64)
        }

        /// What a new user gets wrong, named so that the fix is plain (an audit of 2026-12-01): counts
        /// from standard input as `ingest -` reads events; a counts entry with a wrong field says which
        /// fields there are; an indicators folder that is not there is named with where it was given
        /// (it was reported as a calendar file that could not be read); a folder given as --db
        /// suggests the default name; `verify` exits 2 when it cannot read, 1 only for a difference.
        @Test func aNewUsersMistakesAreNamedWithTheFix() throws {
            let portal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/portal-phu-tho-2026-08.json")
            let fixture = try String(contentsOf: portal, encoding: .utf8)
            let fromStdin = try runChiso(["score", "--counts", "-"], input: fixture)
            #expect(fromStdin.status == 0 && fromStdin.stdout.contains(#""total": 59.91"#), "\(fromStdin.stderr)")
            // Standard input is read where it stands, as `ingest -` reads it: a file whose first line
            // a script has already read is not read again from its start (/dev/stdin was reopened).
            let headed = temporaryFolder().appendingPathComponent("headed.json")
            try ("portal figures, 2026-08\n" + fixture).write(to: headed, atomically: true, encoding: .utf8)
            let scored = try runChisoInShell(#"(read -r header; "$0" score --counts -) < "$1""#, [headed.path])
            #expect(scored.status == 0 && scored.stdout.contains(#""total": 59.91"#), "\(scored.stderr)")
            let wrongField = try runChiso(["score", "--counts", "-"], input: #"{"counts": {"2.1": {"num": 1}}}"#)
            #expect(wrongField.status != 0)
            #expect(wrongField.stderr.contains(#"stdin: component 2.1: unknown field "num"; give {"numerator": n, "denominator": n} or {"value": x}"#), "\(wrongField.stderr)")
            let folder = temporaryFolder().path
            let missing = folder + "/nowhere"
            let byVariable = try Child(["status", "--db", folder + "/t.sqlite"], environment: ["CHISO_INDICATORS": missing])
            try byVariable.wait()
            #expect(byVariable.status != 0 && byVariable.stderr.contains("$CHISO_INDICATORS names \(missing), which does not exist"), "\(byVariable.stderr)")
            let byOption = try runChiso(["status", "--db", folder + "/t.sqlite", "--indicators", missing])
            #expect(byOption.status != 0 && byOption.stderr.contains("--indicators names \(missing), which does not exist"), "\(byOption.stderr)")
            let intoFolder = try runChiso(["status", "--db", folder])
            #expect(intoFolder.stderr.contains("e.g. \(folder)/chiso.sqlite"), "\(intoFolder.stderr)")
            let verify = try runChiso(["verify", "--db", folder])
            #expect(verify.status == 2 && verify.stderr.contains("is a folder"), "\(verify.status) \(verify.stderr)")
        }

        /// events.md "Bad input" keeps a rejected line "so it can be fixed and re-sent"; once it has
        /// been, or was the wrong file, `rejects --clear` removes it, all or one source's (an audit:
        /// the quarantine could never be emptied). `status` counts what is left; nothing else moves.
        @Test func theQuarantineIsClearedAllOrBySource() throws {
            let folder = temporaryFolder()
            let db = folder.appendingPathComponent("t.sqlite").path
            let file = folder.appendingPathComponent("bad.jsonl").path
            try "{\"x\": 1}\nnot json\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try runChiso(["ingest", file, "--db", db]).status == 1)
            #expect(try runChiso(["ingest", "-", "--db", db], input: EventLine.province.joined(separator: "\n") + "\nnope\n").status == 1)
            func rejected() throws -> String? {
                try runChiso(["status", "--db", db, "--format", "json"]).stdout.firstMatch(of: /"rejected": (\d+)/).map { String($0.1) }
            }
            #expect(try rejected() == "3")
            let listed = try runChiso(["rejects", "--db", db, "--source", "stdin", "--format", "json"])
            #expect(listed.stdout.contains(#""source": "stdin""#) && !listed.stdout.contains(file), "\(listed.stdout)")
            let one = try runChiso(["rejects", "--db", db, "--source", "stdin", "--clear"])
            #expect(one.status == 0 && one.stdout == "cleared 1 quarantined line of stdin\n", "\(one.stdout) \(one.stderr)")
            #expect(try rejected() == "2")
            #expect(try runChiso(["rejects", "--db", db]).stdout.contains("\(file):2  not-json"))
            let none = try runChiso(["rejects", "--db", db, "--source", "stdin"])
            #expect(none.stdout == "no rejected lines of stdin\n")
            // A source spelled otherwise than at ingest matches nothing; the sources there are are named.
            #expect(none.stderr.contains("note: no quarantined line has the source stdin; its sources are \(file) (each file as it was named"), "\(none.stderr)")
            // A mistyped --db is refused, not made a database with nothing to clear.
            let typo = folder.appendingPathComponent("typo.sqlite").path
            let refused = try runChiso(["rejects", "--db", typo, "--clear"])
            #expect(refused.status == 1 && refused.stderr.contains("\(typo) does not exist, so it has no quarantine to clear"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: typo))
            let all = try runChiso(["rejects", "--db", db, "--clear", "--format", "json"])
            #expect(all.stdout == #"{"cleared": 2}"# + "\n")
            #expect(try rejected() == "0")
            #expect(try runChiso(["rejects", "--db", db]).stdout == "no rejected lines\n")
            // The log and the scores are untouched.
            #expect(try runChiso(["status", "--db", db, "--format", "json"]).stdout.contains(#""events": \#(EventLine.province.count)"#))
            #expect(try runChiso(["verify", "--db", db]).status == 0)
        }

        /// `chiso demo --db PATH` builds the demo there and keeps it; a file with data is refused.
        @Test func demoIntoAGivenDatabase() throws {
            let db = temporaryFolder().appendingPathComponent("demo.sqlite").path
            let run = try runChiso(["--db", db, "demo", "--dossiers", "200", "--units", "6"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("database kept: \(db)"))
            let status = try runChiso(["status", "--db", db, "--format", "json"])
            #expect(status.stdout.contains(#""dossiers": 200"#), "\(status.stdout)")
            let again = try runChiso(["demo", "--db", db, "--dossiers", "200"])
            #expect(again.status == 64)
            #expect(again.stderr.contains("--db \(db) already holds data, and the demo builds a new database"), "\(again.stderr)")
            // A folder is named as one (it was said to hold data).
            let folder = temporaryFolder().path
            let intoFolder = try runChiso(["demo", "--db", folder, "--dossiers", "200"])
            #expect(intoFolder.status == 64 && intoFolder.stderr.contains("--db \(folder) is a folder, not a database file"), "\(intoFolder.stderr)")
        }
    }
}
