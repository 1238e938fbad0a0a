import Testing
@testable import ChisoCore

@Suite("RFC 3339 timestamps (details.md 2)")
struct TimestampTests {
    /// 2026-08-03T02:12:00Z by hand: 1970…2025 is 56 years with 14 leap days (1972…2024),
    /// 56 × 365 + 14 = 20 454 days; Jan–Jul 2026 add 31+28+31+30+31+30+31 = 212, and 2 more
    /// days reach 3 August: 20 668 days. 20 668 × 86 400 = 1 785 715 200 s, plus 02:12 =
    /// 7 920 s, gives 1 785 723 120 s = 1 785 723 120 000 000 µs.
    static let reference: Int64 = 1_785_723_120_000_000

    @Test func oneInstantManySpellings() {
        for text in [
            "2026-08-03T09:12:00+07:00",
            "2026-08-03T02:12:00Z",
            "2026-08-03t02:12:00z",
            "2026-08-02T20:42:00-05:30",   // 20:42 + 05:30 = 26:12 → 02:12 the next day
            "2026-08-03T02:12:00+00:00",
            "2026-08-03T02:12:00-00:00",
            "2026-08-03T02:12:00.000000000Z",
        ] {
            #expect(Timestamp.parseInstant(text)?.micros == Self.reference, "\(text)")
        }
    }

    @Test func fractionsKeptToTheMicrosecond() {
        // n digits of "123456789": microseconds are the first six digits, padded with zeros.
        let expected: [Int64] = [100_000, 120_000, 123_000, 123_400, 123_450, 123_456, 123_456, 123_456, 123_456]
        for n in 1...9 {
            let text = "2026-08-03T02:12:00." + String("123456789".prefix(n)) + "Z"
            #expect(Timestamp.parseInstant(text)?.micros == Self.reference + expected[n - 1], "\(text)")
        }
        // Truncated, not rounded: .9999999 keeps 999 999 µs.
        #expect(Timestamp.parseInstant("2026-08-03T02:12:00.9999999Z")?.micros == Self.reference + 999_999)
        // With an offset after the fraction.
        #expect(Timestamp.parseInstant("2026-08-03T09:12:00.5+07:00")?.micros == Self.reference + 500_000)
    }

    @Test func beforeTheEpoch() {
        #expect(Timestamp.parseInstant("1969-12-31T23:59:59.5Z")?.micros == -500_000)
        #expect(Timestamp.parseInstant("1970-01-01T07:00:00+07:00")?.micros == 0)
    }

    @Test func leapYears() {
        // 2024 is divisible by 4, 2000 by 400: both leap. 2026 is not; 2100 is a century not divisible by 400.
        #expect(Timestamp.parseInstant("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parseInstant("2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parseInstant("2026-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parseInstant("2100-02-29T00:00:00Z") == nil)
        #expect(Timestamp.problem(with: "2026-02-29T10:00:00+07:00") == "does not exist (2026-02-29)")
        // 1970…2023: 54 × 365 + 13 leap days = 19 723; + 31 (Jan) + 28 = 19 782 days × 86 400 s.
        #expect(Timestamp.parseInstant("2024-02-29T00:00:00Z")?.micros == Int64(19_782) * 86_400_000_000)
    }

    @Test func impossibleDatesAndTimes() {
        let cases: [(String, String)] = [
            ("2026-02-30T10:00:00Z", "does not exist (2026-02-30)"),
            ("2026-04-31T10:00:00Z", "does not exist (2026-04-31)"),
            ("2026-13-01T10:00:00Z", "does not exist (2026-13-01)"),
            ("2026-00-10T10:00:00Z", "does not exist (2026-00-10)"),
            ("2026-01-00T10:00:00Z", "does not exist (2026-01-00)"),
            ("2026-08-03T24:00:00Z", "does not exist (24:00:00)"),
            ("2026-08-03T23:60:00Z", "does not exist (23:60:00)"),
            ("2026-08-03T23:59:60Z", "does not exist (23:59:60)"),
            ("2026-08-03T10:00:00+24:00", "does not exist (offset +24:00)"),
            ("2026-08-03T10:00:00-05:60", "does not exist (offset -05:60)"),
        ]
        for (text, problem) in cases {
            #expect(Timestamp.parseInstant(text) == nil, "\(text)")
            #expect(Timestamp.problem(with: text) == problem, "\(text)")
        }
        // The extremes that do exist.
        #expect(Timestamp.parseInstant("2026-12-31T23:59:59+23:59") != nil)
        #expect(Timestamp.parseInstant("2026-01-01T00:00:00-23:59") != nil)
    }

    @Test func missingOffset() {
        for text in ["2026-08-03T09:12:00", "2026-08-03T09:12:00.123"] {
            #expect(Timestamp.parseInstant(text) == nil)
            #expect(Timestamp.problem(with: text) == "has no UTC offset")
        }
    }

    @Test func bareDate() {
        #expect(Timestamp.parseInstant("2026-08-03") == nil)
        #expect(Timestamp.problem(with: "2026-08-03") == "is a date, not a timestamp")
    }

    @Test func notRFC3339() {
        for text in [
            "2026-08-03 09:12:00+07:00",   // space instead of T
            "2026-08-03T09:12+07:00",      // seconds missing
            "2026-08-03T09:12:00+0700",    // offset without colon
            "2026-08-03T09:12:00+07",      // offset without minutes
            "2026-08-03T09:12:00.+07:00",  // empty fraction
            "2026-08-03T09:12:00,5Z",      // comma fraction
            "2026-08-03T09:12:00ZZ",       // trailing content
            "2026-08-03T09:12:00 Z",
            " 2026-08-03T09:12:00Z",
            "2026-8-3T09:12:00Z",
            "26-08-03T09:12:00Z",
            "2026-08-03T9:12:00Z",
            "20260803T091200Z",
            "2026-08-03T",
            "",
            "yesterday",
        ] {
            #expect(Timestamp.parseInstant(text) == nil, "\(text)")
            #expect(Timestamp.problem(with: text) == "is not RFC 3339", "\(text)")
        }
    }

    @Test func problemWithAValidTimestamp() {
        #expect(Timestamp.problem(with: "2026-08-03T09:12:00+07:00") == "is a valid RFC 3339 timestamp")
    }

    @Test func dates() {
        #expect(Timestamp.parseDate("2026-08-03", zone: .vietnam) == LocalDate(year: 2026, month: 8, day: 3))
        // 23:30Z is 06:30 the next morning in Vietnam (+07:00), still the same day in UTC.
        #expect(Timestamp.parseDate("2026-08-03T23:30:00Z", zone: .vietnam) == LocalDate(year: 2026, month: 8, day: 4))
        #expect(Timestamp.parseDate("2026-08-03T23:30:00Z", zone: .utc) == LocalDate(year: 2026, month: 8, day: 3))
        #expect(Timestamp.parseDate("2026-08-03T00:30:00+07:00", zone: .utc) == LocalDate(year: 2026, month: 8, day: 2))
        #expect(Timestamp.parseDate("2024-02-29", zone: .vietnam) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(Timestamp.parseDate("2026-02-29", zone: .vietnam) == nil)
        #expect(Timestamp.parseDate("2026-08-03T09:12:00", zone: .vietnam) == nil)
        #expect(Timestamp.parseDate("03/08/2026", zone: .vietnam) == nil)
    }
}
