#!/usr/bin/env bash
# CPU time of `chiso ingest`'s writer thread and of its other threads (reading, computing), by
# sampling every thread at 1 kHz with `perf record`. The writer is ingest's critical path
# (docs/performance.md "Ingest", item 6), so its CPU is what a change to ingest should move.
#
# usage: scripts/thread-cpu.sh [BINARY] INPUT.jsonl [RUNS]
#   BINARY defaults to .build/release/chiso; each run ingests INPUT into a new scratch database.
#   With TIMELINE_MS=25 (say), each run also prints how busy each thread was in every 25 ms of the
#   run (percent of one core; the writer first), to see which thread waits for which and when the
#   cores are full (docs/performance.md "Ingest", items 15 and 17).
set -euo pipefail
if [ $# -ge 2 ] && [ -x "$1" ]; then binary=$1; shift; else binary=.build/release/chiso; fi
input=${1:?usage: scripts/thread-cpu.sh [BINARY] INPUT.jsonl [RUNS]}
runs=${2:-1}
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$runs"); do
  rm -f "$work"/t.db*
  perf record -q -F 1000 -o "$work/t.perf" "$binary" ingest --db "$work/t.db" "$input" >/dev/null 2>&1
  perf script -i "$work/t.perf" -F pid,tid 2>/dev/null | tr '/' ' ' \
    | awk '{ if ($1 == $2) w++; else o++ } END { printf "writer %d ms, other threads %d ms\n", w, o }'
  if [ -n "${TIMELINE_MS:-}" ]; then
    perf script -i "$work/t.perf" -F pid,tid,time 2>/dev/null | tr '/' ' ' | tr -d ':' | awk -v width="$TIMELINE_MS" '
      BEGIN { order[1] = "writer"; seen["writer"] = 1; n = 1 }
      { if (start == "") start = $3
        b = int(($3 - start) * 1000 / width); if (b > last) last = b
        t = ($1 == $2) ? "writer" : "thread " $2
        if (!(t in seen)) { seen[t] = 1; order[++n] = t }
        count[b, t]++ }
      END {
        printf "%8s", "ms"; for (k = 1; k <= n; k++) printf " %12s", order[k]; printf "\n"
        for (b = 0; b <= last; b++) {
          printf "%8d", b * width
          for (k = 1; k <= n; k++) printf " %11d%%", 100 * count[b, order[k]] / width
          printf "\n"
        } }'
  fi
done
