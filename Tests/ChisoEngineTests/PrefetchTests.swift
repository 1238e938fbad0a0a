import Testing
@testable import ChisoCore
@testable import ChisoEngine
import ChisoStore

/// Stored dossiers read ahead on the reading thread (`DossierPrefetcher`, docs/performance.md
/// "Ingest", item 12) are used only while the store still holds what was read, and change nothing.
@Suite struct PrefetchTests {
    /// Every row of the dossiers table, the status counters and a snapshot of every period.
    static func state(_ engine: Engine) throws -> [String] {
        var out: [String] = []
        let rows = try engine.store.db.makeStatement("SELECT key, code, activity, open, hex(record) FROM dossiers ORDER BY key")
        while try rows.step() { out.append((0..<5).map { rows.text(at: $0) ?? "" }.joined(separator: " ")) }
        let c = try engine.store.counts()
        out.append("\(c.events) \(c.dossiers) \(c.openDossiers) \(c.petitions)")
        for period in ["2026-07", "2026-08", "2026-09", "2026-Q3"] {
            out.append(try snapshot(engine, period: period).json(zone: .vietnam))
        }
        return out
    }

    /// The same stream, in the same pieces and batches, with and without reading ahead: pieces of one
    /// batch each, whose stored dossiers the reading thread can read before the writer needs them, and
    /// pieces of many small batches, where most of what it read goes stale at the first commit.
    @Test(arguments: [UInt64(61), 62, 63])
    func readingAheadChangesNothing(seed: UInt64) throws {
        let lines = PropertyTests().randomStream(seed: seed, span: 45, dossiers: 120)
        var states: [[String]] = []
        var prefetched = 0
        for readAhead in [false, true] {
            let engine = try openEngine()
            engine.prefetchesRecords = readAhead
            var offset = 0, piece = 0
            while offset < lines.count {
                let size = piece % 2 == 0 ? 40 : 90
                try ingest(engine, Array(lines[offset..<min(offset + size, lines.count)]), batchSize: piece % 2 == 0 ? 1_000 : 4)
                offset += size
                piece += 1
            }
            if readAhead { prefetched = engine.recordsPrefetched } else { #expect(engine.recordsPrefetched == 0) }
            states.append(try PrefetchTests.state(engine))
            #expect(try engine.verify(profile: defaultProfile(), now: instant("2027-06-01T00:00:00+07:00")).isClean)
        }
        #expect(prefetched > 0, "no stored dossier was taken from the reading thread")
        #expect(states[0] == states[1])
    }

    /// On a store with no dossier (a new database's first batch) the reading thread says so once
    /// instead of looking every code up; once a dossier is committed it looks them up again, and a
    /// code it did not read is not answered.
    @Test func aStoreWithoutDossiersIsAnsweredWithoutLookUps() throws {
        let path = temporaryDatabase()
        let engine = try openEngine(path)
        let lines = PropertyTests().randomStream(seed: 64, span: 20, dossiers: 10)
        func parsed(_ lines: [String]) -> [ParsedLine] {
            lines.enumerated().map { n, line in
                ParsedLine(range: 0..<0, number: n + 1, prepared: Array(line.utf8).withUnsafeBytes {
                    Engine.prepare($0, endsWithoutNewline: false, decoder: engine.decoder)
                })
            }
        }
        let codes = Set(parsed(lines).compactMap { line -> String? in
            if case .success(let event)? = line.prepared, case .dossier(let code, _, _) = event.body { return code }
            return nil
        })
        let code = try #require(codes.first)
        let prefetcher = try #require(DossierPrefetcher(path: path))
        let before = try #require(prefetcher.prefetch(parsed(lines)))
        #expect(before.storeHadNoDossiers)
        #expect(before.records.isEmpty)
        #expect(PrefetchTests.answer(before.dossier(code, at: before.serial)) == "absent")
        #expect(PrefetchTests.answer(before.dossier(code, at: (before.serial ?? 0) + 1)) == "not read", "read at another commit")

        try ingest(engine, lines)
        let after = try #require(prefetcher.prefetch(parsed(lines)))
        #expect(!after.storeHadNoDossiers)
        #expect(after.records.count == codes.count)
        #expect(PrefetchTests.answer(after.dossier(code, at: after.serial)) == "stored")
        #expect(PrefetchTests.answer(after.dossier("no such dossier", at: after.serial)) == "not read")
    }

    static func answer(_ found: StoredDossier??) -> String {
        switch found {
        case nil: return "not read"
        case .some(nil): return "absent"
        case .some(.some): return "stored"
        }
    }
}
