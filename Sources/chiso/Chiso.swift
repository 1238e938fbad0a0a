import ArgumentParser

/// The `chiso` command: Vietnam's Decision 766 service-quality index (Bộ chỉ số 766), in real time.
@main
struct Chiso: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chiso",
        abstract: "Computes Vietnam's Decision 766 service-quality index in real time from one-stop events.",
        discussion: """
            chiso appends the lifecycle events of dossiers, petitions and the procedure catalogue to a \
            SQLite event log and keeps every unit's score current, so that a snapshot, a ranking or an \
            explanation is answered at once, for any unit and any period.

            Start with `chiso demo`. Feed events with `chiso ingest FILE`, read scores with \
            `chiso snapshot --unit H44 --period 2026-08`. The global options `--db`, `--profile` and \
            `--indicators` may come before or after the command's name.

            Example:
              $ chiso demo
              $ chiso generate --dossiers 20000 > h44.jsonl && chiso ingest h44.jsonl
              $ chiso snapshot --unit H44 --period 2026-08 --format table
            """,
        version: "0.1.0",
        subcommands: [
            Demo.self,
            Due.self,
            Ingest.self, SnapshotCommand.self, Score.self,
            Rank.self, Explain.self,
            Rejects.self, Status.self, Verify.self, Rebuild.self, Generate.self,
        ]
    )

    /// Runs the command line. `chiso help NAME` with a NAME that is no command is a usage error that
    /// lists the commands; the argument parser would print the top-level help and exit 0.
    static func main() {
        let names = configuration.subcommands.map { $0._commandName }
        let arguments = hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()), commands: names)
        if arguments.count >= 2, arguments[0] == "help", arguments[1] != "help", !arguments[1].hasPrefix("-"),
           !names.contains(arguments[1]) {
            printError("Error: no command \(arguments[1]); the commands are \(names.joined(separator: ", ")) (chiso --help says what each does)")
            Self.exit(withError: ExitCode.validationFailure)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            Self.exit(withError: error)
        }
    }
}

/// The options interfaces.md calls global (`--db`, `--profile`, and `--indicators` with them) may
/// come before the command's name: `chiso --db h44.sqlite status` is read as
/// `chiso status --db h44.sqlite`. Every command accepts them (those that read no database or
/// profile accept and ignore them). Anything else before the name is left for the parser to refuse.
func hoistingGlobalOptions(_ arguments: [String], commands: [String]) -> [String] {
    let globals: Set<String> = ["--db", "--profile", "--indicators"]
    var hoisted: [String] = []
    var i = 0
    while i < arguments.count {
        let argument = arguments[i]
        if let equals = argument.firstIndex(of: "="), globals.contains(String(argument[..<equals])) {
            hoisted.append(argument)
            i += 1
        } else if globals.contains(argument), i + 1 < arguments.count {
            hoisted += [argument, arguments[i + 1]]
            i += 2
        } else {
            break
        }
    }
    guard !hoisted.isEmpty, i < arguments.count, commands.contains(arguments[i]) else { return arguments }
    return [arguments[i]] + hoisted + arguments[(i + 1)...]
}
