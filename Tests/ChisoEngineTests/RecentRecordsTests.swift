import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// `RecentRecords` (docs/performance.md "Ingest", item 7): two generations, so the cache always holds
/// the most recent records put in, and never two copies of one record.
@Suite struct RecentRecordsTests {
    static func cached(_ code: String, key: Int64) -> CachedDossier {
        CachedDossier(key: key, indexedActivity: nil, indexedUnits: [], record: DossierRecord(code: code))
    }

    @Test func holdsTheLastGenerationToTwoGenerationsPutIn() {
        var recent = RecentRecords<DossierRecord>()
        recent.generation = 4
        for i in 0..<11 { recent.put("D\(i)", RecentRecordsTests.cached("D\(i)", key: Int64(i))) }
        // Generations: D0–D3 dropped, D4–D7 old, D8–D10 young.
        #expect(recent.count == 7)
        #expect((0..<4).allSatisfy { !recent.contains("D\($0)") })
        #expect((4..<11).allSatisfy { recent.contains("D\($0)") })
        // Emptying the cache wholesale, as before, would have kept only D8–D10.
        #expect(recent.take("D4")?.key == 4)
        #expect(!recent.contains("D4"))
        #expect(recent.take("D4") == nil)
    }

    /// Off by default (docs/performance.md "Ingest", item 9): the memory goes to larger batches.
    @Test func theDefaultCacheKeepsNothing() {
        var recent = RecentRecords<DossierRecord>()
        recent.put("A", RecentRecordsTests.cached("A", key: 1))
        #expect(recent.count == 0 && recent.take("A") == nil)
    }

    @Test func aRecordPutAgainKeepsOnlyItsNewestCopy() {
        var recent = RecentRecords<DossierRecord>()
        recent.generation = 2
        recent.put("A", RecentRecordsTests.cached("A", key: 1))
        recent.put("B", RecentRecordsTests.cached("B", key: 2))
        recent.put("C", RecentRecordsTests.cached("C", key: 3)) // A and B become the old generation
        recent.put("A", RecentRecordsTests.cached("A", key: 10)) // the old copy must go
        #expect(recent.count == 3)
        #expect(recent.take("A")?.key == 10)
        #expect(recent.take("A") == nil)
        // Putting a record the young generation already holds does not turn it over.
        recent.put("C", RecentRecordsTests.cached("C", key: 30))
        #expect(recent.contains("B") && recent.take("C")?.key == 30)
    }

    /// A batch writes and caches its records in the order they were first touched, not in a
    /// dictionary's order (which differs between dictionaries and between runs): the same input gives
    /// the same records read back and the same procedure ordinals. The benchmark gates `recordsRead`.
    @Test func theSameInputReadsTheSameRecordsBack() throws {
        let lines = PropertyTests().randomStream(seed: 77, span: 45, dossiers: 120)
        var reads: [Int] = [], ordinals: [[String: Int32]] = []
        for _ in 0..<4 {
            let engine = try openEngine()
            engine.pending.recentDossiers.generation = 7
            engine.pending.recentPetitions.generation = 3
            var offset = 0, size = 5
            while offset < lines.count {
                try ingest(engine, Array(lines[offset..<min(offset + 60, lines.count)]), batchSize: size)
                offset += 60; size = size % 23 + 4
            }
            reads.append(engine.recordsRead)
            ordinals.append(engine.tallies.ordinals)
        }
        #expect(reads[0] > 0)
        #expect(reads.allSatisfy { $0 == reads[0] }, "\(reads)")
        #expect(ordinals.allSatisfy { $0 == ordinals[0] })
    }
}
