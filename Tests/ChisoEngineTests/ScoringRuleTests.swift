import Foundation
import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// One test per rule of indicators.md and details.md, on small hand-built streams.
/// Calendar facts used below: 2026-08-01 is a Saturday, so Mon 3 … Fri 7, Mon 10 … Fri 14 August are
/// working days; P1 takes 5 working days, so a dossier received Mon 3 Aug 09:00 is due Mon 10 Aug 09:00
/// (5 × 8 working hours later, details.md 9). August's E is 2026-09-01 00:00 (+07:00).
@Suite struct ScoringRuleTests {
    /// The dossiers processing at `unit` (its subtree) in August, as its snapshot counts them.
    func active(_ e: Engine, _ unit: String, asOf: String? = nil) throws -> Int64 {
        try snapshot(e, unit: unit, asOf: asOf).measures["active"]
    }

    func points(_ s: Snapshot, _ id: String) -> Points? {
        s.card.groups.flatMap(\.components).first { $0.id == id }?.points
    }

    @Test func onTimeWithComputedDueAndOpenDossierTurningLate() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.finished("f1", "D1", at: "2026-08-07 09:00"),         // before due: on time
            Line.received("r2", "D2", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.finished("f2", "D2", at: "2026-08-11 09:00"),         // after due: late
            Line.received("r3", "D3", unit: "H44.101", at: "2026-08-03 09:00"), // open
        ])
        // At E = 1 Sep, D3 is open past its due: late. 1 of 3 on time → 20 × 1/3 = 6.67.
        let aug = try snapshot(e)
        #expect(aug.measures["active"] == 3 && aug.measures["active.onTime"] == 1)
        #expect(points(aug, "2.1") == Points(hundredths: 667))
        // As of Fri 7 Aug 12:00, D3 is open but not yet due, D2 still open and not due: all three on time.
        let early = try snapshot(e, asOf: "2026-08-07T12:00:00+07:00")
        #expect(early.measures["active"] == 3 && early.measures["active.onTime"] == 3)
        // Time passing alone turns D2 and D3 late: as of Mon 10 Aug 09:00:01.
        let later = try snapshot(e, asOf: "2026-08-10T09:00:01+07:00")
        #expect(later.measures["active.onTime"] == 1)
    }

    @Test func pausesSecondRequestWaitingAndApology() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            // D4: paused 4 Aug 09:00 → 10 Aug 09:00 (6 days); finished 13 Aug 09:00; effective 7 Aug 09:00 ≤ due: on time.
            Line.received("r4", "D4", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("s4", "supplementRequested", "D4", at: "2026-08-04 09:00"),
            Line.dossier("t4", "supplemented", "D4", at: "2026-08-10 09:00"),
            Line.finished("f4", "D4", at: "2026-08-13 09:00"),
            // D5: a second supplement request makes it late, although it ends 7 Aug.
            Line.received("r5", "D5", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("s5", "supplementRequested", "D5", at: "2026-08-04 09:00"),
            Line.dossier("t5", "supplemented", "D5", at: "2026-08-05 09:00"),
            Line.dossier("u5", "supplementRequested", "D5", at: "2026-08-06 09:00"),
            Line.finished("f5", "D5", at: "2026-08-07 09:00"),
            // D6: waiting for a supplement at E since 5 Aug: its end is 5 Aug 09:00 ≤ due: on time.
            Line.received("r6", "D6", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("s6", "supplementRequested", "D6", at: "2026-08-05 09:00"),
            // D7: an apology's newDue does not move the due: finished 14 Aug > 10 Aug: late.
            Line.received("r7", "D7", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("a7", "apologized", "D7", at: "2026-08-07 09:00", extra: #","newDue":"2026-08-20T17:00:00+07:00""#),
            Line.finished("f7", "D7", at: "2026-08-14 09:00"),
        ])
        let s = try snapshot(e)
        #expect(s.measures["active"] == 4)
        #expect(s.measures["active.onTime"] == 2) // D4 and D6
    }

    @Test func receivedVersusActiveWindows() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            // D8: received in July, ended in August: in P(Aug), not R(Aug).
            Line.received("r8", "D8", unit: "H44.101", at: "2026-07-28 09:00", channel: "direct"),
            Line.finished("f8", "D8", at: "2026-08-04 09:00"),
            // D9: received and ended in July: in neither.
            Line.received("r9", "D9", unit: "H44.101", at: "2026-07-01 09:00"),
            Line.finished("f9", "D9", at: "2026-07-03 09:00"),
            // D10: received in August online, synced.
            Line.received("r10", "D10", unit: "H44.101", at: "2026-08-04 09:00"),
            Line.dossier("y10", "synced", "D10", at: "2026-08-04 10:00"),
            // A refused dossier never counts.
            Line.received("r11", "D11", unit: "H44.101", at: "2026-08-04 09:00"),
            Line.dossier("x11", "refused", "D11", at: "2026-08-04 09:30", extra: #","reason":"thiếu giấy tờ""#),
        ])
        let s = try snapshot(e)
        #expect(s.measures["received"] == 1)          // D10
        #expect(s.measures["received.synced"] == 1)
        #expect(s.measures["received.online"] == 1)
        #expect(s.measures["active"] == 2)            // D8, D10
        // 1.4 = 6 × 1/1; 3.3 target 0.5: 6 × min(1, 1/0.5) = 6.
        #expect(points(s, "1.4") == Points(hundredths: 600))
        #expect(points(s, "3.3") == Points(hundredths: 600))
    }

    @Test func zeroDenominatorPolicies() throws {
        let e = try openEngine()
        try ingest(e, smallProvince())
        let s = try snapshot(e)
        #expect(points(s, "1.1") == nil)                       // null
        #expect(points(s, "2.1") == Points(hundredths: 0))     // zero
        #expect(points(s, "5.2") == Points(hundredths: 600))   // full
        let c = s.card.groups.flatMap(\.components).first { $0.id == "5.2" }
        #expect(c?.ratio == nil)
    }

    @Test func transferMovesTheDossier() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("t1", "transferred", "D1", at: "2026-08-04 09:00", extra: #","to":"H44.01""#),
        ])
        #expect(try active(e, "H44.101") == 0)
        #expect(try active(e, "H44.01") == 1)
        #expect(try active(e, "H44") == 1)
        // Before the transfer it was H44.101's.
        #expect(try active(e, "H44.101", asOf: "2026-08-03T12:00:00+07:00") == 1)
    }

    @Test func mergeMovesOpenDossiers() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.102", at: "2026-08-10 09:00"),
            Line.merged("m1", "H44.102", into: "H44.101", at: "2026-08-15 00:00"),
        ])
        #expect(try active(e, "H44.102") == 0)
        #expect(try active(e, "H44.101") == 1)
        #expect(try active(e, "H44.102", asOf: "2026-08-14T00:00:00+07:00") == 1)
        // H44.102 was merged during August: it still counts among H44's communes for August, not for September.
        #expect(try snapshot(e, unit: "H44").measures["communes"] == 2)
        #expect(try snapshot(e, unit: "H44", period: "2026-09").measures["communes"] == 1)
    }

    /// details.md 13: a merge moves the dossiers "processing there" at its instant. A unit merged a
    /// second time moves only those that reached it after the first merge.
    @Test func aUnitMergedTwiceMovesEachDossierOnce() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.102", at: "2026-08-03 09:00"),
            Line.merged("m1", "H44.102", into: "H44.101", at: "2026-08-10 00:00"),
            Line.received("r2", "D2", unit: "H44.102", at: "2026-08-12 09:00"),
            Line.merged("m2", "H44.102", into: "H44.01", at: "2026-08-20 00:00"),
        ])
        #expect(try active(e, "H44.101") == 1) // D1, moved by m1 only
        #expect(try active(e, "H44.01") == 1)  // D2, moved by m2
        #expect(try active(e, "H44.102") == 0)
        // On 15 Aug, H44.102 is H44.101's closed child: 101 pools D1 (moved there) and D2 (at 102).
        #expect(try active(e, "H44.101", asOf: "2026-08-15T00:00:00+07:00") == 2)
        #expect(try active(e, "H44.102", asOf: "2026-08-15T00:00:00+07:00") == 1) // D2 until m2
        // The unit stopped being a live commune at its first merge: left out of September's communes.
        #expect(try snapshot(e, unit: "H44", period: "2026-09").measures["communes"] == 1)
        // The tallies, the records and a fold of the whole log agree.
        try expectVerifies(e)
    }

    /// details.md 13: a merge moves dossiers "received at or before the merge". A dossier that a
    /// transfer dated before its receipt sent to the merged unit, received after the merge, stays
    /// there; so does it when the merged unit is declared again under another parent.
    @Test func aMergeBeforeTheReceiptMovesNothing() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.merged("m1", "H44.102", into: "H44.101", at: "2026-08-20 00:00"),
            Line.dossier("t1", "transferred", "D1", at: "2026-08-19 10:00", extra: #","to":"H44.102""#),
            Line.received("r1", "D1", unit: "H44.01", at: "2026-08-21 09:00"),
            // The control: received before the merge, then moved by it.
            Line.received("r2", "D2", unit: "H44.102", at: "2026-08-19 09:00"),
            #"{"id":"u9","type":"unit.declared","at":"2026-08-25T00:00:00+07:00","unit":"H44.102","name":"Xã B","parent":"H44.01","level":"commune"}"#,
        ])
        #expect(try active(e, "H44.102") == 1) // D1
        #expect(try active(e, "H44.101") == 1) // D2
        #expect(try active(e, "H44.01") == 1)  // D1, through H44.102 declared under it
        #expect(try active(e, "H44.102", asOf: "2026-08-22T00:00:00+07:00") == 1)
        try expectVerifies(e)
    }

    /// details.md 5, 13: merges at one instant take effect in id order, each moving what is processing
    /// at the merged unit then. A and C merged into each other at one instant take a dossier from A to
    /// C and back, and a later merge of A still moves it; a unit merged twice at one instant sends on
    /// a dossier that a merge between the two brought in by the later one.
    @Test func mergesAtOneInstantTakeEffectInIdOrder() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.unit("u4", "H44.103", parent: "H44", level: "commune"),
            Line.unit("u5", "H44.02", parent: "H44", level: "department"),
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.merged("m1", "H44.101", into: "H44.102", at: "2026-08-09 09:00"),
            Line.merged("m2", "H44.102", into: "H44.101", at: "2026-08-09 09:00"),
            Line.merged("m3", "H44.101", into: "H44.01", at: "2026-08-15 09:00"),
            // S = H44.02 merged into H44.01, then H44.103 into S, then S into H44.102, at one instant.
            Line.received("r2", "D2", unit: "H44.103", at: "2026-08-03 09:00"),
            Line.merged("n1", "H44.02", into: "H44.01", at: "2026-08-20 09:00"),
            Line.merged("n2", "H44.103", into: "H44.02", at: "2026-08-20 09:00"),
            Line.merged("n3", "H44.02", into: "H44.102", at: "2026-08-20 09:00"),
        ])
        #expect(try active(e, "H44.101", asOf: "2026-08-12T00:00:00+07:00") == 1) // back at A
        #expect(try active(e, "H44.101") == 0)
        #expect(try active(e, "H44.01") == 1)  // D1, moved by m3; not D2
        #expect(try active(e, "H44.102") == 1) // D2, moved by n2, then n3
        try expectVerifies(e)
    }

    /// A declaration at the instant of a merge comes after it when its id does (details.md 5, 12): it
    /// places the unit anew, so the unit is not left out of later windows as merged (details.md 13),
    /// as the tree shows it; with a smaller id the merge comes last and leaves it out.
    @Test(arguments: [("u9", 1), ("a9", 0)])
    func aDeclarationAtTheInstantOfAMergeFollowsItInIdOrder(declarationID: String, communes: Int64) throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.merged("m1", "H44.102", into: "H44.101", at: "2026-07-20 10:00"),
            Line.unit(declarationID, "H44.102", parent: "H44.01", level: "commune", at: "2026-07-20 10:00"),
        ])
        #expect(try snapshot(e, unit: "H44.01").measures["communes"] == communes)
        let ranked = try e.scorer(profile: defaultProfile()).ranking(window: Window.parse("2026-08"), now: instant("2027-06-01T00:00:00+07:00"), parent: "H44.01")
        #expect(ranked.rows.map(\.unit) == (communes == 1 ? ["H44.102"] : []))
    }

    /// details.md 19: a petition belongs to the last `transferred.to` before E, even a transfer dated
    /// before the filing (details.md 5: events count as they are dated), as a dossier does.
    @Test func aPetitionTransferDatedBeforeItsFilingMovesIt() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.petition("k1", "filed", "K1", unit: "H44.01", at: "2026-08-10 10:00", extra: #","category":"staff""#),
            Line.petition("k2", "transferred", "K1", unit: "H44.01", at: "2026-08-10 09:00", extra: #","to":"H44.102""#),
        ])
        #expect(try snapshot(e, unit: "H44.102").measures["petitions"] == 1)
        #expect(try snapshot(e, unit: "H44.01").measures["petitions"] == 0)
        // The clock still starts at the filing: 15 working days from Mon 10 Aug 10:00, unanswered on time until then.
        #expect(try snapshot(e, unit: "H44.102", asOf: "2026-08-31T10:00:00+07:00").measures["petitions.onTime"] == 1)
    }

    /// details.md 13 leaves out a unit merged before the window; declaring it again after the merge
    /// undoes that for the tree (events.md: re-declaring updates name, parent and level from `at` on).
    @Test func aMergedUnitDeclaredAgainCountsAgain() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.merged("m1", "H44.102", into: "H44.101", at: "2026-06-10 00:00"),
        ])
        #expect(try snapshot(e, unit: "H44").measures["communes"] == 1) // August: merged before it
        try ingest(e, [Line.unit("m2", "H44.102", parent: "H44", level: "commune", at: "2026-07-10 00:00")])
        #expect(try snapshot(e, unit: "H44").measures["communes"] == 2) // declared again in July
        #expect(try snapshot(e, unit: "H44", period: "2026-06").measures["communes"] == 2) // merged during June
        // A second merge after the declaration leaves it out again from the next window on.
        try ingest(e, [Line.merged("m3", "H44.102", into: "H44.101", at: "2026-08-20 00:00")])
        #expect(try snapshot(e, unit: "H44").measures["communes"] == 2)
        #expect(try snapshot(e, unit: "H44", period: "2026-09").measures["communes"] == 1)
        let report = try e.verify(profile: defaultProfile(), now: instant("2026-10-01T00:00:00+07:00"))
        #expect(report.isClean, "\(report.differences)")
    }

    @Test func retractionVoidsAnEventAndCanBeUndone() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.finished("f1", "D1", at: "2026-08-05 09:00"),
        ])
        #expect(try snapshot(e).measures["active.onTime"] == 1)
        try ingest(e, [Line.retract("x1", target: "f1")])
        // Without its end, D1 is open at E = 1 Sep and past its due.
        #expect(try snapshot(e).measures["active.onTime"] == 0)
        try ingest(e, [Line.retract("x2", target: "x1")])
        #expect(try snapshot(e).measures["active.onTime"] == 1)
        // A retraction of an unknown id waits for it.
        try ingest(e, [Line.retract("x3", target: "f9"), Line.received("r9", "D9", unit: "H44.101", at: "2026-08-03 09:00"),
                       Line.finished("f9", "D9", at: "2026-08-04 09:00")])
        let s = try snapshot(e)
        #expect(s.measures["active"] == 2 && s.measures["active.onTime"] == 1)
    }

    @Test func lateArrivalChangesAClosedMonth() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00")])
        #expect(try snapshot(e).measures["active.onTime"] == 0)
        // In October the finish of 6 August finally arrives: August is corrected.
        try ingest(e, [Line.finished("f1", "D1", at: "2026-08-06 09:00")])
        #expect(try snapshot(e).measures["active.onTime"] == 1)
        // An end that arrives before its receipt is kept and applied when the receipt comes.
        try ingest(e, [Line.finished("f2", "D2", at: "2026-08-06 09:00")])
        #expect(try snapshot(e).measures["active"] == 1)
        try ingest(e, [Line.received("r2", "D2", unit: "H44.101", at: "2026-08-03 09:00")])
        #expect(try snapshot(e).measures["active"] == 2 && snapshot(e).measures["active.onTime"] == 2)
    }

    @Test func digitisationAndSatisfactionMeasures() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00",
                          extra: #","components":[{"digitized":true},{"reused":true}],"populationData":true"#),
            Line.finished("f1", "D1", at: "2026-08-04 09:00", electronic: true),
            Line.received("r2", "D2", unit: "H44.101", at: "2026-08-03 09:00",
                          extra: #","components":[{"digitized":true,"fromPersonalStore":true}]"#),
            Line.finished("f2", "D2", at: "2026-08-04 09:00", electronic: false),
            Line.dossier("g2", "rated", "D2", at: "2026-08-05 09:00", extra: #","rating":"unsatisfied""#),
            Line.received("r3", "D3", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.finished("f3", "D3", at: "2026-08-04 09:00", pushed: true),
            Line.petition("q1", "filed", "PK1", at: "2026-08-06 09:00", extra: #","category":"procedure","dossier":"D3""#),
        ])
        let s = try snapshot(e)
        #expect(s.measures["active"] == 3)
        #expect(s.measures["active.writtenResult"] == 3 && s.measures["active.writtenResult.electronic"] == 1)
        #expect(s.measures["active.digitized"] == 1)        // D2 digitised but no electronic result
        #expect(s.measures["active.reused"] == 1)
        #expect(s.measures["active.personalStore"] == 2)    // D2 from the store, D3 pushed
        #expect(s.measures["active.populationData"] == 1)
        #expect(s.measures["active.satisfied"] == 1)        // D2 unsatisfied, D3 has a petition
        #expect(s.measures["procedures.citizen"] == 1 && s.measures["procedures.citizen.populationData"] == 1)
        #expect(s.measures["petitionsFiled"] == 1 && s.measures["petitionsFiled.procedure"] == 1)
    }

    @Test func petitionClock() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            // Filed Mon 3 Aug 09:00: 15 working days later is Mon 24 Aug 09:00.
            Line.petition("a1", "filed", "PK1", at: "2026-08-03 09:00", extra: #","category":"staff""#),
            Line.petition("b1", "answered", "PK1", at: "2026-08-24 09:00"),
            Line.petition("a2", "filed", "PK2", at: "2026-08-03 09:00", extra: #","category":"other""#),
            Line.petition("b2", "answered", "PK2", at: "2026-08-24 10:00"),               // late
            Line.petition("a3", "filed", "PK3", at: "2026-08-03 09:00", extra: #","category":"other""#),
            Line.petition("t3", "transferred", "PK3", at: "2026-08-10 09:00", extra: #","to":"H44.102""#), // clock restarts
            Line.petition("b3", "answered", "PK3", at: "2026-08-25 09:00"),               // within 15 days of the transfer
            Line.petition("c3", "rated", "PK3", at: "2026-08-26 09:00", extra: #","satisfied":false"#),
        ])
        let s = try snapshot(e)
        #expect(s.measures["petitions"] == 3 && s.measures["petitions.onTime"] == 2)
        #expect(s.measures["petitionsFiled.satisfied"] == 1)   // PK3 rated unsatisfied
        #expect(try snapshot(e, unit: "H44.102").measures["petitions"] == 1)
    }

    @Test func windowNotStartedIsAnError() throws {
        let e = try openEngine()
        #expect(throws: EngineError.self) { try snapshot(e, period: "2026-08", now: "2026-07-15T00:00:00+07:00") }
    }
}

/// details.md 12: a code never declared "belongs to no tree", also once merged into a declared unit:
/// the procedures and announcements it names stay out of that unit's root catalogue (1.1–1.3, 3.1,
/// 4.5a). An audit found P at 14.25 after C6's merge instead of 16.
@Suite struct UndeclaredMergedCodeTests {
    @Test func aCodeNeverDeclaredKeepsItsOwnRootWhenMerged() throws {
        let lines = [
            #"{"id":"u1","type":"unit.declared","at":"2026-01-01T00:00:00+07:00","unit":"P","name":"Prov","parent":null,"level":"province"}"#,
            #"{"id":"u2","type":"unit.declared","at":"2026-01-01T00:00:00+07:00","unit":"C2","name":"Com2","parent":"P","level":"commune"}"#,
            #"{"id":"pY","type":"procedure.declared","at":"2026-01-01T00:00:00+07:00","procedure":"Y","name":"Y","unit":"C6","authority":["commune"],"onlineLevel":"none","feeBearing":false,"contentComplete":false}"#,
            #"{"id":"aY","type":"procedure.announced","at":"2026-08-03T10:00:00+07:00","procedure":"Y","unit":"C6","decidedAt":"2026-08-03","effectiveAt":"2026-08-04"}"#,
            Line.merged("m1", "C6", into: "C2", at: "2026-08-12 00:00"),
            #"{"id":"pZ","type":"procedure.declared","at":"2026-01-01T00:00:00+07:00","procedure":"Z","name":"Z","unit":"P","authority":["commune"],"onlineLevel":"full","feeBearing":false}"#,
        ]
        for withMerge in [false, true] {
            let e = try openEngine()
            try ingest(e, lines.filter { withMerge || !$0.contains(#""id":"m1""#) })
            let s = try snapshot(e, unit: "P")
            let c13 = try #require(s.card.component("1.3"))
            #expect(c13.denominator == 1, "merge \(withMerge): 1.3 \(String(describing: c13.numerator))/\(String(describing: c13.denominator))")
            #expect(s.card.component("3.1")?.denominator == 1, "merge \(withMerge)")
            #expect(s.card.component("1.1")?.denominator == 0, "merge \(withMerge)")
            #expect(s.card.total == Points(hundredths: 1600), "merge \(withMerge): \(s.card.total)")
        }
    }
}
