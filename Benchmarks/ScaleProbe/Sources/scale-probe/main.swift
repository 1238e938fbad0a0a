import ChisoCore
import ChisoEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The current-month province snapshot of `SnapshotCurrentMonth`, timed on an existing database (the
// large sizes of docs/performance.md, whose databases are made by `chiso ingest`; see
// scripts/scale-run.sh). Usage: scale-probe DB [RUNS] [PERIOD] [--recompute]
//   prints p50 and min of RUNS snapshots of H44 for PERIOD (default 2026-06) at now = 2026-07-01,
//   whether they came from the tallies, and with --recompute the fold of the whole log.

func nanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: scale-probe DB [RUNS] [PERIOD] [--recompute]")
    exit(64)
}
let runs = max(1, Int(args.count > 2 ? args[2] : "200") ?? 200)
let indicators = IndicatorSet(directory: nil)
let engine = try Engine(path: args[1], calendar: try indicators.calendar(), readOnly: true)
let profile = try indicators.profile(named: "dvcqg-2026")
let scorer = engine.scorer(profile: profile)
let window = try Window.parse(args.count > 3 && !args[3].hasPrefix("--") ? args[3] : "2026-06")
let now = Zone.vietnam.startOfDay(LocalDate(year: 2026, month: 7, day: 1))
var times: [UInt64] = []
var json = ""
var tallied = true
for _ in 0..<runs {
    let start = nanoseconds()
    let snapshot = try scorer.snapshot(unit: "H44", window: window, now: now)
    json = snapshot.json(zone: .vietnam)
    times.append(nanoseconds() - start)
    tallied = tallied && snapshot.fromTallies
}
times.sort()
print("snapshot p50 \(Double(times[times.count / 2]) / 1e6) ms, min \(Double(times[0]) / 1e6) ms, \(runs) runs, from tallies: \(tallied)")
if args.contains("--recompute") {
    let start = nanoseconds()
    let fold = try engine.foldLog()
    let fresh = Scorer(catalogue: fold.catalogue, calendar: engine.calendar, profile: profile, records: FoldedRecords(fold: fold))
    let again = try fresh.snapshot(unit: "H44", window: window, now: now)
    print("recompute \(Double(nanoseconds() - start) / 1e6) ms, same JSON: \(again.json(zone: .vietnam) == json)")
}
