/// The exact decimal value of a JSON number literal: `digits × 10^exponent`, with `digits`
/// free of leading and trailing zeros (empty for zero). Used for by-value equality and the
/// canonical spelling (details.md 3), so both agree by construction.
struct DecimalParts {
    var negative: Bool
    /// Decimal digits 0…9, most significant first; empty when the value is zero.
    var digits: [UInt8]
    var exponent: Int

    /// Exponents beyond this are clamped; such numbers are absurd and only reachable as
    /// values that underflow to zero in a `Double`.
    static let exponentLimit = 1_000_000_000_000

    /// Decomposes a literal that follows the JSON number grammar.
    init(_ text: String) {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0
        var fractionDigits = 0
        var inFraction = false
        var exponentValue = 0
        var exponentNegative = false
        var inExponent = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"):
                if inExponent { exponentNegative = true } else { negative = true }
            case UInt8(ascii: "+"):
                break
            case UInt8(ascii: "."):
                inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                inExponent = true
            default:
                let d = byte &- 48
                if inExponent {
                    if exponentValue < DecimalParts.exponentLimit { exponentValue = exponentValue * 10 + Int(d) }
                } else {
                    if inFraction { fractionDigits += 1 }
                    if !(digits.isEmpty && d == 0) { digits.append(d) }  // drop leading zeros
                }
            }
        }
        // `digits` now holds the significand from its first non-zero digit; the count of
        // fraction digits still applies to its last digit.
        exponent = (exponentNegative ? -exponentValue : exponentValue) - fractionDigits
        var trailing = 0
        while let last = digits.last, last == 0 { digits.removeLast(); trailing += 1 }
        exponent += trailing
        self.negative = negative
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    func isSameValue(as other: DecimalParts) -> Bool {
        if digits.isEmpty || other.digits.isEmpty { return digits.isEmpty && other.digits.isEmpty }
        return negative == other.negative && exponent == other.exponent && digits == other.digits
    }

    /// One spelling per value: `0`; integers below 10^21 in full (`100`); other numbers with a
    /// decimal point when the point falls within 21 places left or 6 places right of the
    /// digits (`0.000125`, `1.5`); else `d.ddde±N` (`1.5e-7`, `1e21`).
    var canonicalText: String {
        if digits.isEmpty { return "0" }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + 24)
        if negative { out.append(UInt8(ascii: "-")) }
        let n = digits.count
        let point = n + exponent  // position of the decimal point after the first `point` digits
        if exponent >= 0 && point <= 21 {
            for d in digits { out.append(d + 48) }
            for _ in 0..<exponent { out.append(UInt8(ascii: "0")) }
        } else if exponent < 0 && point > 0 {
            for i in 0..<n {
                if i == point { out.append(UInt8(ascii: ".")) }
                out.append(digits[i] + 48)
            }
        } else if exponent < 0 && point > -6 {
            out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "."))
            for _ in 0 ..< -point { out.append(UInt8(ascii: "0")) }
            for d in digits { out.append(d + 48) }
        } else {
            out.append(digits[0] + 48)
            if n > 1 {
                out.append(UInt8(ascii: "."))
                for d in digits[1...] { out.append(d + 48) }
            }
            out.append(UInt8(ascii: "e"))
            out.append(contentsOf: String(point - 1).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// True for a literal that is already in canonical form: an optionally negative integer
/// without fraction or exponent, other than `-0` (JSON forbids leading zeros).
@inline(__always)
func isPlainCanonicalInteger(_ text: String) -> Bool {
    var count = 0
    var first: UInt8 = 0
    var second: UInt8 = 0
    for byte in text.utf8 {
        if count == 0 { first = byte } else if count == 1 { second = byte }
        count += 1
        guard (byte >= 48 && byte <= 57) || (byte == UInt8(ascii: "-") && count == 1) else { return false }
        if count > 21 { return false }
    }
    if first == UInt8(ascii: "-") && second == UInt8(ascii: "0") { return false }
    return count > 0
}

/// Exact powers of ten representable in a `Double` (Clinger's fast path).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// The nearest `Double` to a JSON number literal (correctly rounded).
func parseDouble(_ text: String) -> Double {
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var negative = false
    var inFraction = false
    var exponentValue = 0
    var exponentNegative = false
    var inExponent = false
    var tooManyDigits = false
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "-"):
            if inExponent { exponentNegative = true } else { negative = true }
        case UInt8(ascii: "+"):
            break
        case UInt8(ascii: "."):
            inFraction = true
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            inExponent = true
        default:
            let d = UInt64(byte &- 48)
            if inExponent {
                if exponentValue < 100_000 { exponentValue = exponentValue * 10 + Int(d) }
            } else {
                if mantissa == 0 && d == 0 {
                    if inFraction { exponent -= 1 }
                    continue
                }
                if significant >= 19 { tooManyDigits = true; continue }
                mantissa = mantissa * 10 + d
                significant += 1
                if inFraction { exponent -= 1 }
            }
        }
    }
    if !tooManyDigits {
        exponent += exponentNegative ? -exponentValue : exponentValue
        var value: Double? = nil
        if mantissa == 0 {
            value = 0
        } else if exponent == 0 {
            value = Double(mantissa)
        } else if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            value = exponent > 0 ? Double(mantissa) * exactPowersOfTen[exponent]
                                 : Double(mantissa) / exactPowersOfTen[-exponent]
        }
        if let value { return negative ? -value : value }
    }
    // The standard library's conversion is correctly rounded (strtod).
    return Double(text) ?? 0
}
