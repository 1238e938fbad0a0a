/// An instant on the UTC time line, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Every `at` of an event is reduced to an `Instant` (events.md, "Envelope"):
/// times are compared as instants, whatever offset they were written with.
/// Fractions finer than a microsecond are dropped (details.md 2).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the Unix epoch, UTC.
    public var micros: Int64

    @inlinable public init(micros: Int64) { self.micros = micros }

    /// An instant later than every real one: "never" for an end that has not come.
    public static let distantFuture = Instant(micros: Int64.max)
    /// An instant earlier than every real one.
    public static let distantPast = Instant(micros: Int64.min)

    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerMinute: Int64 = 60_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    @inlinable public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.micros < rhs.micros }

    /// This instant moved by `micros` microseconds (saturating at the ends of the time line).
    @inlinable public func adding(micros delta: Int64) -> Instant {
        let (sum, overflow) = micros.addingReportingOverflow(delta)
        if overflow { return delta > 0 ? .distantFuture : .distantPast }
        return Instant(micros: sum)
    }

    /// The instant as RFC 3339 in the given zone, e.g. `2026-08-03T09:12:00+07:00`.
    public func rfc3339(in zone: Zone = .vietnam) -> String {
        let local = micros + Int64(zone.offsetSeconds) * Instant.microsPerSecond
        let days = local.floorDiv(Instant.microsPerDay)
        let inDay = local - days * Instant.microsPerDay
        let date = LocalDate(daysSinceEpoch: Int(days))
        let totalSeconds = Int(inDay / Instant.microsPerSecond)
        let fraction = Int(inDay % Instant.microsPerSecond)
        var s = date.description + "T" + pad2(totalSeconds / 3600) + ":" + pad2(totalSeconds / 60 % 60) + ":" + pad2(totalSeconds % 60)
        if fraction != 0 {
            var f = String(fraction)
            while f.count < 6 { f = "0" + f }
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s + zone.suffix
    }

    public var description: String { rfc3339(in: .utc) }
}

/// A fixed offset from UTC. The engine's zone is `Asia/Ho_Chi_Minh`, UTC+07:00 all year
/// (no daylight saving since 1975), so a fixed offset represents it exactly.
public struct Zone: Hashable, Sendable {
    /// Seconds east of UTC.
    public var offsetSeconds: Int
    public init(offsetSeconds: Int) { self.offsetSeconds = offsetSeconds }

    public static let utc = Zone(offsetSeconds: 0)
    /// Asia/Ho_Chi_Minh, +07:00.
    public static let vietnam = Zone(offsetSeconds: 7 * 3600)

    /// `Z` for UTC, else `+HH:MM` / `-HH:MM`.
    public var suffix: String {
        if offsetSeconds == 0 { return "Z" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let m = abs(offsetSeconds) / 60
        return sign + pad2(m / 60) + ":" + pad2(m % 60)
    }

    /// Parses `+07:00`, `-05:30` or `Z`.
    public init?(parsing text: String) {
        if text == "Z" || text == "z" { self = .utc; return }
        let b = Array(text.utf8)
        guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == UInt8(ascii: ":"),
              let h = twoDigits(b[1], b[2]), let m = twoDigits(b[4], b[5]), h < 24, m < 60 else { return nil }
        let s = (h * 60 + m) * 60
        self.offsetSeconds = b[0] == UInt8(ascii: "-") ? -s : s
    }

    /// Local midnight of `date` in this zone.
    public func startOfDay(_ date: LocalDate) -> Instant {
        Instant(micros: Int64(date.daysSinceEpoch) * Instant.microsPerDay - Int64(offsetSeconds) * Instant.microsPerSecond)
    }

    /// The first local date whose midnight in this zone is at or after `instant`.
    public func firstDay(from instant: Instant) -> LocalDate {
        let date = localDate(of: instant)
        return startOfDay(date) < instant ? LocalDate(daysSinceEpoch: date.daysSinceEpoch + 1) : date
    }

    /// The local calendar date of an instant in this zone.
    public func localDate(of instant: Instant) -> LocalDate {
        let local = instant.micros + Int64(offsetSeconds) * Instant.microsPerSecond
        return LocalDate(daysSinceEpoch: Int(local.floorDiv(Instant.microsPerDay)))
    }

    /// Microseconds since local midnight of an instant in this zone, in [0, 86 400 000 000).
    public func microsIntoDay(of instant: Instant) -> Int64 {
        let local = instant.micros + Int64(offsetSeconds) * Instant.microsPerSecond
        return local - local.floorDiv(Instant.microsPerDay) * Instant.microsPerDay
    }
}

/// A calendar date with no time zone (proleptic Gregorian), e.g. `2026-08-03`.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date, without checking it; use `init?(validYear:month:day:)` for input.
    public init(year: Int, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    /// A date, or nil when it does not exist (e.g. 2026-02-30).
    public init?(validYear year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(year: year, month: month) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y1 = twoDigits(b[0], b[1]), let y2 = twoDigits(b[2], b[3]),
              let m = twoDigits(b[5], b[6]), let d = twoDigits(b[8], b[9]) else { return nil }
        self.init(validYear: y1 * 100 + y2, month: m, day: d)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` days after 1970-01-01 (civil_from_days).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = (daysSinceEpoch + 3).floorMod(7) // 1970-01-01 was a Thursday
        return w + 1
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The same day `n` months later, clamped to the month's last day (30 Jan + 1 month = 28 Feb).
    public func adding(months n: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + n
        let y = total.floorDiv(12), m = total.floorMod(12) + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(year: y, month: m)))
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        yearText(year) + "-" + pad2(month) + "-" + pad2(day)
    }
}

@usableFromInline func pad2(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

/// A year as ISO 8601 writes it: at least 4 digits, and a sign before a year before 0000
/// (`-0001`, the year before 0000), never `00-1`. Input is limited to the years 0000–9999 in the
/// engine's zone, but the period before `0000-01` (rank's change) is in year −1.
func yearText(_ year: Int) -> String {
    var digits = String(year.magnitude)
    while digits.count < 4 { digits = "0" + digits }
    return year < 0 ? "-" + digits : digits
}

@inline(__always) func twoDigits(_ a: UInt8, _ b: UInt8) -> Int? {
    guard a >= 48, a <= 57, b >= 48, b <= 57 else { return nil }
    return Int(a - 48) * 10 + Int(b - 48)
}

extension BinaryInteger {
    /// Division rounding toward negative infinity.
    @inlinable func floorDiv(_ d: Self) -> Self {
        let q = self / d
        return (self % d != 0 && ((self < 0) != (d < 0))) ? q - 1 : q
    }
    /// Remainder with the sign of the divisor.
    @inlinable func floorMod(_ d: Self) -> Self { self - floorDiv(d) * d }
}
