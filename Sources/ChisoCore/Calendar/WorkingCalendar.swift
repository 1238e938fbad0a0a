/// Vietnam's working calendar (lịch làm việc) for deadlines and processing times (details.md 8).
///
/// Working days are Monday–Friday, minus `holidays`, plus `extraWorkdays` (make-up Saturdays);
/// a date listed in both is a working day. Working time is `workingHours` on working days,
/// by default [08:00, 12:00) and [13:00, 17:00) local. Outside the years the lists cover,
/// only weekends are days off.
///
/// All arithmetic jumps whole days or weeks; none of it walks minute by minute.
///
/// ```swift
/// let calendar = WorkingCalendar.weekendsOnly
/// let due = calendar.due(receivedAt: mondayAt10, duration: ProcedureDuration(value: 1, unit: .workingDays))
/// // due == Tuesday 10:00
/// ```
public struct WorkingCalendar: Sendable {
    /// The zone whose local dates and hours the calendar speaks of.
    public var zone: Zone { didSet { fingerprint = computeFingerprint() } }
    /// Days off that would otherwise be working days (public holidays and swapped days).
    public var holidays: Set<LocalDate> {
        didSet { days = DayIndex(holidays: holidays, extraWorkdays: extraWorkdays); fingerprint = computeFingerprint() }
    }
    /// Weekend days worked in exchange for a swapped day off.
    public var extraWorkdays: Set<LocalDate> {
        didSet { days = DayIndex(holidays: holidays, extraWorkdays: extraWorkdays); fingerprint = computeFingerprint() }
    }
    /// Working periods of a day as minutes since local midnight, e.g. `[(480, 720), (780, 1020)]`.
    /// Periods are clamped to the day and merged when they overlap.
    public var workingHours: [(start: Int, end: Int)] {
        didSet { periods = WorkingCalendar.periods(of: workingHours); fingerprint = computeFingerprint() }
    }
    /// A digest of everything that decides working time (zone, holidays, make-up days, hours): the
    /// tallies record the calendar they were computed with (details.md 27: a calendar edit applies
    /// after `chiso rebuild`). Kept up to date with the fields it digests.
    public private(set) var fingerprint: Int64 = 0

    /// Which days break the weekday rule, by day number since 1970-01-01.
    private var days: DayIndex
    /// `workingHours` in microseconds since local midnight: sorted, disjoint, non-empty periods.
    private var periods: [(start: Int64, end: Int64)]

    public init(zone: Zone = .vietnam, holidays: Set<LocalDate>, extraWorkdays: Set<LocalDate>,
                workingHours: [(start: Int, end: Int)] = [(480, 720), (780, 1020)]) {
        self.zone = zone
        self.holidays = holidays
        self.extraWorkdays = extraWorkdays
        self.workingHours = workingHours
        self.days = DayIndex(holidays: holidays, extraWorkdays: extraWorkdays)
        self.periods = WorkingCalendar.periods(of: workingHours)
        self.fingerprint = computeFingerprint()
    }

    /// Monday–Friday, 08:00–12:00 and 13:00–17:00 in Vietnam, no holidays: for tests.
    public static let weekendsOnly = WorkingCalendar(holidays: [], extraWorkdays: [])

    // MARK: Days

    public func isWorkingDay(_ date: LocalDate) -> Bool { days.isWorking(date.daysSinceEpoch) }

    /// Working minutes per working day (480 for the default hours).
    public var workingMinutesPerDay: Int { Int(microsPerWorkingDay / Instant.microsPerMinute) }

    /// The `n`-th working day strictly after `date` (n ≥ 1; n ≤ 0 gives `date`), details.md 16.
    public func workingDay(_ n: Int, after date: LocalDate) -> LocalDate {
        LocalDate(daysSinceEpoch: days.workingDay(n, from: date.daysSinceEpoch, forward: true))
    }

    /// The `n`-th working day strictly before `date` (n ≥ 1; n ≤ 0 gives `date`), details.md 16.
    public func workingDay(_ n: Int, before date: LocalDate) -> LocalDate {
        LocalDate(daysSinceEpoch: days.workingDay(n, from: date.daysSinceEpoch, forward: false))
    }

    // MARK: Working time

    /// True when `instant` lies inside working time.
    public func isWorkingMoment(_ instant: Instant) -> Bool {
        guard WorkingCalendar.isComputable(instant) else { return false }
        let day = zone.localDate(of: instant).daysSinceEpoch
        let m = zone.microsIntoDay(of: instant)
        return days.isWorking(day) && periods.contains { m >= $0.start && m < $0.end }
    }

    /// The next working moment at or after `instant`: the start of a dossier's clock (details.md 9).
    /// An instant inside working time is itself; 12:30 gives 13:00; 17:30 gives 08:00 of the next working day.
    public func nextWorkingMoment(atOrAfter instant: Instant) -> Instant {
        guard WorkingCalendar.isComputable(instant) else { return instant }
        guard let first = periods.first else { return .distantFuture }
        let day = zone.localDate(of: instant).daysSinceEpoch
        let m = zone.microsIntoDay(of: instant)
        if days.isWorking(day), let period = periods.first(where: { m < $0.end }) {
            return moment(day: day, micros: max(m, period.start))
        }
        return moment(day: days.workingDay(1, from: day, forward: true), micros: first.start)
    }

    /// The earliest instant at which `micros` microseconds of working time have elapsed since `start`,
    /// counting only working time (details.md 9); it may be exactly 12:00 or 17:00.
    /// For 0 (or less): `start` itself if it is a working moment, else the next working moment.
    public func addingWorkingTime(micros: Int64, to start: Instant) -> Instant {
        let from = nextWorkingMoment(atOrAfter: start)
        guard micros > 0, WorkingCalendar.isComputable(from) else { return from }
        let perDay = microsPerWorkingDay
        var day = zone.localDate(of: from).daysSinceEpoch
        var remaining = micros
        // The rest of the first day.
        if let m = consume(&remaining, startingAt: zone.microsIntoDay(of: from)) {
            return moment(day: day, micros: m)
        }
        // Then whole working days: the last one holds the final (0, perDay] of working time.
        let wholeDays = (remaining - 1) / perDay + 1
        remaining -= (wholeDays - 1) * perDay
        guard wholeDays <= Int64(WorkingCalendar.maxDaySpan) else { return .distantFuture }
        day = days.workingDay(Int(wholeDays), from: day, forward: true)
        guard let m = consume(&remaining, startingAt: 0) else { return .distantFuture }
        return moment(day: day, micros: m)
    }

    /// Working time in [a, b) in microseconds; 0 when b ≤ a. Used for 2.2 and pauses (details.md 11).
    public func workingTime(from a: Instant, to b: Instant) -> Int64 {
        guard b > a else { return 0 }
        let a = WorkingCalendar.clampToComputable(a), b = WorkingCalendar.clampToComputable(b)
        let dayA = zone.localDate(of: a).daysSinceEpoch, mA = zone.microsIntoDay(of: a)
        let dayB = zone.localDate(of: b).daysSinceEpoch, mB = zone.microsIntoDay(of: b)
        if dayA == dayB { return days.isWorking(dayA) ? overlap(mA, mB) : 0 }
        var total: Int64 = 0
        if days.isWorking(dayA) { total += overlap(mA, Instant.microsPerDay) }
        total += Int64(days.workingDayCount(from: dayA + 1, to: dayB)) * microsPerWorkingDay
        if days.isWorking(dayB) { total += overlap(0, mB) }
        return total
    }

    // MARK: Dues

    /// The due instant of a dossier received at `receipt` whose procedure takes `duration` (details.md 9).
    ///
    /// The clock starts at the next working moment at or after the receipt. `workingDays` and `hours`
    /// count working time from there (a working day is `workingMinutesPerDay`, fractions allowed);
    /// `days` add N × 24 h and `months` add calendar months (same time of day, day clamped, a fraction
    /// × 30 days) to the start, and are not moved into working time: Saturday 10:00 + 5 days starts
    /// Monday 08:00 and is due Saturday 08:00. A negative or non-finite value counts as 0.
    public func due(receivedAt receipt: Instant, duration: ProcedureDuration) -> Instant {
        let start = nextWorkingMoment(atOrAfter: receipt)
        let value = duration.value.isFinite && duration.value > 0 ? duration.value : 0
        switch duration.unit {
        case .workingDays:
            return addingWorkingTime(micros: WorkingCalendar.scaled(value, microsPerWorkingDay), to: start)
        case .hours:
            return addingWorkingTime(micros: WorkingCalendar.scaled(value, Instant.microsPerHour), to: start)
        case .days:
            return start.adding(micros: WorkingCalendar.scaled(value, Instant.microsPerDay))
        case .months:
            guard WorkingCalendar.isComputable(start) else { return start }
            let whole = value.rounded(.down)
            guard whole <= Double(WorkingCalendar.maxDaySpan / 28) else { return .distantFuture }
            let date = zone.localDate(of: start).adding(months: Int(whole))
            let sameTime = moment(day: date.daysSinceEpoch, micros: zone.microsIntoDay(of: start))
            return sameTime.adding(micros: WorkingCalendar.scaled((value - whole) * 30, Instant.microsPerDay, magnitude: value * 30))
        }
    }

    // MARK: Internals

    private var microsPerWorkingDay: Int64 { periods.reduce(0) { $0 + $1.end - $1.start } }

    /// Takes working time out of `remaining` from `micros` into a working day onwards; returns the
    /// micros into the day at which it runs out (an end of a period if exactly), or nil if the day ends first.
    private func consume(_ remaining: inout Int64, startingAt micros: Int64) -> Int64? {
        for period in periods where micros < period.end {
            let from = max(micros, period.start)
            let available = period.end - from
            if remaining <= available { return from + remaining }
            remaining -= available
        }
        return nil
    }

    /// Working time between two moments of one working day, as micros into the day.
    private func overlap(_ a: Int64, _ b: Int64) -> Int64 {
        periods.reduce(0) { $0 + max(0, min(b, $1.end) - max(a, $1.start)) }
    }

    private func moment(day: Int, micros: Int64) -> Instant {
        guard abs(day) <= WorkingCalendar.maxDayNumber else { return day > 0 ? .distantFuture : .distantPast }
        return Instant(micros: Int64(day) * Instant.microsPerDay + micros - Int64(zone.offsetSeconds) * Instant.microsPerSecond)
    }

    /// Instants within about 146 000 years of 1970: every day computation on them stays in range.
    private static let computableMicros: Int64 = 1 << 62
    /// Day numbers whose local moments fit an `Instant` with room to spare.
    private static let maxDayNumber = 100_000_000
    /// The longest span of days the arithmetic will jump; beyond it the answer is "never".
    static let maxDaySpan = 40_000_000

    private static func isComputable(_ instant: Instant) -> Bool {
        instant.micros > -computableMicros && instant.micros < computableMicros
    }

    private static func clampToComputable(_ instant: Instant) -> Instant {
        Instant(micros: min(max(instant.micros, -computableMicros + 1), computableMicros - 1))
    }

    /// `value` × `unit` microseconds, rounded up to the microsecond, saturating: the due is the
    /// earliest instant at which the time has elapsed (details.md 9), and instants are whole
    /// microseconds (details.md 2), so 1.0000000001 hours (1 h + 0.36 µs) ends 1 µs after the hour.
    /// A product within a few units in the last place of a whole number is that number: the binary
    /// double's own error (0.1 × 3 600 000 000 = 359 999 999.99999994), not a fraction of the duration.
    /// `magnitude` is the value the duration was written as, when `value` was taken out of it (the
    /// fraction of 1.1 months is 0.10000000000000009, whose error is that of 1.1).
    static func scaled(_ value: Double, _ unit: Int64, magnitude: Double? = nil) -> Int64 {
        let product = value * Double(unit)
        guard product.isFinite, product < 9.0e18 else { return product > 0 ? Int64.max : 0 }
        guard product > 0 else { return 0 }
        let nearest = product.rounded()
        let noise = 4 * Swift.max(product.ulp, (magnitude ?? value).ulp * Double(unit))
        return Int64(abs(product - nearest) <= noise ? nearest : product.rounded(.up))
    }

    private static func periods(of hours: [(start: Int, end: Int)]) -> [(start: Int64, end: Int64)] {
        let clamped = hours
            .map { (start: min(max($0.start, 0), 1440), end: min(max($0.end, 0), 1440)) }
            .filter { $0.start < $0.end }
            .sorted { $0.start < $1.start }
        var merged: [(start: Int, end: Int)] = []
        for period in clamped {
            if let last = merged.last, period.start <= last.end {
                merged[merged.count - 1].end = max(last.end, period.end)
            } else {
                merged.append(period)
            }
        }
        return merged.map { (start: Int64($0.start) * Instant.microsPerMinute, end: Int64($0.end) * Instant.microsPerMinute) }
    }
}

/// The days on which the calendar departs from "Monday–Friday", by day number since 1970-01-01.
private struct DayIndex: Sendable {
    /// Weekdays that are days off, sorted.
    var daysOff: [Int]
    /// Weekend days that are working days, sorted.
    var daysOn: [Int]
    var daysOffSet: Set<Int>
    var daysOnSet: Set<Int>

    init(holidays: Set<LocalDate>, extraWorkdays: Set<LocalDate>) {
        let extra = Set(extraWorkdays.map(\.daysSinceEpoch))
        daysOff = holidays.map(\.daysSinceEpoch).filter { DayIndex.isWeekday($0) && !extra.contains($0) }.sorted()
        daysOn = extra.filter { !DayIndex.isWeekday($0) }.sorted()
        daysOffSet = Set(daysOff)
        daysOnSet = Set(daysOn)
    }

    /// Monday–Friday; day 0 (1970-01-01) was a Thursday.
    static func isWeekday(_ day: Int) -> Bool { (day + 3).floorMod(7) < 5 }

    func isWorking(_ day: Int) -> Bool {
        DayIndex.isWeekday(day) ? !daysOffSet.contains(day) : daysOnSet.contains(day)
    }

    /// Monday–Friday days in [0, day) (negative for day < 0): differences of it count any range.
    private static func weekdaysBefore(_ day: Int) -> Int {
        // Weekdays among the first r days from a Thursday: Thu, Fri, Sat, Sun, Mon, Tue, Wed.
        let prefix = [0, 1, 2, 2, 2, 3, 4, 5]
        return 5 * day.floorDiv(7) + prefix[day.floorMod(7)]
    }

    /// Number of elements of a sorted array in [from, to).
    private static func count(_ sorted: [Int], from: Int, to: Int) -> Int {
        lowerBound(sorted, to) - lowerBound(sorted, from)
    }

    private static func lowerBound(_ sorted: [Int], _ value: Int) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Working days in [from, to); 0 when to ≤ from.
    func workingDayCount(from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        return DayIndex.weekdaysBefore(to) - DayIndex.weekdaysBefore(from)
            - DayIndex.count(daysOff, from: from, to: to) + DayIndex.count(daysOn, from: from, to: to)
    }

    /// True when no day in [from, to) departs from the weekday rule.
    private func isPlain(from: Int, to: Int) -> Bool {
        DayIndex.count(daysOff, from: from, to: to) == 0 && DayIndex.count(daysOn, from: from, to: to) == 0
    }

    /// The `n`-th working day strictly after (forward) or before `day`; `day` itself when n ≤ 0.
    func workingDay(_ n: Int, from day: Int, forward: Bool) -> Int {
        var left = min(n, WorkingCalendar.maxDaySpan)
        var day = day
        let step = forward ? 1 : -1
        let lastException = max(daysOff.last ?? Int.min, daysOn.last ?? Int.min)
        let firstException = min(daysOff.first ?? Int.max, daysOn.first ?? Int.max)
        while left > 0 {
            let beyondExceptions = forward ? day >= lastException : day <= firstException
            // Any 7 consecutive plain days hold exactly 5 working days; keep the last ≤ 5 to walk.
            if beyondExceptions {
                let weeks = (left - 1) / 5
                day += step * 7 * weeks
                left -= 5 * weeks
            } else if left > 5, forward ? isPlain(from: day + 1, to: day + 8) : isPlain(from: day - 7, to: day) {
                day += step * 7
                left -= 5
                continue
            }
            day += step
            if isWorking(day) { left -= 1 }
        }
        return day
    }
}

extension WorkingCalendar {
    /// `fingerprint`, computed from the fields.
    func computeFingerprint() -> Int64 {
        var text = "\(zone.offsetSeconds)|"
        text += holidays.map(\.description).sorted().joined(separator: ",") + "|"
        text += extraWorkdays.map(\.description).sorted().joined(separator: ",") + "|"
        text += workingHours.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: h)
    }
}
