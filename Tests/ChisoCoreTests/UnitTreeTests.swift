import Testing
@testable import ChisoCore

/// The unit tree as of E (details.md 12): parent cycles are cut at the repeated unit as the tree is
/// folded, so the declaration or merge that would close a cycle leaves its unit a root.
@Suite struct UnitTreeTests {
    func view(_ lines: [(id: String, unit: String, parent: String?, at: String)], merges: [(unit: String, into: String, at: String)] = []) throws -> CatalogueView {
        let decoder = EventDecoder(zone: .vietnam)
        var events: [Event] = try lines.map { l in
            let p = l.parent.map { "\"\($0)\"" } ?? "null"
            return try decoder.decode(JSONParser.parse(#"{"id":"\#(l.id)","type":"unit.declared","at":"\#(l.at)T00:00:00+07:00","unit":"\#(l.unit)","name":"\#(l.unit)","parent":\#(p),"level":"commune"}"#))
        }
        for (i, m) in merges.enumerated() {
            events.append(try decoder.decode(JSONParser.parse(#"{"id":"m\#(i)","type":"unit.merged","at":"\#(m.at)T00:00:00+07:00","unit":"\#(m.unit)","into":"\#(m.into)"}"#)))
        }
        return Catalogue(events: events).asOf(.distantFuture)
    }

    @Test func aUnitThatIsItsOwnParentIsARoot() throws {
        let v = try view([("u1", "A", "A", "2026-01-01")])
        #expect(v.roots == ["A"])
        #expect(v.root(of: "A") == "A")
        #expect(v.subtree(of: "A") == ["A"])
    }

    /// A names B as its parent before B exists; B's declaration under A would close the cycle, so B is
    /// the root, from wherever the tree is walked.
    @Test func theDeclarationThatClosesACycleLeavesItsUnitARoot() throws {
        let v = try view([("u1", "A", "B", "2026-01-01"), ("u2", "B", "A", "2026-01-02")])
        #expect(v.roots == ["B"])
        #expect(v.root(of: "A") == "B" && v.root(of: "B") == "B")
        #expect(v.subtree(of: "B") == ["B", "A"] && v.subtree(of: "A") == ["A"])
    }

    /// A re-declaration that would put the root under its own grandchild keeps the tree as it was,
    /// with the re-declared unit a root; the tree before it is unchanged.
    @Test func aReDeclarationUnderADescendantIsCut() throws {
        let lines: [(id: String, unit: String, parent: String?, at: String)] = [
            ("u1", "A", nil, "2026-01-01"), ("u2", "B", "A", "2026-01-01"), ("u3", "C", "B", "2026-01-01"), ("u4", "A", "C", "2026-03-01"),
        ]
        let v = try view(lines)
        #expect(v.roots == ["A"])
        #expect(v.subtree(of: "A") == ["A", "B", "C"])
        #expect(["A", "B", "C"].allSatisfy { v.root(of: $0) == "A" })
    }

    /// A merge into a unit of its own subtree would close a cycle too: the merged unit is cut loose.
    @Test func aMergeIntoADescendantIsCut() throws {
        let v = try view([("u1", "A", nil, "2026-01-01"), ("u2", "B", "A", "2026-01-01")], merges: [("A", "B", "2026-02-01")])
        #expect(v.root(of: "B") == "A")
        #expect(v.units["A"]?.parent == nil)
        #expect(v.units["A"]?.mergedInto == "B")
    }

    /// A code never declared is no one's child (details.md 12), so its merge is no link of the tree,
    /// and a later merge or declaration through it closes no cycle: X, undeclared, is merged into D;
    /// D is then merged into X, and X declared under H: D is H's, through X.
    @Test func aMergeOfACodeNeverDeclaredClosesNoCycle() throws {
        let v = try view([("u0", "H", nil, "2026-06-01"), ("u1", "D", "H", "2026-06-01"), ("u2", "X", "H", "2026-08-10")],
                         merges: [("X", "D", "2026-07-04"), ("D", "X", "2026-08-02")])
        #expect(v.roots == ["H"])
        #expect(v.units["D"]?.parent == "X")
        #expect(v.subtree(of: "H") == ["H", "X", "D"])
        // C1 is declared under the never-declared P, P merged into C2, C2 declared under C1.
        let w = try view([("u1", "C1", "P", "2026-06-01"), ("u2", "C2", "C1", "2026-07-12")], merges: [("P", "C2", "2026-07-04")])
        #expect(w.roots == ["C1"])
        #expect(w.subtree(of: "C1") == ["C1", "C2"])
    }

    /// Unit codes are read in NFC wherever an event names a unit (`UnitCode`, docs/decisions.md), so
    /// that SQLite, which keys by bytes, and Swift's strings agree on which unit it is; dossier codes
    /// and ids keep their code points (details.md 3).
    @Test func unitCodesAreReadInNFCAndOtherCodesAsSent() throws {
        let nfd = "Xe\u{301}", nfc = Array("X\u{E9}".utf8)
        let decoder = EventDecoder(zone: .vietnam)
        func decode(_ fields: String) throws -> Event {
            try decoder.decode(JSONParser.parse(#"{"id":"\#(nfd)","at":"2026-08-03T09:00:00+07:00",\#(fields)}"#))
        }
        func units(_ e: Event) -> [[UInt8]] {
            switch e.body {
            case .unitDeclared(let u, _, let p, _): return [Array(u.utf8), Array((p ?? "").utf8)]
            case .unitMerged(let u, let into): return [Array(u.utf8), Array(into.utf8)]
            case .unitService(let u, _), .procedureAnnounced(_, let u, _, _), .procedurePublished(_, let u): return [Array(u.utf8)]
            case .procedureDeclared(let d): return [Array(d.unit.utf8)] + d.authority.map { Array($0.utf8) }
            case .dossier(_, let u, .transferred(let to)), .petition(_, let u, .transferred(let to)): return [Array(u.utf8), Array(to.utf8)]
            case .dossier(_, let u, _), .petition(_, let u, _): return [Array(u.utf8)]
            case .retracted: return []
            }
        }
        let events = [
            #""type":"unit.declared","unit":"\#(nfd)","name":"x","parent":"\#(nfd)","level":"commune""#,
            #""type":"unit.merged","unit":"\#(nfd)","into":"\#(nfd)""#,
            #""type":"unit.service","unit":"\#(nfd)","eCertifiedCopy":true"#,
            #""type":"procedure.declared","procedure":"P1","name":"p","unit":"\#(nfd)","authority":["\#(nfd)"],"onlineLevel":"full","feeBearing":false"#,
            #""type":"procedure.announced","procedure":"P1","unit":"\#(nfd)","decidedAt":"2026-08-01","effectiveAt":"2026-08-10""#,
            #""type":"procedure.published","procedure":"P1","unit":"\#(nfd)""#,
            #""type":"dossier.transferred","dossier":"\#(nfd)","unit":"\#(nfd)","to":"\#(nfd)""#,
            #""type":"petition.transferred","petition":"K1","unit":"\#(nfd)","to":"\#(nfd)""#,
        ]
        for fields in events {
            let e = try decode(fields)
            #expect(!units(e).isEmpty && units(e).allSatisfy { $0 == nfc }, "\(fields)")
            #expect(e.id.utf8.elementsEqual(nfd.utf8), "an id keeps its code points")
        }
        if case .dossier(let code, _, _) = try decode(events[6]).body {
            #expect(code.utf8.elementsEqual(nfd.utf8), "a dossier code keeps its code points")
        } else {
            Issue.record("not a dossier event")
        }
        #expect(UnitCode.normalized("H44.101") == "H44.101")
    }
}
