import Foundation
import Testing
@testable import ChisoCore

/// A valid two-group profile (A: a1 4 + a2 2 = 6; B: b1 4 = 4; total 10) whose text the
/// validation tests break one way at a time.
fileprivate let sampleProfile = """
{
  "id": "sample", "name": "Mẫu", "total": 10,
  "bands": [
    { "name": "Tốt", "nameEn": "Good", "min": 5 },
    { "name": "Yếu", "nameEn": "Weak", "min": 0 }
  ],
  "groups": [
    { "code": "A", "name": "Nhóm A", "nameEn": "Group A", "max": 6 },
    { "code": "B", "name": "Nhóm B", "nameEn": "Group B", "max": 4 }
  ],
  "components": [
    { "id": "a1", "group": "A", "name": "a1", "nameEn": "a1", "max": 4, "rule": "linear", "zero": "null", "numerator": "active.onTime", "denominator": "active" },
    { "id": "a2", "group": "A", "name": "a2", "nameEn": "a2", "max": 2, "rule": "target", "target": 0.8, "zero": "full", "numerator": "received.online", "denominator": "received" },
    { "id": "b1", "group": "B", "name": "b1", "nameEn": "b1", "max": 4, "rule": "linear", "zero": "zero", "numerator": "petitions.onTime", "denominator": "petitions" },
    { "id": "m", "group": "B", "name": "m", "nameEn": "m", "max": 0, "rule": "monitoring", "value": "ended.meanWorkingDays" }
  ]
}
"""

/// The load error for `sampleProfile` with `original` replaced by `replacement` (which must occur).
fileprivate func loadError(replacing original: String, with replacement: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    #expect(sampleProfile.contains(original), "the sample has no \(original)", sourceLocation: sourceLocation)
    do {
        _ = try Profile.load(fileText: sampleProfile.replacingOccurrences(of: original, with: replacement), name: "sample.json")
        return nil
    } catch {
        return error.description
    }
}

@Suite struct ProfileTests {
    // MARK: The shipped profiles

    @Test func portalProfileLoads() throws {
        let profile = try ProfileTestFiles.profile("dvcqg-2026")
        #expect(profile.id == "dvcqg-2026")
        #expect(profile.total == Points(whole: 100))
        #expect(profile.groups.map(\.code) == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"])
        #expect(profile.groups.map(\.max) == [18, 20, 12, 10, 18, 22].map { Points(whole: $0) })
        #expect(profile.groups.map(\.name) == [
            "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến",
            "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ",
        ])
        #expect(profile.groups.flatMap(\.componentIDs) == [
            "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.6", "3.5", "3.5b",
            "5.2", "5.3", "5.4", "5.1a", "5.1b", "4.1", "4.2", "4.3", "4.4", "4.5a", "4.5b", "4.6",
        ])
        #expect(profile.components.count == 24)
        #expect(profile.components.filter(\.isMonitoring).map(\.id) == ["2.2", "5.1a", "5.1b"])
        #expect(profile.bands.map(\.name) == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"])
        #expect(profile.bands.map(\.min) == [90, 80, 70, 50, 0].map { Points(whole: $0) })
        let online = try #require(profile.component("3.1"))
        #expect(online.rule == .target(try #require(Fraction(numerator: 4, denominator: 5))))
        #expect(online.name == "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến")
        #expect(online.numerator == "procedures.online" && online.denominator == "procedures")
        #expect(profile.component("3.3")?.rule == .target(try #require(Fraction(numerator: 1, denominator: 2))))
        #expect(profile.component("5.4")?.rule == .target(try #require(Fraction(numerator: 9, denominator: 10))))
        #expect(profile.component("2.2")?.value == "ended.meanWorkingDays")
        #expect(profile.component("4.6")?.zero == .full)
        #expect(profile.component("2.1")?.zero == .zero)
        // Every measure named is in the vocabulary.
        for c in profile.components {
            for m in [c.numerator, c.denominator, c.value].compactMap({ $0 }) { #expect(Measure.all.contains(m), "\(c.id) \(m)") }
        }
    }

    @Test func decisionProfileLoads() throws {
        let profile = try ProfileTestFiles.profile("qd766-2022")
        #expect(profile.groups.map(\.code) == ["CKMB", "TDGQ", "MDSH", "DVTT", "MDHL"])
        #expect(profile.groups.map(\.max) == [18, 20, 22, 22, 18].map { Points(whole: $0) })
        let online = try #require(profile.groups.first { $0.code == "DVTT" })
        #expect(online.name == "Cung cấp dịch vụ trực tuyến")
        #expect(online.nameEn == "Online service provision")
        #expect(online.componentIDs == ["3.1", "3.2", "3.3", "3.6", "3.5", "3.5b"])
        #expect(profile.components.count == 24)
    }

    @Test func theSampleLoads() throws {
        let profile = try Profile.load(fileText: sampleProfile, name: "sample.json")
        #expect(profile.groups.map(\.componentIDs) == [["a1", "a2"], ["b1", "m"]])
        #expect(profile.component("m")?.zero == .null)  // monitoring: zero may be left out
    }

    @Test func fractionsReadFromLiterals() {
        #expect(Fraction(decimalLiteral: "0.8") == Fraction(numerator: 4, denominator: 5))
        #expect(Fraction(decimalLiteral: "0.80") == Fraction(numerator: 4, denominator: 5))
        #expect(Fraction(decimalLiteral: "8e-1") == Fraction(numerator: 4, denominator: 5))
        #expect(Fraction(decimalLiteral: "1") == Fraction(numerator: 1, denominator: 1))
        #expect(Fraction(decimalLiteral: "0") == nil)
        #expect(Fraction(decimalLiteral: "0.1234567") == nil)  // more than 6 decimals
        #expect(Fraction(decimalLiteral: "abc") == nil)
        #expect(Fraction(numerator: 4, denominator: 5)?.description == "0.8")
        #expect(Fraction(numerator: 1, denominator: 3)?.description == "1/3")
    }

    // MARK: Validation: one test per kind of error; each message names the file and the place.

    @Test func rejectsComponentsNotAddingUpToTheirGroup() throws {
        // a1 4 → 3: group A's components add up to 5, not 6 (and the total no longer matters:
        // the groups still add up to 10).
        let message = try #require(loadError(replacing: "\"id\": \"a1\", \"group\": \"A\", \"name\": \"a1\", \"nameEn\": \"a1\", \"max\": 4",
                                             with: "\"id\": \"a1\", \"group\": \"A\", \"name\": \"a1\", \"nameEn\": \"a1\", \"max\": 3"))
        #expect(message == "sample.json: group A: its components (a1 3, a2 2) add up to 5, not the group's max 6")
    }

    @Test func rejectsGroupsNotAddingUpToTheTotal() throws {
        let message = try #require(loadError(replacing: "\"total\": 10", with: "\"total\": 100"))
        #expect(message == "sample.json: the groups (A 6, B 4) add up to 10, not the total 100")
    }

    @Test func rejectsAnUnknownMeasure() throws {
        let message = try #require(loadError(replacing: "\"numerator\": \"received.online\"", with: "\"numerator\": \"received.onlin\""))
        #expect(message == "sample.json: component a2: unknown measure \"received.onlin\"; name one of the counts in the table \"Measures\" of indicators/README.md, such as active or active.onTime")
    }

    @Test func rejectsANumeratorThatIsNotPartOfItsDenominator() throws {
        let message = try #require(loadError(replacing: "\"numerator\": \"received.online\"", with: "\"numerator\": \"active.onTime\""))
        #expect(message == "sample.json: component a2: numerator active.onTime does not count a part of denominator received; a numerator is its denominator's name followed by .something (indicators/README.md, \"Measures\")")
    }

    @Test func rejectsAValueMeasureAsNumerator() throws {
        let message = try #require(loadError(replacing: "\"numerator\": \"petitions.onTime\"", with: "\"numerator\": \"ended.meanWorkingDays\""))
        #expect(message.hasPrefix("sample.json: component b1: ended.meanWorkingDays is a value measure"))
    }

    @Test func rejectsAnUnknownGroup() throws {
        let message = try #require(loadError(replacing: "\"id\": \"b1\", \"group\": \"B\"", with: "\"id\": \"b1\", \"group\": \"C\""))
        // Only the cause: B's sum, which b1 no longer reaches, is not reported on top.
        #expect(message == "sample.json: component b1: unknown group \"C\" (groups: A, B)")
    }

    /// A group with a problem of its own is still declared: its components are not also told that
    /// their group is unknown (which would point the editor at the wrong place).
    @Test func aBrokenGroupIsNotAlsoAnUnknownGroup() throws {
        let message = try #require(loadError(replacing: "\"name\": \"Nhóm A\", \"nameEn\": \"Group A\", ", with: "\"name\": \"Nhóm A\", "))
        #expect(message == "sample.json: group A: missing field \"nameEn\"")
    }

    /// A component with an unknown field is named by its id when it has one, not by its position.
    @Test func aComponentIsNamedByItsID() throws {
        let message = try #require(loadError(replacing: "\"id\": \"b1\", ", with: "\"id\": \"b1\", \"weight\": 2, "))
        #expect(message.hasPrefix("sample.json: component b1: unknown field \"weight\""), "\(message)")
    }

    /// A number too large for a Double is named with its component (details.md 20), not reported as
    /// a byte offset in the file.
    @Test func aHugeNumberIsNamedWithItsComponent() throws {
        let message = try #require(loadError(replacing: "\"target\": 0.8", with: "\"target\": 1e400"))
        #expect(message == "sample.json: component a2: target 1e400 is outside (0, 1]")
    }

    @Test func rejectsATargetAboveOne() throws {
        let message = try #require(loadError(replacing: "\"target\": 0.8", with: "\"target\": 1.5"))
        #expect(message == "sample.json: component a2: target 1.5 is outside (0, 1]")
    }

    @Test func rejectsATargetOfZero() throws {
        let message = try #require(loadError(replacing: "\"target\": 0.8", with: "\"target\": 0"))
        #expect(message == "sample.json: component a2: target 0 is outside (0, 1]")
    }

    @Test func rejectsATargetRuleWithoutTarget() throws {
        let message = try #require(loadError(replacing: "\"target\": 0.8, ", with: ""))
        #expect(message == "sample.json: component a2: missing field \"target\" (rule \"target\" needs one)")
    }

    @Test func rejectsADuplicateComponentID() throws {
        let message = try #require(loadError(replacing: "\"id\": \"b1\"", with: "\"id\": \"a1\""))
        #expect(message == "sample.json: component a1: duplicate component id")
    }

    @Test func rejectsADuplicateGroupCode() throws {
        let message = try #require(loadError(replacing: "\"code\": \"B\"", with: "\"code\": \"A\""))
        #expect(message.hasPrefix("sample.json: group A: duplicate group code\n"))
    }

    @Test func rejectsAMissingField() throws {
        let message = try #require(loadError(replacing: "\"nameEn\": \"b1\", ", with: ""))
        #expect(message == "sample.json: component b1: missing field \"nameEn\"")
        let noID = try #require(loadError(replacing: "\"id\": \"b1\", ", with: ""))
        #expect(noID == "sample.json: component #3: missing field \"id\"")
        let noZero = try #require(loadError(replacing: "\"zero\": \"zero\", ", with: ""))
        #expect(noZero == "sample.json: component b1: missing field \"zero\"")
        let noBands = try #require(loadError(replacing: "\"bands\"", with: "\"bandz\""))
        #expect(noBands.contains("sample.json: missing field \"bands\""))
        #expect(noBands.contains("sample.json: unknown field \"bandz\""))
    }

    @Test func rejectsABadRule() throws {
        let message = try #require(loadError(replacing: "\"rule\": \"linear\", \"zero\": \"zero\"", with: "\"rule\": \"linaer\", \"zero\": \"zero\""))
        #expect(message == "sample.json: component b1: rule \"linaer\" must be linear, target or monitoring")
    }

    @Test func rejectsABadZeroPolicy() throws {
        let message = try #require(loadError(replacing: "\"zero\": \"full\"", with: "\"zero\": \"max\""))
        #expect(message == "sample.json: component a2: zero \"max\" must be null, full or zero")
    }

    @Test func rejectsAMonitoringComponentWithAWeight() throws {
        let message = try #require(loadError(replacing: "\"id\": \"m\", \"group\": \"B\", \"name\": \"m\", \"nameEn\": \"m\", \"max\": 0",
                                             with: "\"id\": \"m\", \"group\": \"B\", \"name\": \"m\", \"nameEn\": \"m\", \"max\": 1"))
        #expect(message.contains("sample.json: component m: a monitoring component scores no points, so its max must be 0, not 1"))
    }

    @Test func rejectsPointsWithMoreThanTwoDecimals() throws {
        let message = try #require(loadError(replacing: "\"min\": 5", with: "\"min\": 5.125"))
        #expect(message.contains("sample.json: band Tốt: \"min\" 5.125 must be a number of points with at most 2 decimals"))
    }

    @Test func rejectsBandsOutOfOrder() throws {
        let message = try #require(loadError(replacing: "\"min\": 0", with: "\"min\": 7"))
        #expect(message == "sample.json: band Yếu: bands must be listed highest first, but its min 7 is not below Tốt's 5")
    }

    @Test func rejectsABandAboveTheTotal() throws {
        let message = try #require(loadError(replacing: "\"min\": 5", with: "\"min\": 12"))
        #expect(message == "sample.json: band Tốt: its min 12 is above the profile's total 10: no score can reach it")
    }

    @Test func rejectsInvalidJSON() throws {
        let message = try #require(loadError(replacing: "\"total\": 10,", with: "\"total\": 10"))
        #expect(message.hasPrefix("sample.json: not valid JSON"))
    }
}
