#!/usr/bin/env python3
"""Draws docs/performance-scale.svg from docs/performance-scale.tsv (issue 5's chart).

The TSV holds one row per size of the benchmark's workload, measured by hand as docs/performance.md
says: stored events, ingest events/s, current-month province snapshot p50 (ms), peak RSS (MB).
Two panels share the x axis (stored events, millions): ingest rate, and snapshot time with the
5 ms target and the 1.5 x (1M) bound. Plain SVG, no plotting library.

    python3 scripts/perf-chart.py [docs/performance-scale.tsv] [docs/performance-scale.svg]
"""
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "docs/performance-scale.tsv"
out = sys.argv[2] if len(sys.argv) > 2 else "docs/performance-scale.svg"
rows = []
for line in open(src, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    events, rate, snap_ms, rss = line.split("\t")[:4]
    rows.append((int(events), float(rate), float(snap_ms), float(rss)))
rows.sort()

W, H = 720, 580
left, right, panel_h = 80, 30, 190
top1, top2 = 70, 330
xmax = max(r[0] for r in rows) * 1.05


def x(v):
    return left + (W - left - right) * v / xmax


def nice(v):
    """The smallest of 1, 2, 2.5, 5 × a power of ten that is at least v."""
    p = 10 ** len(str(int(v))) / 10 if v >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if m * p >= v:
            return m * p
    return 10 * p


def panel(top, values, vmax, label, unit, colour, marks=()):
    vmax = nice(vmax)
    decimals = 0 if vmax >= 20 else 1
    def y(v):
        return top + panel_h - panel_h * v / vmax
    s = [f'<text x="{left}" y="{top - 12}" font-size="14" font-weight="bold">{label}</text>']
    s.append(f'<line x1="{left}" y1="{top + panel_h}" x2="{W - right}" y2="{top + panel_h}" stroke="#444"/>')
    s.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + panel_h}" stroke="#444"/>')
    for i in range(5):
        v = vmax * i / 4
        s.append(f'<line x1="{left - 4}" y1="{y(v):.1f}" x2="{W - right}" y2="{y(v):.1f}" stroke="#ddd"/>')
        s.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end">{v:,.{decimals}f}{unit}</text>')
    for k, (value, text, dash) in enumerate(marks):
        s.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{W - right}" y2="{y(value):.1f}" stroke="#c0392b" stroke-dasharray="{dash}"/>')
        # The first label at the left, the next at the right, so that near lines do not overprint.
        tx, anchor = (left + 6, "start") if k % 2 == 0 else (W - right - 4, "end")
        s.append(f'<text x="{tx}" y="{y(value) - 5:.1f}" font-size="11" fill="#c0392b" text-anchor="{anchor}">{text}</text>')
    pts = " ".join(f"{x(e):.1f},{y(v):.1f}" for e, v in values)
    s.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for e, v in values:
        s.append(f'<circle cx="{x(e):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"/>')
        s.append(f'<text x="{x(e):.1f}" y="{y(v) - 9:.1f}" font-size="11" text-anchor="middle">{v:,.{2 if v < 20 else 0}f}</text>')
    return s


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       '<text x="20" y="24" font-size="16" font-weight="bold">chiso against stored events (generated province, 200k events a month)</text>']
rate_max = max(r[1] for r in rows) * 1.25
svg += panel(top1, [(r[0], r[1]) for r in rows], rate_max, "Ingest, events/s with every score maintained (accepted ÷ CPU time)", "", "#2c6fbb")
snap_max = max(max(r[2] for r in rows) * 1.3, 6)
first = rows[0][2]
svg += panel(top2, [(r[0], r[2]) for r in rows], snap_max, "Current-month province snapshot, p50 ms", "",
             "#27864a", marks=((5, "target 5 ms", "6,4"), (first * 1.5, "1.5 × the 1M time", "2,3")))
for e, *_ in rows:
    svg.append(f'<text x="{x(e):.1f}" y="{top2 + panel_h + 18}" font-size="11" text-anchor="middle">{e / 1e6:.1f}M</text>')
svg.append(f'<text x="{(left + W - right) / 2}" y="{H - 8}" font-size="12" text-anchor="middle">stored events</text>')
svg.append("</svg>")
open(out, "w", encoding="utf-8").write("\n".join(svg) + "\n")
print(f"wrote {out} from {len(rows)} sizes")
