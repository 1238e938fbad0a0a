#!/usr/bin/env python3
"""Where `chiso ingest` spends its CPU, by part, from a call-graph profile (docs/performance.md
"Ingest", "The budget, counted").

usage:
  perf record -F 999 --call-graph dwarf,16384 -o p.perf .build/release/chiso ingest --db t.db INPUT.jsonl
  perf script -i p.perf -F tid,pid,ip,sym > p.txt
  scripts/ingest-profile.py p.txt

Each sample of the writer thread (the process's main thread) goes to the first part below whose
function appears on its stack; samples of other threads go to the reading or the computing thread.
"""
import collections
import sys

PARTS = [  # (part, a substring of a mangled Swift or SQLite function name)
    ("append to the log", "EventB0C06append"),
    ("read an event back", "eventBody"),
    ("read a dossier back", "EventB0C7dossier4code"),
    ("read a petition back", "EventB0C8petition4code"),
    ("write dossier rows", "saveDossier"),
    ("write petition rows", "savePetition"),
    ("write unit-index rows", "indexUnit"),  # unindexUnit: a row removed on its own
    ("write unit-index rows", "moveIndexRows"),
    ("write procedure rows", "addDossierProcedures"),
    ("move tallies", "retally4from"),
    ("write tally cells", "flushTallies"),
    ("checkpoint", "sqlite3WalCheckpoint"),
    ("commit", "sqlite3VdbeHalt"),
    ("apply to dossiers", "withDossier"),
    ("apply to petitions", "withPetition"),
    ("apply catalogue events", "applyEffect"),
    ("batch upkeep (copies, dictionaries, releases)", "flushPending"),
    ("ingest marks", "flushIngestMarks"),
    ("accept", "accept"),
    ("ingest loop", "ingest_7options"),
]


def samples(path):
    """(is the writer thread, [frame names, innermost first]) for each sample."""
    writer, frames = None, None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if frames is not None:
                    yield writer, frames
                frames = None
            elif not line.startswith("\t"):
                pid, tid = line.split()[0].split("/")
                writer, frames = pid == tid, []
            elif frames is not None:
                parts = line.strip().split(None, 1)
                frames.append(parts[1] if len(parts) > 1 else "?")
    if frames is not None:
        yield writer, frames


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    counts = collections.Counter()
    for writer, frames in samples(sys.argv[1]):
        stack = " ".join(frames)
        if not writer:
            thread = "reading" if "LineReader" in stack else "computing" if "DossierWrites" in stack else "not attributed"
            counts["other thread: " + thread] += 1
            continue
        counts["writer: " + next((p for p, f in PARTS if f in stack), "other")] += 1
    total = sum(counts.values())
    for part, n in counts.most_common():
        print(f"{n:7d} {100 * n / total:5.1f}%  {part}")
    print(f"{total:7d} 100.0%  all")


if __name__ == "__main__":
    main()
