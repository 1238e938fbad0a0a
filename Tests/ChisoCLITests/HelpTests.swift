import Foundation
import Testing

extension ChisoCLI {
    /// interfaces.md: `--help` on every command, with an example. The help text is part of the
    /// product, so it is compared with reviewed snapshots in `__Snapshots__/<command>.txt`
    /// (`chiso.txt` for `chiso --help`). `CHISO_UPDATE_SNAPSHOTS=1` (re)writes them.
    @Suite struct Help {
        static let snapshotFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__")
        static var updating: Bool { ProcessInfo.processInfo.environment["CHISO_UPDATE_SNAPSHOTS"] == "1" }

        /// The subcommands listed under SUBCOMMANDS in `chiso --help` (ArgumentParser's layout:
        /// two spaces, the name, then two or more spaces and the abstract, or the end of the line
        /// when the name is long; wrapped abstracts are indented further).
        static func subcommands(inRootHelp text: String) -> [String] {
            var names: [String] = []
            var inSection = false
            for line in text.components(separatedBy: "\n") {
                if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
                guard inSection else { continue }
                if let first = line.first, first != " " { break }     // the next section
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
                let rest = line.dropFirst(2)
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
                guard let start = name.first, start.isLowercase else { continue }
                let after = rest.dropFirst(name.count)
                if after.isEmpty || after.hasPrefix("  ") || after.hasPrefix(" (default)") { names.append(String(name)) }
            }
            return names
        }

        static func rootHelp() throws -> String {
            let root = try runChiso(["--help"])
            try #require(root.status == 0, "chiso --help: \(root.stderr)")
            return root.stdout
        }

        /// `chiso help NAME` for a NAME that is no command says so and lists the commands (the
        /// argument parser alone printed the top-level help and exited 0).
        @Test func helpForAnUnknownCommandIsAUsageError() throws {
            let bogus = try runChiso(["help", "serve"])
            #expect(bogus.status == 64 && bogus.stdout.isEmpty)
            #expect(bogus.stderr.hasPrefix("Error: no command serve; the commands are demo, due, ingest, snapshot"), "\(bogus.stderr)")
            let known = try runChiso(["help", "rank"])
            #expect(known.status == 0 && known.stdout.hasPrefix("OVERVIEW: Rank units"))
            // Options after `help` are the parser's to read, as before.
            let flag = try runChiso(["help", "--help"])
            #expect(flag.status == 0 && !flag.stderr.contains("no command"), "\(flag.status): \(flag.stderr)")
        }

        /// A mistyped command name is named as such, with the close one suggested, not blamed on the
        /// first option the parser does not know (`Unknown option '--unit'`).
        @Test func aMistypedCommandIsNamed() throws {
            for (arguments, word, suggestion) in [
                (["snapshoot", "--unit", "H44", "--period", "2026-08"], "snapshoot", " (did you mean snapshot?)"),
                (["--db", "x.sqlite", "Rank", "--period", "2026-08"], "Rank", " (did you mean rank?)"),
                (["ingset", "h44.jsonl"], "ingset", " (did you mean ingest?)"),
                (["h44.jsonl"], "h44.jsonl", ""),
            ] {
                let run = try runChiso(arguments)
                #expect(run.status == 64 && run.stdout.isEmpty, "\(arguments): \(run.status)")
                #expect(run.stderr.hasPrefix("Error: no command \(word)\(suggestion); the commands are demo, due, ingest"), "\(arguments): \(run.stderr)")
            }
            // The options the parser answers before any command are still its own.
            #expect(try runChiso(["--version"]).status == 0)
        }

        /// A mistyped option is named, with the close one suggested, not reported as the required
        /// option it stands for being missing; a missing option that is not mistyped stays the parser's.
        @Test func aMistypedOptionIsNamed() throws {
            for (arguments, option, suggestion) in [
                (["snapshot", "--unti", "H44", "--period", "2026-08"], "--unti", " Did you mean '--unit'?"),
                (["--db", "x.sqlite", "snapshot", "--unit", "H44", "--perod=2026-08"], "--perod", " Did you mean '--period'?"),
                (["due", "--unit", "H44", "--withn", "2d"], "--withn", " Did you mean '--within'?"),
                (["rank", "--period", "2026-08", "--zzzzzz"], "--zzzzzz", ""),
            ] {
                let run = try runChiso(arguments)
                #expect(run.status == 64 && run.stdout.isEmpty, "\(arguments): \(run.status)")
                #expect(run.stderr.hasPrefix("Error: Unknown option '\(option)'.\(suggestion)\nUsage: chiso \(arguments.first { !$0.hasPrefix("-") && $0 != "x.sqlite" } ?? "")"),
                        "\(arguments): \(run.stderr)")
            }
            // An option that belongs to the command, given before its name, is named as misplaced; the
            // parser blamed `--db`, which may come there.
            for arguments in [["--db", "x.sqlite", "--format", "json", "status"], ["--format=json", "status"]] {
                let run = try runChiso(arguments)
                #expect(run.status == 64 && run.stdout.isEmpty
                        && run.stderr == "Error: --format must come after the command's name (chiso status --format …); only --db, --profile and --indicators may come before it\n",
                        "\(arguments): \(run.status) \(run.stderr)")
            }
            let missing = try runChiso(["snapshot", "--period", "2026-08"])
            #expect(missing.status == 64 && missing.stderr.hasPrefix("Error: Missing expected argument '--unit <code>'"), "\(missing.stderr)")
        }

        @Test func theCommandListIsReadFromTheRootHelp() throws {
            let commands = Self.subcommands(inRootHelp: try Self.rootHelp())
            // The commands of today; rank, due, demo and explain join them.
            for name in ["ingest", "snapshot", "score", "rejects", "status", "verify", "rebuild", "generate"] {
                #expect(commands.contains(name), "chiso --help does not list \(name): \(commands)")
            }
            #expect(!commands.contains("help"))
            #expect(Set(commands).count == commands.count)
        }

        @Test func helpTextsMatchTheirSnapshots() throws {
            let root = try Self.rootHelp()
            var texts: [(name: String, text: String)] = [("chiso", root)]
            for command in Self.subcommands(inRootHelp: root) {
                let help = try runChiso([command, "--help"])
                #expect(help.status == 0 && help.stderr.isEmpty, "chiso \(command) --help: status \(help.status), \(help.stderr)")
                // `chiso help <command>` is the same text.
                let viaHelp = try runChiso(["help", command])
                #expect(viaHelp.stdout == help.stdout, "chiso help \(command) differs from chiso \(command) --help")
                texts.append((command, help.stdout))
            }

            let fm = FileManager.default
            if Self.updating { try fm.createDirectory(at: Self.snapshotFolder, withIntermediateDirectories: true) }
            for (name, text) in texts {
                let file = Self.snapshotFolder.appendingPathComponent("\(name).txt")
                let shown = name == "chiso" ? "chiso --help" : "chiso \(name) --help"
                if Self.updating {
                    try text.write(to: file, atomically: true, encoding: .utf8)
                    continue
                }
                guard let stored = try? String(contentsOf: file, encoding: .utf8) else {
                    Issue.record("`\(shown)` has no snapshot \(file.path); run with CHISO_UPDATE_SNAPSHOTS=1 to write it, then review it")
                    continue
                }
                if stored != text {
                    Issue.record("""
                        `\(shown)` differs from \(file.lastPathComponent) (- snapshot, + now); if the change is intended, \
                        run with CHISO_UPDATE_SNAPSHOTS=1 and review the files:
                        \(lineDiff(expected: stored, actual: text))
                        """)
                }
            }

            // A snapshot of a command that no longer exists is stale.
            let current = Set(texts.map { "\($0.name).txt" })
            let files = (try? fm.contentsOfDirectory(atPath: Self.snapshotFolder.path)) ?? []
            for stale in files where stale.hasSuffix(".txt") && !current.contains(stale) {
                if Self.updating {
                    try fm.removeItem(at: Self.snapshotFolder.appendingPathComponent(stale))
                } else {
                    Issue.record("__Snapshots__/\(stale) belongs to no command of `chiso --help`; run with CHISO_UPDATE_SNAPSHOTS=1 to remove it")
                }
            }
        }

        /// COMMON2.md 6: every command's help has an example that runs that command.
        @Test func everyCommandsHelpHasAnExample() throws {
            for command in Self.subcommands(inRootHelp: try Self.rootHelp()) {
                let lines = try runChiso([command, "--help"]).stdout.components(separatedBy: "\n")
                guard let heading = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Example") }) else {
                    Issue.record("chiso \(command) --help has no Example section")
                    continue
                }
                let usage = lines.firstIndex { $0.hasPrefix("USAGE:") } ?? lines.count
                let example = lines[heading..<max(heading, usage)]
                #expect(example.contains { $0.contains("chiso \(command)") },
                        "the example in chiso \(command) --help does not run chiso \(command)")
            }
        }
    }

    /// interfaces.md: exit status 0 when no line was rejected, non-zero when any was; errors are
    /// one clear sentence on standard error; a stack trace is a bug.
    @Suite struct ExitStatusAndMessages {
        /// Line 3 has a level that does not exist; line 5 is blank (not counted); line 6 repeats line 1.
        static let fileWithOneBadLine = [
            EventLine.province[0],
            EventLine.province[1],
            EventLine.unit("u9", "H44.09", parent: "H44", level: "galaxy"),
            EventLine.province[2],
            "",
            EventLine.province[0],
        ].joined(separator: "\n") + "\n"

        @Test func aBadLineIsNamedAndTheGoodLinesStayCommitted() throws {
            let dir = temporaryFolder()
            let file = dir.appendingPathComponent("bad.jsonl")
            try Self.fileWithOneBadLine.write(to: file, atomically: true, encoding: .utf8)
            let db = dir.appendingPathComponent("t.sqlite").path
            let run = try runChiso(["ingest", file.path, "--db", db])
            #expect(!run.killedBySignal && run.status == 1)
            // u0, u1, u2 accepted; the repeated u0 a duplicate; u9 rejected.
            #expect(run.stdout == "3 accepted, 1 duplicates, 1 rejected\n")
            #expect(run.stderr.contains("\(file.path):3: "), "stderr does not name file:line: \(run.stderr)")
            #expect(run.stderr.contains("galaxy"), "stderr does not give the reason: \(run.stderr)")
            let log = try LogReader(path: db).log().map(\.id)
            #expect(log == ["u0", "u1", "u2"])
        }

        @Test func theJSONSummaryIsExactlyOneObject() throws {
            let dir = temporaryFolder()
            let file = dir.appendingPathComponent("bad.jsonl")
            try Self.fileWithOneBadLine.write(to: file, atomically: true, encoding: .utf8)
            let db = dir.appendingPathComponent("t.sqlite").path
            let first = try runChiso(["ingest", file.path, "--db", db, "--format", "json"])
            #expect(first.status == 1)
            #expect(first.stdout == #"{"accepted": 3, "duplicates": 1, "rejected": 1}"# + "\n")
            // Again: the four good lines are duplicates now, the bad one is still rejected.
            let again = try runChiso(["ingest", file.path, "--db", db, "--format", "json"])
            #expect(again.status == 1)
            #expect(again.stdout == #"{"accepted": 0, "duplicates": 4, "rejected": 1}"# + "\n")
            // A clean file exits 0.
            let clean = try runChiso(["ingest", "-", "--db", db, "--format", "json"],
                                     input: EventLine.province[3] + "\n")
            #expect(clean.status == 0)
            #expect(clean.stdout == #"{"accepted": 1, "duplicates": 0, "rejected": 0}"# + "\n")
        }

        /// 2099-01 has not begun (details.md: a future period is an error); 2026-13 is no month.
        @Test(arguments: ["2099-01", "2026-13"])
        func aBadPeriodIsOneSentence(period: String) throws {
            let db = try provinceDatabase()
            let run = try runChiso(["snapshot", "--unit", "H44", "--period", period, "--db", db])
            expectOneSentenceError(run, naming: period)
            // A period not written as one is a usage error, like any bad option; one that has not begun
            // is an answer about the data (details.md 17).
            #expect(run.status == (period == "2026-13" ? 64 : 1), "\(period): \(run.status)")
        }

        /// details.md 17: the message of a period not begun says whether now or --as-of set E, since an
        /// --as-of after now counts as now and "a later --as-of" would not help then.
        @Test func aPeriodNotBegunSaysWhatSetTheInstant() throws {
            let db = try provinceDatabase()
            let future = try runChiso(["snapshot", "--unit", "H44", "--period", "2099-01", "--as-of", "2099-02-01", "--db", db])
            expectOneSentenceError(future, naming: "2099-01")
            #expect(future.stderr.contains("period 2099-01 starts 2099-01-01T00:00:00+07:00, and it is now "))
            #expect(future.stderr.contains("an --as-of after now counts as now"))
            for command in [["snapshot", "--unit", "H44"], ["explain", "--unit", "H44"], ["rank"]] {
                let early = try runChiso(command + ["--period", "2026-09", "--as-of", "2026-08-15", "--db", db])
                expectOneSentenceError(early, naming: "2026-09")
                #expect(early.stderr.contains("period 2026-09 starts 2026-09-01T00:00:00+07:00, not before --as-of 2026-08-15T00:00:00+07:00"), "\(command): \(early.stderr)")
                #expect(early.status == 1)
            }
            // A period that has not begun by now: a later --as-of cannot help, so it is not suggested.
            let both = try runChiso(["snapshot", "--unit", "H44", "--period", "2099-01", "--as-of", "2026-08-15", "--db", db])
            expectOneSentenceError(both, naming: "2099-01")
            #expect(both.stderr.contains("and it is now ") && !both.stderr.contains("later --as-of"), "\(both.stderr)")
        }

        /// Output that cannot be written (a full disk; here /dev/full) is an error, not a cut-off answer
        /// with exit 0: the generator's stream, a ranking (written in one piece), a snapshot (`print`),
        /// and help and the version, which the argument parser prints.
        @Test func anOutputThatCannotBeWrittenIsAnError() throws {
            guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
            let db = try provinceDatabase()
            for arguments in [["generate", "--dossiers", "50"], ["rank", "--db", db, "--period", "2026-08"],
                              ["snapshot", "--db", db, "--unit", "H44", "--period", "2026-08"], ["status", "--help"], ["--version"]] {
                let run = try runChisoInShell(#""$0" "$@" > /dev/full"#, arguments)
                #expect(run.status == 1 && run.stderr.hasPrefix("Error: could not write the output to standard output (No space left on device)"),
                        "\(arguments): \(run.status) \(run.stderr)")
            }
            // `ingest` and `verify` exit 2 for it (their 1 is about the data), also when a line was
            // rejected: that ingest exited 1 and did not say its summary was lost.
            let input = temporaryFolder().appendingPathComponent("one-bad.jsonl")
            try (EventLine.province[0] + "\nnot json\n").write(to: input, atomically: true, encoding: .utf8)
            for arguments in [["verify", "--db", db], ["ingest", "--db", db, input.path]] {
                let run = try runChisoInShell(#""$0" "$@" > /dev/full"#, arguments)
                #expect(run.status == 2 && run.stderr.contains("Error: could not write the output to standard output (No space left on device)"),
                        "\(arguments): \(run.status) \(run.stderr)")
            }
        }

        /// A missing input is one sentence and exit status 2, which a script tells apart from 1 (lines
        /// rejected, the rest committed); the database is not created for nothing (an audit: a later
        /// command with the same mistyped --db then no longer said it did not exist).
        @Test func aMissingInputFileIsOneSentence() throws {
            let dir = temporaryFolder()
            let missing = dir.appendingPathComponent("no-such-file.jsonl").path
            let db = dir.appendingPathComponent("t.sqlite").path
            let run = try runChiso(["ingest", missing, "--db", db])
            expectOneSentenceError(run, naming: missing)
            #expect(run.status == 2)
            #expect(!FileManager.default.fileExists(atPath: db))
        }

        /// The database given as the input (`chiso ingest chiso.sqlite`, or on standard input) is
        /// refused before a line is read: it filled the quarantine with its pages (an audit).
        @Test func theDatabaseItselfIsNotAnInput() throws {
            let db = try provinceDatabase()
            let byName = try runChiso(["ingest", db, "--db", db])
            expectOneSentenceError(byName, naming: "\(db) is the database file itself")
            #expect(byName.status == 2)
            let byStdin = try runChisoInShell(#""$0" ingest - --db "$1" < "$1""#, [db])
            #expect(byStdin.status == 2 && byStdin.stderr.contains("standard input is the database file itself"), "\(byStdin.stderr)")
            let status = try runChiso(["status", "--db", db, "--format", "json"])
            #expect(status.stdout.contains(#""rejected": 0"#), "\(status.stdout)")
        }

        /// A missing file among several stops the ingest before anything is committed, rather than
        /// after the files before it with no summary.
        @Test func aMissingFileAmongSeveralIngestsNothing() throws {
            let dir = temporaryFolder()
            let good = dir.appendingPathComponent("good.jsonl")
            try (EventLine.province.joined(separator: "\n") + "\n").write(to: good, atomically: true, encoding: .utf8)
            let missing = dir.appendingPathComponent("no-such-file.jsonl").path
            let db = dir.appendingPathComponent("t.sqlite").path
            let run = try runChiso(["ingest", good.path, missing, good.path, "--db", db])
            expectOneSentenceError(run, naming: missing)
            #expect(run.stderr.contains("nothing was ingested"))
            #expect(!FileManager.default.fileExists(atPath: db))
            // Into a database that exists: its log is as it was.
            let existing = try provinceDatabase()
            let before = try LogReader(path: existing).log().count
            let again = try runChiso(["ingest", good.path, missing, "--db", existing])
            #expect(again.status == 2 && again.stderr.contains("nothing was ingested"))
            #expect(try LogReader(path: existing).log().count == before)
        }

        /// A folder among the files is found when the files are opened, before any is ingested.
        @Test func aFolderAmongTheFilesStopsTheIngestBeforeAnyLine() throws {
            let dir = temporaryFolder()
            let good = dir.appendingPathComponent("good.jsonl")
            try (EventLine.province.joined(separator: "\n") + "\n").write(to: good, atomically: true, encoding: .utf8)
            let db = dir.appendingPathComponent("t.sqlite").path
            let run = try runChiso(["ingest", good.path, dir.path, "--db", db])
            expectOneSentenceError(run, naming: "\(dir.path) is a folder")
            #expect(run.stderr.contains("nothing was ingested"))
            #expect(run.status == 2)
            #expect(!FileManager.default.fileExists(atPath: db))
        }

        /// A file that is not a database, or a folder, given as --db: one sentence saying what to do.
        @Test func aDatabaseThatIsNotOneIsOneSentence() throws {
            let dir = temporaryFolder()
            let text = dir.appendingPathComponent("notes.txt")
            try String(repeating: "not a database\n", count: 400).write(to: text, atomically: true, encoding: .utf8)
            expectOneSentenceError(try runChiso(["status", "--db", text.path]), naming: "is not a chiso database")
            expectOneSentenceError(try runChiso(["status", "--db", dir.path]), naming: "is a folder")
            // A device such as /dev/null: named as no place for a database, not SQLite's I/O error at commit.
            for command in [["status"], ["ingest", text.path]] {
                let device = try runChiso(command + ["--db", "/dev/null"])
                expectOneSentenceError(device, naming: "/dev/null is not a regular file")
                #expect(!device.stderr.contains("SQLite"), "\(device.stderr)")
            }
            // A profile path that is a folder is named as such, not reported as empty JSON.
            let db = dir.appendingPathComponent("t.sqlite").path
            expectOneSentenceError(try runChiso(["snapshot", "--unit", "H44", "--period", "2026-08", "--db", db, "--profile", dir.path]),
                                   naming: "is a folder, not a file")
            // A bad --as-of is a usage error of the command that was given, with that command's usage.
            for command in ["snapshot", "rank", "explain", "due"] {
                var arguments = [command, "--db", db, "--as-of", "yesterday"]
                if command != "rank" { arguments += ["--unit", "H44"] }
                if command != "due" { arguments += ["--period", "2026-08"] }
                let bad = try runChiso(arguments)
                #expect(bad.status == 64 && bad.stderr.contains("--as-of yesterday is not a timestamp")
                        && bad.stderr.contains("chiso \(command) --help"), "\(command): \(bad.status) \(bad.stderr)")
            }
            // An instant outside the years 0000–9999 in the engine's zone is refused, as in an event
            // (`due` printed such an E as "10000-01-0 T06:5").
            let province = try provinceDatabase()
            for asOf in ["9999-12-31T23:59:59Z", "0000-01-01T00:00:00+08:00"] {
                let far = try runChiso(["due", "--db", province, "--unit", "H44", "--as-of", asOf])
                expectOneSentenceError(far, naming: "--as-of \(asOf) falls in the year \(asOf.hasPrefix("9") ? "10000" : "-1") in the engine's time zone")
                #expect(far.status == 64, "\(far.status)")
            }
            // A timestamp without its offset, the usual slip, is named as such.
            let noOffset = try runChiso(["snapshot", "--db", db, "--unit", "H44", "--period", "2026-08", "--as-of", "2026-08-15T10:00:00"])
            #expect(noOffset.status == 64 && noOffset.stderr.contains("--as-of 2026-08-15T10:00:00 has no offset; add one, e.g. 2026-08-15T10:00:00+07:00"),
                    "\(noOffset.stderr)")
            // An empty --db is a usage error (64) that says what to give.
            let empty = try runChiso(["status", "--db", ""])
            #expect(empty.status == 64 && empty.stderr.contains("--db must name a file"), "\(empty.status): \(empty.stderr)")
            // An error that quotes an argument shows its control characters as pictures (it printed the ESC).
            for arguments in [["rank", "--db", province, "--period", "2026-08", "--parent", "X\u{1B}[2J"],
                              ["explain", "--db", province, "--unit", "H44", "--period", "2026-08", "--component", "9\u{1B}[2J"]] {
                let quoted = try runChiso(arguments)
                #expect(quoted.status != 0 && quoted.stderr.contains("\u{241B}[2J") && !quoted.stderr.contains("\u{1B}"), "\(arguments): \(quoted.stderr)")
            }
            // Also where it is ignored (score, generate): an empty value is a slip in a script all the same.
            for arguments in [["score", "--counts", "c.json", "--db", ""], ["generate", "--db", ""], ["generate", "--profile", ""]] {
                let ignored = try runChiso(arguments)
                #expect(ignored.status == 64 && ignored.stdout.isEmpty && ignored.stderr.contains("must name a"), "\(arguments): \(ignored.status) \(ignored.stderr)")
            }
            // So are an empty --indicators and --profile, for score as for the commands that read a database.
            for arguments in [["score", "--counts", "c.json"], ["snapshot", "--db", db, "--unit", "H44", "--period", "2026-08"]] {
                let noFolder = try runChiso(arguments + ["--indicators", ""])
                #expect(noFolder.status == 64 && noFolder.stderr.contains("--indicators must name a folder"), "\(arguments): \(noFolder.stderr)")
                let noProfile = try runChiso(arguments + ["--profile", ""])
                #expect(noProfile.status == 64 && noProfile.stderr.contains("--profile must name a profile"), "\(arguments): \(noProfile.stderr)")
            }
        }

        /// Non-zero exit, nothing on standard output, one line on standard error that names what was
        /// wrong, and no trace of a crash.
        func expectOneSentenceError(_ run: Child, naming subject: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(!run.killedBySignal && run.status != 0, "\(run.command): status \(run.status)", sourceLocation: sourceLocation)
            #expect(run.stdout.isEmpty, "\(run.command) printed on stdout: \(run.stdout)", sourceLocation: sourceLocation)
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count == 1, "\(run.command): stderr is not one line: \(run.stderr)", sourceLocation: sourceLocation)
            #expect(run.stderr.contains(subject), "\(run.command): stderr does not name \(subject): \(run.stderr)", sourceLocation: sourceLocation)
            for crash in ["Fatal error", "Stack dump", "Current stack trace", "backtrace", "Thread 0", "0x0000"] {
                #expect(!run.stderr.contains(crash), "\(run.command): stderr shows a crash: \(run.stderr)", sourceLocation: sourceLocation)
            }
        }
    }
}
