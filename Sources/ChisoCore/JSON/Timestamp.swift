/// RFC 3339 timestamps and dates as events carry them (events.md, "Envelope"; details.md 2).
///
/// A timestamp is `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: `T` or `t`, `Z` or `z`,
/// seconds required, a fraction of one or more digits kept to the microsecond (further
/// digits dropped), and a date and time that exist. Leap seconds (`:60`) are not accepted.
///
/// ```swift
/// Timestamp.parseInstant("2026-08-03T09:12:00+07:00")?.micros   // 1785723120000000
/// Timestamp.problem(with: "2026-08-03T09:12:00")                 // "has no UTC offset"
/// ```
public enum Timestamp {
    /// The instant written by `text`, or nil when it is not a valid timestamp
    /// (a bare date, a missing offset, a space instead of `T`, a date or time that does not exist…).
    public static func parseInstant(_ text: String) -> Instant? {
        if case .instant(let instant) = read(text) { return instant }
        return nil
    }

    /// Why `text` is not a valid timestamp, as the end of a sentence about it:
    /// "has no UTC offset", "is a date, not a timestamp", "does not exist (2026-02-30)",
    /// "is not RFC 3339". For a valid timestamp, "is a valid RFC 3339 timestamp".
    public static func problem(with text: String) -> String {
        switch read(text) {
        case .instant: return "is a valid RFC 3339 timestamp"
        case .problem(let problem): return problem
        }
    }

    /// `YYYY-MM-DD` gives that date; a full timestamp gives its local date in `zone`
    /// (details.md 2: `decidedAt`, `effectiveAt`); anything else, or a date that does not
    /// exist, gives nil.
    public static func parseDate(_ text: String, zone: Zone) -> LocalDate? {
        if text.utf8.count == 10 { return LocalDate(parsing: text) }
        guard let instant = parseInstant(text) else { return nil }
        return zone.localDate(of: instant)
    }

    // MARK: - Reading

    enum Reading {
        case instant(Instant)
        case problem(String)
    }

    static let notRFC3339 = "is not RFC 3339"

    static func read(_ text: String) -> Reading {
        if let reading = text.utf8.withContiguousStorageIfAvailable({ read($0) }) { return reading }
        return Array(text.utf8).withUnsafeBufferPointer { read($0) }
    }

    static func read(_ b: UnsafeBufferPointer<UInt8>) -> Reading {
        let n = b.count
        func digits2(_ k: Int) -> Int? { k + 1 < n ? twoDigits(b[k], b[k + 1]) : nil }
        func byte(_ k: Int) -> UInt8 { k < n ? b[k] : 0 }

        // YYYY-MM-DD
        guard let century = digits2(0), let yearInCentury = digits2(2), byte(4) == UInt8(ascii: "-"),
              let month = digits2(5), byte(7) == UInt8(ascii: "-"), let day = digits2(8) else {
            return .problem(notRFC3339)
        }
        if n == 10 { return .problem("is a date, not a timestamp") }
        // THH:MM:SS
        guard byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t"),
              let hour = digits2(11), byte(13) == UInt8(ascii: ":"), let minute = digits2(14),
              byte(16) == UInt8(ascii: ":"), let second = digits2(17) else {
            return .problem(notRFC3339)
        }
        var k = 19
        // .fraction, kept to the microsecond
        var fractionMicros: Int64 = 0
        if byte(k) == UInt8(ascii: ".") {
            k += 1
            let fractionStart = k
            while k < n, isDigit(b[k]) {
                if k - fractionStart < 6 { fractionMicros = fractionMicros * 10 + Int64(b[k] &- 48) }
                k += 1
            }
            guard k > fractionStart else { return .problem(notRFC3339) }
            for _ in min(k - fractionStart, 6)..<6 { fractionMicros *= 10 }
        }
        // Z or ±HH:MM
        if k == n { return .problem("has no UTC offset") }
        var offsetSeconds = 0
        var offsetHour = 0, offsetMinute = 0
        switch b[k] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard k + 1 == n else { return .problem(notRFC3339) }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard k + 6 == n, let h = digits2(k + 1), byte(k + 3) == UInt8(ascii: ":"), let m = digits2(k + 4) else {
                return .problem(notRFC3339)
            }
            offsetHour = h
            offsetMinute = m
            offsetSeconds = (h * 60 + m) * 60 * (b[k] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return .problem(notRFC3339)
        }

        guard let date = LocalDate(validYear: century * 100 + yearInCentury, month: month, day: day) else {
            return .problem("does not exist (" + text(b, 0, 10) + ")")
        }
        guard hour < 24, minute < 60, second < 60 else {
            return .problem("does not exist (" + text(b, 11, 19) + ")")
        }
        guard offsetHour < 24, offsetMinute < 60 else {
            return .problem("does not exist (offset " + text(b, k, n) + ")")
        }
        let secondsIntoDay = Int64(hour * 3600 + minute * 60 + second)
        let micros = Int64(date.daysSinceEpoch) * Instant.microsPerDay
            + secondsIntoDay * Instant.microsPerSecond
            + fractionMicros
            - Int64(offsetSeconds) * Instant.microsPerSecond
        return .instant(Instant(micros: micros))
    }

    private static func text(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
    }
}
