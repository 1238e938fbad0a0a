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
}
