/// An evaluation window (kỳ đánh giá) [from, to) and its label, read from a period `P`
/// (interfaces.md "Period P"), e.g. `2026-08` is [2026-08-01T00:00+07:00, 2026-09-01T00:00+07:00).
///
/// Labels: `2026-08`, `2026-Q3`, `2026`, `2026-W03`, `2026-08-01..2026-08-15`.
public struct Window: Sendable, Hashable {
    /// The period as written canonically, e.g. `2026-Q3`.
    public var label: String
    public var kind: PeriodKind
    /// Local midnight of the first day.
    public var from: Instant
    /// Local midnight after the last day (exclusive).
    public var to: Instant

    public init(label: String, kind: PeriodKind, from: Instant, to: Instant) {
        self.label = label
        self.kind = kind
        self.from = from
        self.to = to
    }

    // MARK: Reading a period

    /// Reads a period `P` in `zone` (local midnights).
    ///
    /// Date ranges include both end dates: `2026-08-01..2026-08-15` is [Aug 1 00:00, Aug 16 00:00).
    /// ISO weeks follow ISO 8601: week 1 holds the year's first Thursday, and W53 exists only in a
    /// year that has one (2026 does). `Q` and `W` may be lower case; the label is upper case.
    public static func parse(_ text: String, zone: Zone = .vietnam) throws(PeriodError) -> Window {
        func failure(_ problem: String) -> PeriodError {
            PeriodError((text.isEmpty ? "an empty text" : text) + " is not a period: " + problem)
        }
        let forms = "use 2026-08 (month), 2026-Q3 (quarter), 2026 (year), 2026-W03 (ISO week) or 2026-08-01..2026-08-15 (dates, both included)"
        let b = Array(text.utf8)

        if let dots = text.firstRange(of: "..") {
            let first = String(text[..<dots.lowerBound]), last = String(text[dots.upperBound...])
            if first.contains(where: \.isWhitespace) || last.contains(where: \.isWhitespace) {
                throw failure("write the range without spaces, e.g. 2026-08-01..2026-08-15")
            }
            guard let start = LocalDate(parsing: first) else { throw failure("\(first.isEmpty ? "the first date" : first) is not a date YYYY-MM-DD") }
            guard let end = LocalDate(parsing: last) else { throw failure("\(last.isEmpty ? "the last date" : last) is not a date YYYY-MM-DD") }
            guard start <= end else { throw failure("it ends before it starts") }
            return dateRange(start, through: end, zone: zone)
        }
        guard b.count >= 4, let y1 = twoDigits(b[0], b[1]), let y2 = twoDigits(b[2], b[3]) else { throw failure(forms) }
        let year = y1 * 100 + y2
        if b.count == 4 { return Window.year(year, zone: zone) }
        guard b[4] == UInt8(ascii: "-") else { throw failure(forms) }

        switch (b.count, b.count > 5 ? b[5] : 0) {
        case (7, UInt8(ascii: "Q")), (7, UInt8(ascii: "q")):
            guard let q = Int(String(decoding: b[6...], as: UTF8.self)), (1...4).contains(q) else {
                throw failure("there is no quarter \(String(decoding: b[6...], as: UTF8.self)) (Q1 to Q4)")
            }
            return quarter(year, q, zone: zone)
        case (8, UInt8(ascii: "W")), (8, UInt8(ascii: "w")):
            guard let w = twoDigits(b[6], b[7]) else { throw failure(forms) }
            let weeks = isoWeeks(in: year)
            guard w >= 1, w <= weeks else { throw failure("\(String(year)) has ISO weeks W01 to W\(pad2(weeks))") }
            return isoWeek(year, w, zone: zone)
        case (7, _):
            guard let m = twoDigits(b[5], b[6]) else { throw failure(forms) }
            guard (1...12).contains(m) else { throw failure("there is no month \(m) (01 to 12)") }
            return month(year, m, zone: zone)
        case (10, _) where LocalDate(parsing: text) != nil:
            throw failure("a single day is written as a range, \(text)..\(text)")
        default:
            throw failure(forms)
        }
    }

    // MARK: Neighbours

    /// The previous period of the same kind (details.md 22): 2026-08 → 2026-07, 2026-Q1 → 2025-Q4,
    /// 2026 → 2025, 2026-W01 → 2025-W52 (or W53), a date range → the equally long range just before it.
    public func previous(zone: Zone = .vietnam) -> Window {
        let first = zone.localDate(of: from)
        switch kind {
        case .month:
            let d = first.adding(months: -1)
            return Window.month(d.year, d.month, zone: zone)
        case .quarter:
            let d = first.adding(months: -3)
            return Window.quarter(d.year, (d.month - 1) / 3 + 1, zone: zone)
        case .year:
            return Window.year(first.year - 1, zone: zone)
        case .isoWeek:
            return Window.containing(date: first.adding(days: -7), kind: .isoWeek, zone: zone)
        case .dateRange:
            let length = zone.localDate(of: to).daysSinceEpoch - first.daysSinceEpoch
            return Window.dateRange(first.adding(days: -length), through: first.adding(days: -1), zone: zone)
        }
    }

    /// The period of `kind` that contains `instant` (the "current" month, quarter, year or ISO week);
    /// for `.dateRange`, the single day holding it.
    public static func containing(_ instant: Instant, kind: PeriodKind, zone: Zone = .vietnam) -> Window {
        containing(date: zone.localDate(of: instant), kind: kind, zone: zone)
    }

    /// The period of `kind` that contains the local date `date`.
    public static func containing(date: LocalDate, kind: PeriodKind, zone: Zone = .vietnam) -> Window {
        switch kind {
        case .month: return month(date.year, date.month, zone: zone)
        case .quarter: return quarter(date.year, (date.month - 1) / 3 + 1, zone: zone)
        case .year: return year(date.year, zone: zone)
        case .dateRange: return dateRange(date, through: date, zone: zone)
        case .isoWeek:
            let monday = date.adding(days: 1 - date.isoWeekday)
            let isoYear = monday.adding(days: 3).year // the week's Thursday decides its year
            let week = (monday.daysSinceEpoch - firstMonday(ofISOYear: isoYear).daysSinceEpoch) / 7 + 1
            return isoWeek(isoYear, week, zone: zone)
        }
    }

    // MARK: Evaluation instant

    /// The evaluation instant E for "now" or `--as-of` (details.md 17): E = min(asOf, to).
    /// A window that has not started (asOf ≤ from) is an error.
    public func evaluationInstant(asOf: Instant, zone: Zone = .vietnam) throws(PeriodError) -> Instant {
        guard asOf > from else {
            throw PeriodError("the period \(label) has not started at \(asOf.rfc3339(in: zone)): it starts \(from.rfc3339(in: zone))")
        }
        return min(asOf, to)
    }

    // MARK: Constructors by kind

    static func month(_ year: Int, _ month: Int, zone: Zone) -> Window {
        let first = LocalDate(year: year, month: month, day: 1)
        return Window(label: yearText(year) + "-" + pad2(month), kind: .month,
                      from: zone.startOfDay(first), to: zone.startOfDay(first.adding(months: 1)))
    }

    static func quarter(_ year: Int, _ quarter: Int, zone: Zone) -> Window {
        let first = LocalDate(year: year, month: 3 * quarter - 2, day: 1)
        return Window(label: yearText(year) + "-Q" + String(quarter), kind: .quarter,
                      from: zone.startOfDay(first), to: zone.startOfDay(first.adding(months: 3)))
    }

    static func year(_ year: Int, zone: Zone) -> Window {
        Window(label: yearText(year), kind: .year,
               from: zone.startOfDay(LocalDate(year: year, month: 1, day: 1)),
               to: zone.startOfDay(LocalDate(year: year + 1, month: 1, day: 1)))
    }

    static func isoWeek(_ isoYear: Int, _ week: Int, zone: Zone) -> Window {
        let monday = firstMonday(ofISOYear: isoYear).adding(days: 7 * (week - 1))
        return Window(label: yearText(isoYear) + "-W" + pad2(week), kind: .isoWeek,
                      from: zone.startOfDay(monday), to: zone.startOfDay(monday.adding(days: 7)))
    }

    static func dateRange(_ first: LocalDate, through last: LocalDate, zone: Zone) -> Window {
        Window(label: first.description + ".." + last.description, kind: .dateRange,
               from: zone.startOfDay(first), to: zone.startOfDay(last.adding(days: 1)))
    }

    // MARK: ISO 8601 weeks

    /// The Monday of ISO week 1: the week holding January 4 (equivalently, the year's first Thursday).
    static func firstMonday(ofISOYear year: Int) -> LocalDate {
        let january4 = LocalDate(year: year, month: 1, day: 4)
        return january4.adding(days: 1 - january4.isoWeekday)
    }

    /// 52 or 53.
    static func isoWeeks(in year: Int) -> Int {
        (firstMonday(ofISOYear: year + 1).daysSinceEpoch - firstMonday(ofISOYear: year).daysSinceEpoch) / 7
    }

}
