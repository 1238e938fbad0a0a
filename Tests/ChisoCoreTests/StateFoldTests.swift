import Testing
@testable import ChisoCore

/// `StateFold`, the from-scratch fold behind `chiso verify` and `chiso rebuild` (details.md 7).
@Suite struct StateFoldTests {
    func events(_ lines: [String]) throws -> [Event] {
        let decoder = EventDecoder(zone: .vietnam)
        return try lines.map { try decoder.decode(JSONParser.parse($0)) }
    }

    func retraction(_ id: String, _ target: String) -> String {
        #"{"id":"\#(id)","type":"event.retracted","at":"2026-10-01T00:00:00+07:00","target":"\#(target)"}"#
    }

    static let receipt = #"{"id":"d1","type":"dossier.received","at":"2026-08-03T09:00:00+07:00","unit":"H44","dossier":"D1","procedure":"P1","channel":"online"}"#

    /// r1 retracts d1, r2 retracts r1, … rN stands: d1 is void exactly when N is odd. A chain far
    /// deeper than a thread's stack is walked without recursion (it once crashed verify at ~50 000).
    @Test(arguments: [1, 2, 64, 65, 200_000, 200_001])
    func retractionChains(length: Int) throws {
        var lines = [StateFoldTests.receipt, retraction("r1", "d1")]
        if length > 1 { for k in 2...length { lines.append(retraction("r\(k)", "r\(k - 1)")) } }
        let fold = StateFold(events: try events(lines))
        #expect(fold.void.contains("d1") == (length % 2 == 1))
        #expect((fold.dossiers["D1"] == nil) == (length % 2 == 1))
        #expect(!fold.void.contains(EventID("r\(length)")))
    }

    /// A cycle of retractions is treated as not void and touches nothing else; a retraction of a
    /// cycle member from outside still voids it.
    @Test func cyclesAreNotVoid() throws {
        let fold = StateFold(events: try events([StateFoldTests.receipt, retraction("a", "b"), retraction("b", "a")]))
        #expect(!fold.void.contains("d1"))
        #expect(fold.dossiers["D1"]?.entries.count == 1)
        let outside = StateFold(events: try events([StateFoldTests.receipt, retraction("a", "d1"), retraction("b", "a"), retraction("c", "b"), retraction("x", "c")]))
        // x voids c, so b stands, so a is void, so d1 stands.
        #expect(outside.void == ["c", "a"])
    }

    /// details.md 3 and 7: "é" (U+00E9) and "e + ◌́" are two ids; retracting one leaves the other.
    @Test func aRetractionVoidsOnlyTheIdWithItsCodePoints() throws {
        let precomposed = "\u{E9}", decomposed = "e\u{301}"
        let end = { (id: String) in #"{"id":"\#(id)","type":"dossier.finished","at":"2026-08-04T09:00:00+07:00","unit":"H44","dossier":"D1","outcome":"approved"}"# }
        let fold = StateFold(events: try events([StateFoldTests.receipt, end(precomposed), end(decomposed), retraction("x", precomposed)]))
        #expect(fold.void == [EventID(precomposed)])
        #expect(fold.dossiers["D1"]?.entries.map { Array($0.id.utf8) } == [Array("d1".utf8), Array(decomposed.utf8)])
    }
}
