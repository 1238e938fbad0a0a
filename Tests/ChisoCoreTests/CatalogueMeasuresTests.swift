import Foundation
import Testing
@testable import ChisoCore

/// The catalogue measures (1.1–1.3, 3.1, 3.2 pairs, 3.5, 4.5a; details.md 15, 16) read through each
/// root's index (`RootCatalogue`) and with announcements skipped by date, held to a direct reading of
/// the catalogue over random catalogues and windows: the direct reading is the code before the index,
/// kept here as the reference.
@Suite struct CatalogueMeasuresTests {
    /// A small deterministic generator (xorshift64*), so that a failure can be replayed from its seed.
    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        init(state seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    static func vietnam() throws -> WorkingCalendar {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("indicators/calendar-vn.json")
        return try WorkingCalendar(fileText: String(contentsOf: url, encoding: .utf8), name: "calendar-vn.json")
    }

    static func day(_ text: String) -> LocalDate { LocalDate(parsing: text) ?? LocalDate(year: 1970, month: 1, day: 1) }

    /// What the skip rests on: the n-th working day after d reaches F exactly when d is on or after the
    /// n-th working day before F, whatever the holidays (Tết, a long made-up closure, make-up days).
    @Test func aDeadlineReachesADayExactlyFromTheNthWorkingDayBeforeIt() throws {
        var closed = WorkingCalendar.weekendsOnly
        for d in 0..<40 { closed.holidays.insert(LocalDate(daysSinceEpoch: Self.day("2026-03-10").daysSinceEpoch + d)) }
        closed.extraWorkdays.insert(Self.day("2026-03-14"))
        var checked = 0
        for calendar in [try Self.vietnam(), closed, .weekendsOnly] {
            for n in [1, 5, 10, 20] {
                for f in Self.day("2025-12-20").daysSinceEpoch...Self.day("2026-05-10").daysSinceEpoch {
                    let first = LocalDate(daysSinceEpoch: f)
                    let earliest = calendar.workingDay(n, before: first)
                    for d in (f - 90)...(f + 3) {
                        let decided = LocalDate(daysSinceEpoch: d)
                        #expect((calendar.workingDay(n, after: decided) >= first) == (decided >= earliest),
                                "n \(n), decided \(decided), first day \(first)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 100_000)
    }

    /// The catalogue measures equal the direct reading, for both the counting and the explaining path.
    @Test(arguments: [1, 2, 3, 4, 5, 6]) func catalogueMeasuresEqualTheDirectReading(seed: UInt64) throws {
        var random = Xorshift(state: seed)
        let calendar = try Self.vietnam()
        let events = Self.randomCatalogue(&random)
        let catalogue = Catalogue(events: events)
        var windows: [Window] = []
        for month in 1...12 { windows.append(try Window.parse("2025-\(month < 10 ? "0" : "")\(month)")) }
        windows += [try Window.parse("2025-Q1"), try Window.parse("2025-Q4"), try Window.parse("2025"), try Window.parse("2026-01")]
        var compared = 0
        for window in windows {
            let e = min(window.to, Zone.vietnam.startOfDay(Self.day("2026-01-20")))
            let view = catalogue.asOf(e)
            let evaluator = Evaluator(catalogue: view, calendar: calendar)
            for unit in ["H1", "H1.1", "H1.1.2", "B1", "B1.2", "X9", "H1.2", "agency"] {
                var receipts = OnlineReceipts()
                for u in view.subtree(of: unit) where Int.random(in: 0..<2, using: &random) == 0 {
                    receipts.byCode[u] = Array(Set((0..<3).map { _ in "P\(Int.random(in: 0..<24, using: &random))" })).sorted()
                }
                let fee = Set((0..<6).map { _ in "P\(Int.random(in: 0..<24, using: &random))" })
                var counted = Measures()
                evaluator.catalogueMeasures(unit: unit, from: window.from, feeProcedures: fee, paidProcedures: fee,
                                            populationProcedures: fee, onlineReceipts: receipts, into: &counted)
                var explained = Measures()
                evaluator.catalogueMeasures(unit: unit, from: window.from, feeProcedures: fee, paidProcedures: fee,
                                            populationProcedures: fee, onlineReceipts: receipts, into: &explained, log: ShortfallLog())
                let expected = Self.directReading(view: view, calendar: calendar, unit: unit, from: window.from, fee: fee, receipts: receipts)
                for (name, value) in expected {
                    #expect(counted[name] == value, "seed \(seed), \(window.label), \(unit): \(name)")
                    #expect(explained[name] == value, "seed \(seed), \(window.label), \(unit): \(name), explaining")
                }
                compared += 1
            }
        }
        #expect(compared == windows.count * 8)
    }

    /// 1.1–1.2 are counted once per root and window, and remembered by the root's catalogue, which views
    /// at later instants share (`CatalogueView.at`); the count depends on E as well: an announcement
    /// decided on Monday 5 January 2026 has its publication deadline on Monday the 12th (details.md
    /// 16), inside [1 January, E) only once E is past it.
    @Test func rememberedAnnouncementCountsBelongToTheirInstant() throws {
        let calendar = try Self.vietnam()
        let monday = Zone.vietnam.startOfDay(Self.day("2026-01-05")).adding(micros: 9 * Instant.microsPerHour)
        let events = [
            Event(id: "u", at: monday, body: .unitDeclared(unit: "H1", name: "H1", parent: nil, level: .province)),
            Event(id: "a", at: monday, body: .procedureAnnounced(procedure: "P1", unit: "H1", decidedAt: Self.day("2026-01-05"),
                                                                 effectiveAt: Self.day("2026-02-01"))),
        ]
        let from = Zone.vietnam.startOfDay(Self.day("2026-01-01"))
        let early = Catalogue(events: events).asOf(Zone.vietnam.startOfDay(Self.day("2026-01-06")))
        func publications(_ view: CatalogueView) -> Int64? {
            var m = Measures()
            Evaluator(catalogue: view, calendar: calendar).catalogueMeasures(
                unit: "H1", from: from, feeProcedures: [], paidProcedures: [], populationProcedures: [], onlineReceipts: OnlineReceipts(), into: &m)
            return m["publications"]
        }
        #expect(publications(early) == 0)
        let later = early.at(Zone.vietnam.startOfDay(Self.day("2026-01-20")))
        #expect(publications(later) == 1)
        #expect(publications(early) == 0)
    }

    /// details.md 15: an authority entry equal to a level name is a level, any other is a unit code;
    /// so "agency" names the agencies, not a unit whose code is "agency".
    @Test func anEntryThatIsALevelNameNamesTheLevelNotAUnitOfThatCode() {
        let at = Zone.vietnam.startOfDay(Self.day("2026-01-01"))
        var events: [Event] = [("H", nil, UnitLevel.province), ("agency", "H", .commune), ("C1", "H", .commune)].enumerated().map { i, u in
            Event(id: "u\(i)", at: at, body: .unitDeclared(unit: u.0, name: u.0, parent: u.1, level: u.2))
        }
        for (p, entry) in [("P1", "agency"), ("P2", "commune"), ("P3", "C1")] {
            events.append(Event(id: p, at: at, body: .procedureDeclared(ProcedureDeclaration(
                procedure: p, name: p, unit: "H", authority: [entry], onlineLevel: .full, feeBearing: true, citizenSubject: false,
                contentComplete: true, abolished: false))))
        }
        let view = Catalogue(events: events).asOf(at.adding(micros: Instant.microsPerDay))
        #expect(view.proceduresUnderAuthority(of: "H", subtree: view.subtree(of: "H")).map(\.procedure) == ["P2", "P3"])
        #expect(view.proceduresUnderAuthority(of: "agency", subtree: ["agency"]).map(\.procedure) == ["P2"])
        let p1 = view.latestDeclarations.filter { $0.procedure == "P1" }
        #expect(p1.count == 1 && !view.authority(p1[0], names: "agency"))
        let p3 = view.latestDeclarations.filter { $0.procedure == "P3" }
        #expect(p3.count == 1 && view.authority(p3[0], names: "C1"))
    }

    /// Two trees (a province and a ministry), 24 procedures with random authority, and announcements
    /// and publications over two years, some of them in each tree.
    static func randomCatalogue(_ random: inout Xorshift) -> [Event] {
        var events: [Event] = []
        let start = Zone.vietnam.startOfDay(day("2024-01-01"))
        func at(_ days: Int) -> Instant { start.adding(micros: Int64(days) * Instant.microsPerDay + 9 * Instant.microsPerHour) }
        let tree: [(String, String?, UnitLevel)] = [
            ("H1", nil, .province), ("H1.1", "H1", .department), ("H1.2", "H1", .department),
            ("H1.1.1", "H1.1", .commune), ("H1.1.2", "H1.1", .commune), ("H1.2.1", "H1.2", .commune),
            ("B1", nil, .ministry), ("B1.1", "B1", .department), ("B1.2", "B1", .agency),
            // A unit whose code is a level's name: an authority entry "agency" names the level only.
            ("agency", "H1.2", .commune),
        ]
        for (i, u) in tree.enumerated() {
            events.append(Event(id: "u\(i)", at: at(0), body: .unitDeclared(unit: u.0, name: u.0, parent: u.1, level: u.2)))
        }
        let entries = ["H1", "H1.1", "H1.2", "H1.1.1", "H1.1.2", "H1.2.1", "B1", "B1.1", "B1.2", "commune", "department", "agency", "province"]
        for p in 0..<24 {
            let root = p % 3 == 2 ? "B1" : "H1"
            let authority = (0..<Int.random(in: 1...3, using: &random)).map { _ in entries.randomElement(using: &random) ?? "H1" }
            let levels: [OnlineLevel] = [.none, .partial, .full]
            for version in 0..<Int.random(in: 1...2, using: &random) {
                let d = ProcedureDeclaration(procedure: "P\(p)", name: "P\(p)", unit: root, authority: authority,
                                             onlineLevel: levels.randomElement(using: &random) ?? .full,
                                             feeBearing: Bool.random(using: &random), citizenSubject: Bool.random(using: &random),
                                             contentComplete: Bool.random(using: &random), abolished: version == 1 && p % 7 == 0)
                events.append(Event(id: "p\(p).\(version)", at: at(version * 300), body: .procedureDeclared(d)))
            }
        }
        for i in 0..<160 {
            let p = "P\(Int.random(in: 0..<24, using: &random))"
            let unit = ["H1", "H1.1", "B1", "B1.2"].randomElement(using: &random) ?? "H1"
            let decided = Int.random(in: 30...740, using: &random)
            let decidedAt = LocalDate(daysSinceEpoch: day("2024-01-01").daysSinceEpoch + decided)
            let effectiveAt = LocalDate(daysSinceEpoch: decidedAt.daysSinceEpoch + Int.random(in: 0...40, using: &random))
            events.append(Event(id: "a\(i)", at: at(decided + Int.random(in: -3...3, using: &random)),
                                body: .procedureAnnounced(procedure: p, unit: unit, decidedAt: decidedAt, effectiveAt: effectiveAt)))
            if Int.random(in: 0..<3, using: &random) > 0 {
                events.append(Event(id: "b\(i)", at: at(decided + Int.random(in: 0...14, using: &random)),
                                    body: .procedurePublished(procedure: p, unit: unit)))
            }
        }
        return events
    }

    /// The measures read straight from the view, as `Evaluator` did before the root index.
    static func directReading(view: CatalogueView, calendar: WorkingCalendar, unit: String, from: Instant,
                              fee: Set<String>, receipts: OnlineReceipts) -> [String: Int64] {
        var out: [String: Int64] = [:]
        let zone = calendar.zone, e = view.asOf
        let subtree = view.subtree(of: unit)
        let live = subtree.filter { !(view.units[$0]?.mergedAway(before: from) ?? false) }
        let root = view.root(of: unit)
        let rootCatalogue = view.latestDeclarations.filter { !$0.abolished && view.root(of: $0.unit) == root }
        var names = Set(subtree.filter { UnitLevel(rawValue: $0) == nil })
        for u in subtree { if let l = view.units[u]?.level { names.insert(l.rawValue) } }
        let authority = rootCatalogue.filter { d in d.authority.contains { names.contains($0) } }
        out["procedures"] = Int64(authority.count)
        out["procedures.online"] = Int64(authority.filter { $0.onlineLevel != .none }.count)
        out["procedures.feeBearing"] = Int64(authority.filter(\.feeBearing).count)
        out["procedures.feeBearing.withFeeDossiers"] = Int64(authority.filter { $0.feeBearing && fee.contains($0.procedure) }.count)
        out["procedures.citizen.populationData"] = Int64(authority.filter { $0.citizenSubject && fee.contains($0.procedure) }.count)
        var pairs: Int64 = 0, withDossiers: Int64 = 0
        for u in live {
            let level = view.units[u]?.level?.rawValue
            for p in rootCatalogue where p.onlineLevel != .none && ((UnitLevel(rawValue: u) == nil && p.authority.contains(u)) || level.map { p.authority.contains($0) } == true) {
                pairs += 1
                if (receipts.byCode[u] ?? []).contains(p.procedure) { withDossiers += 1 }
            }
        }
        out["onlinePairs"] = pairs
        out["onlinePairs.withDossiers"] = withDossiers
        out["catalogue"] = Int64(rootCatalogue.count)
        out["catalogue.complete"] = Int64(rootCatalogue.filter(\.contentComplete).count)

        let ministry = view.units[root]?.level == .ministry
        let announceDays = ministry ? 20 : 5, publishDays = ministry ? 10 : 5
        func inWindow(_ date: LocalDate) -> Bool { zone.startOfDay(date) >= from && zone.startOfDay(date) < e }
        let announcements = view.announcements.filter { view.root(of: $0.unit) == root }
        let publications = view.publications.filter { view.root(of: $0.unit) == root }
        var announced: [String: Bool] = [:]
        for a in announcements where inWindow(a.decidedAt) {
            announced[a.procedure] = (announced[a.procedure] ?? true) && a.decidedAt <= calendar.workingDay(announceDays, before: a.effectiveAt)
        }
        out["announcements"] = Int64(announced.count)
        out["announcements.onTime"] = Int64(announced.values.filter { $0 }.count)
        func publishedOnTime(_ a: CatalogueView.Announcement) -> Bool {
            let deadline = calendar.workingDay(publishDays, after: a.decidedAt)
            return publications.contains { p in
                let date = zone.localDate(of: p.at)
                return p.procedure == a.procedure && date >= a.decidedAt && date <= deadline
            }
        }
        var concerned: [String: Bool] = [:]
        for a in announcements where inWindow(calendar.workingDay(publishDays, after: a.decidedAt)) {
            concerned[a.procedure] = (concerned[a.procedure] ?? true) && publishedOnTime(a)
        }
        for p in publications where p.at >= from && p.at < e {
            let date = zone.localDate(of: p.at)
            let latest = announcements.filter { $0.procedure == p.procedure && $0.decidedAt <= date }
                .max { ($0.decidedAt, $0.at) < ($1.decidedAt, $1.at) }
            if let a = latest {
                concerned[p.procedure] = (concerned[p.procedure] ?? true) && publishedOnTime(a)
            } else if concerned[p.procedure] == nil {
                concerned[p.procedure] = true
            }
        }
        out["publications"] = Int64(concerned.count)
        out["publications.onTime"] = Int64(concerned.values.filter { $0 }.count)
        return out
    }
}
