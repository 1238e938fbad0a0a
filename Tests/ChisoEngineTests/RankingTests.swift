import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// `chiso rank` (interfaces.md, details.md 13, 21, 22) on a hand-built province.
///
/// Calendar facts: July 2026 starts on a Wednesday, so Mon 6 Jul 09:00 + 5 working days (P1) is due
/// Mon 13 Jul 09:00; Mon 3 Aug 09:00 is due Mon 10 Aug 09:00 (details.md 9). Lateness moves two
/// components: 2.1 (20 × the on-time share: 2 of 2 → 20, 1 of 2 → 10) and 5.4 (a late dossier is
/// not "satisfied"; target 0.9, max 6: 2 of 2 → 6, 1 of 2 → 6 × 0.5 / 0.9 = 3.33). Every other
/// component sees the same facts for each commune (same procedure, channel and number of
/// dossiers), so a commune with 2 of 2 on time has 10 + 2.67 = 12.67 points more than one with 1 of 2.
@Suite struct RankingTests {
    static let names = [
        "H44.101": "Xã Hy\tCương",          // a tab: the table's columns must stay aligned
        "H44.102": #"Phường "Đông", Bắc"#,   // a comma and quotes: CSV must quote it
        "H44.103": "Xã Tiên\nKiên",          // a line break: tables must keep the row on one line
        "H44.01": "Sở <Tư pháp> & 'Nội vụ'", // every character HTML must escape
    ]

    /// A unit's name as it goes inside a JSON string literal (quotes escaped).
    static func escapedName(_ unit: String) -> String { String(jsonQuoted(names[unit] ?? "").dropFirst().dropLast()) }

    /// Two dossiers at `unit` received Monday 09:00 of the given week, finished Thursday (on time)
    /// or the next Tuesday (late, after the Monday 09:00 due).
    static func pair(_ unit: String, month: String, onTime: Int, tag: String) -> [String] {
        let (monday, thursday, nextTuesday) = month == "07" ? ("2026-07-06", "2026-07-09", "2026-07-14") : ("2026-08-03", "2026-08-06", "2026-08-11")
        return (1...2).flatMap { i -> [String] in
            let d = "D\(tag)\(i)"
            return [Line.received("r\(d)", d, unit: unit, at: "\(monday) 09:00"),
                    Line.finished("f\(d)", d, at: (i <= onTime ? thursday : nextTuesday) + " 10:00")]
        }
    }

    /// H44 with department H44.01 and communes H44.101, H44.102, and H44.103 declared on 1 Aug 00:00
    /// (absent from July's tree: July's E is exactly 1 Aug 00:00 and only events before E count).
    /// July 2.1: 101 → 20, 102 → 10. August: 101 → 10, 102 → 20, 103 → 20.
    static func province() -> [String] {
        [
            Line.unit("u0", "H44", parent: nil, level: "province", name: "Tỉnh Phú Thọ"),
            Line.unit("u1", "H44.01", parent: "H44", level: "department", name: escapedName("H44.01")),
            Line.unit("u2", "H44.101", parent: "H44", level: "commune", name: escapedName("H44.101")),
            Line.unit("u3", "H44.102", parent: "H44", level: "commune", name: escapedName("H44.102")),
            Line.unit("u4", "H44.103", parent: "H44", level: "commune", at: "2026-08-01 00:00", name: escapedName("H44.103")),
            Line.procedure("p1", "P1"),
        ]
        + pair("H44.101", month: "07", onTime: 2, tag: "a")
        + pair("H44.102", month: "07", onTime: 1, tag: "b")
        + pair("H44.101", month: "08", onTime: 1, tag: "c")
        + pair("H44.102", month: "08", onTime: 2, tag: "d")
        + pair("H44.103", month: "08", onTime: 2, tag: "e")
    }

    func ranking(_ e: Engine, period: String = "2026-08", parent: String? = "H44", level: UnitLevel? = nil) throws -> Ranking {
        try e.scorer(profile: defaultProfile()).ranking(window: Window.parse(period), now: instant("2027-06-01T00:00:00+07:00"),
                                                       parent: parent, level: level)
    }

    func point(_ r: Ranking, _ unit: String) -> Points? { r.rows.first { $0.unit == unit }?.total }

    @Test func orderTiesAndTotals() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        // 102 and 103 both have 2 of 2 on time and tie; listed by code. 101 has 12.67 less; the department,
        // with no dossier (2.1 = 0 by the zero policy, no procedure under its authority), is last.
        #expect(r.rows.map(\.unit) == ["H44.102", "H44.103", "H44.101", "H44.01"])
        #expect(r.rows.map(\.rank) == [1, 1, 3, 4])
        let t102 = try #require(point(r, "H44.102")), t101 = try #require(point(r, "H44.101"))
        #expect(point(r, "H44.103") == t102)
        #expect(t102.hundredths - t101.hundredths == 1267)
        // Each total is the unit's own snapshot total, pooled over its subtree.
        for row in r.rows {
            let s = try snapshot(e, unit: row.unit)
            #expect(row.total == s.card.total && row.band == s.card.band)
            #expect(row.groupPoints == s.card.groups.map(\.points))
        }
        #expect(r.groups.map(\.code) == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"])
        #expect(r.asOf == instant("2026-09-01T00:00:00+07:00") && r.previousWindow.label == "2026-07")
        // Without --parent: the roots, H44 alone.
        #expect(try ranking(e, parent: nil).rows.map(\.unit) == ["H44"])
    }

    /// details.md 12: a code never declared belongs to no tree. A `unit.service` or a dossier does not
    /// make it a root; its snapshot is itself even when declared units name it as their parent; those
    /// units head their own trees.
    @Test func codesNeverDeclaredBelongToNoTree() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            #"{"id":"s1","type":"unit.service","at":"2026-01-02T00:00:00+07:00","unit":"ZZ","eCertifiedCopy":true}"#,
            Line.unit("u9", "KID", parent: "GHOST", level: "commune"),
            Line.received("r1", "D1", unit: "ZZ", at: "2026-08-03 09:00"),
            Line.received("r2", "D2", unit: "KID", at: "2026-08-03 09:00"),
            Line.received("r3", "D3", unit: "H44.101", at: "2026-08-03 09:00"),
        ])
        #expect(try ranking(e, parent: nil).rows.map(\.unit) == ["H44", "KID"])
        let ghost = try e.scorer(profile: defaultProfile()).snapshot(unit: "GHOST", window: Window.parse("2026-08"),
                                                                     now: instant("2027-06-01T00:00:00+07:00"), children: true)
        #expect(ghost.measures.counts["received"] == 0 && ghost.node == nil)
        #expect(ghost.children?.isEmpty == true)
        #expect(ghost.json(zone: .vietnam).hasSuffix(#", "children": []}"#))
        #expect(try snapshot(e, unit: "KID").measures.counts["received"] == 1)
        #expect(try snapshot(e, unit: "H44").measures.counts["received"] == 1)
        // Not asked for children: no key at all.
        #expect(!(try snapshot(e, unit: "H44").json(zone: .vietnam).contains("\"children\"")))
        #expect(throws: EngineError.self) { try ranking(e, parent: "GHOST") }
    }

    /// A merge moves dossiers even between codes never declared (details.md 13): the unit merged
    /// into stays "itself" but holds what was merged into it, in every kind of window alike.
    @Test func mergesIntoCodesNeverDeclaredMoveTheirDossiers() throws {
        let e = try openEngine()
        try ingest(e, [
            Line.received("d1", "D1", unit: "X.102", at: "2026-08-03 09:00"),
            #"{"id":"m1","type":"unit.merged","at":"2026-08-15T00:00:00+07:00","unit":"X.102","into":"X.101"}"#,
        ])
        for period in ["2026-08", "2026-08-01..2026-08-31", "2026-W34"] {
            let s = try snapshot(e, unit: "X.101", period: period)
            #expect(s.measures.counts["active"] == 1, "\(period): \(s.measures.counts["active"] ?? -1)")
        }
        #expect(try e.verify(profile: defaultProfile(), now: instant("2027-06-01T00:00:00+07:00")).isClean)
    }

    /// A code never declared is no one's child, even of the unit it was merged into (details.md 12:
    /// "its snapshot is itself"): a dossier received there after the merge does not pool into that
    /// unit, while one open there at the merge moves to it (details.md 13).
    @Test func aCodeNeverDeclaredMergedIntoAUnitDoesNotJoinItsTree() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.received("r1", "D1", unit: "Y", at: "2026-08-03 09:00"),
            #"{"id":"m1","type":"unit.merged","at":"2026-08-05T00:00:00+07:00","unit":"Y","into":"H44.101"}"#,
            Line.received("r2", "D2", unit: "Y", at: "2026-08-06 09:00"),
        ])
        let s = try e.scorer(profile: defaultProfile()).snapshot(unit: "H44.101", window: Window.parse("2026-08"),
                                                                 now: instant("2027-06-01T00:00:00+07:00"), children: true)
        #expect(s.children?.isEmpty == true)
        // D1 moved to H44.101 at the merge and is processing there; D2 stays at Y.
        #expect(s.measures.counts["active"] == 1)
        #expect(try snapshot(e, unit: "H44").measures.counts["active"] == 1)
        #expect(try snapshot(e, unit: "Y").measures.counts["active"] == 1)
        #expect(try e.verify(profile: defaultProfile(), now: instant("2027-06-01T00:00:00+07:00")).isClean)
    }

    /// A root whose parent was never declared, merged during the window, is ranked among the roots in
    /// that window, like any root merged during it (details.md 13).
    @Test func aRootUnderACodeNeverDeclaredMergedDuringTheWindowIsStillRanked() throws {
        let e = try openEngine()
        try ingest(e, smallProvince() + [
            Line.unit("u8", "R", parent: "GHOST", level: "province"),
            Line.unit("u9", "S", parent: nil, level: "province"),
            #"{"id":"m1","type":"unit.merged","at":"2026-08-10T00:00:00+07:00","unit":"R","into":"H44"}"#,
            #"{"id":"m2","type":"unit.merged","at":"2026-08-10T00:00:00+07:00","unit":"S","into":"H44"}"#,
        ])
        #expect(try ranking(e, parent: nil).rows.map(\.unit).sorted() == ["H44", "R", "S"])
        #expect(try ranking(e, period: "2026-09", parent: nil).rows.map(\.unit) == ["H44"])
    }

    @Test func tieRuleOnBareRows() {
        func row(_ code: String, _ h: Int64) -> RankingRow {
            RankingRow(rank: 0, unit: code, name: nil, level: nil, total: Points(hundredths: h),
                       band: Profile.Band(name: "x", nameEn: "x", min: .zero), groupPoints: [], change: nil)
        }
        // 7000 > 6999 = 6999 = 6999 > 5000: ranks 1, 2, 2, 2, 5; the tie listed by code point
        // ("H44.1" < "H44.10" < "H44.9", and "a" after every digit and capital).
        let out = Ranking.assignRanks([row("H44.9", 6999), row("a", 5000), row("H44.10", 6999), row("Z", 7000), row("H44.1", 6999)])
        #expect(out.map(\.unit) == ["Z", "H44.1", "H44.10", "H44.9", "a"])
        #expect(out.map(\.rank) == [1, 2, 2, 2, 5])
    }

    @Test func changeAgainstThePreviousPeriod() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        func change(_ u: String) -> RankChange? { r.rows.first { $0.unit == u }?.change }
        // July (children of H44 at 1 Aug 00:00): 101 (2 of 2 on time) 1st, 102 (1 of 2) 2nd, the department 3rd.
        // August, each change now − then (details.md 22): 102 1st (Δ rank 1 − 2 = −1, Δ total +12.67),
        // 101 3rd (Δ rank 3 − 1 = +2, Δ total −12.67), department 4th (+1, 0: nothing of it changed),
        // 103 not declared in July: no change.
        #expect(change("H44.102") == RankChange(total: Points(hundredths: 1267), rank: -1))
        #expect(change("H44.101") == RankChange(total: Points(hundredths: -1267), rank: 2))
        #expect(change("H44.01") == RankChange(total: .zero, rank: 1))
        #expect(change("H44.103") == nil)
        let july = try ranking(e, period: "2026-07")
        #expect(july.rows.map(\.unit) == ["H44.101", "H44.102", "H44.01"])
        #expect(july.rows.map(\.rank) == [1, 2, 3])
        // A custom range compares with the equally long range just before: 3–9 Aug with 27 Jul–2 Aug.
        let week = try ranking(e, period: "2026-08-03..2026-08-09")
        #expect(week.previousWindow.label == "2026-07-27..2026-08-02")
    }

    @Test func levelAndMergedUnits() throws {
        let e = try openEngine()
        try ingest(e, Self.province() + [
            Line.unit("u5", "H44.104", parent: "H44.01", level: "commune", name: "Xã Hợp Nhất"),
            // merged during July: counts in July, left out of August (details.md 13).
            #"{"id":"m1","type":"unit.merged","at":"2026-07-15T00:00:00+07:00","unit":"H44.104","into":"H44.101"}"#,
        ])
        // --level commune under H44: every commune of the subtree, not just children; 104 merged
        // before August is left out.
        let aug = try ranking(e, level: .commune)
        #expect(aug.rows.map(\.unit).sorted() == ["H44.101", "H44.102", "H44.103"])
        let everyCommune = try ranking(e, parent: nil, level: .commune)
        #expect(everyCommune.rows.map(\.unit).sorted() == ["H44.101", "H44.102", "H44.103"])
        // Its heading says what it ranks: every commune, across the trees, not the roots.
        #expect(everyCommune.table().hasPrefix("Xếp hạng 2026-08 — mọi đơn vị cấp commune (every unit of level commune, all trees)\n"))
        #expect(aug.table().hasPrefix("Xếp hạng 2026-08 — H44 Tỉnh Phú Thọ, level commune\n"))
        // July: 104 merged on 15 Jul, during the window, still counts (now under H44.101).
        let july = try ranking(e, period: "2026-07", level: .commune)
        #expect(july.rows.map(\.unit).sorted() == ["H44.101", "H44.102", "H44.104"])
        // Without a level, a unit merged during the window is ranked among the children of its parent
        // just before that merge, not under the one it was merged into.
        #expect(try ranking(e, period: "2026-07", parent: "H44.01").rows.map(\.unit) == ["H44.104"])
        #expect(try ranking(e, period: "2026-07", parent: "H44").rows.map(\.unit).sorted() == ["H44.01", "H44.101", "H44.102"])
        #expect(try ranking(e, period: "2026-07-16..2026-07-31", parent: "H44.101").rows.isEmpty)
        #expect(try ranking(e, period: "2026-07", parent: "H44.101").rows.isEmpty)
        #expect(try ranking(e, parent: "H44.01").rows.isEmpty, "merged before August")
        // The department level without a parent; the province level ranks the root itself.
        #expect(try ranking(e, parent: nil, level: .department).rows.map(\.unit) == ["H44.01"])
        #expect(try ranking(e, parent: nil, level: .province).rows.map(\.unit) == ["H44"])
        // A parent with no unit of that level: empty, with a message; an unknown parent: an error.
        let none = try ranking(e, parent: "H44.102", level: .department)
        #expect(none.rows.isEmpty && none.json == "[]" && none.table() == none.emptyMessage && none.markdown == none.emptyMessage)
        #expect(none.emptyMessage.contains("H44.102"))
        // With --level the units come from the tree at E; without it, a unit merged during the period
        // is ranked under the parent it had just before that merge, and the message says so.
        #expect(!none.emptyMessage.contains("merged during it"), "\(none.emptyMessage)")
        let childless = try ranking(e, parent: "H44.102")
        #expect(childless.rows.isEmpty)
        #expect(childless.emptyMessage.contains("one merged during it is ranked under the parent it had just before that merge"))
        #expect(throws: EngineError.self) { try ranking(e, parent: "H99") }
        // Before any unit was declared (1 Jan 2026): the roots exist later, not then (an audit read
        // "the database holds no root unit" as untrue).
        let early = try ranking(e, period: "2025-12", parent: nil)
        #expect(early.rows.isEmpty)
        #expect(early.emptyMessage.hasPrefix("No unit to rank for 2025-12: no root unit is declared by then (the period's end, or --as-of)"), "\(early.emptyMessage)")
    }

    @Test func jsonFieldByField() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        let doc = try JSONParser.parse(r.json)
        let array = try #require(doc.arrayValue)
        #expect(array.count == 4)
        for (item, row) in zip(array, r.rows) {
            let obj = try #require(item.objectValue)
            #expect(obj.members.map(\.key) == ["rank", "unit", "total", "band", "groups", "change"])
            #expect(obj["rank"]?.numberValue?.int64 == Int64(row.rank))
            #expect(obj["unit"]?["code"]?.stringValue == row.unit)
            #expect(obj["unit"]?["name"]?.stringValue == Self.names[row.unit])
            #expect(obj["unit"]?["level"]?.stringValue == (row.unit == "H44.01" ? "department" : "commune"))
            #expect(obj["total"]?.numberValue?.text == row.total.jsonNumber)
            #expect(obj["band"]?.stringValue == row.band.name)
            let groups = try #require(obj["groups"]?.objectValue)
            #expect(groups.members.map(\.key) == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"])
            #expect(groups.members.map { $0.value.numberValue?.text } == row.groupPoints.map(\.jsonNumber))
        }
        // details.md 22: the difference against the previous period, rank as total: now − then.
        // 102 climbed from 2nd to 1st: {"total": 12.67, "rank": -1}; 103: null; 101 fell from 1st to 3rd: {"total": -12.67, "rank": 2}.
        #expect(array[0]["change"]?["total"]?.numberValue?.text == "12.67" && array[0]["change"]?["rank"]?.numberValue?.text == "-1")
        #expect(array[1]["change"]?.isNull == true)
        #expect(array[2]["change"]?["total"]?.numberValue?.text == "-12.67" && array[2]["change"]?["rank"]?.numberValue?.text == "2")
        // Tables show the move as an arrow.
        let table = r.table()
        #expect(table.contains("▲1") && table.contains("▼2"))
    }

    /// A small RFC 4180 reader: fields separated by commas, records by CRLF, a quoted field may hold
    /// commas, CR, LF and doubled quotes. Records any syntax problem as a test issue.
    func readCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var chars = Array(text.unicodeScalars)[...]
        var quoted = false, fieldStarted = false
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where !fieldStarted: quoted = true; fieldStarted = true
            case ",": record.append(field); field = ""; fieldStarted = false
            case "\r":
                if chars.popFirst() != "\n" { Issue.record("a CR not followed by LF") }
                record.append(field); records.append(record); record = []; field = ""; fieldStarted = false
            case "\n", "\"": Issue.record("a bare \(c == "\n" ? "LF" : "quote") outside a quoted field")
            default: field.unicodeScalars.append(c); fieldStarted = true
            }
        }
        if quoted || !record.isEmpty || !field.isEmpty { Issue.record("the last record does not end with CRLF") }
        return records
    }

    @Test func csvReadsBackWithVietnameseNames() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        let csv = r.csv
        #expect(csv.unicodeScalars.first == "\u{FEFF}")
        let records = readCSV(String(csv.unicodeScalars.dropFirst()))
        #expect(records.first == ["rank", "code", "name", "level", "total", "band", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH", "change_total", "change_rank"])
        #expect(records.count == 5)
        for (rec, row) in zip(records.dropFirst(), r.rows) {
            #expect(rec.count == 14)
            #expect(rec[0] == String(row.rank) && rec[1] == row.unit && rec[2] == Self.names[row.unit])
            #expect(rec[4] == row.total.jsonNumber && rec[5] == row.band.name)
        }
        // Row 2 is H44.103, absent in July: empty change fields. Row 1 is H44.102: +12.67, 2nd → 1st.
        #expect(records[2][12] == "" && records[2][13] == "")
        #expect(records[1][12] == "12.67" && records[1][13] == "-1")
        #expect(csv.contains(#""Phường ""Đông"", Bắc""#))
    }

    /// Checks that every opened tag is closed in order (void elements aside), ignoring the
    /// doctype, comments and the CSS inside <style>. Returns the problems found.
    func tagBalance(_ html: String) -> [String] {
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]
        var stack: [String] = [], problems: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[open...]
            guard let close = rest.firstIndex(of: ">") else { problems.append("an unclosed <"); break }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let selfClosing = tag.hasSuffix("/")
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst()).lowercased()
                if stack.popLast() != name { problems.append("</\(name)> closes the wrong element") }
                continue
            }
            let name = String(tag.prefix { !$0.isWhitespace && $0 != "/" }).lowercased()
            if selfClosing || void.contains(name) { continue }
            stack.append(name)
            if name == "style", let end = rest.range(of: "</style>") {
                rest = rest[end.lowerBound...]
            }
        }
        if !stack.isEmpty { problems.append("never closed: \(stack)") }
        return problems
    }

    @Test func htmlIsWellFormedAndComplete() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        let html = r.html()
        #expect(tagBalance(html).isEmpty, "\(tagBalance(html))")
        #expect(tagBalance("<p><b>x</p></b>").count == 2) // the checker can fail
        #if canImport(FoundationXML)
        let doc = try XMLDocument(xmlString: html, options: [])
        #expect(doc.rootElement()?.name == "html")
        #endif
        #expect(html.contains("Xếp hạng chỉ số phục vụ người dân, doanh nghiệp — 2026-08"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("<svg") && !html.contains("<script"))
        #expect(html.components(separatedBy: "http").count == 2 && html.contains("xmlns=\"http://www.w3.org/2000/svg\"")) // only the SVG namespace
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("url("))
        #expect(html.contains("dvcqg-2026") && html.contains("Tỉnh Phú Thọ") && html.contains("2026-09-01T00:00:00+07:00"))
        for row in r.rows {
            #expect(html.contains(row.unit))
            #expect(html.contains(Ranking.escapeHTML(Self.names[row.unit] ?? "")))
        }
        #expect(html.contains("Sở &lt;Tư pháp&gt; &amp; &#39;Nội vụ&#39;"))
        #expect(html.contains("Phường &quot;Đông&quot;, Bắc"))
        #expect(!html.contains("<Tư pháp>"))
        // Control characters, which an HTML document may not hold, are replaced; tab and line breaks stay.
        #expect(Ranking.escapeHTML("a\u{0}b\u{1B}c\u{7F}d\u{85}e\tf\ng") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\tf\ng")
        // The legend gives each band's range as indicators.md does: the lowest below the next.
        #expect(html.contains("Trung bình (≥ 50)") && html.contains("Yếu (&lt; 50)") && !html.contains("(≥ 0)"))
        #expect(html.contains("<th>Δ tổng</th>"), "the same heading as the table's")
        // One bar per unit, the colours of their bands.
        #expect(html.components(separatedBy: "<rect ").count - 1 == r.rows.count)
        // With nothing to rank, still a whole document that says so.
        let empty = try ranking(e, parent: "H44.101")
        #expect(tagBalance(empty.html()).isEmpty && empty.html().contains("No unit to rank"))
    }

    @Test func textFormats() throws {
        let e = try openEngine()
        try ingest(e, Self.province())
        let r = try ranking(e)
        let table = r.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Heading, details, blank, header, 4 rows.
        #expect(table.count == 8)
        #expect(table[3].hasPrefix("Hạng  Mã") && table[3].contains("CKMB") && table[3].hasSuffix("Δ hạng"))
        #expect(table[4].contains("H44.102") && table[4].hasSuffix("+12.67      ▲1"))
        #expect(table[5].contains("Xã Tiên Kiên"))
        #expect(table.allSatisfy { !$0.contains("\t") } && table.contains { $0.contains("Xã Hy Cương") })
        #expect(table[5].contains("H44.103") && table[5].hasSuffix("—       —"))
        let md = r.markdown.split(separator: "\n").map(String.init)
        #expect(md.count == 6 && md[1].hasPrefix("| ---: | --- | --- | ---: |"))
        #expect(md.allSatisfy { $0.hasPrefix("| ") && $0.hasSuffix(" |") })
        #expect(md.contains { $0.contains("| Xã Tiên Kiên |") })
        // Characters that would start HTML, a link, code or emphasis are made literal.
        #expect(md.contains { $0.contains(#"| Sở \<Tư pháp\> \& 'Nội vụ' |"#) })
        #expect(!r.markdown.contains("<Tư pháp>"))
    }
}

