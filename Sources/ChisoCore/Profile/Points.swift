/// A number of points, exact, in hundredths: 15.68 points is `Points(hundredths: 1568)`.
///
/// Component points are rounded to 2 decimals and groups and totals are sums of them
/// (indicators.md, "Scoring"), so hundredths hold every score exactly.
public struct Points: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The points times 100.
    public var hundredths: Int64

    public init(hundredths: Int64) { self.hundredths = hundredths }

    /// Whole points: `Points(whole: 18)` is 18.00.
    public init(whole: Int64) {
        let (h, overflow) = whole.multipliedReportingOverflow(by: 100)
        hundredths = overflow ? (whole < 0 ? .min : .max) : h
    }

    public static let zero = Points(hundredths: 0)

    /// The points written like a JSON number, with no trailing zeros: "15.68", "6", "0.5", "-0.02".
    public var jsonNumber: String { Points.decimalText(hundredths: hundredths) }

    public var description: String { jsonNumber }

    /// The points as a `Double` (for charts and sorting; never for scoring).
    public var doubleValue: Double { Double(hundredths) / 100 }

    public static func < (lhs: Points, rhs: Points) -> Bool { lhs.hundredths < rhs.hundredths }

    /// The sum, saturating at the ends of `Int64` (no real profile comes near them).
    public static func + (lhs: Points, rhs: Points) -> Points {
        let (sum, overflow) = lhs.hundredths.addingReportingOverflow(rhs.hundredths)
        if overflow { return Points(hundredths: rhs.hundredths > 0 ? .max : .min) }
        return Points(hundredths: sum)
    }

    public static func += (lhs: inout Points, rhs: Points) { lhs = lhs + rhs }

    /// Two decimals always, as tables for people show points: 87.5 → "87.50", 6 → "6.00", −0.02 → "-0.02".
    public var fixedText: String {
        let m = hundredths.magnitude
        let cents = m % 100
        return (hundredths < 0 ? "-" : "") + String(m / 100) + (cents < 10 ? ".0" : ".") + String(cents)
    }

    /// A number rounded half away from zero to 2 decimals and written with both (a ratio in percent,
    /// a number of working days, in a table for people): 82.3 → "82.30".
    public static func fixedText(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e15 else { return x.description }
        return Points(hundredths: Int64((x * 100).rounded(.toNearestOrAwayFromZero))).fixedText
    }

    /// `hundredths` / 100 written with no trailing zeros: 1568 → "15.68", 600 → "6", -2 → "-0.02".
    static func decimalText(hundredths: Int64) -> String {
        let negative = hundredths < 0
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let cents = magnitude % 100
        var text = negative ? "-" : ""
        text += String(whole)
        if cents != 0 {
            text += cents % 10 == 0 ? "." + String(cents / 10) : (cents < 10 ? ".0" : ".") + String(cents)
        }
        return text
    }
}

/// An exact fraction of two positive whole numbers, in lowest terms: a target such as 0.8 is
/// 4/5, read from the literal text of the profile file so that no binary rounding enters the
/// scoring (details.md 20).
public struct Fraction: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    /// The fraction numerator/denominator in lowest terms, or nil unless both are positive.
    public init?(numerator: Int64, denominator: Int64) {
        guard numerator > 0, denominator > 0 else { return nil }
        let g = Fraction.gcd(numerator, denominator)
        self.numerator = numerator / g
        self.denominator = denominator / g
    }

    /// The fraction written by a JSON number literal such as "0.8", "1", "8e-1"; nil unless the
    /// literal is a positive number with at most `maxDecimals` decimal places.
    public init?(decimalLiteral text: String, maxDecimals: Int = 6) {
        guard let decimal = ExactDecimal(text), decimal.scale <= min(maxDecimals, 18) else { return nil }
        var denominator: Int64 = 1
        var numerator = decimal.significand
        if decimal.scale >= 0 {
            for _ in 0..<decimal.scale { denominator *= 10 }
        } else {
            for _ in 0..<(-decimal.scale) {
                let (n, overflow) = numerator.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                numerator = n
            }
        }
        self.init(numerator: numerator, denominator: denominator)
    }

    /// Whether the fraction lies in (0, 1]: a valid target (indicators.md, "What a profile file holds").
    public var isAtMostOne: Bool { numerator <= denominator }

    /// A decimal when the fraction has one with at most 6 places ("0.8"), else "n/d".
    public var description: String {
        var scaled = numerator
        var power: Int64 = 1
        for places in 0...6 {
            if scaled % denominator == 0 {
                let digits = scaled / denominator
                if places == 0 { return String(digits) }
                var fraction = String(digits % power)
                while fraction.count < places { fraction = "0" + fraction }
                return String(digits / power) + "." + fraction
            }
            let (next, overflow) = scaled.multipliedReportingOverflow(by: 10)
            if overflow { break }
            scaled = next
            power *= 10
        }
        return String(numerator) + "/" + String(denominator)
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a.magnitude, b.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        return Int64(x)
    }
}

/// A JSON number literal read exactly: value = significand × 10^(−scale), with trailing zeros
/// removed (so "0.80" has significand 8 and scale 1, "1e3" significand 1 and scale −3).
struct ExactDecimal: Equatable {
    var significand: Int64
    var scale: Int

    /// Nil when the text is not a JSON number or its digits do not fit in `Int64`.
    init?(_ text: String) {
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" { negative = true; chars.removeFirst() }
        let integerDigits = chars.prefix { $0.isASCII && $0.isNumber }
        chars.removeFirst(integerDigits.count)
        guard !integerDigits.isEmpty else { return nil }
        var fractionDigits = Substring("")
        if chars.first == "." {
            chars.removeFirst()
            fractionDigits = chars.prefix { $0.isASCII && $0.isNumber }
            guard !fractionDigits.isEmpty else { return nil }
            chars.removeFirst(fractionDigits.count)
        }
        var exponent = 0
        if chars.first == "e" || chars.first == "E" {
            chars.removeFirst()
            var exponentNegative = false
            if chars.first == "+" || chars.first == "-" { exponentNegative = chars.removeFirst() == "-" }
            let exponentDigits = chars.prefix { $0.isASCII && $0.isNumber }
            guard !exponentDigits.isEmpty, exponentDigits.count <= 6, let e = Int(exponentDigits) else { return nil }
            chars.removeFirst(exponentDigits.count)
            exponent = exponentNegative ? -e : e
        }
        guard chars.isEmpty else { return nil }
        while fractionDigits.last == "0" { fractionDigits.removeLast() }
        var significand: Int64 = 0
        for digit in integerDigits + fractionDigits {
            guard let d = digit.wholeNumberValue else { return nil }
            let (times10, o1) = significand.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            significand = sum
        }
        var scale = fractionDigits.count - exponent
        if significand == 0 { scale = 0 }
        while significand != 0, significand % 10 == 0 {
            significand /= 10
            scale -= 1
        }
        self.significand = negative ? -significand : significand
        self.scale = scale
    }

    /// The value in hundredths, rounded half away from zero on the decimal as written (1.005 → 101,
    /// where its nearest `Double` would give 100); nil when it does not fit in `Int64`.
    var roundedHundredths: Int64? {
        let shift = scale - 2
        if shift <= 0 { return ExactDecimal.scaled(significand, by: -shift) }
        // |significand| < 10^19, so from 19 places down the value is below half a hundredth.
        guard shift < 19 else { return 0 }
        var divisor: Int64 = 1
        for _ in 0..<shift { divisor *= 10 }
        let (quotient, remainder) = significand.quotientAndRemainder(dividingBy: divisor)
        // Half away from zero: a remainder of at least half the divisor moves away from zero.
        guard remainder.magnitude >= (divisor.magnitude + 1) / 2 else { return quotient }
        return quotient + (significand < 0 ? -1 : 1)
    }

    /// The value as a whole number, or nil when it has a fraction or does not fit in `Int64`.
    var wholeNumber: Int64? { scale > 0 ? nil : ExactDecimal.scaled(significand, by: -scale) }

    /// The value in hundredths, or nil when it has more than 2 decimals or does not fit.
    var hundredths: Int64? { scale > 2 ? nil : ExactDecimal.scaled(significand, by: 2 - scale) }

    /// `value` × 10^`places` (`places` ≥ 0), or nil when it does not fit in `Int64`.
    static func scaled(_ value: Int64, by places: Int) -> Int64? {
        var value = value
        for _ in 0..<places {
            let (v, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = v
        }
        return value
    }
}
