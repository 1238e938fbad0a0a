#!/usr/bin/env bash
# Renders the printable monthly ranking report (chiso rank --format html) of a generated province
# to docs/report.png with headless Chromium.
#
#   scripts/render-report.sh            # from the repository root (or anywhere: it finds the root)
#
# Steps: build chiso; generate a province (seed 7, 60 units, 8000 dossiers, May–August 2026);
# ingest it into a temporary database; write the August 2026 ranking of H44's units as HTML;
# screenshot it at A4 proportions (1240 × 1754). Installs Debian's `chromium` with apt-get when
# it is missing (needs root). Set CHISO_SCRATCH to use another build folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scratch="${CHISO_SCRATCH:-$root/.build}"
swift build --scratch-path "$scratch" --product chiso >&2
chiso="$scratch/debug/chiso"

work="$(mktemp -d "${TMPDIR:-/tmp}/chiso-report.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$chiso" generate --seed 7 --units 60 --dossiers 8000 --from 2026-05-01 --to 2026-09-01 > "$work/province.jsonl"
"$chiso" ingest --db "$work/chiso.sqlite" "$work/province.jsonl" >&2
"$chiso" rank --db "$work/chiso.sqlite" --period 2026-08 --parent H44 --format html --output "$work/report.html"

if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium is missing: installing Debian's package" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
fi

mkdir -p docs
# Chromium talks a lot on standard error (D-Bus, GPU); keep it unless the screenshot fails.
if ! chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$root/docs/report.png" --window-size=1240,1754 "file://$work/report.html" \
    >"$work/chromium.log" 2>&1; then
    cat "$work/chromium.log" >&2
    echo "chromium failed to render the report" >&2
    exit 1
fi
echo "wrote docs/report.png" >&2
