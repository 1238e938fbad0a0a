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
            printError("Error: " + unknownCommand(arguments[1], commands: names))
            Self.exit(withError: ExitCode.validationFailure)
        }
        // A mistyped command name (`chiso snapshoot --unit H44`) is named as such; the parser would
        // blame the first option it does not know (`Unknown option '--unit'`).
        if let word = commandWord(arguments), word != "help", !names.contains(word) {
            printError("Error: " + unknownCommand(word, commands: names))
            Self.exit(withError: ExitCode.validationFailure)
        }
        if commandWord(arguments) == nil, let message = misplacedOption(arguments, commands: names) {
            printError("Error: " + message)
            Self.exit(withError: ExitCode.validationFailure)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // A mistyped option (`--unti H44`) is named as such; the parser would report the required
            // option it stands for as missing.
            if let word = commandWord(arguments), let type = configuration.subcommands.first(where: { $0._commandName == word }),
               let message = unknownOption(in: arguments, command: word, help: helpMessage(for: type, includeHidden: true),
                                           usage: usageString(for: type)) {
                printError(message)
                Self.exit(withError: ExitCode.validationFailure)
            }
            fail(error)
        }
        // `ingest` and `verify` exit 2 when they could not do their work, which includes writing
        // their answer; the others exit 1.
        let troubleCode = command is any ReportsTrouble ? ExitCode(2) : ExitCode.failure
        do {
            try command.run()
        } catch {
            // An answer cut short is said even when the command also failed or refused (an ingest that
            // rejected a line exited 1 without saying that its summary could not be written). For
            // `ingest` and `verify`, their own statuses (a rejected line, a difference) and usage
            // errors stand; any other error kept them from their work.
            let outputFailure = OutputFailure.ofStandardOutput()
            let kept = command is any ReportsTrouble && !(error is ExitCode) && exitCode(for: error) == .failure
            guard outputFailure != nil || kept else { fail(error) }
            if !(error is ExitCode) { printError(fullMessage(for: error)) }
            if let outputFailure { printError("Error: \(outputFailure)") }
            Self.exit(withError: troubleCode)
        }
        exitIfOutputFailed(code: troubleCode)
    }

    /// Exits with `code` and one sentence when what was printed could not all be written (`OutputFailure`).
    static func exitIfOutputFailed(code: ExitCode = .failure) {
        guard let failure = OutputFailure.ofStandardOutput() else { return }
        printError("Error: \(failure)")
        Self.exit(withError: code)
    }

    /// Exits on `error` as the parser would, but with its message shown as for people
    /// (`printError`): a message may quote an argument or a value from the data, whose control
    /// characters would otherwise reach the terminal (an audit: `--parent $'\e[2J'`). Help and
    /// `--version`, which are not failures, go to standard output, and fail only if they cannot be
    /// written there.
    static func fail(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            exitIfOutputFailed()
        } else if !message.isEmpty {
            printError(message)
        }
        Self.exit(withError: code)
    }
}

/// The first `--name` (or `--name=value`) of `arguments` that `command`'s help does not list, as the
/// parser would word it, with the closest listed name suggested; nil when every one is listed. Only
/// asked after the parser failed, so a name read wrongly from the help can only leave its message.
func unknownOption(in arguments: [String], command: String, help: String, usage: String) -> String? {
    let known = optionNames(inHelp: help).union(["--help"])
    for argument in arguments {
        if argument == "--" { break }
        guard argument.hasPrefix("--"), argument.count > 2 else { continue }
        let name = argument.firstIndex(of: "=").map { String(argument[..<$0]) } ?? argument
        guard !known.contains(name) else { continue }
        let close = known.map { (name: $0, distance: editDistance($0, name.lowercased())) }
            .filter { $0.distance <= 2 }
            .min { ($0.distance, $0.name) < ($1.distance, $1.name) }
        let suggestion = close.map { " Did you mean '\($0.name)'?" } ?? ""
        return "Error: Unknown option '\(name)'.\(suggestion)\nUsage: \(usage)\n  See 'chiso \(command) --help' for more information."
    }
    return nil
}

/// Every `--name` a help text mentions (its usage, its options and its examples).
func optionNames(inHelp help: String) -> Set<String> {
    let words = help.split { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")) }
    return Set(words.filter { $0.hasPrefix("--") && $0.dropFirst(2).first?.isLetter == true }.map(String.init))
}

/// The options interfaces.md calls global, which may come before the command's name.
let globalOptionNames: Set<String> = ["--db", "--profile", "--indicators"]

/// An option other than the global ones before the command's name (`chiso --db x --format json
/// status`), named with where it goes; nil when there is none, or no command name after it. The
/// parser would blame the first option it met at the top level, `--db`, which may come there.
func misplacedOption(_ arguments: [String], commands: [String]) -> String? {
    guard let i = afterGlobalOptions(arguments) else { return nil }
    let argument = arguments[i]
    guard argument.hasPrefix("-"), !["-h", "--help", "--version"].contains(argument),
          let command = arguments[(i + 1)...].first(where: commands.contains) else { return nil }
    let name = argument.firstIndex(of: "=").map { String(argument[..<$0]) } ?? argument
    return "\(name) must come after the command's name (chiso \(command) \(name) …); only --db, --profile and --indicators may come before it"
}

/// The word in the command's place: the first argument after any leading global options, unless it
/// is an option itself (`--help`, `--version`), which the parser answers.
func commandWord(_ arguments: [String]) -> String? {
    guard let i = afterGlobalOptions(arguments) else { return nil }
    return arguments[i].hasPrefix("-") ? nil : arguments[i]
}

/// The index of the first argument that is not a leading global option (`--db x`, `--db=x`) or its
/// value; nil when there is none.
func afterGlobalOptions(_ arguments: [String]) -> Int? {
    var i = 0
    while i < arguments.count {
        let argument = arguments[i]
        if globalOptionNames.contains(argument) {
            i += 2
        } else if globalOptionNames.contains(where: { argument.hasPrefix($0 + "=") }) {
            i += 1
        } else {
            return i
        }
    }
    return nil
}

/// "no command X; did you mean Y? the commands are …": a close name (one or two letters off, or
/// another case) is suggested.
func unknownCommand(_ word: String, commands: [String]) -> String {
    let close = commands.filter { $0 == word.lowercased() || editDistance($0, word.lowercased()) <= 2 }
    let suggestion = close.first.map { " (did you mean \($0)?)" } ?? ""
    return "no command \(word)\(suggestion); the commands are \(commands.joined(separator: ", ")) (chiso --help says what each does)"
}

/// The Levenshtein distance between two short words (command names).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// The options interfaces.md calls global (`--db`, `--profile`, and `--indicators` with them) may
/// come before the command's name: `chiso --db h44.sqlite status` is read as
/// `chiso status --db h44.sqlite`. Every command accepts them (those that read no database or
/// profile accept and ignore them). Anything else before the name is left for the parser to refuse.
func hoistingGlobalOptions(_ arguments: [String], commands: [String]) -> [String] {
    var hoisted: [String] = []
    var i = 0
    while i < arguments.count {
        let argument = arguments[i]
        if let equals = argument.firstIndex(of: "="), globalOptionNames.contains(String(argument[..<equals])) {
            hoisted.append(argument)
            i += 1
        } else if globalOptionNames.contains(argument), i + 1 < arguments.count {
            hoisted += [argument, arguments[i + 1]]
            i += 2
        } else {
            break
        }
    }
    guard !hoisted.isEmpty, i < arguments.count, commands.contains(arguments[i]) else { return arguments }
    return [arguments[i]] + hoisted + arguments[(i + 1)...]
}

/// A command whose exit status 1 says something about the data (`ingest`: a line was rejected;
/// `verify`: a difference). What kept it from doing its work (an input, the database, the profile or
/// the indicators that could not be read, an answer that could not be written) is status 2, as for
/// `diff` and `grep`, so that a script can tell the two apart.
protocol ReportsTrouble {}
