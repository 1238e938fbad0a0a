import ChisoCore

/// Seconds on the local (+07:00) wall clock since 1970-01-01 00:00 local.
///
/// The generator works in whole local seconds: the zone is a fixed offset, so ordering is the
/// same as for `Instant`s, and whole seconds keep every `at` free of fractions.
typealias LocalSeconds = Int64

extension LocalSeconds {
    static let hour: Int64 = 3_600
    static let day: Int64 = 86_400
    /// One working day: 8 working hours (details.md 8).
    static let workingDay: Int64 = 8 * 3_600
}

/// The working calendar the generator plans with: working time [08:00, 12:00) and
/// [13:00, 17:00) on working days (details.md 8), and the rule-9 due of a duration.
///
/// Working days are Monday–Friday minus the public holidays, plus the make-up Saturdays, of the
/// reference calendar (a copy of `calendar-vn.json`, used only so that the synthetic activity
/// pauses on Tết; the engine's calendar stays the authority for scoring). Outside its years only
/// weekends are days off.
struct WorkingWeek: Sendable {
    private let firstDay: Int
    private let isWorking: [Bool]

    static let morningStart: Int64 = 8 * 3_600
    static let morningEnd: Int64 = 12 * 3_600
    static let afternoonStart: Int64 = 13 * 3_600
    static let afternoonEnd: Int64 = 17 * 3_600

    /// Precomputes the days [firstDay, lastDay]; days outside are computed on demand.
    init(firstDay: Int, lastDay: Int) {
        self.firstDay = firstDay
        let count = max(0, lastDay - firstDay + 1)
        var table = [Bool](repeating: false, count: count)
        for i in 0..<count { table[i] = WorkingWeek.computeWorking(firstDay + i) }
        self.isWorking = table
    }

    static let holidayDays: Set<Int> = Set(referenceHolidays.compactMap { LocalDate(parsing: $0)?.daysSinceEpoch })
    static let extraWorkdayDays: Set<Int> = Set(referenceExtraWorkdays.compactMap { LocalDate(parsing: $0)?.daysSinceEpoch })

    private static func computeWorking(_ day: Int) -> Bool {
        if extraWorkdayDays.contains(day) { return true }
        let weekday = LocalDate(daysSinceEpoch: day).isoWeekday
        return weekday <= 5 && !holidayDays.contains(day)
    }

    /// Whether a local day (days since epoch) is a working day.
    @inline(__always) func isWorkingDay(_ day: Int) -> Bool {
        let i = day - firstDay
        if i >= 0 && i < isWorking.count { return isWorking[i] }
        return WorkingWeek.computeWorking(day)
    }

    /// The first working day strictly after `day`.
    func nextWorkingDay(after day: Int) -> Int {
        var d = day + 1
        while !isWorkingDay(d) { d += 1 }
        return d
    }

    /// The working day `n` working days after `day` (n ≥ 0; `day` itself for 0).
    func workingDay(_ n: Int, after day: Int) -> Int {
        var d = day
        var left = n
        while left > 0 { d = nextWorkingDay(after: d); left -= 1 }
        return d
    }

    /// The next working moment at or after `t` (details.md 9, "start").
    func nextWorkingMoment(_ t: LocalSeconds) -> LocalSeconds {
        let day = Int(t.floorDivided(by: .day))
        let timeOfDay = t - Int64(day) * .day
        if isWorkingDay(day) {
            if timeOfDay < WorkingWeek.morningStart { return Int64(day) * .day + WorkingWeek.morningStart }
            if timeOfDay < WorkingWeek.morningEnd { return t }
            if timeOfDay < WorkingWeek.afternoonStart { return Int64(day) * .day + WorkingWeek.afternoonStart }
            if timeOfDay < WorkingWeek.afternoonEnd { return t }
        }
        return Int64(nextWorkingDay(after: day)) * .day + WorkingWeek.morningStart
    }

    /// The earliest instant at which `amount` seconds of working time have elapsed since `t`.
    func addingWorkingTime(_ amount: Int64, to t: LocalSeconds) -> LocalSeconds {
        var s = nextWorkingMoment(t)
        var left = max(0, amount)
        while true {
            let day = Int(s.floorDivided(by: .day))
            let timeOfDay = s - Int64(day) * .day
            let segmentEnd = timeOfDay < WorkingWeek.morningEnd ? WorkingWeek.morningEnd : WorkingWeek.afternoonEnd
            let available = segmentEnd - timeOfDay
            if left <= available { return s + left }
            left -= available
            if segmentEnd == WorkingWeek.morningEnd {
                s = Int64(day) * .day + WorkingWeek.afternoonStart
            } else {
                var next = nextWorkingDay(after: day)
                while left > .workingDay { left -= .workingDay; next = nextWorkingDay(after: next) }
                s = Int64(next) * .day + WorkingWeek.morningStart
            }
        }
    }

    /// The same working moment `n` working days later (details.md 9, `workingDays`).
    func addingWorkingDays(_ n: Int, to t: LocalSeconds) -> LocalSeconds {
        let s = nextWorkingMoment(t)
        let day = Int(s.floorDivided(by: .day))
        return Int64(workingDay(n, after: day)) * .day + (s - Int64(day) * .day)
    }

    /// Working time inside [a, b).
    func workingTime(from a: LocalSeconds, to b: LocalSeconds) -> Int64 {
        guard b > a else { return 0 }
        var total: Int64 = 0
        let firstDay = Int(a.floorDivided(by: .day))
        let lastDay = Int(b.floorDivided(by: .day))
        var day = firstDay
        while day <= lastDay {
            if isWorkingDay(day) {
                let base = Int64(day) * .day
                for (start, end) in [(WorkingWeek.morningStart, WorkingWeek.morningEnd), (WorkingWeek.afternoonStart, WorkingWeek.afternoonEnd)] {
                    let lo = max(a, base + start), hi = min(b, base + end)
                    if hi > lo { total += hi - lo }
                }
            }
            day += 1
        }
        return total
    }

    /// The due computed from a duration at receipt `t` (details.md 9); nil without a duration.
    func due(receivedAt t: LocalSeconds, duration: ProcessingLimit?) -> LocalSeconds? {
        guard let duration else { return nil }
        let start = nextWorkingMoment(t)
        switch duration.unit {
        case .workingDays: return addingWorkingDays(duration.value, to: start)
        case .hours: return addingWorkingTime(Int64(duration.value) * .hour, to: start)
        case .days: return start + Int64(duration.value) * .day
        case .months:
            let day = Int(start.floorDivided(by: .day))
            let target = LocalDate(daysSinceEpoch: day).adding(months: duration.value).daysSinceEpoch
            return Int64(target) * .day + (start - Int64(day) * .day)
        }
    }
}

/// A procedure's processing time limit, `duration` of `procedure.declared` (events.md).
struct ProcessingLimit: Hashable, Sendable {
    enum Unit: String, Sendable { case hours, days, workingDays, months }
    var value: Int
    var unit: Unit
}

extension Int64 {
    /// Division rounding toward negative infinity.
    @inline(__always) func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && ((self < 0) != (d < 0))) ? q - 1 : q
    }
}

/// Public holidays of the reference calendar (`calendar-vn.json`, 2024–2027).
let referenceHolidays: [String] = [
    "2024-01-01",
    "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
    "2024-04-18",
    "2024-04-29", "2024-04-30", "2024-05-01",
    "2024-09-02", "2024-09-03",
    "2025-01-01",
    "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
    "2025-04-07",
    "2025-04-30", "2025-05-01", "2025-05-02",
    "2025-09-01", "2025-09-02",
    "2026-01-01",
    "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
    "2026-04-27",
    "2026-04-30", "2026-05-01",
    "2026-09-01", "2026-09-02",
    "2027-01-01",
    "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
    "2027-04-16",
    "2027-04-30", "2027-05-03",
    "2027-09-02", "2027-09-03",
]

/// Make-up Saturdays of the reference calendar.
let referenceExtraWorkdays: [String] = ["2024-05-04", "2025-04-26"]
