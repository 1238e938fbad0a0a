/// A calendar file that cannot be used, with a message for a person naming the file and the problem,
/// and what to do, e.g. `calendar-vn.json: holidays[3] "2026-02-30" is not a date; write it as YYYY-MM-DD …`.
public struct CalendarFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension WorkingCalendar {
    /// Reads a calendar file such as `indicators/calendar-vn.json` (details.md 8, 27):
    ///
    /// ```json
    /// { "timeZone": "+07:00",
    ///   "workingHours": [["08:00", "12:00"], ["13:00", "17:00"]],
    ///   "holidays": ["2026-09-01", "2026-09-02"],
    ///   "extraWorkdays": ["2025-04-26"] }
    /// ```
    ///
    /// `holidays` and `extraWorkdays` are required; `timeZone` defaults to +07:00 and `workingHours`
    /// to 08:00–12:00, 13:00–17:00. `about` is free text; any other member is refused, so that a
    /// misspelt key (`workingHour`) is not silently replaced by its default. `name` is the file's
    /// name, used in error messages.
    public init(fileText: String, name: String) throws(CalendarFileError) {
        func failure(_ problem: String) -> CalendarFileError { CalendarFileError(name + ": " + problem) }
        let document: CalendarJSON
        do throws(CalendarJSONSyntaxError) {
            var reader = CalendarJSONReader(fileText)
            document = try reader.readDocument()
        } catch {
            throw failure("not JSON: " + error.problem)
        }
        guard case .object(let members) = document else { throw failure("the file must hold one JSON object") }
        var byKey: [String: CalendarJSON] = [:]
        let allowed = ["timeZone", "workingHours", "holidays", "extraWorkdays", "about"]
        for (key, value) in members {
            guard byKey.updateValue(value, forKey: key) == nil else { throw failure("\"\(key)\" appears twice; keep one of them") }
            guard allowed.contains(key) else {
                throw failure("unknown key \"\(key)\" (allowed: \(allowed.joined(separator: ", "))); check its spelling")
            }
        }

        var zone = Zone.vietnam
        if let value = byKey["timeZone"] {
            guard case .string(let text) = value, let parsed = Zone(parsing: text) else {
                throw failure("timeZone \(value.shown) is not an offset like \"+07:00\"")
            }
            zone = parsed
        }

        var hours: [(start: Int, end: Int)] = [(480, 720), (780, 1020)]
        if let value = byKey["workingHours"] {
            guard case .array(let items) = value, !items.isEmpty else {
                throw failure("workingHours must be a non-empty array of [\"HH:MM\", \"HH:MM\"] pairs")
            }
            hours = []
            for (i, item) in items.enumerated() {
                guard case .array(let pair) = item, pair.count == 2,
                      case .string(let from) = pair[0], case .string(let to) = pair[1],
                      let start = WorkingCalendar.minutes(from), let end = WorkingCalendar.minutes(to) else {
                    throw failure("workingHours[\(i)] \(item.shown) is not a pair of times like [\"08:00\", \"12:00\"]")
                }
                guard start < end else {
                    throw failure("workingHours[\(i)] \(item.shown) " + (start == end ? "is empty" : "ends before it starts") + "; give its start and a later end, e.g. [\"08:00\", \"12:00\"]")
                }
                if let previous = hours.last, start < previous.end {
                    throw failure("workingHours[\(i)] \(item.shown) overlaps or precedes the period before it")
                }
                hours.append((start: start, end: end))
            }
        }

        func dates(_ key: String) throws(CalendarFileError) -> Set<LocalDate> {
            guard let value = byKey[key] else { throw failure("\(key) is missing (an array of dates \"YYYY-MM-DD\")") }
            guard case .array(let items) = value else { throw failure("\(key) must be an array of dates \"YYYY-MM-DD\"") }
            var result = Set<LocalDate>()
            for (i, item) in items.enumerated() {
                guard case .string(let text) = item, let date = LocalDate(parsing: text) else {
                    throw failure("\(key)[\(i)] \(item.shown) is not a date; write it as YYYY-MM-DD, e.g. \"2026-09-02\"")
                }
                result.insert(date)
            }
            return result
        }

        self.init(zone: zone, holidays: try dates("holidays"), extraWorkdays: try dates("extraWorkdays"), workingHours: hours)
    }

    /// The calendar written as a calendar file, dates sorted, which `init(fileText:name:)` reads back
    /// to the same calendar: what a database keeps of the calendar its state was computed with, so
    /// that an edited calendar file applies only after `chiso rebuild` (details.md 27).
    public var fileText: String {
        func hhmm(_ minutes: Int) -> String { pad2(minutes / 60) + ":" + pad2(minutes % 60) }
        func dates(_ set: Set<LocalDate>) -> String { set.map { "\"\($0)\"" }.sorted().joined(separator: ", ") }
        let hours = workingHours.map { "[\"\(hhmm($0.start))\", \"\(hhmm($0.end))\"]" }.joined(separator: ", ")
        return "{\"timeZone\": \"\(zone.suffix)\", \"workingHours\": [\(hours)], \"holidays\": [\(dates(holidays))], \"extraWorkdays\": [\(dates(extraWorkdays))]}"
    }

    /// `HH:MM` as minutes since midnight, 00:00 … 24:00.
    private static func minutes(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 5, b[2] == UInt8(ascii: ":"), let h = twoDigits(b[0], b[1]), let m = twoDigits(b[3], b[4]),
              m < 60, h < 24 || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }
}

// MARK: - A minimal JSON reader for the calendar file

/// The JSON values a calendar file is made of; numbers and literals are kept only as their text.
private enum CalendarJSON {
    case string(String)
    case array([CalendarJSON])
    case object([(String, CalendarJSON)])
    case scalar(String)

    /// The value as written back for an error message, shortened.
    var shown: String {
        let text: String
        switch self {
        case .string(let s): text = "\"" + s + "\""
        case .scalar(let s): text = s
        case .array(let items): text = "[" + items.map(\.shown).joined(separator: ", ") + "]"
        case .object: text = "{…}"
        }
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}

private struct CalendarJSONSyntaxError: Error {
    var problem: String
}

/// A strict recursive-descent reader over UTF-8 bytes (RFC 8259), enough for a calendar file.
private struct CalendarJSONReader {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func readDocument() throws(CalendarJSONSyntaxError) -> CalendarJSON {
        skipSpace()
        let value = try readValue()
        skipSpace()
        guard position == bytes.count else { throw error("unexpected text after the end") }
        return value
    }

    private func error(_ what: String) -> CalendarJSONSyntaxError {
        // Line and column (1-based) of the current position, for a person looking at the file.
        var line = 1, column = 1
        for b in bytes[..<min(position, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return CalendarJSONSyntaxError(problem: "\(what) at line \(line), column \(column)")
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func expect(_ byte: UInt8) throws(CalendarJSONSyntaxError) {
        guard current == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private mutating func readValue() throws(CalendarJSONSyntaxError) -> CalendarJSON {
        guard let byte = current else { throw error("the text ends where a value is expected") }
        switch byte {
        case UInt8(ascii: "{"): return try nested { (r: inout CalendarJSONReader) throws(CalendarJSONSyntaxError) in try r.readObject() }
        case UInt8(ascii: "["): return try nested { (r: inout CalendarJSONReader) throws(CalendarJSONSyntaxError) in try r.readArray() }
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word in ["true", "false", "null"] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return .scalar(word)
            }
            throw error("unknown word")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .scalar(try readNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func nested(_ read: (inout CalendarJSONReader) throws(CalendarJSONSyntaxError) -> CalendarJSON) throws(CalendarJSONSyntaxError) -> CalendarJSON {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 64 else { throw error("nested too deeply") }
        return try read(&self)
    }

    private mutating func readObject() throws(CalendarJSONSyntaxError) -> CalendarJSON {
        try expect(UInt8(ascii: "{"))
        var members: [(String, CalendarJSON)] = []
        skipSpace()
        if current == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let key = try readString()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            members.append((key, try readValue()))
            skipSpace()
            if current == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func readArray() throws(CalendarJSONSyntaxError) -> CalendarJSON {
        try expect(UInt8(ascii: "["))
        var items: [CalendarJSON] = []
        skipSpace()
        if current == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try readValue())
            skipSpace()
            if current == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "]"))
            return .array(items)
        }
    }

    private mutating func readNumber() throws(CalendarJSONSyntaxError) -> String {
        let start = position
        func digits(_ r: inout CalendarJSONReader) -> Int {
            let from = r.position
            while let b = r.current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { r.position += 1 }
            return r.position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") { position += 1 } else if digits(&self) == 0 { throw error("malformed number") }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw error("malformed number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error("malformed number") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func readString() throws(CalendarJSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""))
        var scalars = String.UnicodeScalarView()
        var run = position // start of a run of plain bytes not yet copied
        func flush(_ r: CalendarJSONReader, upTo end: Int) {
            scalars.append(contentsOf: String(decoding: r.bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                flush(self, upTo: position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(self, upTo: position)
                position += 1
                scalars.append(try readEscape())
                run = position
            case 0x00..<0x20:
                throw error("control character in a string")
            default:
                position += 1
            }
        }
        throw error("the text ends inside a string")
    }

    private mutating func readEscape() throws(CalendarJSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw error("the text ends inside a string") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try readHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard bytes[position...].starts(with: "\\u".utf8) else { throw error("lone surrogate in \\u escape") }
                position += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                    throw error("lone surrogate in \\u escape")
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("lone surrogate in \\u escape") }
            return scalar
        default:
            throw error("unknown escape")
        }
    }

    private mutating func readHex4() throws(CalendarJSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for b in bytes[position..<position + 4] {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("bad hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }
}
