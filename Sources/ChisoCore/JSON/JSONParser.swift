/// The strict JSON reader for event lines (RFC 8259 plus the rejections of details.md 4).
///
/// It reads UTF-8 bytes directly, without Foundation, and rejects what a lenient reader
/// would let through: invalid UTF-8 anywhere, a byte order mark, `NaN` and `Infinity`,
/// numbers that overflow a `Double` (`1e999`), duplicate keys in one object, trailing
/// content, nesting deeper than 256, raw control characters in strings, bad escapes and
/// lone surrogate escapes.
///
/// ```swift
/// let event = try JSONParser.parse(#"{"id":"e1","fee":50000}"#)
/// event["fee"]?.numberValue?.int64   // 50000
/// ```
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; one more is `tooDeep`.
    public static let maximumDepth = 256

    /// Parses exactly one JSON value filling the whole buffer (white space around it allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        try parse(bytes, keepingOverflowingNumbers: false)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, keepingOverflowingNumbers: Bool) throws(JSONSyntaxError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONSyntaxError(.unexpectedEnd, at: 0)
        }
        let start = base.assumingMemoryBound(to: UInt8.self)
        var reader = JSONReader(start: start, count: bytes.count)
        reader.keepsOverflowingNumbers = keepingOverflowingNumbers
        do {
            return try reader.parseDocument()
        } catch {
            // Invalid UTF-8 anywhere in the line is the reason, whatever else is wrong.
            if let bad = firstInvalidUTF8(start, count: bytes.count) {
                throw JSONSyntaxError(.invalidUTF8, at: bad)
            }
            throw error
        }
    }

    /// Parses exactly one JSON value filling the whole array.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses exactly one JSON value filling the whole string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(text, keepingOverflowingNumbers: false)
    }

    /// Parses a settings file (a profile, a counts file), where a number too large for a `Double`
    /// (`1e400`) is kept as written, its `double` infinite, so that the reader can name the field
    /// it is in and say what is wrong with it (details.md 20), rather than a byte offset.
    public static func parseKeepingOverflowingNumbers(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(text, keepingOverflowingNumbers: true)
    }

    private static func parse(_ text: String, keepingOverflowingNumbers: Bool) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in
                try parse(UnsafeRawBufferPointer(buffer), keepingOverflowingNumbers: keepingOverflowingNumbers)
            }
        }
        return try result.get()
    }

    /// Parses exactly one JSON value filling the whole substring (e.g. one line of a file).
    public static func parse(_ utf8: Substring.UTF8View) throws(JSONSyntaxError) -> JSONValue {
        let contiguous = utf8.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let contiguous { return try contiguous.get() }
        return try parse(Array(utf8))
    }
}

// MARK: - The reader

private let asciiQuote = UInt8(ascii: "\"")
private let asciiBackslash = UInt8(ascii: "\\")

/// One pass over the bytes of one document; recursive descent, depth-limited.
struct JSONReader {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    var depth = 0
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Whether a number that overflows a `Double` is kept (settings files) instead of rejected
    /// (event lines, details.md 1: numbers are finite).
    var keepsOverflowingNumbers = false

    init(start: UnsafePointer<UInt8>, count: Int) {
        self.p = start
        self.end = count
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if i < end { throw JSONSyntaxError(.trailingContent, at: i) }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        switch p[i] {
        case asciiQuote: return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpectedCharacter()
        }
    }

    // MARK: Literals and unexpected input

    @inline(__always)
    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let bytes = literal.utf8Start
        for k in 0..<literal.utf8CodeUnitCount {
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
            guard p[i] == bytes[k] else { throw unexpectedCharacter() }
            i += 1
        }
    }

    /// True when the bytes at `at` spell `word`.
    func matches(_ word: StaticString, at: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= end else { return false }
        for k in 0..<n where p[at + k] != word.utf8Start[k] { return false }
        return true
    }

    /// The error for the byte at `i`, which cannot appear here.
    func unexpectedCharacter() -> JSONSyntaxError {
        let b = p[i]
        if matches("NaN", at: i) || matches("Infinity", at: i) || matches("+Infinity", at: i) {
            return JSONSyntaxError(.nonFiniteNumber, at: i)
        }
        if b == UInt8(ascii: "+") || b == UInt8(ascii: ".") {
            if i + 1 < end, p[i + 1] >= 48, p[i + 1] <= 57 { return JSONSyntaxError(.invalidNumber, at: i) }
        }
        if b < 0x80 {
            return JSONSyntaxError(.unexpectedCharacter(String(UnicodeScalar(b))), at: i)
        }
        if matches("\u{FEFF}", at: i) { return JSONSyntaxError(.byteOrderMark, at: i) }
        guard let length = utf8SequenceLength(p, at: i, end: end) else {
            return JSONSyntaxError(.invalidUTF8, at: i)
        }
        let character = String(decoding: UnsafeBufferPointer(start: p + i, count: length), as: UTF8.self)
        return JSONSyntaxError(.unexpectedCharacter(character), at: i)
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = i
        if p[i] == UInt8(ascii: "-") {
            i += 1
            if matches("Infinity", at: i) || matches("NaN", at: i) { throw JSONSyntaxError(.nonFiniteNumber, at: start) }
        }
        guard i < end else { throw JSONSyntaxError(.invalidNumber, at: i) }
        var integerDigits = 0
        if p[i] == UInt8(ascii: "0") {
            i += 1
            integerDigits = 1
            if i < end, isDigit(p[i]) { throw JSONSyntaxError(.invalidNumber, at: i) }
        } else if isDigit(p[i]) {
            while i < end, isDigit(p[i]) { i += 1; integerDigits += 1 }
        } else {
            throw JSONSyntaxError(.invalidNumber, at: i)
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(p[i]) else { throw JSONSyntaxError(.invalidNumber, at: i) }
            while i < end, isDigit(p[i]) { i += 1 }
        }
        var exponent = 0
        if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            var negative = false
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                negative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, isDigit(p[i]) else { throw JSONSyntaxError(.invalidNumber, at: i) }
            while i < end, isDigit(p[i]) {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(p[i] &- 48) }
                i += 1
            }
            if negative { exponent = -exponent }
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        // The value is below 10^(integerDigits + exponent); only near the top of the Double
        // range is the exact conversion needed to tell whether it overflows.
        if integerDigits + exponent > 300, !keepsOverflowingNumbers, !parseDouble(text).isFinite {
            throw JSONSyntaxError(.nonFiniteNumber, at: start)
        }
        return JSONNumber(validatedText: text)
    }

    // MARK: Strings

    /// Reads a string starting at its opening quote; leaves `i` after the closing quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        i += 1
        let start = i
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control or non-ASCII byte.
            while i + 8 <= end {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if needsAttention(word) { break }
                i += 8
            }
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: end) }
            let stop = min(i + 8, end)
            while i < stop {
                let b = p[i]
                if b == asciiQuote {
                    let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                    i += 1
                    return s
                }
                if b == asciiBackslash { return try parseEscapedString(from: start) }
                if b < 0x20 { throw JSONSyntaxError(.controlCharacterInString, at: i) }
                if b >= 0x80 {
                    guard let length = utf8SequenceLength(p, at: i, end: end) else {
                        throw JSONSyntaxError(.invalidUTF8, at: i)
                    }
                    i += length
                } else {
                    i += 1
                }
            }
        }
    }

    /// The slow path for a string holding escapes: decodes into `scratch`.
    mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while true {
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: end) }
            let b = p[i]
            if b == asciiQuote {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if b == asciiBackslash {
                try readEscape()
            } else if b < 0x20 {
                throw JSONSyntaxError(.controlCharacterInString, at: i)
            } else if b >= 0x80 {
                guard let length = utf8SequenceLength(p, at: i, end: end) else {
                    throw JSONSyntaxError(.invalidUTF8, at: i)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: length))
                i += length
            } else {
                scratch.append(b)
                i += 1
            }
        }
    }

    /// Decodes one escape at `i` (a backslash) into `scratch`.
    mutating func readEscape() throws(JSONSyntaxError) {
        let escapeStart = i
        guard i + 1 < end else { throw JSONSyntaxError(.unexpectedEnd, at: end) }
        let e = p[i + 1]
        i += 2
        switch e {
        case asciiQuote, asciiBackslash, UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4(escapeStart: escapeStart)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                // A high surrogate must be followed at once by an escaped low surrogate.
                guard i + 1 < end, p[i] == asciiBackslash, p[i + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(.invalidEscape, at: escapeStart)
                }
                i += 2
                let low = try readHex4(escapeStart: escapeStart)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw JSONSyntaxError(.invalidEscape, at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw JSONSyntaxError(.invalidEscape, at: escapeStart)
            }
            appendUTF8(scalar)
        default:
            throw JSONSyntaxError(.invalidEscape, at: escapeStart)
        }
    }

    /// Four hex digits at `i`.
    mutating func readHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: end) }
            let b = p[i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b &- 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b &- 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b &- 55)
            default: throw JSONSyntaxError(.invalidEscape, at: escapeStart)
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Arrays and objects

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        let open = i
        depth += 1
        if depth > JSONParser.maximumDepth { throw JSONSyntaxError(.tooDeep, at: open) }
        i += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        if p[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            do {
                elements.append(try parseValue())
            } catch {
                throw error.inside(index: elements.count)
            }
            skipWhitespace()
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            if p[i] == UInt8(ascii: "]") {
                i += 1
                depth -= 1
                return .array(elements)
            }
            throw unexpectedCharacter()
        }
    }

    /// Objects with more members than this check duplicate keys with a hash set.
    static let linearKeyCheckLimit = 24

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        let open = i
        depth += 1
        if depth > JSONParser.maximumDepth { throw JSONSyntaxError(.tooDeep, at: open) }
        i += 1
        skipWhitespace()
        var members: [(key: String, value: JSONValue)] = []
        guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
        if p[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject(members))
        }
        // An event's top-level object has about ten members; nested ones are small.
        members.reserveCapacity(depth == 1 ? 16 : 4)
        var keySet: Set<ScalarKey>? = nil
        while true {
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
            guard p[i] == asciiQuote else { throw unexpectedCharacter() }
            let keyOffset = i
            let key = try parseString()
            if keySet != nil {
                if keySet?.insert(ScalarKey(key)).inserted == false {
                    throw JSONSyntaxError(.duplicateKey(key), at: keyOffset)
                }
            } else {
                for member in members where sameScalars(member.key, key) {
                    throw JSONSyntaxError(.duplicateKey(key), at: keyOffset)
                }
                if members.count >= JSONReader.linearKeyCheckLimit {
                    var set = Set<ScalarKey>(minimumCapacity: members.count * 2)
                    for member in members { set.insert(ScalarKey(member.key)) }
                    set.insert(ScalarKey(key))
                    keySet = set
                }
            }
            skipWhitespace()
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
            guard p[i] == UInt8(ascii: ":") else { throw unexpectedCharacter() }
            i += 1
            skipWhitespace()
            let value: JSONValue
            do {
                value = try parseValue()
            } catch {
                throw error.inside(key: key)
            }
            members.append((key: key, value: value))
            skipWhitespace()
            guard i < end else { throw JSONSyntaxError(.unexpectedEnd, at: i) }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            if p[i] == UInt8(ascii: "}") {
                i += 1
                depth -= 1
                return .object(JSONObject(members))
            }
            throw unexpectedCharacter()
        }
    }
}

/// A key hashed and compared by its code points (not by canonical equivalence).
struct ScalarKey: Hashable {
    let key: String
    init(_ key: String) { self.key = key }
    static func == (a: ScalarKey, b: ScalarKey) -> Bool { sameScalars(a.key, b.key) }
    func hash(into hasher: inout Hasher) {
        for byte in key.utf8 { hasher.combine(byte) }
    }
}

// MARK: - Byte helpers

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

/// True when one of the eight bytes is `"`, `\`, below 0x20 or at least 0x80.
@inline(__always)
func needsAttention(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    let quote = hasZeroByte(word ^ (ones &* 0x22))
    let backslash = hasZeroByte(word ^ (ones &* 0x5C))
    let control = (word &- ones &* 0x20) & ~word & highs
    return (quote | backslash | control | (word & highs)) != 0
}

/// The length of the well-formed UTF-8 sequence starting at `at` (RFC 3629: no overlongs,
/// no surrogates, nothing above U+10FFFF), or nil when it is not one.
@inline(__always)
func utf8SequenceLength(_ p: UnsafePointer<UInt8>, at: Int, end: Int) -> Int? {
    let b0 = p[at]
    if b0 < 0x80 { return 1 }
    @inline(__always) func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
        at + k < end && p[at + k] >= low && p[at + k] <= high
    }
    switch b0 {
    case 0xC2...0xDF:
        return continuation(1) ? 2 : nil
    case 0xE0:
        return continuation(1, 0xA0) && continuation(2) ? 3 : nil
    case 0xE1...0xEC, 0xEE...0xEF:
        return continuation(1) && continuation(2) ? 3 : nil
    case 0xED:
        return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : nil
    case 0xF0:
        return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF1...0xF3:
        return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
    case 0xF4:
        return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : nil
    default:
        return nil
    }
}

/// The offset of the first byte that is not part of well-formed UTF-8, or nil.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, count: Int) -> Int? {
    var i = 0
    while i < count {
        if p[i] < 0x80 { i += 1; continue }
        guard let length = utf8SequenceLength(p, at: i, end: count) else { return i }
        i += length
    }
    return nil
}
