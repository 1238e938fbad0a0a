import ChisoCore

/// Builds one JSON line as UTF-8 bytes, by hand: the generator's hot path.
///
/// Strings are escaped as JSON requires (`"`, `\` and control characters); other characters,
/// Vietnamese included, are written as UTF-8 unescaped (events.md: JSON Lines, UTF-8).
struct LineWriter {
    private(set) var bytes: [UInt8] = []
    private var cachedDay: Int = Int.min
    private var cachedDate: [UInt8] = []
    private var compactKeys = [Int](repeating: Int.min, count: 256)
    private var compactValues = [[UInt8]](repeating: [], count: 256)

    init() { bytes.reserveCapacity(512) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// The line as a `String`.
    func line() -> String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func raw(_ encoded: [UInt8]) {
        bytes.append(contentsOf: encoded)
    }

    @inline(__always) mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A decimal integer.
    mutating func int(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(magnitude % 10) + 48
                magnitude /= 10
                count += 1
            }
            var i = count - 1
            while i >= 0 { bytes.append(buffer[i]); i -= 1 }
        }
    }

    /// A non-negative integer left-padded with zeros to at least `width` digits.
    mutating func padded(_ value: Int64, width: Int) {
        var digits = 1
        var limit: Int64 = 10
        while value >= limit && digits < 19 { digits += 1; limit = limit &* 10 }
        var pad = width - digits
        while pad > 0 { bytes.append(UInt8(ascii: "0")); pad -= 1 }
        int(value)
    }

    @inline(__always) private mutating func two(_ n: Int64) {
        bytes.append(UInt8(n / 10) + 48)
        bytes.append(UInt8(n % 10) + 48)
    }

    /// `YYYY-MM-DD` of a local day, cached (most lines of a stretch share a day).
    private mutating func dateDigits(_ day: Int) {
        if day != cachedDay {
            cachedDay = day
            cachedDate = Array(LocalDateText.text(day: day).utf8)
        }
        bytes.append(contentsOf: cachedDate)
    }

    /// A quoted RFC 3339 timestamp with the +07:00 offset, e.g. `"2026-08-03T09:12:00+07:00"`.
    mutating func timestamp(_ t: LocalSeconds) {
        let day = t.floorDivided(by: .day)
        let seconds = t - day * .day
        bytes.append(UInt8(ascii: "\""))
        dateDigits(Int(day))
        bytes.append(UInt8(ascii: "T"))
        two(seconds / 3600)
        bytes.append(UInt8(ascii: ":"))
        two(seconds / 60 % 60)
        bytes.append(UInt8(ascii: ":"))
        two(seconds % 60)
        raw("+07:00\"")
    }

    /// A quoted date, e.g. `"2026-08-03"`.
    mutating func date(day: Int) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: Array(LocalDateText.text(day: day).utf8))
        bytes.append(UInt8(ascii: "\""))
    }

    /// The compact date `YYMMDD` used inside dossier and petition codes.
    mutating func compactDate(day: Int) {
        let slot = day & 255
        if compactKeys[slot] != day {
            compactKeys[slot] = day
            let text = Array(LocalDateText.text(day: day).utf8)
            // "YYYY-MM-DD" → "YYMMDD"
            compactValues[slot] = [text[2], text[3], text[5], text[6], text[8], text[9]]
        }
        bytes.append(contentsOf: compactValues[slot])
    }

    /// `text` as a quoted JSON string, escaped.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}

enum LocalDateText {
    /// `YYYY-MM-DD` of a local day number.
    static func text(day: Int) -> String { LocalDate(daysSinceEpoch: day).description }
}
