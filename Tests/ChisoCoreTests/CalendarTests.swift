import Foundation
import Testing
@testable import ChisoCore

// Weekdays used below, derived by hand from 2026-01-01 being a Thursday (and 2025-01-01 a Wednesday):
// 2026-08-03 Mon … 2026-08-07 Fri, 08-08 Sat, 08-10 Mon; 2026-08-28 Fri, 08-31 Mon, 09-01 Tue (holiday),
// 09-02 Wed (holiday), 09-03 Thu, 09-07 Mon; 2026-04-24 Fri, 04-27 Mon (holiday), 04-29 Wed,
// 04-30 Thu and 05-01 Fri (holidays), 05-04 Mon; 2026-01-30 Fri, 01-31 Sat; 2025-04-25 Fri, 04-26 Sat
// (make-up working day); 2030-01-01 Tue.

/// The repository's default calendar, `indicators/calendar-vn.json`.
private func vietnam() throws -> WorkingCalendar {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("indicators/calendar-vn.json")
    return try WorkingCalendar(fileText: String(contentsOf: url, encoding: .utf8), name: "calendar-vn.json")
}

/// A local time in Vietnam (+07:00).
private func local(_ date: String, _ hour: Int, _ minute: Int = 0) -> Instant {
    let day = LocalDate(parsing: date) ?? LocalDate(year: 1970, month: 1, day: 1)
    #expect(LocalDate(parsing: date) != nil, "bad test date \(date)")
    return Zone.vietnam.startOfDay(day).adding(micros: Int64(hour) * Instant.microsPerHour + Int64(minute) * Instant.microsPerMinute)
}

private func rfc(_ instant: Instant) -> String { instant.rfc3339(in: .vietnam) }
private func date(_ text: String) -> LocalDate { LocalDate(parsing: text) ?? LocalDate(year: 1970, month: 1, day: 1) }
private let hour = Instant.microsPerHour

@Suite struct CalendarFileTests {
    @Test func defaultFileHoldsTheReferenceDates() throws {
        let calendar = try vietnam()
        #expect(calendar.zone == .vietnam)
        #expect(calendar.workingMinutesPerDay == 480)
        #expect(calendar.workingHours.map(\.start) == [480, 780])
        #expect(calendar.workingHours.map(\.end) == [720, 1020])
        // calendar-vn.json lists 12 + 12 + 11 + 11 holidays (2024 … 2027) and 2 make-up Saturdays.
        #expect(calendar.holidays.count == 46)
        #expect(calendar.extraWorkdays == [date("2024-05-04"), date("2025-04-26")])
        #expect(calendar.holidays.contains(date("2026-09-01")))
        #expect(calendar.holidays.contains(date("2027-09-03")))
    }

    @Test func errorsNameTheFileAndTheProblem() {
        func message(_ text: String) -> String? {
            do {
                _ = try WorkingCalendar(fileText: text, name: "calendar-vn.json")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message(#"{"holidays": ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-30"], "extraWorkdays": []}"#)
                == #"calendar-vn.json: holidays[3] "2026-02-30" is not a date; write it as YYYY-MM-DD, e.g. "2026-09-02""#)
        #expect(message(#"{"holidays": [], "extraWorkdays": [20250426]}"#)
                == #"calendar-vn.json: extraWorkdays[0] 20250426 is not a date; write it as YYYY-MM-DD, e.g. "2026-09-02""#)
        #expect(message(#"{"extraWorkdays": []}"#)
                == #"calendar-vn.json: holidays is missing (an array of dates "YYYY-MM-DD")"#)
        // A misspelt key is refused, not replaced by its default; `about` is free text.
        #expect(message(#"{"holidays": [], "extraWorkdays": [], "workingHour": [["07:30", "11:30"]]}"#)
                == #"calendar-vn.json: unknown key "workingHour" (allowed: timeZone, workingHours, holidays, extraWorkdays, about); check its spelling"#)
        #expect(message(#"{"holidays": [], "extraWorkdays": [], "about": "Vietnam"}"#) == nil)
        #expect(message(#"{"holidays": [], "extraWorkdays": [], "timeZone": "Asia/Ho_Chi_Minh"}"#)
                == #"calendar-vn.json: timeZone "Asia/Ho_Chi_Minh" is not an offset like "+07:00""#)
        #expect(message(#"{"holidays": [], "extraWorkdays": [], "workingHours": [["13:00", "12:00"]]}"#)
                == #"calendar-vn.json: workingHours[0] ["13:00", "12:00"] ends before it starts; give its start and a later end, e.g. ["08:00", "12:00"]"#)
        #expect(message(#"{"holidays": [], "extraWorkdays": [], "workingHours": [["08:00", "08:00"]]}"#)
                == #"calendar-vn.json: workingHours[0] ["08:00", "08:00"] is empty; give its start and a later end, e.g. ["08:00", "12:00"]"#)
        #expect(message(#"{"holidays": [], "holidays": [], "extraWorkdays": []}"#)
                == #"calendar-vn.json: "holidays" appears twice; keep one of them"#)
        // A date listed twice is the same day off (a set; docs/decisions.md).
        #expect(message(#"{"holidays": ["2026-09-02", "2026-09-02"], "extraWorkdays": []}"#) == nil)
        #expect(message(#"["2026-01-01"]"#) == "calendar-vn.json: the file must hold one JSON object")
        #expect(message("{\"holidays\": [\"2026-01-01\",]\n}") == "calendar-vn.json: not JSON: unexpected character at line 1, column 28")
        #expect(message(#"{"holidays": ["2026-01-01"]"#) == "calendar-vn.json: not JSON: expected '}' at line 1, column 28")
    }

    @Test func readsOtherHoursZonesAndEscapes() throws {
        let text = #"""
        { "about": ["caf\u00e9 \"quoted\" \ud83d\ude00", -1.5e3, [true, false, null]],
          "timeZone": "+08:00", "workingHours": [["07:30", "11:30"], ["13:30", "17:30"]],
          "holidays": ["2026-08-04"], "extraWorkdays": [] }
        """#
        let calendar = try WorkingCalendar(fileText: text, name: "x.json")
        #expect(calendar.zone == Zone(offsetSeconds: 8 * 3600))
        #expect(calendar.workingMinutesPerDay == 480)
        #expect(!calendar.isWorkingDay(date("2026-08-04")))
        // Monday 2026-08-03 07:00 +08:00 → 07:30 +08:00, i.e. 06:30 +07:00.
        let seven = Zone(offsetSeconds: 8 * 3600).startOfDay(date("2026-08-03")).adding(micros: 7 * hour)
        #expect(rfc(calendar.nextWorkingMoment(atOrAfter: seven)) == "2026-08-03T06:30:00+07:00")
    }
}

@Suite struct WorkingDayTests {
    @Test func workingDays() throws {
        let vn = try vietnam()
        #expect(vn.isWorkingDay(date("2026-08-03")))        // Monday
        #expect(!vn.isWorkingDay(date("2026-08-08")))       // Saturday
        #expect(!vn.isWorkingDay(date("2026-08-09")))       // Sunday
        #expect(!vn.isWorkingDay(date("2026-09-01")))       // holiday, Tuesday
        #expect(!vn.isWorkingDay(date("2026-09-02")))       // holiday, Wednesday
        #expect(vn.isWorkingDay(date("2025-04-26")))        // make-up Saturday
        #expect(vn.isWorkingDay(date("2030-01-01")))        // Tuesday, a year the file does not list
        #expect(!vn.isWorkingDay(date("2030-01-05")))       // Saturday
        #expect(WorkingCalendar.weekendsOnly.isWorkingDay(date("2026-09-01")))
    }

    @Test func editedListsTakeEffect() {
        var calendar = WorkingCalendar.weekendsOnly
        calendar.holidays.insert(date("2026-08-04"))
        calendar.extraWorkdays.insert(date("2026-08-08"))
        #expect(!calendar.isWorkingDay(date("2026-08-04")))
        #expect(calendar.isWorkingDay(date("2026-08-08")))
        #expect(calendar.workingDay(1, after: date("2026-08-03")) == date("2026-08-05"))
        calendar.workingHours = [(start: 420, end: 690)]
        #expect(calendar.workingMinutesPerDay == 270)
        #expect(rfc(calendar.nextWorkingMoment(atOrAfter: local("2026-08-03", 12))) == "2026-08-05T07:00:00+07:00")
    }

    @Test func extraWorkdayBeatsHoliday() {
        // A date in both lists is a working day ("minus holidays, plus extraWorkdays").
        let both = WorkingCalendar(holidays: [date("2026-08-04")], extraWorkdays: [date("2026-08-04")])
        #expect(both.isWorkingDay(date("2026-08-04")))
    }

    @Test func nthWorkingDayBeforeAndAfter() throws {
        let vn = try vietnam()
        // Before Mon 09-07: 09-04 (1), 09-03 (2), [09-02, 09-01 holidays], 08-31 (3), 08-28 (4), 08-27 (5).
        #expect(vn.workingDay(5, before: date("2026-09-07")) == date("2026-08-27"))
        // After Fri 08-28: 08-31 (1), 09-03 (2), 09-04 (3), 09-07 (4), 09-08 (5).
        #expect(vn.workingDay(5, after: date("2026-08-28")) == date("2026-09-08"))
        // After Mon 09-07: 09-08, 09-09, 09-10, 09-11, 09-14.
        #expect(vn.workingDay(5, after: date("2026-09-07")) == date("2026-09-14"))
        #expect(vn.workingDay(1, after: date("2026-04-24")) == date("2026-04-28"))  // Mon 04-27 is off
        #expect(vn.workingDay(1, after: date("2025-04-25")) == date("2025-04-26"))  // make-up Saturday
        // 20 working days before 2026-03-02 (Mon): Feb has Tet 02-16..02-20 off.
        // Working days back: 02-27, 26, 25, 24, 23 (5), 13, 12, 11, 10, 09 (10), 06, 05, 04, 03, 02 (15),
        // 01-30, 29, 28, 27, 26 (20).
        #expect(vn.workingDay(20, before: date("2026-03-02")) == date("2026-01-26"))
        // Beyond the listed years: 10 working days after Fri 2030-01-04 is Fri 2030-01-18.
        #expect(vn.workingDay(10, after: date("2030-01-04")) == date("2030-01-18"))
        #expect(vn.workingDay(10, before: date("2030-01-18")) == date("2030-01-04"))
        // 5 after a Sunday lands on the Friday; 5 before a Saturday on the Monday.
        #expect(vn.workingDay(5, after: date("2030-01-06")) == date("2030-01-11"))
        #expect(vn.workingDay(5, before: date("2030-01-12")) == date("2030-01-07"))
    }

    @Test func nthWorkingDayAgreesWithAWalk() throws {
        let vn = try vietnam()
        func walk(_ n: Int, from d: LocalDate, step: Int) -> LocalDate {
            var day = d, left = n
            while left > 0 { day = day.adding(days: step); if vn.isWorkingDay(day) { left -= 1 } }
            return day
        }
        var start = date("2023-12-01")
        while start < date("2028-02-01") {
            for n in [1, 2, 5, 6, 10, 11, 20, 37] {
                #expect(vn.workingDay(n, after: start) == walk(n, from: start, step: 1), "\(n) after \(start)")
                #expect(vn.workingDay(n, before: start) == walk(n, from: start, step: -1), "\(n) before \(start)")
            }
            start = start.adding(days: 3)
        }
    }
}

@Suite struct WorkingTimeTests {
    @Test func startOfTheClock() throws {
        let vn = try vietnam()
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-03", 7))) == "2026-08-03T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-03", 9, 12))) == "2026-08-03T09:12:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-03", 12))) == "2026-08-03T13:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-03", 12, 30))) == "2026-08-03T13:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-07", 17))) == "2026-08-10T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-07", 17, 30))) == "2026-08-10T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-08-08", 10))) == "2026-08-10T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-04-24", 17, 30))) == "2026-04-28T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2026-04-29", 17, 30))) == "2026-05-04T08:00:00+07:00")
        #expect(rfc(vn.nextWorkingMoment(atOrAfter: local("2025-04-25", 17, 30))) == "2025-04-26T08:00:00+07:00")
        #expect(vn.isWorkingMoment(local("2026-08-03", 8)))
        #expect(!vn.isWorkingMoment(local("2026-08-03", 12)))
        #expect(!vn.isWorkingMoment(local("2026-08-03", 17)))
    }

    @Test func addingWorkingTime() throws {
        let vn = try vietnam()
        #expect(rfc(vn.addingWorkingTime(micros: 0, to: local("2026-08-03", 10))) == "2026-08-03T10:00:00+07:00")
        #expect(rfc(vn.addingWorkingTime(micros: 0, to: local("2026-08-03", 12, 30))) == "2026-08-03T13:00:00+07:00")
        // 4 h from 08:00 ends exactly at 12:00, the earliest instant at which it has elapsed.
        #expect(rfc(vn.addingWorkingTime(micros: 4 * hour, to: local("2026-08-03", 8))) == "2026-08-03T12:00:00+07:00")
        #expect(rfc(vn.addingWorkingTime(micros: 4 * hour + 1, to: local("2026-08-03", 8))) == "2026-08-03T13:00:00.000001+07:00")
        // 2 h from Friday 16:00: 1 h Friday, 1 h Monday.
        #expect(rfc(vn.addingWorkingTime(micros: 2 * hour, to: local("2026-08-07", 16))) == "2026-08-10T09:00:00+07:00")
        // 40 h from Monday 08:00: Friday 17:00.
        #expect(rfc(vn.addingWorkingTime(micros: 40 * hour, to: local("2026-08-03", 8))) == "2026-08-07T17:00:00+07:00")
    }

    @Test func addingWorkingTimeIsTheEarliestInstantWithThatWorkingTime() throws {
        let vn = try vietnam()
        // Deterministic pseudo-random starts over 2024–2027 and durations up to 60 working days.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        let base = local("2024-01-01", 0)
        for _ in 0..<2000 {
            let start = base.adding(micros: Int64(next() % UInt64(4 * 365 * 24 * 60)) * Instant.microsPerMinute + Int64(next() % 60_000_000))
            let amount = Int64(next() % UInt64(60 * 8 * 60)) * Instant.microsPerMinute + Int64(next() % 3) - 1
            let end = vn.addingWorkingTime(micros: amount, to: start)
            #expect(vn.workingTime(from: start, to: end) == max(amount, 0))
            if amount > 0 {
                #expect(vn.workingTime(from: start, to: end.adding(micros: -1)) == amount - 1)
                #expect(vn.isWorkingMoment(end.adding(micros: -1)))
            }
        }
    }

    @Test func workingTimeBetweenInstants() throws {
        let vn = try vietnam()
        // Across lunch: 11:00–12:00 and 13:00–14:00.
        #expect(vn.workingTime(from: local("2026-08-03", 11), to: local("2026-08-03", 14)) == 2 * hour)
        // Across a weekend: Friday 16:00–17:00 and Monday 08:00–09:00.
        #expect(vn.workingTime(from: local("2026-08-07", 16), to: local("2026-08-10", 9)) == 2 * hour)
        // Monday 10:00 to Wednesday 10:00: two working days.
        #expect(vn.workingTime(from: local("2026-08-03", 10), to: local("2026-08-05", 10)) == 16 * hour)
        // Across the 09-01/09-02 holidays: Monday 08:00 to Thursday 08:00 is one working day.
        #expect(vn.workingTime(from: local("2026-08-31", 8), to: local("2026-09-03", 8)) == 8 * hour)
        #expect(vn.workingTime(from: local("2026-08-03", 14), to: local("2026-08-03", 11)) == 0)
        #expect(vn.workingTime(from: local("2026-08-08", 9), to: local("2026-08-08", 16)) == 0)  // Saturday
        // 2026: 365 days from a Thursday = 52 weeks + 1 Thursday → 261 weekdays, minus 11 weekday holidays = 250.
        #expect(vn.workingTime(from: local("2026-01-01", 0), to: local("2027-01-01", 0)) == 250 * 8 * hour)
        // 2025: 365 days from a Wednesday → 261 weekdays, minus 12 holidays, plus Saturday 04-26 = 250.
        #expect(vn.workingTime(from: local("2025-01-01", 0), to: local("2026-01-01", 0)) == 250 * 8 * hour)
    }

    @Test func extremesDoNotTrap() throws {
        let vn = try vietnam()
        #expect(vn.nextWorkingMoment(atOrAfter: .distantFuture) == .distantFuture)
        #expect(vn.addingWorkingTime(micros: .max, to: local("2026-08-03", 8)) == .distantFuture)
        #expect(vn.workingTime(from: .distantPast, to: .distantFuture) > 0)
        #expect(vn.due(receivedAt: local("2026-08-03", 8), duration: ProcedureDuration(value: 1e300, unit: .months)) == .distantFuture)
        #expect(vn.due(receivedAt: local("2026-08-03", 8), duration: ProcedureDuration(value: .infinity, unit: .days)) == local("2026-08-03", 8))
        let closed = WorkingCalendar(holidays: [], extraWorkdays: [], workingHours: [])
        #expect(closed.workingMinutesPerDay == 0)
        #expect(closed.addingWorkingTime(micros: hour, to: local("2026-08-03", 8)) == .distantFuture)
    }
}

@Suite struct DueTests {
    private func due(_ calendar: WorkingCalendar, _ receipt: Instant, _ value: Double, _ unit: DurationUnit) -> String {
        rfc(calendar.due(receivedAt: receipt, duration: ProcedureDuration(value: value, unit: unit)))
    }

    @Test func workingDaysAndHours() throws {
        let vn = try vietnam()
        #expect(due(vn, local("2026-08-03", 8), 1, .workingDays) == "2026-08-03T17:00:00+07:00")
        #expect(due(vn, local("2026-08-03", 10), 1, .workingDays) == "2026-08-04T10:00:00+07:00")
        #expect(due(vn, local("2026-08-03", 10), 0.5, .workingDays) == "2026-08-03T15:00:00+07:00")
        #expect(due(vn, local("2026-08-03", 11), 3, .hours) == "2026-08-03T15:00:00+07:00")
        // Received 07:00: starts 08:00; 12:30: starts 13:00; Friday 17:30: starts Monday 08:00.
        #expect(due(vn, local("2026-08-03", 7), 1, .workingDays) == "2026-08-03T17:00:00+07:00")
        // From 13:00: Monday 13:00–17:00 and Tuesday 08:00–12:00; the earliest instant is 12:00, not 13:00.
        #expect(due(vn, local("2026-08-03", 12, 30), 1, .workingDays) == "2026-08-04T12:00:00+07:00")
        #expect(due(vn, local("2026-08-07", 17, 30), 2, .workingDays) == "2026-08-11T17:00:00+07:00")
        // 0 working days: the start itself.
        #expect(due(vn, local("2026-08-08", 10), 0, .workingDays) == "2026-08-10T08:00:00+07:00")
        // Across 09-01/09-02: Monday 08-31 10:00 + 2 working days → Thursday 09-03 10:00 (1), Friday 09-04 10:00 (2).
        #expect(due(vn, local("2026-08-31", 10), 2, .workingDays) == "2026-09-04T10:00:00+07:00")
        #expect(due(.weekendsOnly, local("2026-08-31", 10), 2, .workingDays) == "2026-09-02T10:00:00+07:00")
        // Friday 08-28 10:00 + 5 working days: 08-31, 09-03, 09-04, 09-07, 09-08.
        #expect(due(vn, local("2026-08-28", 10), 5, .workingDays) == "2026-09-08T10:00:00+07:00")
        // Petitions: 15 working days (details.md 19) from Monday 2026-08-03 09:00 → 2026-08-24 09:00.
        #expect(due(vn, local("2026-08-03", 9), 15, .workingDays) == "2026-08-24T09:00:00+07:00")
        // 1.5 working days from Monday 08:00 = 12 h: Monday 8 h + Tuesday 08:00–12:00.
        #expect(due(vn, local("2026-08-03", 8), 1.5, .workingDays) == "2026-08-04T12:00:00+07:00")
    }

    @Test func calendarDaysAndMonths() throws {
        let vn = try vietnam()
        // details.md 9: Saturday 10:00 + 5 days → start Monday 08:00, due Saturday 08:00.
        #expect(due(vn, local("2026-08-08", 10), 5, .days) == "2026-08-15T08:00:00+07:00")
        #expect(due(vn, local("2026-08-03", 10), 1.5, .days) == "2026-08-04T22:00:00+07:00")
        // Friday 2026-01-30 10:00 is a working moment, so it is the start; + 1 month clamps to 02-28.
        #expect(due(vn, local("2026-01-30", 10), 1, .months) == "2026-02-28T10:00:00+07:00")
        // Saturday 2026-01-31 10:00 starts Monday 02-02 08:00; + 1 month → 03-02 08:00.
        #expect(due(vn, local("2026-01-31", 10), 1, .months) == "2026-03-02T08:00:00+07:00")
        // Half a month = 15 days.
        #expect(due(vn, local("2026-08-03", 10), 0.5, .months) == "2026-08-18T10:00:00+07:00")
        #expect(due(vn, local("2026-08-03", 10), 2.5, .months) == "2026-10-18T10:00:00+07:00")
        // Negative values count as 0.
        #expect(due(vn, local("2026-08-03", 10), -3, .days) == "2026-08-03T10:00:00+07:00")
    }

    /// Every duration written with up to three decimals below 100 is a whole number of microseconds in
    /// every unit (and a month's fraction × 30 days too): none may gain a microsecond from the double's
    /// own error.
    @Test func durationsWithThreeDecimalsAreWholeMicroseconds() {
        var wrong: [String] = []
        for k in 1..<100_000 {
            let value = Double(k) / 1000
            for unit in [Instant.microsPerHour, Instant.microsPerDay, 8 * Instant.microsPerHour] where WorkingCalendar.scaled(value, unit) != Int64(k) * (unit / 1000) {
                wrong.append("\(value) × \(unit)")
            }
            let whole = value.rounded(.down)
            if WorkingCalendar.scaled((value - whole) * 30, Instant.microsPerDay, magnitude: value * 30) != Int64(k % 1000) * 30 * (Instant.microsPerDay / 1000) {
                wrong.append("\(value) months")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, e.g. \(wrong.prefix(5))")
    }

    /// details.md 9: the due is the earliest instant, at the microsecond (details.md 2), at which the
    /// time has elapsed: a fraction of a microsecond rounds up; the double's own error does not.
    @Test func aFractionOfAMicrosecondRoundsUp() throws {
        let vn = try vietnam()
        #expect(due(vn, local("2026-08-03", 9), 1.0000000001, .hours) == "2026-08-03T10:00:00.000001+07:00")
        #expect(due(vn, local("2026-08-03", 9), 1.00000000045, .hours) == "2026-08-03T10:00:00.000002+07:00")
        #expect(due(vn, local("2026-08-03", 9), 1.00000000045, .days) == "2026-08-04T09:00:00.000039+07:00")
        // Products a double cannot hold exactly are still whole: 0.1 h = 6 min, 0.3333 working days.
        #expect(due(vn, local("2026-08-03", 9), 0.1, .hours) == "2026-08-03T09:06:00+07:00")
        #expect(due(vn, local("2026-08-03", 8), 0.3333, .workingDays) == "2026-08-03T10:39:59.04+07:00")
        for tenths in 1...99 {
            let value = Double(tenths) / 10
            #expect(WorkingCalendar.scaled(value, Instant.microsPerHour) == Int64(tenths) * 360_000_000, "\(value) h")
            #expect(WorkingCalendar.scaled(value, Instant.microsPerDay) == Int64(tenths) * 8_640_000_000, "\(value) days")
            // A month's fraction is taken out of the whole value (1.1 − 1 = 0.10000000000000009):
            // 3 days, not 3 days and 1 µs (an audit found 1.1, 2.1 and 3.1 months 1 µs late).
            let start = local("2026-08-03", 9)
            let months = try #require(LocalDate(parsing: "2026-08-03")).adding(months: tenths / 10)
            let expected = local(months.description, 9).adding(micros: Int64(tenths % 10) * 3 * Instant.microsPerDay)
            #expect(vn.due(receivedAt: start, duration: ProcedureDuration(value: value, unit: .months)) == expected, "\(value) months")
        }
    }
}
