#!/usr/bin/env bash
# The large sizes of docs/performance.md, by hand: for each size, generate the benchmark's workload
# shape (seed 5, 150 units, ~200k events a month, ending 2026-07-01), ingest it with the release
# build under /usr/bin/time, and time the current-month province snapshot in-process
# (Benchmarks/ScaleProbe, a package of its own). Appends a line per size to $CHISO_SCALE_DIR/results.txt.
#
#   scripts/scale-run.sh                      1M 2M 5M 10M (about 15 min and 8 GB of disk here)
#   scripts/scale-run.sh 1000000 2000000      chosen sizes
#
# Keep the databases with CHISO_SCALE_KEEP=1 (they are removed after each size otherwise).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${CHISO_SCALE_DIR:-/tmp/chiso-scale}
mkdir -p "$dir"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000000 2000000 5000000 10000000)
(cd "$root" && swift build -c release --product chiso >/dev/null)
(cd "$root/Benchmarks/ScaleProbe" && swift build -c release >/dev/null)
chiso="$root/.build/release/chiso"
probe="$root/Benchmarks/ScaleProbe/.build/release/scale-probe"
for n in "${sizes[@]}"; do
  months=$(( (n + 199999) / 200000 )); [ $months -ge 2 ] || months=2
  from=$(python3 -c "y, m = 2026, 7 - $months
while m <= 0: m += 12; y -= 1
print(f'{y:04d}-{m:02d}-01')")
  dossiers=$(( (n - 700) * 100 / 475 ))
  db="$dir/e$n.sqlite"; rm -f "$db" "$db-wal" "$db-shm"
  "$chiso" generate --seed 5 --units 150 --dossiers $dossiers --from "$from" --to 2026-07-01 > "$dir/e$n.jsonl"
  /usr/bin/time -v "$chiso" ingest --db "$db" "$dir/e$n.jsonl" > "$dir/ingest$n.log" 2>&1
  rm -f "$dir/e$n.jsonl"
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$dir/ingest$n.log")
  echo "N=$n from=$from $(grep accepted "$dir/ingest$n.log") | wall $(awk '/Elapsed/ {print $NF}' "$dir/ingest$n.log") cpu ${cpu}s maxRSS $(awk '/Maximum resident/ {print $NF}' "$dir/ingest$n.log") KB | $("$probe" "$db" 200)" | tee -a "$dir/results.txt"
  [ "${CHISO_SCALE_KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
done
