#!/usr/bin/env bash
# chiso's benchmarks (issue 5; docs/performance.md), with ordo-one/benchmark in the separate
# package Benchmarks/ (built in release by the benchmark plugin).
#
#   scripts/bench.sh            CI size (about 50k events): run, check against the committed
#                               Benchmarks/Thresholds, print a summary. Exit 0 when within the
#                               thresholds (or better than them: it says so), 1 on a regression
#                               or a failure.
#   scripts/bench.sh --update   CI size: run and rewrite Benchmarks/Thresholds and
#                               Benchmarks/Ratios.json from this run (after an intended change;
#                               commit the files).
#   CHISO_BENCH_EVENTS=1000000 scripts/bench.sh --run
#                               any size: run and summary only, no threshold check.
#
# Environment for --run (see Benchmarks/Benchmarks/ChisoBenchmarks/Fixture.swift):
# CHISO_BENCH_EVENTS, CHISO_BENCH_EVENTS_PER_MONTH, CHISO_BENCH_SECONDS, CHISO_BENCH_BATCH. CHISO_BENCH_FILTER is a
# regular expression of benchmark names (e.g. 'Ingest|RawAppendBaseline').
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
package=${CHISO_BENCH_PACKAGE:-$root/Benchmarks}
mode=check
case "${1:-}" in
  "") ;;
  --update) mode=update ;;
  --run) mode=run ;;
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 64 ;;
esac
if [ "$mode" != run ]; then
  # Thresholds hold for the CI size only.
  unset CHISO_BENCH_EVENTS CHISO_BENCH_EVENTS_PER_MONTH CHISO_BENCH_SECONDS CHISO_BENCH_FILTER CHISO_BENCH_BATCH
fi

work=$(mktemp -d /tmp/chiso-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CHISO_BENCH_CACHE="$work/cache" CHISO_BENCH_RESULTS="$work/results.tsv"
filter=()
if [ -n "${CHISO_BENCH_FILTER:-}" ]; then filter=(--filter "$CHISO_BENCH_FILTER"); fi

cd "$package" || exit 1
started=$(date +%s)
echo "== chiso benchmarks ($mode, ${CHISO_BENCH_EVENTS:-50000} events requested) in $package"
echo "   machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), swift $(swift --version 2>/dev/null | head -1 | sed 's/.*version \([^ ]*\).*/\1/')"

# 1. Build (release) and run every benchmark once, storing the run as the baseline "bench".
if ! swift package --allow-writing-to-package-directory benchmark baseline update bench \
     --no-progress "${filter[@]}" >"$work/run.log" 2>&1; then
  grep -v '^\[' "$work/run.log" | tail -n 60
  echo "BENCH FAILED: the benchmarks did not build or run (full log above)"
  exit 1
fi
if grep -q "Failed to run\|failed with" "$work/run.log"; then
  grep -v '^\[' "$work/run.log" | tail -n 40
  echo "BENCH FAILED: a benchmark failed"
  exit 1
fi
ran=$(date +%s)

# 2. The package's tables for this run.
swift package benchmark baseline read bench --no-progress 2>&1 | grep -v '^\[' \
  | sed -n '/^ChisoBenchmarks$/,$p' | grep -v '^=*$'

# 3. The threshold check (exit 0: equal, 2: worse, 4: only better), or the update.
status=0
case "$mode" in
  check)
    # `swift package` turns the tool's exit codes (2 worse, 4 only better) into 1: read its verdict.
    swift package benchmark thresholds check bench --no-progress >"$work/check.log" 2>&1
    grep -v '^\[\|^Building\|^Build \|LD_PRELOAD\|runtime interposer\|^Checking \|^Reading thresholds' "$work/check.log" | cat -s
    if grep -q "is EQUAL to the defined thresholds" "$work/check.log"; then
      verdict="PASS: within the thresholds in Benchmarks/Thresholds"
    elif grep -q "is WORSE than the defined thresholds" "$work/check.log"; then
      verdict="FAIL: a gated metric regressed beyond its tolerance (see 'Deviations worse than threshold' above)"; status=1
    elif grep -q "is BETTER than the defined thresholds" "$work/check.log"; then
      verdict="PASS: better than the thresholds; run scripts/bench.sh --update and commit Benchmarks/Thresholds to lock the gain in"
    else
      verdict="FAIL: the threshold check did not run (log above)"; status=1
    fi
    ;;
  update)
    if swift package --allow-writing-to-package-directory benchmark thresholds update bench --no-progress >"$work/update.log" 2>&1; then
      verdict="UPDATED: Benchmarks/Thresholds rewritten from this run; review and commit them"
    else
      grep -v '^\[' "$work/update.log" | tail -n 20; verdict="FAIL: the thresholds could not be written"; status=1
    fi
    ;;
  run) verdict="RUN ONLY: no threshold check at this size" ;;
esac

# 4. The summary: exact numbers from this run (CHISO_BENCH_RESULTS), ratios and issue 5's targets.
python3 - "$CHISO_BENCH_RESULTS" "$mode" "$package/Ratios.json" <<'PY'
import sys, statistics, json
from collections import defaultdict
runs = defaultdict(lambda: defaultdict(list))
try:
    for line in open(sys.argv[1]):
        name, key, value = line.rstrip("\n").split("\t")
        runs[name][key].append(int(value))
except FileNotFoundError:
    print("no results recorded"); sys.exit(0)
def p(name, q=50, key="ns"):
    v = sorted(runs[name][key])
    return v[min(len(v) - 1, int(len(v) * q / 100))] / 1e9 if v else None
def has_cpu(name): return name in runs and len(runs[name]["cpuNs"]) > 0 and p(name, key="cpuNs") > 0
def events(name): return max(runs[name]["events"]) if runs[name]["events"] else 0
def peak(name, key="peakResidentBytes"): return max(runs[name][key]) / 2**20 if runs[name][key] else 0
print("\n== summary (p50 of the measured runs: wall clock, and CPU time of all threads)")
for name in ["Ingest", "RawAppendBaseline", "SnapshotCurrentMonth", "SnapshotRecompute", "Rank"]:
    if name not in runs: continue
    t = p(name); n = len(runs[name]["ns"])
    extra = f"  {events(name)/t:,.0f} events/s" if name in ("Ingest", "RawAppendBaseline") else ""
    if runs[name]["recordsRead"]: extra += f", {max(runs[name]['recordsRead']):,} stored records read back"
    cpu = f", CPU {p(name, key='cpuNs')*1000:.2f} ms" if has_cpu(name) else ""
    print(f"  {name:22} {t*1000:10.2f} ms  (p90 {p(name, 90)*1000:.2f} ms, {n} runs, {events(name):,} events, peak RSS {peak(name):.0f} MiB: anon {peak(name, 'anonymousResidentBytes'):.0f}, file {peak(name, 'fileResidentBytes'):.0f}{cpu}){extra}")
def target(label, ok, detail):
    print(f"  [{'met ' if ok else 'MISS'}] {label}: {detail}")
print("== issue 5 targets at this size")
if "Ingest" in runs and "RawAppendBaseline" in runs:
    r = p("RawAppendBaseline") / p("Ingest")
    target("ingest >= 0.6 x raw append", r >= 0.6, f"{r:.2f} x")
if "SnapshotCurrentMonth" in runs:
    t = p("SnapshotCurrentMonth") * 1000
    target("current-month province snapshot p50 < 5 ms", t < 5, f"{t:.2f} ms")
if "SnapshotCurrentMonth" in runs and "SnapshotRecompute" in runs:
    r = p("SnapshotRecompute") / p("SnapshotCurrentMonth")
    target("snapshot >= 1000 x faster than recompute (the target is at 1M events)", r >= 1000, f"{r:,.0f} x")
if "Ingest" in runs:
    m = peak("Ingest")
    target("ingest peak RSS < 150 MiB", m < 150, f"{m:.0f} MiB (VmHWM of the process; of it, at most {peak('Ingest', 'anonymousResidentBytes'):.0f} MiB anonymous and {peak('Ingest', 'fileResidentBytes'):.0f} MiB file-backed, mostly SQLite's mmap)")

# Ratios against the baselines measured in the same run: stable across machines of different
# speed, so they are the only gate on time (Benchmarks/Ratios.json, written by --update; the
# thresholds gate allocations and memory). "X over Y" is Y's time divided by X's: how fast X is
# next to Y; a regression of X lowers it. The CPU ratios (all threads, user and system, from
# getrusage) use the raw append as the machine's yardstick. Ratios on a shared 2-core machine
# move by up to ~30 % between runs, hence the wide floors (docs/performance.md "Thresholds").
mode, ratios_path = sys.argv[2], sys.argv[3]
ratios = {}
if "Ingest" in runs and "RawAppendBaseline" in runs:
    ratios["ingestOverRawAppend"] = round(p("RawAppendBaseline") / p("Ingest"), 4)
if "SnapshotCurrentMonth" in runs and "SnapshotRecompute" in runs:
    ratios["recomputeOverSnapshot"] = round(p("SnapshotRecompute") / p("SnapshotCurrentMonth"), 1)
if has_cpu("RawAppendBaseline"):
    for name, key in [("Ingest", "ingestOverRawAppendCPU"), ("SnapshotRecompute", "recomputeOverRawAppendCPU"),
                      ("Rank", "rankOverRawAppendCPU")]:
        if has_cpu(name):
            ratios[key] = round(p("RawAppendBaseline", key="cpuNs") / p(name, key="cpuNs"), 4)
floors = {"ingestOverRawAppend": 0.7, "recomputeOverSnapshot": 0.5,
          "ingestOverRawAppendCPU": 0.7, "recomputeOverRawAppendCPU": 0.6, "rankOverRawAppendCPU": 0.5}
if mode == "update" and ratios:
    json.dump(ratios, open(ratios_path, "w"), indent=2, sort_keys=True)
    print(f"== ratios recorded in {ratios_path}: {ratios}")
elif mode == "check":
    try:
        recorded = json.load(open(ratios_path))
    except FileNotFoundError:
        recorded = {}
    failed = False
    print("== ratios against the in-run baselines (gated: at least the recorded value x the floor)")
    for key, value in ratios.items():
        if key not in recorded: continue
        floor = recorded[key] * floors[key]
        ok = value >= floor
        failed |= not ok
        print(f"  [{'ok  ' if ok else 'FAIL'}] {key}: {value} (recorded {recorded[key]}, floor {floor:.4g})")
    if failed:
        sys.exit(3)
PY
ratio_status=$?
if [ "$mode" = check ] && [ "$ratio_status" -ne 0 ]; then
  verdict="FAIL: a ratio against its in-run baseline fell below its floor (see the ratios above)"; status=1
fi

finished=$(date +%s)
echo "== time: $((ran - started)) s build and run, $((finished - started)) s in all"
echo "$verdict"
exit $status
