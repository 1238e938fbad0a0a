import Testing
@testable import ChisoCore

private func window(_ text: String) -> Window? { try? Window.parse(text) }
private func span(_ w: Window?) -> String {
    guard let w else { return "nil" }
    return w.label + " [" + w.from.rfc3339(in: .vietnam) + ", " + w.to.rfc3339(in: .vietnam) + ")"
}

@Suite struct PeriodTests {
    @Test func eachForm() throws {
        let august = try Window.parse("2026-08")
        #expect(august.kind == .month)
        #expect(august.from.description == "2026-07-31T17:00:00Z")
        #expect(span(august) == "2026-08 [2026-08-01T00:00:00+07:00, 2026-09-01T00:00:00+07:00)")
        #expect(span(window("2026-02")) == "2026-02 [2026-02-01T00:00:00+07:00, 2026-03-01T00:00:00+07:00)")
        #expect(span(window("2026-12")) == "2026-12 [2026-12-01T00:00:00+07:00, 2027-01-01T00:00:00+07:00)")
        #expect(span(window("2026-Q3")) == "2026-Q3 [2026-07-01T00:00:00+07:00, 2026-10-01T00:00:00+07:00)")
        #expect(span(window("2026-q4")) == "2026-Q4 [2026-10-01T00:00:00+07:00, 2027-01-01T00:00:00+07:00)")
        #expect(window("2026-Q1")?.kind == .quarter)
        #expect(span(window("2026")) == "2026 [2026-01-01T00:00:00+07:00, 2027-01-01T00:00:00+07:00)")
        #expect(window("2026")?.kind == .year)
        #expect(span(window("2026-08-01..2026-08-15")) == "2026-08-01..2026-08-15 [2026-08-01T00:00:00+07:00, 2026-08-16T00:00:00+07:00)")
        #expect(span(window("2026-08-01..2026-08-01")) == "2026-08-01..2026-08-01 [2026-08-01T00:00:00+07:00, 2026-08-02T00:00:00+07:00)")
        #expect(window("2026-08-01..2026-08-15")?.kind == .dateRange)
        // Another zone: local midnights there.
        #expect(try Window.parse("2026-08", zone: .utc).from.description == "2026-08-01T00:00:00Z")
    }

    @Test func isoWeeks() throws {
        // 2026-01-01 is a Thursday, so week 1 runs Monday 2025-12-29 … Sunday 2026-01-04.
        #expect(span(window("2026-W01")) == "2026-W01 [2025-12-29T00:00:00+07:00, 2026-01-05T00:00:00+07:00)")
        #expect(window("2026-W01")?.kind == .isoWeek)
        #expect(span(window("2026-W03")) == "2026-W03 [2026-01-12T00:00:00+07:00, 2026-01-19T00:00:00+07:00)")
        // A year starting on Thursday has 53 weeks: W53 = 2025-12-29 + 52 × 7 days = Monday 2026-12-28.
        #expect(span(window("2026-W53")) == "2026-W53 [2026-12-28T00:00:00+07:00, 2027-01-04T00:00:00+07:00)")
        #expect(span(window("2026-w53")) == "2026-W53 [2026-12-28T00:00:00+07:00, 2027-01-04T00:00:00+07:00)")
        // 2025 starts on a Wednesday and is not a leap year: 52 weeks.
        #expect(Window.isoWeeks(in: 2025) == 52)
        #expect(Window.isoWeeks(in: 2026) == 53)
        // 2020 is a leap year starting on a Wednesday: 53 weeks.
        #expect(Window.isoWeeks(in: 2020) == 53)
        #expect(Window.isoWeeks(in: 2027) == 52)
    }

    @Test func invalidPeriods() {
        func message(_ text: String) -> String {
            do {
                return "parsed " + (try Window.parse(text)).label
            } catch {
                return error.description
            }
        }
        #expect(message("2026-13") == "2026-13 is not a period: there is no month 13 (01 to 12)")
        #expect(message("2026-00") == "2026-00 is not a period: there is no month 0 (01 to 12)")
        #expect(message("2026-Q5") == "2026-Q5 is not a period: there is no quarter 5 (Q1 to Q4)")
        #expect(message("2026-W54") == "2026-W54 is not a period: 2026 has ISO weeks W01 to W53")
        #expect(message("2025-W53") == "2025-W53 is not a period: 2025 has ISO weeks W01 to W52")
        #expect(message("2026-W00") == "2026-W00 is not a period: 2026 has ISO weeks W01 to W53")
        #expect(message("2026-08-15..2026-08-01") == "2026-08-15..2026-08-01 is not a period: it ends before it starts")
        #expect(message("2026-02-30..2026-03-01") == "2026-02-30..2026-03-01 is not a period: 2026-02-30 is not a date YYYY-MM-DD")
        #expect(message("2026-08-01..") == "2026-08-01.. is not a period: the last date is not a date YYYY-MM-DD")
        #expect(message("2026-08-01 .. 2026-08-15") == "2026-08-01 .. 2026-08-15 is not a period: write the range without spaces, e.g. 2026-08-01..2026-08-15")
        #expect(message("2026-08-01") == "2026-08-01 is not a period: a single day is written as a range, 2026-08-01..2026-08-01")
        let forms = "use 2026-08 (month), 2026-Q3 (quarter), 2026 (year), 2026-W03 (ISO week) or 2026-08-01..2026-08-15 (dates, both included)"
        #expect(message("") == "an empty text is not a period: " + forms)
        #expect(message("26-08") == "26-08 is not a period: " + forms)
        #expect(message("2026/08") == "2026/08 is not a period: " + forms)
        #expect(message("August") == "August is not a period: " + forms)
        #expect(message("2026-8") == "2026-8 is not a period: " + forms)
        #expect(message(" 2026-08") == " 2026-08 is not a period: " + forms)
        #expect(message("2026-W3") == "2026-W3 is not a period: " + forms)
        #expect(message("2026-08x") == "2026-08x is not a period: " + forms)
    }

    @Test func previousPeriods() throws {
        #expect(try Window.parse("2026-08").previous().label == "2026-07")
        #expect(try Window.parse("2026-01").previous() == Window.parse("2025-12"))
        #expect(try Window.parse("2026-03").previous() == Window.parse("2026-02"))
        #expect(try Window.parse("2026-Q1").previous() == Window.parse("2025-Q4"))
        #expect(try Window.parse("2026-Q3").previous() == Window.parse("2026-Q2"))
        #expect(try Window.parse("2026").previous() == Window.parse("2025"))
        #expect(try Window.parse("2026-W01").previous() == Window.parse("2025-W52"))
        #expect(try Window.parse("2027-W01").previous() == Window.parse("2026-W53"))
        #expect(try Window.parse("2026-W10").previous() == Window.parse("2026-W09"))
        // 15 days 08-01..08-15 → the 15 days just before: 07-17..07-31.
        #expect(try Window.parse("2026-08-01..2026-08-15").previous() == Window.parse("2026-07-17..2026-07-31"))
        #expect(try Window.parse("2026-03-01..2026-03-01").previous() == Window.parse("2026-02-28..2026-02-28"))
        // In UTC the same labels, UTC midnights.
        #expect(try Window.parse("2026-08", zone: .utc).previous(zone: .utc) == Window.parse("2026-07", zone: .utc))
        // The period before year 0000 is in year −1, labelled as ISO 8601 writes it (not "00-1-12").
        #expect(try Window.parse("0000-01").previous().label == "-0001-12")
        #expect(try Window.parse("0000-Q1").previous().label == "-0001-Q4")
        #expect(try Window.parse("0000").previous().label == "-0001")
        #expect(try Window.parse("0000-01-01..0000-01-02").previous().label == "-0001-12-30..-0001-12-31")
    }

    @Test func containing() throws {
        // 2026-08-31T17:30Z is 2026-09-01 00:30 in Vietnam.
        let instant = Instant(micros: try Window.parse("2026-09").from.micros + 30 * Instant.microsPerMinute)
        #expect(Window.containing(instant, kind: .month) == (try Window.parse("2026-09")))
        #expect(Window.containing(instant, kind: .quarter) == (try Window.parse("2026-Q3")))
        #expect(Window.containing(instant, kind: .year) == (try Window.parse("2026")))
        #expect(Window.containing(instant, kind: .dateRange) == (try Window.parse("2026-09-01..2026-09-01")))
        // Tuesday 2026-09-01 is in the week of Monday 08-31: W36 = 2025-12-29 + 35 × 7 days.
        #expect(Window.containing(instant, kind: .isoWeek) == (try Window.parse("2026-W36")))
        // Just before: still August, still 2026-W36 (Monday 08-31 23:59).
        let before = instant.adding(micros: -31 * Instant.microsPerMinute)
        #expect(Window.containing(before, kind: .month).label == "2026-08")
        // Friday 2027-01-01 belongs to 2026-W53; Monday 2024-12-30 to 2025-W01.
        #expect(Window.containing(date: LocalDate(year: 2027, month: 1, day: 1), kind: .isoWeek).label == "2026-W53")
        #expect(Window.containing(date: LocalDate(year: 2024, month: 12, day: 30), kind: .isoWeek).label == "2025-W01")
        #expect(Window.containing(date: LocalDate(year: 2024, month: 12, day: 29), kind: .isoWeek).label == "2024-W52")
    }

    @Test func evaluationInstant() throws {
        let august = try Window.parse("2026-08")
        let midAugust = august.from.adding(micros: 10 * Instant.microsPerDay)
        #expect(try august.evaluationInstant(asOf: midAugust) == midAugust)
        #expect(try august.evaluationInstant(asOf: .distantFuture) == august.to)
        #expect(throws: PeriodError.self) { try august.evaluationInstant(asOf: august.from) }
        do {
            _ = try Window.parse("2026-09").evaluationInstant(asOf: midAugust)
            Issue.record("a future period must be an error")
        } catch {
            #expect(error.description == "the period 2026-09 has not started at 2026-08-11T00:00:00+07:00: it starts 2026-09-01T00:00:00+07:00")
        }
    }
}
