import Foundation
import Testing
@testable import ChisoCore

/// Files the scoring tests read: the shipped profiles in `indicators/` and the portal fixture, found
/// from this file's path (repo/Tests/ChisoCoreTests/…). The fixture is read from `../shared/fixtures/`
/// beside the repository when it is there, else from its copy in `Tests/Fixtures/`, so that a clone on
/// its own passes too; `theCopiesEqualTheSharedFiles` keeps the copies equal to the originals.
enum ProfileTestFiles {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The text of a file relative to the repository root; a missing file fails the test.
    static func text(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let url = repoRoot.appendingPathComponent(relativePath).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8) else {
            Issue.record("missing file \(url.path)", sourceLocation: sourceLocation)
            throw CocoaError(.fileNoSuchFile)
        }
        return text
    }

    static func profile(_ id: String) throws -> Profile {
        try Profile.load(fileText: text("indicators/\(id).json"), name: "\(id).json")
    }

    static let fixturePath = sharedOrCopy("fixtures/portal-phu-tho-2026-08.json")

    /// `../shared/PATH` when the specification's folder is beside the repository, else the copy of the
    /// file in `Tests/Fixtures/`.
    static func sharedOrCopy(_ path: String) -> String {
        let shared = "../shared/" + path
        let exists = FileManager.default.fileExists(atPath: repoRoot.appendingPathComponent(shared).standardizedFileURL.path)
        return exists ? shared : "Tests/Fixtures/" + (path as NSString).lastPathComponent
    }

    /// Whether `../shared/` is beside the repository.
    static var sharedIsBeside: Bool {
        FileManager.default.fileExists(atPath: repoRoot.appendingPathComponent("../shared/spec").standardizedFileURL.path)
    }
}

/// The copies in `Tests/Fixtures/` are the specification's files, byte for byte.
@Test(.enabled(if: ProfileTestFiles.sharedIsBeside, "the specification's folder ../shared is not beside the repository"),
      arguments: ["fixtures/portal-phu-tho-2026-08.json", "spec/calendar-vn.json"])
func theCopiesEqualTheSharedFiles(path: String) throws {
    let copy = try ProfileTestFiles.text("Tests/Fixtures/" + (path as NSString).lastPathComponent)
    #expect(copy == (try ProfileTestFiles.text("../shared/" + path)), "Tests/Fixtures differs from ../shared/\(path); copy it again")
}

/// A one-group profile with a single component, for rule-by-rule checks.
fileprivate func singleComponentProfile(max: Int64, rule: ScoringRule, zero: ZeroDenominatorPolicy) -> Profile {
    let component = Profile.Component(
        id: "X", group: "G", name: "x", nameEn: "x", max: Points(whole: max), rule: rule, zero: zero,
        numerator: "active.onTime", denominator: "active")
    return Profile(
        id: "test", name: "test", total: Points(whole: max),
        bands: [Profile.Band(name: "Đạt", nameEn: "Pass", min: .zero)],
        groups: [Profile.Group(code: "G", name: "g", nameEn: "g", max: Points(whole: max), componentIDs: ["X"])],
        components: [component])
}

fileprivate func points(_ text: String) -> Points? {
    ExactDecimal(text)?.hundredths.map(Points.init(hundredths:))
}

@Suite struct ScoringTests {
    // MARK: The portal's published figures

    /// Phú Thọ, 2026-08: every component, group, the total and the band as the portal showed
    /// them. E.g. 2.1 = 20 × 144625/184513 = 15.6764… → 15.68; 3.5 = 2 × (56/310)/0.8 =
    /// 0.4516… → 0.45; 4.6 is 0 ÷ 0 under `full` → 2; 1.1 and 1.2 are 0 ÷ 0 under `null`.
    @Test func reproducesThePortalFixture() throws {
        let fixture = try ProfileTestFiles.text(ProfileTestFiles.fixturePath)
        let inputs = try parseCountsFile(fixture, name: "portal-phu-tho-2026-08.json")
        let card = try ProfileTestFiles.profile("dvcqg-2026").score(inputs)

        let root = try JSONParser.parse(fixture)
        guard case .object(let expectedComponents)? = root["expected"]?["components"],
              case .object(let expectedGroups)? = root["expected"]?["groups"] else {
            Issue.record("fixture has no expected components or groups")
            return
        }
        #expect(expectedComponents.members.count == 19)
        for (id, value) in expectedComponents.members {
            let expected = value.numberValue.flatMap { points($0.text) }
            #expect(expected != nil)
            #expect(card.component(id)?.points == expected, "component \(id)")
        }
        #expect(expectedGroups.members.count == 6)
        for (code, value) in expectedGroups.members {
            #expect(card.group(code)?.points == value.numberValue.flatMap { points($0.text) }, "group \(code)")
        }
        #expect(card.groups.map(\.code) == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"])
        #expect(card.total == Points(hundredths: 5991))
        #expect(card.total.jsonNumber == "59.91")
        #expect(card.max == Points(whole: 100))
        #expect(card.band.name == "Trung bình")
        #expect(root["expected"]?["band"]?.stringValue == "Trung bình")

        // Null ones: 1.1 and 1.2 (0 ÷ 0, null policy) and the monitoring components.
        #expect(card.component("1.1")?.points == nil)
        #expect(card.component("1.1")?.ratio == nil)
        #expect(card.component("5.1a")?.points == nil)
        #expect(card.component("5.1a")?.ratio == 179.0 / 247.0)
        #expect(card.component("2.2")?.points == nil)
        #expect(card.component("2.2")?.value == nil)  // the fixture gives no 2.2
        #expect(card.component("4.6")?.ratio == nil)  // full policy sets points, not a ratio
        #expect(card.component("2.1")?.ratio == 144625.0 / 184513.0)
    }

    /// The Decision's 5 groups give the same total: only the grouping changes.
    /// DVTT = CLGQ 8.83 + TTTT 6.25 = 15.08.
    @Test func decision766ProfileGivesTheSameTotal() throws {
        let inputs = try parseCountsFile(ProfileTestFiles.text(ProfileTestFiles.fixturePath), name: "fixture")
        let portal = try ProfileTestFiles.profile("dvcqg-2026").score(inputs)
        let decision = try ProfileTestFiles.profile("qd766-2022").score(inputs)
        #expect(decision.groups.map(\.code) == ["CKMB", "TDGQ", "MDSH", "DVTT", "MDHL"])
        #expect(decision.group("DVTT")?.points == Points(hundredths: 1508))
        #expect(decision.group("DVTT")?.max == Points(whole: 22))
        #expect(decision.total == portal.total)
        #expect(decision.total == Points(hundredths: 5991))
        #expect(decision.band.name == "Trung bình")
        #expect(decision.profileID == "qd766-2022")
    }

    // MARK: Rules

    /// 6 × 1/400 = 0.015 exactly → 0.02 (half away from zero, details.md 20); in binary
    /// floating point 0.015 × 100 is 1.4999… and would round to 0.01.
    @Test func roundsHalfAwayFromZero() {
        let profile = singleComponentProfile(max: 6, rule: .linear, zero: .null)
        #expect(profile.score(["X": .counts(numerator: 1, denominator: 400)]).component("X")?.points == Points(hundredths: 2))
        // 6 × 1/401 = 0.01496… → 0.01
        #expect(profile.score(["X": .counts(numerator: 1, denominator: 401)]).component("X")?.points == Points(hundredths: 1))
        // 6 × 1/1200 = 0.005 → 0.01; 6 × 1/1201 = 0.004996… → 0
        #expect(profile.score(["X": .counts(numerator: 1, denominator: 1200)]).component("X")?.points == Points(hundredths: 1))
        #expect(profile.score(["X": .counts(numerator: 1, denominator: 1201)]).component("X")?.points == Points(hundredths: 0))
        // 20 × 1/3 = 6.666… → 6.67; 20 × 2/3 = 13.333… → 13.33
        let twenty = singleComponentProfile(max: 20, rule: .linear, zero: .null)
        #expect(twenty.score(["X": .counts(numerator: 1, denominator: 3)]).total == Points(hundredths: 667))
        #expect(twenty.score(["X": .counts(numerator: 2, denominator: 3)]).total == Points(hundredths: 1333))
    }

    /// target(6, 0.5): full marks from ratio 0.5 up, else 6 × r / 0.5.
    @Test func targetCapsAtTheMaximum() throws {
        let half = try #require(Fraction(decimalLiteral: "0.5"))
        let profile = singleComponentProfile(max: 6, rule: .target(half), zero: .null)
        func scored(_ n: Int64, _ d: Int64) -> Points? { profile.score(["X": .counts(numerator: n, denominator: d)]).component("X")?.points }
        #expect(scored(150956, 152595) == Points(whole: 6))   // 0.989 ≥ 0.5
        #expect(scored(1, 2) == Points(whole: 6))             // exactly the target
        #expect(scored(1, 4) == Points(whole: 3))             // 6 × 0.25 / 0.5
        #expect(scored(1, 3) == Points(hundredths: 400))      // 6 × (1/3) / 0.5 = 4
        #expect(scored(1, 7) == Points(hundredths: 171))      // 12/7 = 1.714… → 1.71
        // 0.9 = 9/10: 6 × 0.45 / 0.9 = 3; 6 × 0.899 / 0.9 = 5.9933… → 5.99; 0.95 → capped 6.
        let nine = try #require(Fraction(decimalLiteral: "0.9"))
        let satisfaction = singleComponentProfile(max: 6, rule: .target(nine), zero: .zero)
        #expect(satisfaction.score(["X": .counts(numerator: 45, denominator: 100)]).total == Points(whole: 3))
        #expect(satisfaction.score(["X": .counts(numerator: 899, denominator: 1000)]).total == Points(hundredths: 599))
        #expect(satisfaction.score(["X": .counts(numerator: 95, denominator: 100)]).total == Points(whole: 6))
        // The ratio stays unrounded and uncapped.
        #expect(satisfaction.score(["X": .counts(numerator: 95, denominator: 100)]).component("X")?.ratio == 0.95)
    }

    @Test func zeroDenominatorNullAddsNothing() {
        let card = singleComponentProfile(max: 6, rule: .linear, zero: .null).score(["X": .counts(numerator: 0, denominator: 0)])
        #expect(card.component("X")?.points == nil)
        #expect(card.component("X")?.ratio == nil)
        #expect(card.group("G")?.points == .zero)  // a group whose components are all null has 0 points
        #expect(card.total == .zero)
    }

    @Test func zeroDenominatorFullGivesTheMaximum() {
        let card = singleComponentProfile(max: 6, rule: .linear, zero: .full).score([:])  // missing = 0 ÷ 0
        #expect(card.component("X")?.points == Points(whole: 6))
        #expect(card.component("X")?.ratio == nil)
        #expect(card.component("X")?.numerator == 0)
        #expect(card.component("X")?.denominator == 0)
        #expect(card.total == Points(whole: 6))
    }

    @Test func zeroDenominatorZeroGivesNothing() throws {
        let nine = try #require(Fraction(decimalLiteral: "0.9"))
        let card = singleComponentProfile(max: 6, rule: .target(nine), zero: .zero).score(["X": .counts(numerator: 0, denominator: 0)])
        #expect(card.component("X")?.points == .zero)
        #expect(card.component("X")?.ratio == nil)
    }

    @Test func monitoringComponentsScoreNothing() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        let card = profile.score([
            "5.1a": .counts(numerator: 1, denominator: 4),
            "5.1b": .counts(numerator: 0, denominator: 0),
            "2.2": .value(7.049),
        ])
        let a = try #require(card.component("5.1a"))
        #expect(a.points == nil && a.ratio == 0.25 && a.isMonitoring && a.max == .zero)
        #expect(card.component("5.1b")?.ratio == nil)
        let meanTime = try #require(card.component("2.2"))
        #expect(meanTime.points == nil && meanTime.numerator == nil && meanTime.ratio == nil)
        #expect(meanTime.value == 7.05)  // 7.049 → 7.05 (to 2 decimals)
        #expect(profile.score(["2.2": .value(7.044)]).component("2.2")?.value == 7.04)
        #expect(profile.score(["2.2": .value(nil)]).component("2.2")?.value == nil)
        // Nothing but 0 ÷ 0 everywhere: 1.x, 3.x, 4.1–4.5b null; 2.1 and 5.4 zero; 4.6, 5.2, 5.3 full.
        #expect(profile.score([:]).total == Points(whole: 2 + 6 + 6))
    }

    @Test func bandsAreTheHighestReached() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        #expect(profile.band(for: Points(whole: 100)).name == "Xuất sắc")
        #expect(profile.band(for: Points(whole: 90)).name == "Xuất sắc")
        #expect(profile.band(for: Points(hundredths: 8999)).name == "Tốt")
        #expect(profile.band(for: Points(whole: 80)).nameEn == "Good")
        #expect(profile.band(for: Points(whole: 70)).name == "Khá")
        #expect(profile.band(for: Points(whole: 50)).name == "Trung bình")
        #expect(profile.band(for: Points(hundredths: 4999)).name == "Yếu")
        #expect(profile.band(for: .zero).nameEn == "Weak")
    }

    @Test func pointsPrintLikeJSONNumbers() {
        #expect(Points(hundredths: 1568).description == "15.68")
        #expect(Points(hundredths: 600).description == "6")
        #expect(Points(hundredths: 50).description == "0.5")
        #expect(Points(hundredths: -2).description == "-0.02")
        #expect(Points(hundredths: 5).jsonNumber == "0.05")
        #expect(Points(hundredths: 0).jsonNumber == "0")
        #expect(Points(hundredths: 10_000).jsonNumber == "100")
    }

    /// Large counts stay exact: 20 × (10^9 − 1)/10^9 = 19.99999998 → 20; near Int64.max the
    /// 128-bit intermediates still give 20 × (2^62)/(2^63 − 1) = 10.00000… → 10.
    @Test func largeCountsAreExact() throws {
        let linear = singleComponentProfile(max: 20, rule: .linear, zero: .null)
        #expect(linear.score(["X": .counts(numerator: 999_999_999, denominator: 1_000_000_000)]).total == Points(whole: 20))
        #expect(linear.score(["X": .counts(numerator: 1 << 62, denominator: .max)]).total == Points(whole: 10))
        // 20 × 0.99925 = 19.985 → 19.99 (half away from zero, exactly)
        #expect(linear.score(["X": .counts(numerator: 999_250_000, denominator: 1_000_000_000)]).total == Points(hundredths: 1999))
        let target = singleComponentProfile(max: 20, rule: .target(try #require(Fraction(decimalLiteral: "0.7"))), zero: .null)
        // 20 × 0.35 / 0.7 = 10
        #expect(target.score(["X": .counts(numerator: 350_000_000_000, denominator: 1_000_000_000_000)]).total == Points(whole: 10))
    }

    /// Against a direct computation on small numbers (where m·n·td fits in 64 bits):
    /// round(m·n·td / (d·tn)) half away from zero, capped at m.
    @Test func agreesWithDirectComputationOnSmallNumbers() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let m = Int64.random(in: 0...2_000, using: &generator)
            let d = Int64.random(in: 1...5_000, using: &generator)
            let n = Int64.random(in: 0...d, using: &generator)
            let td = Int64.random(in: 1...1_000, using: &generator)
            let tn = Int64.random(in: 1...td, using: &generator)
            let x = m * n * td, y = d * tn
            let expected = Swift.min(m, (2 * x + y) / (2 * y))  // floor(x/y + 1/2)
            let got = ExactScoring.roundedHundredths(max: m, numerator: n, denominator: d, targetNumerator: tn, targetDenominator: td)
            #expect(got == expected, "m \(m) n \(n) d \(d) t \(tn)/\(td)")
            if got != expected { return }
        }
    }

    /// details.md 11 and 20: 2.2's mean is rounded half away from zero exactly, whatever binary
    /// floating point would make of the half (1.005 is 1.00499999… as a double).
    @Test func meanWorkingDaysRoundsExactHalvesAwayFromZero() {
        let day: Int64 = 28_800_000_000 // 8 working hours
        func mean(_ thousandths: Int64, count: Int64 = 1) -> Double? {
            meanWorkingDays(totalMicros: thousandths * day / 1000 * count, count: count)
        }
        #expect(mean(1_005) == 1.01 && mean(1_015) == 1.02 && mean(1_025) == 1.03)
        #expect(mean(125) == 0.13 && mean(625) == 0.63 && mean(4_125) == 4.13)
        #expect(mean(1_004) == 1 && mean(1_006) == 1.01)
        #expect(mean(4_475, count: 40) == 4.48)
        #expect(meanWorkingDays(totalMicros: 179 * day, count: 40) == 4.48) // 4.475
        #expect(meanWorkingDays(totalMicros: 0, count: 3) == 0)
        #expect(meanWorkingDays(totalMicros: 5 * day, count: 0) == nil)
        // Large sums stay exact: a million dossiers of 30 working days each.
        #expect(meanWorkingDays(totalMicros: 30 * day * 1_000_000, count: 1_000_000) == 30)
    }

    // MARK: Counts files

    /// Entries the profile cannot use are named: an unknown id in a warning (the score treats it as
    /// missing), the wrong kind of input in an error; the portal's fixture has neither under either profile.
    @Test func countsFileEntriesTheProfileCannotUseAreNamed() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        let inputs = try parseCountsFile(#"{"counts": {"2.l": {"numerator": 1, "denominator": 2}, "2.1": {"value": 3}, "2.2": {"numerator": 1, "denominator": 2}, "3.3": {"numerator": 1, "denominator": 2}}}"#,
                                         name: "c.json")
        let (errors, warnings) = countsProblems(inputs, profile: profile, name: "c.json")
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("c.json: component 2.l is not in profile dvcqg-2026 and is ignored") == true)
        // details.md 20: a ratio component given anything but counts is an error naming it; so is a
        // value component given counts.
        #expect(errors == [
            #"c.json: component 2.1 takes a numerator and a denominator, not a value; give {"numerator": n, "denominator": n}"#,
            #"c.json: component 2.2 takes a value, not counts; give {"value": x} (working days) or {"value": null}"#,
        ])
        let fixture = try parseCountsFile(ProfileTestFiles.text(ProfileTestFiles.fixturePath), name: "fixture")
        for name in ["dvcqg-2026", "qd766-2022"] {
            let problems = countsProblems(fixture, profile: try ProfileTestFiles.profile(name), name: "fixture")
            #expect(problems.errors.isEmpty && problems.warnings.isEmpty)
        }
    }

    /// details.md 24: explain's gain is unrounded, and taken as one exact fraction: what a reader computes
    /// by hand, not the last bits of subtracting two Doubles (2 − 1.975 = 0.025000000000000133).
    @Test func theGainOfOneMoreIsTheExactFraction() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        let cases: [(id: String, numerator: Int64, denominator: Int64, gain: Double)] = [
            ("4.3", 79, 100, 0.025),          // target 0.8 of 2: 2 − 2 × 0.79 ÷ 0.8
            ("3.6", 0, 1600, 0.00375),        // linear 6 ÷ 1600
            ("1.4", 0, 400, 0.015),           // linear 6 ÷ 400
            ("3.3", 4, 9, 2.0 / 3),           // target 0.5 of 6: 6 − 6 × (4/9) ÷ 0.5, the next one reaches it
            ("3.3", 6, 9, 0),                 // already at the target
            ("2.1", 144625, 184513, 20.0 / 184513),
        ]
        for c in cases {
            let component = try #require(profile.component(c.id))
            let gain = try #require(component.gainOfOneMore(numerator: c.numerator, denominator: c.denominator))
            #expect(gain == c.gain, "\(c.id) \(c.numerator)/\(c.denominator): \(gain)")
        }
    }

    /// details.md 20: "anything else is an error naming the component", also for a count too large for
    /// a Double and for an entry that gives nothing at all (which 2.2 would fill with a value).
    @Test func countsFileProblemsNameTheComponent() throws {
        let cases: [(String, String)] = [
            (#"{"1.3": {"numerator": 1, "denominator": 1e400}}"#,
             "c.json: component 1.3: denominator 1e400 is too large; counts go up to 9223372036854775807"),
            (#"{"2.2": {"value": -1e400}}"#, "c.json: component 2.2: value -1e400 is out of range; give a number of working days below 10^15"),
            (#"{"2.2": {}}"#,
             #"c.json: component 2.2: is empty; give {"numerator": n, "denominator": n}, or {"value": x} for a value component such as 2.2"#),
        ]
        for (counts, expected) in cases {
            #expect(throws: ProfileError.self, "\(counts)") { try parseCountsFile(#"{"counts": "# + counts + "}", name: "c.json") }
            do {
                _ = try parseCountsFile(#"{"counts": "# + counts + "}", name: "c.json")
            } catch {
                #expect(error.description == expected)
            }
        }
        // An event line still rejects such a number (details.md 1: numbers are finite).
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"fee": 1e400}"#) }
    }

    /// details.md 11 and 20: a counts file's 2.2 value is rounded to 2 decimals half away from zero
    /// on the decimal given, not on its nearest Double (1.005 is 1.00499… as a Double).
    @Test func aCountsFileValueIsRoundedOnTheDecimalGiven() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        let cases: [(String, Double?)] = [
            ("1.005", 1.01), ("0.145", 0.15), ("2.675", 2.68), ("1.115", 1.12), ("7.044", 7.04),
            ("100.5e-2", 1.01), ("1.0049999999999999", 1), ("0.005", 0.01), ("0.00499", 0), ("3", 3), ("12.3456789012345678901", 12.35),
            ("1e-30", 0), ("null", nil),
        ]
        for (literal, expected) in cases {
            let inputs = try parseCountsFile("{\"counts\": {\"2.2\": {\"value\": \(literal)}}}", name: "c.json")
            #expect(profile.score(inputs).component("2.2")?.value == expected, "\(literal)")
        }
        // A value too large to show is an error that says so, not a silent null.
        for literal in ["1e15", "1000000000000000.5"] {
            #expect(throws: ProfileError.self, "\(literal)") {
                try parseCountsFile("{\"counts\": {\"2.2\": {\"value\": \(literal)}}}", name: "c.json")
            }
        }
        // No dossier adds less than 0 days to the average, so a negative one is an error that says so.
        for literal in ["-1", "-1.005", "-1e300", "-0.001"] {
            #expect(throws: ProfileError.self, "\(literal)") {
                try parseCountsFile("{\"counts\": {\"2.2\": {\"value\": \(literal)}}}", name: "c.json")
            }
        }
        var message: String?
        do {
            _ = try parseCountsFile(#"{"counts": {"2.2": {"value": -1}}}"#, name: "c.json")
        } catch {
            message = error.description
        }
        #expect(message == "c.json: component 2.2: value -1 is negative; give the average in working days, 0 or more")
        #expect(try profile.score(parseCountsFile(#"{"counts": {"2.2": {"value": -0}}}"#, name: "c.json")).component("2.2")?.value == 0)
    }

    @Test func countsFileRejectsImpossibleCounts() {
        func problem(_ entry: String) -> String? {
            do {
                _ = try parseCountsFile("{\"counts\": {\"2.1\": \(entry)}}", name: "counts.json")
                return nil
            } catch {
                return error.description
            }
        }
        for bad in [
            "{\"numerator\": 5, \"denominator\": 4}",
            "{\"numerator\": -1, \"denominator\": 4}",
            "{\"numerator\": 1.5, \"denominator\": 4}",
            "{\"numerator\": 1}",
            "{\"numerator\": \"1\", \"denominator\": 4}",
            "[1, 4]",
        ] {
            let message = problem(bad)
            #expect(message?.contains("counts.json") == true, "\(bad)")
            #expect(message?.contains("component 2.1") == true, "\(bad)")
        }
        // A whole number too large to count is named as such, not as "not whole".
        #expect(problem("{\"numerator\": 100000000000000000000, \"denominator\": 200000000000000000000}")
                == "counts.json: component 2.1: numerator 100000000000000000000 is too large; counts go up to 9223372036854775807\n"
                + "counts.json: component 2.1: denominator 200000000000000000000 is too large; counts go up to 9223372036854775807")
        #expect(problem("{\"numerator\": 1.5, \"denominator\": 4}") == "counts.json: component 2.1: numerator must be a whole number, got 1.5")
        #expect(problem("{\"numerator\": 4, \"denominator\": 4}") == nil)
        #expect(problem("{\"numerator\": 4.0, \"denominator\": 4e1}") == nil)
        #expect(throws: ProfileError.self) { try parseCountsFile("{\"expected\": {}}", name: "x.json") }
        #expect(throws: ProfileError.self) { try parseCountsFile("{\"counts\": ", name: "x.json") }
    }

    @Test func countsFileReadsCountsAndValues() throws {
        let inputs = try parseCountsFile(
            "{\"about\": \"x\", \"counts\": {\"2.1\": {\"numerator\": 144625, \"denominator\": 184513}, \"2.2\": {\"value\": 7.05}, \"1.1\": {\"value\": null}}}",
            name: "c.json")
        #expect(inputs["2.1"] == .counts(numerator: 144625, denominator: 184513))
        #expect(inputs["2.2"] == .value(7.05))
        #expect(inputs["1.1"] == .value(nil))
        #expect(inputs.count == 3)
    }

    // MARK: Output

    @Test func scoreJSONHasTheSnapshotFields() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        var inputs = try parseCountsFile(ProfileTestFiles.text(ProfileTestFiles.fixturePath), name: "fixture")
        inputs["2.2"] = .value(7.05)
        let card = profile.score(inputs)
        let json = try JSONParser.parse(card.scoreJSON)
        #expect(json["profile"]?.stringValue == "dvcqg-2026")
        #expect(json["total"]?.numberValue?.text == "59.91")
        #expect(json["max"]?.numberValue?.text == "100")
        #expect(json["band"]?.stringValue == "Trung bình")
        guard case .array(let groups)? = json["groups"] else {
            Issue.record("no groups array")
            return
        }
        #expect(groups.count == 6)
        let progress = groups[1]
        #expect(progress["code"]?.stringValue == "TDGQ")
        #expect(progress["name"]?.stringValue == "Tiến độ giải quyết")
        #expect(progress["nameEn"]?.stringValue == "Progress of settlement")
        #expect(progress["max"]?.numberValue?.text == "20")
        #expect(progress["points"]?.numberValue?.text == "15.68")
        guard case .array(let components)? = progress["components"], components.count == 2 else {
            Issue.record("TDGQ should have 2 components")
            return
        }
        #expect(components[0]["id"]?.stringValue == "2.1")
        #expect(components[0]["numerator"]?.numberValue?.text == "144625")
        #expect(components[0]["denominator"]?.numberValue?.text == "184513")
        #expect(components[0]["ratio"]?.numberValue.map { abs($0.double - 0.7838201) < 1e-7 } == true)
        #expect(components[0]["points"]?.numberValue?.text == "15.68")
        #expect(components[1]["id"]?.stringValue == "2.2")
        #expect(components[1]["points"] == .null)
        #expect(components[1]["value"]?.numberValue?.text == "7.05")
        #expect(components[1]["ratio"] == nil)
        #expect(components[1]["numerator"] == nil)
        // 1.1: 0 ÷ 0 under null: points and ratio null, counts 0.
        guard case .array(let publicity)? = groups[0]["components"] else {
            Issue.record("CKMB has no components")
            return
        }
        #expect(publicity[0]["points"] == .null)
        #expect(publicity[0]["ratio"] == .null)
        #expect(publicity[0]["denominator"]?.numberValue?.text == "0")
        // groupsJSON is the same array on its own.
        guard case .array(let alone) = try JSONParser.parse(card.groupsJSON) else {
            Issue.record("groupsJSON is not an array")
            return
        }
        #expect(alone.count == 6)
    }

    @Test func tableShowsComponentsTotalAndBand() throws {
        let card = try ProfileTestFiles.profile("dvcqg-2026").score(
            parseCountsFile(ProfileTestFiles.text(ProfileTestFiles.fixturePath), name: "fixture"))
        let table = card.table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("TDGQ") && $0.contains("Tiến độ giải quyết") && $0.hasSuffix("15.68      20") })
        #expect(lines.contains { $0.contains("2.1") && $0.contains("144625") && $0.contains("184513") && $0.contains("78.38%") })
        #expect(lines.contains { $0.contains("1.1") && $0.contains("—") })
        // Points and percentages with 2 decimals each, so that a column reads evenly.
        #expect(lines.contains { $0.hasPrefix("  3.1 ") && $0.hasSuffix("92.86%   2.00       2") })
        #expect(lines.contains { $0.hasPrefix("  3.5b ") && $0.hasSuffix("30.00%   0.75       2") })
        #expect(lines.contains { $0.contains("59.91") && $0.contains("100") })
        #expect(lines.last == "Xếp loại (band): Trung bình (Average)")
        // Fixed width: every component and group line is as long as the header's columns reach.
        let header = try #require(lines.dropFirst().first)
        let pointsColumnEnd = header.count
        #expect(lines.filter { $0.hasPrefix("  ") && $0.contains("%") }.allSatisfy { $0.count == pointsColumnEnd })
    }
}
