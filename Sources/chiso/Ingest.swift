import ArgumentParser
import ChisoCore
import ChisoEngine
#if canImport(Glibc)
import Glibc
#endif

struct Ingest: ParsableCommand, ReportsTrouble {
    static let configuration = CommandConfiguration(
        abstract: "Append events (JSON Lines) to the log and bring every score up to date.",
        discussion: """
            Reads each FILE, or standard input for `-` or when no file is given. Lines are committed \
            in batches; a batch is also committed when the input pauses and once it is a second \
            old, so a live feed is durable within about a second of each line. The same event id \
            with the same body is a duplicate and changes nothing; a line that is not a valid event \
            is quarantined with its reason (see `chiso rejects`) and the rest still goes in.

            Exit status: 0 when no line was rejected, 1 when any was (the accepted ones stay committed), \
            2 when it could not do its work: an input, the database or the indicators could not be read, \
            or the database or the summary could not be written (what was committed before stays; \
            nothing is committed when an input cannot be opened).

            Example:
              $ chiso ingest events-2026-08.jsonl
              184513 accepted, 12 duplicates, 0 rejected
              $ tail -n +1 -F feed.jsonl | chiso ingest -    # a live feed, from its first line
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Argument(help: ArgumentHelp("Files of events, one JSON object per line; `-` for standard input.", valueName: "file"))
    var files: [String] = []

    @Flag(help: "Stop at the first rejected line; everything before it stays committed.")
    var strict = false

    @Option(parsing: .unconditional, help: "Events per transaction at most.")
    var batchSize: Int = IngestOptions.defaultBatchSize

    @Option(parsing: .unconditional, help: ArgumentHelp("Commit a batch once it is this many seconds old (0: only by size and idle input).", valueName: "seconds"))
    var batchSeconds: Double = Double(IngestOptions.defaultMaxBatchMilliseconds) / 1_000

    @Option(help: "Summary format: text or json ({\"accepted\": n, \"duplicates\": n, \"rejected\": n}).")
    var format: String = "text"

    @Flag(help: "Print every rejected line's reason on standard error (without it, the first 10).")
    var verbose = false

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard batchSeconds.isFinite else { throw ValidationError("--batch-seconds must be a number of seconds, e.g. 1 or 0.5; got \(batchSeconds)") }
        guard batchSeconds >= 0 else { throw ValidationError("--batch-seconds must be 0 or more") }
    }

    var ingestOptions: IngestOptions {
        var o = IngestOptions(batchSize: batchSize, strict: strict)
        // 0 means never; an age beyond what an Int64 of milliseconds holds (about 292 million years)
        // is never too.
        let milliseconds = batchSeconds * 1_000
        o.maxBatchMilliseconds = batchSeconds == 0 || milliseconds >= Double(Int64.max) ? .max : Int64(milliseconds)
        return o
    }

    func run() throws {
        var total = IngestSummary()
        let inputs = files.isEmpty ? ["-"] : files
        // Every file is opened before any line is committed, and before the database: one that
        // cannot be opened stops the ingest with nothing written, rather than after the files
        // before it, and a database that did not exist is not created for nothing.
        let sources = try inputs.map { file in
            do {
                return file == "-" ? LineSource(descriptor: 0, name: "stdin") : try LineSource.open(path: file)
            } catch {
                throw EngineError.badRequest("\(error); nothing was ingested")
            }
        }
        // The database given as input (`chiso ingest chiso.sqlite`) would fill the quarantine with
        // its pages, and be read while it is written.
        let database = [options.databasePath, options.databasePath + "-wal", options.databasePath + "-shm"].compactMap(FileIdentity.init(path:))
        for (file, source) in zip(inputs, sources) {
            if let input = FileIdentity(descriptor: source.descriptor), database.contains(input) {
                throw EngineError.badRequest("\(file == "-" ? "standard input" : file) is the database file itself (--db \(options.databasePath)); give the events in a file of their own, one JSON object per line, or another --db; nothing was ingested")
            }
        }
        let engine = try options.openEngine()
        let terminal = isatty(2) == 1
        // `chiso ingest` with no file reads standard input: on a terminal, say so rather than seem to hang.
        if inputs.contains("-"), isatty(0) == 1 {
            printError("reading events from standard input, one JSON object per line; end with Ctrl-D (or give a file: chiso ingest FILE)")
        }
        var rejectedShown = 0
        for (file, source) in zip(inputs, sources) {
            let started = systemNow()
            var notJSONLines = 0
            let summary = try engine.ingest(
                source, options: ingestOptions, clock: systemNow,
                onRejected: { r in
                    if verbose || rejectedShown < 10 { printError("rejected \(r.message)") }
                    rejectedShown += 1
                    if ["not-json", "not-object", "bom", "ends-mid-line", "invalid-utf8"].contains(r.rejection.code) { notJSONLines += 1 }
                },
                progress: { s in
                    guard terminal else { return }
                    let seconds = Double(systemNow().micros - started.micros) / 1e6
                    let rate = seconds > 0 ? Int(Double(s.lines) / seconds) : 0
                    var line = "\r\(file == "-" ? "stdin" : file): \(s.lines) lines, \(rate) events/s   "
                    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
                })
            if terminal { printError("") }
            // A file most of whose lines are not JSON objects is the wrong kind of file (a JSON array,
            // CSV): each line's reason says what is wrong with the line, this says what to do with the file.
            if notJSONLines > 0, notJSONLines * 2 > summary.lines {
                printError("note: \(notJSONLines) of the \(summary.lines) lines of \(source.name) are not JSON objects; chiso reads JSON Lines, one event object per line (convert a JSON array or a CSV file to that first, and decompress a compressed file; a file of counts is read by `chiso score --counts`)")
            }
            total.accepted += summary.accepted; total.duplicates += summary.duplicates
            total.rejected += summary.rejected; total.lines += summary.lines
            if format == "text" && inputs.count > 1 {
                printError("ingested \(source.name): \(summary.accepted) accepted, \(summary.duplicates) duplicates, \(summary.rejected) rejected")
            }
            if summary.stopped { total.stopped = true; break }
        }
        if engine.talliesInvalidated {
            printError("note: this calendar differs from the one the tallies were computed with; snapshots fold the records (exact, slower) until `chiso rebuild`")
        }
        if total.stopped {
            printError("stopped at the first rejected line (--strict); the lines after it were not read. Fix that line and ingest the file again: the lines already accepted count as duplicates")
        }
        if rejectedShown > 10 && !verbose { printError("… \(rejectedShown - 10) more rejections; see `chiso rejects`") }
        if format == "json" { print(total.json) } else if inputs.count > 1 {
            print("total: \(total.accepted) accepted, \(total.duplicates) duplicates, \(total.rejected) rejected")
        } else {
            print("\(total.accepted) accepted, \(total.duplicates) duplicates, \(total.rejected) rejected")
        }
        if total.rejected > 0 { throw ExitCode(1) }
    }
}

/// A file as the system knows it (device and inode), to tell whether two paths or descriptors are one file.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        (device, inode) = (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        (device, inode) = (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
