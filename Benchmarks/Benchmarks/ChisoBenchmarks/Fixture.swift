import Benchmark
import ChisoCore
import ChisoEngine
import ChisoWorkload
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The size and shape of the benchmark workload, from the environment (docs/performance.md).
///
/// - `CHISO_BENCH_EVENTS`: about how many events the generated stream holds (default 50 000,
///   the CI size; 1000000 or 10000000 by hand).
/// - `CHISO_BENCH_EVENTS_PER_MONTH`: the province's activity (default 200 000 events a month).
///   The stream spans max(2, ⌈events ÷ this⌉) whole months ending 2026-07-01, so a larger N
///   means a longer history at the same activity, and the current month holds about as many
///   events at 1M as at 10M.
/// - `CHISO_BENCH_BATCH`: events per transaction of both ingest benchmarks (default
///   `IngestOptions.defaultBatchSize`, as `chiso ingest`); the raw append uses the same size.
/// - `CHISO_BENCH_SECONDS`: how long each benchmark may repeat its measured run (default: each
///   benchmark's own; at least one run is always made).
/// - `CHISO_BENCH_CACHE`: a folder in which the generated stream and the pre-filled database are
///   made once and shared by the benchmarks (each benchmark runs in a process of its own);
///   scripts/bench.sh makes a fresh one per run. Unset: each process makes its own in /tmp.
struct BenchSettings: Sendable {
    var events: Int
    var eventsPerMonth: Int
    var months: Int
    var seconds: Int?
    var batchSize: Int
    var seed: UInt64 = 5
    var units = 150
    var root = "H44"
    /// Exclusive end of the data: local midnight starting 2026-07-01.
    var to = LocalDate(year: 2026, month: 7, day: 1)

    static let current = BenchSettings()

    init() {
        events = max(1_000, environmentInt("CHISO_BENCH_EVENTS") ?? 50_000)
        eventsPerMonth = max(1_000, environmentInt("CHISO_BENCH_EVENTS_PER_MONTH") ?? 200_000)
        months = max(2, (events + eventsPerMonth - 1) / eventsPerMonth)
        seconds = environmentInt("CHISO_BENCH_SECONDS")
        batchSize = max(1, environmentInt("CHISO_BENCH_BATCH") ?? IngestOptions.defaultBatchSize)
    }

    var from: LocalDate { to.adding(months: -months) }

    /// The generator's options, with the dossier count chosen so the stream holds about `events` lines.
    var workload: WorkloadOptions {
        var options = WorkloadOptions(seed: seed, units: units, dossiers: 0, from: from, to: to, rootCode: root)
        let catalogueLines = WorkloadGenerator(options: options).estimatedEventCount()
        options.dossiers = Int(Double(max(0, events - catalogueLines)) / 4.75)
        return options
    }

    /// The "current" month: the last month of the generated data.
    var currentMonth: Window {
        Window.containing(date: to.adding(days: -1), kind: .month, zone: .vietnam)
    }

    /// `now` (as with `--as-of`): the end of the generated data.
    var now: Instant { Zone.vietnam.startOfDay(to) }

    /// A name for files that depend on the workload's shape.
    var key: String { "s\(seed)-e\(events)-m\(months)-u\(units)" }

    /// How long a benchmark repeats its run: CHISO_BENCH_SECONDS, else `defaultSeconds`.
    func maxDuration(_ defaultSeconds: Int) -> Duration { .seconds(seconds ?? defaultSeconds) }
}

func environmentInt(_ name: String) -> Int? {
    guard let value = getenv(name) else { return nil }
    return Int(String(cString: value).filter { $0 != "_" })
}

/// A benchmark setup that failed; the message says what to check.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Files shared by the benchmarks of one run: the generated JSON Lines and a database pre-filled
/// with them. Each is made once (written to a temporary name, then renamed) and reused.
enum Fixture {
    /// The folder for shared files: `CHISO_BENCH_CACHE`, else a new folder in /tmp for this process.
    static let folder: String = {
        if let value = getenv("CHISO_BENCH_CACHE") {
            let path = String(cString: value)
            mkdir(path, 0o755)
            return path
        }
        var template = Array("/tmp/chiso-bench-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
            return String(cString: base)
        }
    }()

    static func path(_ name: String) -> String { folder + "/" + name }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Removes a database file and its WAL and shared-memory files.
    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// The generated stream as a JSON Lines file, made on first use; returns its path and line count.
    static func workloadFile(_ settings: BenchSettings) throws -> (path: String, lines: Int) {
        let path = self.path("workload-\(settings.key).jsonl")
        if exists(path) { return (path, try countLines(path)) }
        let temporary = path + ".partial-\(getpid())"
        guard let file = fopen(temporary, "w") else {
            throw BenchError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var generator = WorkloadGenerator(options: settings.workload)
        var lines = 0
        var failed = false
        generator.generate { line in
            var text = line
            text.append("\n")
            text.withUTF8 { bytes in
                if fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { failed = true }
            }
            lines += 1
        }
        if fclose(file) != 0 || failed {
            unlink(temporary)
            throw BenchError("writing \(temporary) failed (disk full?)")
        }
        guard rename(temporary, path) == 0 else { throw BenchError("cannot rename \(temporary) to \(path)") }
        return (path, lines)
    }

    static func countLines(_ path: String) throws -> Int {
        guard let file = fopen(path, "r") else { throw BenchError("cannot read \(path)") }
        defer { fclose(file) }
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            for i in 0..<n where buffer[i] == 0x0A { count += 1 }
        }
        return count
    }

    /// The reference working calendar and the default profile built into chiso.
    static func indicators() throws -> (calendar: WorkingCalendar, profile: Profile) {
        let set = IndicatorSet(directory: nil)
        return (try set.calendar(), try set.profile(named: "dvcqg-2026"))
    }

    /// Ingests the workload file into a new database at `path` with every state maintained, in
    /// batches of `batchSize` as `chiso ingest` does. Batches are never cut by age here, so that
    /// the raw append's batches are exactly the same.
    @discardableResult
    /// Ingests `file` into `path` with the benchmark's batch size; also gives the stored records the
    /// engine read back (`Engine.recordsRead`).
    static func ingest(file: String, into path: String, calendar: WorkingCalendar) throws -> (summary: IngestSummary, recordsRead: Int) {
        let engine = try Engine(path: path, calendar: calendar)
        let source = try LineSource.open(path: file)
        var options = IngestOptions(batchSize: BenchSettings.current.batchSize)
        options.maxBatchMilliseconds = .max
        let summary = try engine.ingest(source, options: options, clock: { wallClockNow() },
                                        progress: { _ in ResultLog.sampleResident() })
        return (summary, engine.recordsRead)
    }

    /// A database holding the whole workload, made on first use (snapshot, recompute, rank).
    static func prefilledDatabase(_ settings: BenchSettings, calendar: WorkingCalendar) throws -> String {
        let path = self.path("prefilled-\(settings.key).sqlite")
        if exists(path) { return path }
        let (file, _) = try workloadFile(settings)
        let temporary = path + ".partial-\(getpid())"
        removeDatabase(temporary)
        do {
            let engine = try Engine(path: temporary, calendar: calendar)
            let summary = try engine.ingest(try LineSource.open(path: file), options: IngestOptions(batchSize: BenchSettings.current.batchSize),
                                            clock: { wallClockNow() })
            guard summary.rejected == 0 else {
                throw BenchError("the generated workload had \(summary.rejected) rejected lines; run `chiso rejects --db \(temporary)`")
            }
            try engine.store.db.checkpoint(.truncate)
        }
        guard rename(temporary, path) == 0 else { throw BenchError("cannot rename \(temporary) to \(path)") }
        unlink(temporary + "-wal")
        unlink(temporary + "-shm")
        return path
    }

    /// A fresh, unused database path in the shared folder.
    static func scratchDatabase(_ label: String) -> String {
        let path = self.path("\(label)-\(getpid()).sqlite")
        removeDatabase(path)
        return path
    }
}

/// The system clock, as `chiso ingest` uses it for `ingestedAt`.
func wallClockNow() -> Instant {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Instant(micros: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
}

/// A monotonic clock in nanoseconds, for the events-per-second metrics.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the whole process (all threads, user and system) in nanoseconds, from
/// `getrusage`: microsecond resolution, where the package's `cpuTotal` counts 10 ms ticks.
func processCPUNanoseconds() -> UInt64 {
    var usage = rusage()
    #if canImport(Glibc)
    let process = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    let process = RUSAGE_SELF
    #endif
    guard getrusage(process, &usage) == 0 else { return 0 }
    let micros = (Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec)) * 1_000_000
        + Int(usage.ru_utime.tv_usec) + Int(usage.ru_stime.tv_usec)
    return UInt64(max(0, micros)) * 1_000
}

/// Raw per-run numbers for scripts/bench.sh's summary (ratios need exact values; the package's
/// own tables are rounded): lines of `benchmark<TAB>key<TAB>value` appended to the file named by
/// `CHISO_BENCH_RESULTS`, for measured runs only (not warm-up runs). Nothing when unset.
enum ResultLog {
    static let path: String? = getenv("CHISO_BENCH_RESULTS").map { String(cString: $0) }

    static func record(_ benchmark: Benchmark, _ values: [(String, Int)]) {
        guard let path, benchmark.currentIteration >= benchmark.configuration.warmupIterations,
              let file = fopen(path, "a") else { return }
        defer { fclose(file) }
        for (key, value) in values {
            fputs("\(benchmark.name)\t\(key)\t\(value)\n", file)
        }
    }

    /// Resets the process's peak resident set to its current size (Linux: `5` to /proc/self/clear_refs),
    /// so the peak seen after a run is that run's, not the setup's.
    static func resetPeakResident() {
        sampled = (0, 0)
        guard let file = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", file)
        fclose(file)
    }

    /// The process's peak resident set (VmHWM in /proc/self/status), in bytes; 0 where unknown.
    static func peakResidentBytes() -> Int { statusField("VmHWM:") }

    /// The largest anonymous and file-backed resident sizes seen by `sampleResident` since `resetPeakResident`.
    nonisolated(unsafe) static var sampled = (anonymous: 0, file: 0)

    /// Notes the resident sizes now (called after each ingest batch, while the engine is open).
    static func sampleResident() {
        sampled = (max(sampled.anonymous, anonymousResidentBytes()), max(sampled.file, fileResidentBytes()))
    }

    /// Resident anonymous memory (heap, stacks) now, in bytes.
    static func anonymousResidentBytes() -> Int { statusField("RssAnon:") }

    /// Resident file-backed memory now (SQLite's memory-mapped database file, code), in bytes.
    static func fileResidentBytes() -> Int { statusField("RssFile:") }

    /// A `kB` field of /proc/self/status, in bytes; 0 where unknown.
    static func statusField(_ name: String) -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(name) {
                return (Int(text.dropFirst(name.count).filter { $0.isNumber }) ?? 0) * 1_024
            }
        }
        return 0
    }
}
