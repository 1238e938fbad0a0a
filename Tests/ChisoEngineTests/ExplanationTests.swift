import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// details.md 24: an item's gain is the component's points with that item alone fixed, minus its points
/// now; fixing every listed item brings the component to its maximum.
@Suite struct ExplanationTests {
    let now = instant("2027-06-01T00:00:00+07:00")

    func explain(_ e: Engine, _ component: String) throws -> Explanation {
        try e.scorer(profile: defaultProfile()).explain(unit: "H44", window: Window.parse("2026-08"), now: now, component: component)
    }

    /// D1 on time; D2, D3, D4 open at E and past their due (Mon 10 Aug 09:00): 2.1 = 20 × 1/4 = 5.
    func oneOfFourOnTime() throws -> Engine {
        let e = try openEngine()
        var lines = smallProvince()
        for i in 1...4 { lines.append(Line.received("r\(i)", "D\(i)", unit: "H44.101", at: "2026-08-03 09:00")) }
        lines.append(Line.finished("f1", "D1", at: "2026-08-04 09:00"))
        try ingest(e, lines)
        return e
    }

    @Test func fixingEveryLateDossierGivesFullPoints() throws {
        let e = try oneOfFourOnTime()
        let x = try explain(e, "2.1")
        let line = try #require(x.lines.first)
        #expect(line.component.points == Points(hundredths: 500))
        #expect(line.items.map(\.shortfall.code) == ["D2", "D3", "D4"])
        // Fixing one: 20 × 2/4 − 20 × 1/4 = 5.
        #expect(line.items.allSatisfy { abs($0.gain - 5) < 1e-9 })
        // Fix every listed item: each finishes on time.
        try ingest(e, line.items.enumerated().map { Line.finished("fix\($0.offset)", $0.element.shortfall.code, at: "2026-08-05 09:00") })
        let after = try explain(e, "2.1")
        #expect(after.lines.first?.component.points == Points(hundredths: 2000))
        #expect(after.lines.first?.items.isEmpty == true)
    }

    /// An item's detail names the end and the due apart (an audit read "ended late <due>" as the end).
    /// P1 takes 5 working days: received Mon 3 Aug 09:00, due Mon 10 Aug 09:00.
    @Test func aLateDossiersDetailNamesItsEndAndItsDue() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.finished("f1", "D1", at: "2026-08-10 14:00"),
            Line.received("r2", "D2", unit: "H44.101", at: "2026-08-03 09:00"),
            // D3: late by one second; D4: asked to supplement two hours after its due, still waiting.
            Line.received("r3", "D3", unit: "H44.101", at: "2026-08-03 09:00"),
            #"{"id":"f3","type":"dossier.finished","at":"2026-08-10T09:00:01+07:00","unit":"H44.101","dossier":"D3","outcome":"approved"}"#,
            Line.received("r4", "D4", unit: "H44.101", at: "2026-08-03 09:00"),
            Line.dossier("q4", "supplementRequested", "D4", at: "2026-08-10 11:00"),
        ])
        let x = try e.scorer(profile: defaultProfile()).explain(unit: "H44", window: Window.parse("2026-08"), now: now,
                                                                 asOf: instant("2026-08-11T09:00:00+07:00"), component: "2.1")
        let details = Dictionary(uniqueKeysWithValues: try #require(x.lines.first).items.map { ($0.shortfall.code, $0.shortfall.detail) })
        #expect(details["D1"] == "ended 2026-08-10T14:00:00+07:00, late by 5.0 h against its due 2026-08-10T09:00:00+07:00")
        #expect(details["D2"] == "open, past its due 2026-08-10T09:00:00+07:00 by 24.0 h")
        #expect(details["D3"] == "ended 2026-08-10T09:00:01+07:00, late by less than 0.1 h against its due 2026-08-10T09:00:00+07:00")
        #expect(details["D4"] == "waiting for a supplement asked on 2026-08-10T11:00:00+07:00, judged then: past its due 2026-08-10T09:00:00+07:00 by 2.0 h")
    }

    /// A late petition's detail names its answer and its limit (details.md 19); under 5.3, every
    /// reason that applies is named. Filed Mon 3 Aug 09:00: the limit is Mon 24 Aug 09:00.
    @Test func aLatePetitionsDetailNamesItsAnswerAndEveryReason() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.petition("k1", "filed", "K1", at: "2026-08-03 09:00", extra: #","category":"staff""#),
            Line.petition("k2", "answered", "K1", at: "2026-08-25 10:00"),
            #"{"id":"k3","type":"petition.rated","at":"2026-08-26T10:00:00+07:00","unit":"H44.101","petition":"K1","satisfied":false}"#,
            Line.petition("k4", "reraised", "K1", at: "2026-08-27 10:00"),
            Line.petition("k5", "filed", "K2", at: "2026-08-03 09:00", extra: #","category":"other""#),
        ])
        let late = try #require(explain(e, "5.2").lines.first).items.map { ($0.shortfall.code, $0.shortfall.detail) }
        #expect(late.map(\.0) == ["K1", "K2"])
        #expect(late.first?.1 == "answered 2026-08-25T10:00:00+07:00, after its 15-working-day limit 2026-08-24T09:00:00+07:00")
        #expect(late.last?.1 == "not answered by its 15-working-day limit 2026-08-24T09:00:00+07:00")
        let unsatisfied = try #require(explain(e, "5.3").lines.first).items.first { $0.shortfall.code == "K1" }
        #expect(unsatisfied?.shortfall.detail == "answered 2026-08-25T10:00:00+07:00, after its 15-working-day limit 2026-08-24T09:00:00+07:00; rated unsatisfied; raised again")
    }

    /// details.md 24: gains are "shown to 4 decimals": in text always four (`+5.0000`, not `+5`), in
    /// JSON a number rounded to four; and each component carries `nameEn` in JSON, as the snapshot's
    /// do (indicators.md).
    @Test func gainsAreShownToFourDecimalsAndComponentsHaveBothNames() throws {
        let e = try oneOfFourOnTime()
        let x = try explain(e, "2.1")
        let text = x.text(zone: .vietnam, limit: 10)
        #expect(text.contains("  3 item(s) cost points; fixing one gains 5.0000\n"), "\(text)")
        #expect(text.contains("  +5.0000  dossier D2 @H44.101 2026-08-03T09:00:00+07:00: "), "\(text)")
        let json = try JSONParser.parse(x.json(zone: .vietnam, limit: 5))
        let component = try #require(json["components"]?.arrayValue?.first)
        #expect(component["nameEn"]?.stringValue == (try defaultProfile()).component("2.1")?.nameEn)
        #expect(component["items"]?.arrayValue?.first?["gain"] == .number(JSONNumber(5)))
        #expect(fixed4(0.003) == "0.0030" && fixed4(0.00005) == "0.0001" && fixed4(12.5) == "12.5000" && fixed4(0) == "0.0000")
    }

    /// details.md 11: 2.2 is shown as a value, null when no dossier qualifies; the text said
    /// "0/0 = —" for it then, unlike the JSON (an audit).
    @Test func aValueComponentWithoutAValueIsShownAsSuch() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00")])
        let text = try explain(e, "2.2").text(zone: .vietnam, limit: 10)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("2.2 ") })
        #expect(line.hasSuffix(": no value: no dossier received in the period has ended finished or returned (monitoring)"), "\(line)")
        try ingest(e, [Line.finished("f1", "D1", at: "2026-08-04 09:00")])
        let ended = try explain(e, "2.2").text(zone: .vietnam, limit: 10)
        #expect(ended.contains(": 1.00 working days (monitoring)"), "\(ended)")
    }

    /// 2.1 (policy `zero`) with no dossier scores 0 of 20 and has no item to fix; the text says why,
    /// and says nothing of the kind for 5.2 (policy `full`: 6 of 6) or a component with items.
    @Test func anEmptyCountUnderTheZeroPolicyIsExplained() throws {
        let e = try openEngine()
        try ingest(e, smallProvince())
        let text = try e.scorer(profile: defaultProfile()).explain(unit: "H44", window: Window.parse("2026-08"), now: now).text(zone: .vietnam, limit: 10)
        let lines = text.split(separator: "\n").map(String.init)
        let note = "  note: nothing counts here in this period, and an empty count scores 0 under this component's policy; no item to fix"
        let at21 = try #require(lines.firstIndex { $0.hasPrefix("2.1 ") })
        #expect(lines[at21].hasSuffix("0/0 = —, 0.00 of 20 points") && lines[at21 + 1] == note, "\(lines[at21...at21 + 1])")
        let at52 = try #require(lines.firstIndex { $0.hasPrefix("5.2 ") })
        #expect(lines[at52].hasSuffix("6.00 of 6 points") && lines[at52 + 1] != note)
        #expect(lines.filter { $0 == note }.count == 2) // 2.1 and 5.4, the two `zero` components
    }

    @Test func targetComponentReachesItsMaximum() throws {
        let e = try openEngine()
        // 3.3 (target 0.5, max 6): 1 of 4 dossiers online → 6 × 0.25 / 0.5 = 3 points.
        var lines = smallProvince()
        for i in 1...4 {
            lines.append(Line.received("r\(i)", "D\(i)", unit: "H44.101", at: "2026-08-03 09:00", channel: i == 1 ? "online" : "direct"))
        }
        try ingest(e, lines)
        let x = try explain(e, "3.3")
        let line = try #require(x.lines.first)
        #expect(line.component.points == Points(hundredths: 300))
        #expect(line.items.count == 3)
        // Fixing one: 6 × min(1, 0.5/0.5) − 3 = 3.
        #expect(line.items.allSatisfy { abs($0.gain - 3) < 1e-9 })
        // Fix every listed item: retract the direct receipts and receive the dossiers online again.
        var fixes: [String] = []
        for (i, item) in line.items.enumerated() {
            let code = item.shortfall.code
            fixes.append(Line.retract("x\(i)", target: "r\(code.dropFirst())"))
            fixes.append(Line.received("again\(i)", code, unit: "H44.101", at: "2026-08-03 09:00", channel: "online"))
        }
        try ingest(e, fixes)
        #expect(try explain(e, "3.3").lines.first?.component.points == Points(hundredths: 600))
    }

    @Test func unknownComponentIsAClearError() throws {
        let e = try openEngine()
        try ingest(e, smallProvince())
        #expect(throws: EngineError.self) { try explain(e, "9.9") }
    }

    /// events.md "Due": a procedure with no duration and a receipt with no `due` can never be late,
    /// and explain reports it under the on-time component (not as an item: it costs nothing).
    @Test func dossiersThatCanNeverBeLateAreReported() throws {
        let e = try openEngine()
        var lines = smallProvince() + [Line.procedure("pn", "PN", duration: nil)]
        lines.append(Line.received("r1", "N1", unit: "H44.101", procedure: "PN", at: "2026-08-03 09:00"))
        lines.append(Line.received("r2", "N2", unit: "H44.101", procedure: "PN", at: "2026-08-04 09:00"))
        // A due on the receipt makes it a normal dossier (here late: open past its due).
        lines.append(Line.received("r3", "D3", unit: "H44.101", procedure: "PN", at: "2026-08-03 09:00", due: "2026-08-05 09:00"))
        // No due either, but late by the rule of the second request (details.md 10): an item, not
        // a dossier that can never be late.
        lines.append(Line.received("r4", "N4", unit: "H44.101", procedure: "PN", at: "2026-08-03 09:00"))
        lines.append(Line.dossier("q1", "supplementRequested", "N4", at: "2026-08-04 09:00"))
        lines.append(Line.dossier("s1", "supplemented", "N4", at: "2026-08-05 09:00"))
        lines.append(Line.dossier("q2", "supplementRequested", "N4", at: "2026-08-06 09:00"))
        try ingest(e, lines)
        let x = try explain(e, "2.1")
        let line = try #require(x.lines.first)
        #expect(line.neverLate.map(\.code) == ["N1", "N2"])
        #expect(line.neverLate.allSatisfy { $0.procedure == "PN" })
        #expect(line.items.map(\.shortfall.code).sorted() == ["D3", "N4"])
        let text = x.text(zone: .vietnam, limit: 1)
        #expect(text.contains("2 dossier(s) can never be late (no due, and no duration declared for PN)"))
        #expect(text.contains("N1 @H44.101 2026-08-03T09:00:00+07:00"))
        #expect(text.contains("… 1 more (use --limit)"))
        let json = x.json(zone: .vietnam, limit: 5)
        #expect(json.contains(#""neverLateCount": 2, "neverLate": [{"code": "N1", "unit": "H44.101", "procedure": "PN""#))
        // Other components carry no such list.
        #expect(try explain(e, "3.3").lines.first?.neverLate.isEmpty == true)
    }

    /// details.md 11: 2.2 is shown as `value`, with no numerator, denominator or ratio, in explain's
    /// JSON as in the snapshot's.
    @Test func averageTimeIsShownAsItsValue() throws {
        let e = try openEngine()
        // Received Mon 3 Aug 09:00, finished Tue 4 Aug 09:00: 8 working hours = 1 unit of 8 h.
        try ingest(e, smallProvince() + [Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00"),
                                          Line.finished("f1", "D1", at: "2026-08-04 09:00")])
        let json = try explain(e, "2.2").json(zone: .vietnam, limit: 5)
        #expect(json.contains(#""id": "2.2""#))
        #expect(json.contains(#""value": 1,"#))
        #expect(!json.contains("numerator") && !json.contains("ratio"))
        // Without a finished dossier the value is null.
        let empty = try openEngine()
        try ingest(empty, smallProvince())
        #expect(try explain(empty, "2.2").json(zone: .vietnam, limit: 5).contains(#""value": null,"#))
        // The other components keep their counts.
        #expect(try explain(e, "2.1").json(zone: .vietnam, limit: 5).contains(#""numerator": 1, "denominator": 1, "ratio": 1,"#))
    }

    @Test func textNamesTheItems() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [Line.received("r1", "D1", unit: "H44.101", at: "2026-08-03 09:00", channel: "direct")])
        let text = try e.scorer(profile: defaultProfile()).explain(unit: "H44", window: Window.parse("2026-08"), now: now).text(zone: .vietnam, limit: 5)
        #expect(text.contains("2.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn: 0/1"))
        #expect(text.contains("dossier D1 @H44.101"))
    }

    /// Items are listed most costly first, equal gains by date, then code: `stablySorted` orders
    /// them as the standard library's stable sort with that comparison does, ties included, over
    /// random items with many equal gains, dates and codes, and items with no date.
    @Test(arguments: [UInt64(1), 2, 3])
    func itemsAreOrderedAsAStableSortOrdersThem(seed: UInt64) {
        var rng = PropertyTests.SplitMix(state: seed)
        let items = (0..<2_000).map { n in
            Explanation.Item(shortfall: Shortfall(kind: .dossier, code: "D\(rng.int(300))", unit: "U\(n)",
                                                  at: rng.chance(0.1) ? nil : Instant(micros: Int64(rng.int(50))), detail: "", procedure: nil),
                             gain: [0.5, 0.25, 0.125][rng.int(3)])
        }
        let expected = items.sorted { a, b in
            if a.gain != b.gain { return a.gain > b.gain }
            let x = a.shortfall.at ?? .distantPast, y = b.shortfall.at ?? .distantPast
            if x != y { return x < y }
            return a.shortfall.code.utf8.lexicographicallyPrecedes(b.shortfall.code.utf8)
        }
        let sorted = stablySorted(items, key: { (-$0.gain, ($0.shortfall.at ?? .distantPast).micros) }) { a, b in
            a.shortfall.code.utf8.lexicographicallyPrecedes(b.shortfall.code.utf8)
        }
        #expect(sorted.map(\.shortfall.unit) == expected.map(\.shortfall.unit))
    }

    /// A stored record that no longer decodes makes the explanation and a folded snapshot fail with
    /// the decoding error, instead of giving a score without it.
    @Test func aRecordThatNoLongerDecodesIsAnErrorNotAPartialScore() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + (1...5).map { Line.received("r\($0)", "D\($0)", unit: "H44.101", at: "2026-08-0\($0 + 2) 09:00") })
        let scorer = e.scorer(profile: try defaultProfile())
        let folded = try scorer.snapshot(unit: "H44", window: Window.parse("2026-08"), now: now, asOf: instant("2026-08-05T00:00:00+07:00"))
        #expect(!folded.fromTallies)
        #expect(try explain(e, "2.1").lines.first?.component.denominator == 5)
        // D1, received on 3 August, counts at both instants (D3, received on 5 August at 09:00, is
        // not read as of 5 August 00:00: its index row says it has no event before).
        try e.store.db.execute("UPDATE dossiers SET record = x'ff' WHERE code = 'D1'")
        #expect(throws: RecordCodecError.self) { try explain(e, "2.1") }
        #expect(throws: RecordCodecError.self) {
            try scorer.snapshot(unit: "H44", window: Window.parse("2026-08"), now: now, asOf: instant("2026-08-05T00:00:00+07:00"))
        }
    }

    /// Asked to keep only the items it will list (`keep`, what `chiso explain --limit` passes), an
    /// explanation gives the same report, text and JSON, as one that kept them all: the counts stay
    /// whole and the items kept are the first in its order, though each list was trimmed many times
    /// on the way (hundreds of items a component, trimmed from 2 × keep + 256).
    @Test(arguments: [UInt64(5), 6])
    func keepingOnlyTheListedItemsChangesNoReport(seed: UInt64) throws {
        let e = try openEngine()
        try ingest(e, PropertyTests().randomStream(seed: seed, span: 45, dossiers: 2_000, dueShift: 20))
        let scorer = e.scorer(profile: try defaultProfile())
        let window = try Window.parse("2026-08")
        let full = try scorer.explain(unit: "H44", window: window, now: now)
        #expect(full.lines.contains { $0.itemCount > 2 * 10 + 256 }, "no list long enough to be trimmed")
        #expect(full.lines.contains { $0.neverLateCount > 2 * 10 + 256 }, "no never-late list long enough to be trimmed")
        for keep in [0, 1, 3, 10, 100_000] {
            let kept = try scorer.explain(unit: "H44", window: window, now: now, keep: keep)
            #expect(kept.text(zone: .vietnam, limit: keep) == full.text(zone: .vietnam, limit: keep), "keep \(keep)")
            #expect(kept.json(zone: .vietnam, limit: keep) == full.json(zone: .vietnam, limit: keep), "keep \(keep)")
            for (a, b) in zip(kept.lines, full.lines) {
                #expect(a.itemCount == b.items.count && a.neverLateCount == b.neverLate.count)
                #expect(a.items.map(\.shortfall.code) == b.items.prefix(max(1, keep)).map(\.shortfall.code))
            }
        }
    }
}
