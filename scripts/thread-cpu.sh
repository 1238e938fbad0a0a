#!/usr/bin/env bash
# CPU time of `chiso ingest`'s writer thread and of its other threads (reading, computing), by
# sampling every thread at 1 kHz with `perf record`. The writer is ingest's critical path
# (docs/performance.md "Ingest", item 6), so its CPU is what a change to ingest should move.
#
# usage: scripts/thread-cpu.sh [BINARY] INPUT.jsonl [RUNS]
#   BINARY defaults to .build/release/chiso; each run ingests INPUT into a new scratch database.
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
done
