// The raw append's instructions, and the log's, measured exactly (docs/performance.md "Ingest",
// item 26). This machine has no hardware counters, so instructions are counted by callgrind:
//
//   gcc -O2 -o /tmp/append-floor scripts/append-floor.c -lsqlite3
//   valgrind --tool=callgrind /tmp/append-floor STREAM.jsonl /tmp/a.db        # the bare table
//   valgrind --tool=callgrind /tmp/append-floor STREAM.jsonl /tmp/b.db log    # the log, unique id
//
// It appends each line as Benchmarks/RawAppend.swift does (one prepared statement, one transaction,
// WAL, synchronous=FULL, an 8 MiB cache, no automatic checkpoint), taking the id from the line
// (`chiso generate` writes it first) and a constant type and instant. With `log`, the table is
// chiso's `events` (Sources/ChisoStore/Schema.swift) with its unique id; a repeated id is skipped.
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); if (!f) return 1;
  sqlite3 *db; if (sqlite3_open(argv[2], &db)) return 2;
  int log = argc > 3 && !strcmp(argv[3], "log");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=0;", 0, 0, 0);
  sqlite3_exec(db, log ? "CREATE TABLE events(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL, ingested_at INTEGER NOT NULL)"
                       : "CREATE TABLE events(id TEXT NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL)", 0, 0, 0);
  sqlite3_stmt *s;
  sqlite3_prepare_v2(db, log ? "INSERT INTO events(id, type, at, body, ingested_at) VALUES (?, ?, ?, ?, 0)" : "INSERT INTO events(id, type, at, body) VALUES (?, ?, ?, ?)", -1, &s, 0);
  sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
  char *line = 0; size_t cap = 0; ssize_t n; long rows = 0; char id[64];
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n-1] == '\n') n--;
    // the id: the value of "id" (the generator writes it first); pre-decoded in the benchmark
    char *p = strstr(line, "\"id\":\""); if (!p) continue; p += 6; char *q = strchr(p, '"');
    int len = q - p; memcpy(id, p, len); id[len] = 0;
    sqlite3_bind_text(s, 1, id, len, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, "dossier.received", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, 1780000000000000LL + rows);
    sqlite3_bind_text(s, 4, line, n, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) { /* a repeated id in the log: a duplicate */ }
    sqlite3_reset(s); rows++;
  }
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  sqlite3_finalize(s); sqlite3_close(db);
  printf("%ld rows\n", rows);
  return 0;
}
