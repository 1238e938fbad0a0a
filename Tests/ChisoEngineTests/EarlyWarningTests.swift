import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// `chiso due` (details.md 25) on the default calendar, whose 2026-09-01 and 2026-09-02 (Tue, Wed) are holidays.
@Suite struct EarlyWarningTests {
    /// E = Friday 2026-08-28 10:00 (+07:00). 2026-01-01 is a Thursday; 28 Aug is day 240 of the year,
    /// (240 − 1) mod 7 = 1 day after a Thursday → Friday.
    static let e = "2026-08-28T10:00:00+07:00"

    /// E + 2d by hand: 2 working days = 16 working hours.
    ///   Fri 28 Aug 10:00–12:00 = 2 h, 13:00–17:00 = 4 h → 6 h
    ///   Sat 29, Sun 30: weekend → 0
    ///   Mon 31 Aug 08:00–12:00, 13:00–17:00 = 8 h → 14 h
    ///   Tue 1 Sep, Wed 2 Sep: public holidays → 0
    ///   Thu 3 Sep 08:00–10:00 = 2 h → 16 h, reached at Thu 3 Sep 10:00.
    static let horizon2d = "2026-09-03T10:00:00+07:00"

    static func lines() -> [String] {
        smallProvince() + [
            Line.unit("v0", "H45", parent: nil, level: "province"),
            // A: due Thu 3 Sep 09:00, before the horizon → due soon.
            Line.received("a", "A", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-09-03 09:00"),
            // B: due Thu 3 Sep 11:00, after the horizon → not listed.
            Line.received("b", "B", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-09-03 11:00"),
            // B2: due exactly at the horizon: [E, E + 2d) is half open → not listed.
            Line.received("b2", "B2", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-09-03 10:00"),
            // C: due Thu 27 Aug 10:00 (yesterday), but a completed 48-hour pause (Mon 24 10:00 → Wed 26 10:00)
            // moves its deadline to Sat 29 Aug 10:00 → due soon, not late.
            Line.received("c", "C", unit: "H44.102", at: "2026-08-17 09:00", due: "2026-08-27 10:00"),
            Line.dossier("c1", "supplementRequested", "C", at: "2026-08-24 10:00"),
            Line.dossier("c2", "supplemented", "C", at: "2026-08-26 10:00"),
            // W: waiting for a supplement at E (requested before its due): not listed anywhere.
            Line.received("w", "W", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-08-31 15:00"),
            Line.dossier("w1", "supplementRequested", "W", at: "2026-08-27 09:00"),
            // L: due Thu 27 Aug 17:00 and still open → already late.
            Line.received("l", "L", unit: "H44.101", at: "2026-08-13 09:00", due: "2026-08-27 17:00"),
            // S: a second supplement request → already late whatever its due (deadline 30 Sep + 1 day of pause).
            Line.received("s", "S", unit: "H44.102", at: "2026-08-03 09:00", due: "2026-09-30 09:00"),
            Line.dossier("s1", "supplementRequested", "S", at: "2026-08-10 09:00"),
            Line.dossier("s2", "supplemented", "S", at: "2026-08-11 09:00"),
            Line.dossier("s3", "supplementRequested", "S", at: "2026-08-20 09:00"),
            // F: finished before E → not listed.
            Line.received("f", "F", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-08-31 09:00"),
            Line.finished("f1", "F", at: "2026-08-27 09:00"),
            // X: finished only after E, so open at E → due soon (deadline Mon 31 Aug 16:00).
            Line.received("x", "X", unit: "H44.101", at: "2026-08-24 09:00", due: "2026-08-31 16:00"),
            Line.finished("x1", "X", at: "2026-08-29 09:00"),
            // N: no due and no duration (procedure P9 undeclared) → can never be late, not listed.
            Line.received("n", "N", unit: "H44.101", procedure: "P9", at: "2026-08-20 09:00"),
            // O: another province's dossier, due in the window → not in H44's subtree.
            Line.received("o", "O", unit: "H45", at: "2026-08-20 09:00", due: "2026-08-31 09:00"),
            // R: received after E → not yet a dossier at E.
            Line.received("r", "R", unit: "H44.101", at: "2026-08-28 11:00", due: "2026-08-31 09:00"),
        ]
    }

    func warning(unit: String = "H44", within: String = "2d", asOf: String = EarlyWarningTests.e) throws -> EarlyWarning {
        let engine = try openEngine()
        let (summary, _) = try ingest(engine, Self.lines())
        #expect(summary.rejected == 0)
        return try engine.earlyWarning(unit: unit, within: DueHorizon(parsing: within), asOf: instant(asOf))
    }

    @Test func horizonCrossesWeekendAndHolidays() throws {
        let cal = try testIndicators.calendar()
        #expect(!cal.isWorkingDay(LocalDate(year: 2026, month: 9, day: 1)))
        #expect(!cal.isWorkingDay(LocalDate(year: 2026, month: 9, day: 2)))
        #expect(try DueHorizon(parsing: "2d").end(from: instant(Self.e), calendar: cal) == instant(Self.horizon2d))
        // 4h: Fri 10:00–12:00 = 2 h, 13:00–15:00 = 2 h → Fri 15:00.
        #expect(try DueHorizon(parsing: "4h").end(from: instant(Self.e), calendar: cal) == instant("2026-08-28T15:00:00+07:00"))
        // 3d: Fri 6 h + Mon 8 h + Thu 8 h + Fri 4 Sep 08:00–10:00 = 24 h → Fri 4 Sep 10:00.
        #expect(try DueHorizon(parsing: "3d").end(from: instant(Self.e), calendar: cal) == instant("2026-09-04T10:00:00+07:00"))
    }

    @Test func dueSoonAcrossWeekendAndHolidays() throws {
        let w = try warning()
        #expect(w.horizonEnd == instant(Self.horizon2d))
        // Soonest first: C (Sat 29 Aug 10:00), X (Mon 31 Aug 16:00), A (Thu 3 Sep 09:00).
        #expect(w.dueSoon.map(\.dossier) == ["C", "X", "A"])
        let c = try #require(w.dueSoon.first)
        #expect(c.due == instant("2026-08-27T10:00:00+07:00"))
        #expect(c.deadline == instant("2026-08-29T10:00:00+07:00"))  // due + 48 h of pause
        #expect(c.unit == "H44.102" && c.procedure == "P1")
        // C waited: Mon 17 Aug 09:00 → Fri 28 Aug 10:00 is 7 + 4×8 + 4×8 + 2 = 73 working hours; its pause
        // (Mon 24 10:00 → Wed 26 10:00) holds 6 + 8 + 2 = 16 → 57 h = 7.125 days → 7.13 (half up).
        #expect(c.waitedHundredths == 713)
        let a = try #require(w.dueSoon.last)
        // A waited: Thu 20 Aug 09:00 → Fri 28 10:00 = 7 + 8 + 4×8 + 2 = 49 h = 6.125 days → 6.13.
        #expect(a.waitedHundredths == 613)
        #expect(a.deadline == instant("2026-09-03T09:00:00+07:00"))
        #expect(w.dueSoon.allSatisfy { $0.reason == nil })
    }

    /// The candidates of E are the records with an entry before E (`StoredRecords.concerns`): a dossier
    /// received a minute before E is listed; one received at E is not a dossier yet; one received
    /// earlier and finished at E is still open at E, and late.
    @Test func aDossierReceivedJustBeforeEIsListed() throws {
        let engine = try openEngine()
        let (summary, _) = try ingest(engine, smallProvince() + [
            Line.received("j", "J", unit: "H44.101", at: "2026-08-28 09:59", due: "2026-08-31 09:00"),
            Line.received("k", "K", unit: "H44.101", at: "2026-08-28 10:00", due: "2026-08-31 09:00"),
            Line.received("k0", "K0", unit: "H44.101", at: "2026-08-20 09:00", due: "2026-08-27 09:00"),
            Line.finished("k1", "K0", at: "2026-08-28 10:00"),
        ])
        #expect(summary.rejected == 0)
        let w = try engine.earlyWarning(unit: "H44", within: DueHorizon(parsing: "2d"), asOf: instant(Self.e))
        #expect(w.dueSoon.map(\.dossier) == ["J"])
        #expect(w.late.map(\.dossier) == ["K0"])
    }

    @Test func alreadyLateListedApart() throws {
        let w = try warning()
        // L (deadline 27 Aug 17:00) before S (30 Sep 09:00 + 24 h of pause = 1 Oct 09:00).
        #expect(w.late.map(\.dossier) == ["L", "S"])
        #expect(w.late.first?.reason == .deadlinePassed)
        #expect(w.late.last?.reason == .secondSupplementRequest)
        #expect(w.late.last?.deadline == instant("2026-10-01T09:00:00+07:00"))
        #expect(w.late.last?.waiting == true)
        // S waited until its open pause began (Thu 20 Aug 09:00): Mon 3 Aug 09:00 → Thu 20 Aug 09:00 is
        // 7 + 4×8 + 5×8 + 3×8 + 1 = 104 h, minus its pause Mon 10 09:00 → Tue 11 09:00 (7 + 1 = 8 h) → 96 h = 12 days.
        #expect(w.late.last?.waitedHundredths == 1200)
    }

    /// A code holding a line feed or a tab (JSON `\n`, `\t`) stays on its row, as names do in
    /// `rank`'s table (docs/decisions.md): it could otherwise fake a row with other dates (an audit).
    @Test func aCodeWithALineBreakKeepsItsRow() throws {
        let engine = try openEngine()
        try ingest(engine, Self.lines() + [Line.received("r-lf", #"F\nake\t2026-01-01"#, unit: "H44.101", at: "2026-08-03 09:00")])
        let w = try engine.earlyWarning(unit: "H44", within: DueHorizon(parsing: "2d"), asOf: instant(Self.e))
        #expect(w.late.contains { $0.dossier == "F\nake\t2026-01-01" })
        let table = w.table(zone: .vietnam)
        #expect(table.contains(" F ake 2026-01-01 ") && !table.contains("F\nake"), "\(table)")
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("  20") }
        #expect(rows.count == w.late.count + w.dueSoon.count, "one row per dossier: \(table)")
    }

    @Test func subtreeOnly() throws {
        let w = try warning(unit: "H44.101")
        #expect(w.dueSoon.map(\.dossier) == ["X", "A"])
        #expect(w.late.map(\.dossier) == ["L"])
        let other = try warning(unit: "H45")
        #expect(other.dueSoon.map(\.dossier) == ["O"])
        #expect(other.late.isEmpty)
    }

    @Test func shorterHorizon() throws {
        // 4h ends Fri 28 Aug 15:00: C's deadline (Sat 10:00) is beyond it → nothing due soon.
        let w = try warning(within: "4h")
        #expect(w.dueSoon.isEmpty)
        #expect(w.late.map(\.dossier) == ["L", "S"])
    }

    @Test func durationSpellings() throws {
        #expect(try DueHorizon(parsing: "2d") == DueHorizon(count: 2, unit: .workingDays))
        #expect(try DueHorizon(parsing: "12h") == DueHorizon(count: 12, unit: .workingHours))
        for bad in ["", "d", "2", "0d", "-1d", "1.5d", "2w", "2 d", "+2d", "99999999d", "２d"] {
            #expect(throws: EngineError.self, "\(bad)") { try DueHorizon(parsing: bad) }
        }
        #expect(try DueHorizon(parsing: "999999h") == DueHorizon(count: 999_999, unit: .workingHours))
        // Seven digits is a whole number too: the message names the limit, not the spelling.
        let tooFar = try #require(throws: EngineError.self) { try DueHorizon(parsing: "1000000d") }
        #expect(tooFar.description == "--within 1000000d is too far ahead; write at most 999999 working days or hours, e.g. 20d")
    }

    @Test func jsonDocument() throws {
        let w = try warning()
        let doc = try JSONParser.parse(w.json(zone: .vietnam))
        #expect(doc["unit"]?["code"]?.stringValue == "H44")
        #expect(doc["within"]?.stringValue == "2d")
        #expect(doc["asOf"]?.stringValue == Self.e)
        let soon = try #require(doc["dueSoon"]?.arrayValue)
        #expect(soon.count == 3)
        #expect(soon.last?["dossier"]?.stringValue == "A")
        #expect(soon.last?["due"]?.stringValue == "2026-09-03T09:00:00+07:00")
        #expect(soon.last?["deadline"]?.stringValue == "2026-09-03T09:00:00+07:00")
        #expect(soon.last?["receivedAt"]?.stringValue == "2026-08-20T09:00:00+07:00")
        #expect(soon.last?["waitedWorkingDays"]?.numberValue?.text == "6.13")
        #expect(soon.last?["reason"] == nil)
        let late = try #require(doc["late"]?.arrayValue)
        #expect(late.map { $0["reason"]?.stringValue } == ["deadline-passed", "second-supplement-request"])
        #expect(late.last?["waitedWorkingDays"]?.numberValue?.text == "12")
    }

    @Test func tableNamesBothSections() throws {
        let text = try warning().table(zone: .vietnam)
        #expect(text.contains("Due within 2 working days (deadline before 2026-09-03 10:00): 3"))
        #expect(text.contains("Already late: 2"))
        #expect(text.contains("second supplement request, waiting for a supplement"))
    }

    /// The table's instants are the date and the minute of the instant in the zone, as in its
    /// RFC 3339 text: over random instants with and without fractions of a second, and no instant.
    @Test func tableTimesAreTheDateAndTheMinute() {
        var rng = PropertyTests.SplitMix(state: 11)
        for _ in 0..<2_000 {
            let t = Instant(micros: Int64(rng.int(4_000_000_000)) * 1_000_000 + (rng.chance(0.5) ? Int64(rng.int(1_000_000)) : 0))
            let text = t.rfc3339(in: .vietnam)
            #expect(EarlyWarning.local(t, zone: .vietnam) == text.prefix(10) + " " + text.dropFirst(11).prefix(5))
        }
        #expect(EarlyWarning.local(nil, zone: .vietnam) == "—")
        #expect(EarlyWarning.local(instant("2026-09-03T09:05:00+07:00"), zone: .vietnam) == "2026-09-03 09:05")
        // A deadline computed past 9999 (a long duration from late 9999) keeps its whole year.
        let late = instant("9999-12-31T23:00:00+07:00").adding(micros: 2 * 86_400_000_000 + 300_000_000)
        #expect(EarlyWarning.local(late, zone: .vietnam) == "10000-01-02 23:05", "\(late.rfc3339(in: .vietnam))")
    }
}
