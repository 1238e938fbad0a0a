/// A parsed JSON value: one line of the event stream is one `JSONValue` (events.md, "Envelope").
///
/// Equality is "same body" (details.md 3): key order and white space do not matter,
/// numbers compare by value (`1` = `1.0`, `-0` = `0`), `true` ≠ `1`, and strings compare
/// by Unicode scalar values (code points), not by Swift's canonical equivalence, so that
/// `a == b` exactly when `a.canonicalText == b.canonicalText`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return sameScalars(a, b)
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return false }
            for i in a.indices where a[i] != b[i] { return false }
            return true
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

extension JSONValue {
    /// The member named `key` when this is an object holding it, else nil.
    /// A member whose value is `null` gives `.null` (not nil): details.md 1 treats both alike,
    /// which callers express with `isNull`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The boolean, when this is `true` or `false` (never a number: details.md 1).
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The number, when this is a number (never a boolean: details.md 1).
    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A JSON number as written, with its value.
///
/// Equality is by value (details.md 3): `1`, `1.0`, `1e0` and `10e-1` are equal, and so are
/// `-0` and `0`. The comparison is exact on the decimal value, not on the nearest `Double`.
public struct JSONNumber: Sendable, Equatable {
    /// The literal as written, e.g. `50000`, `1.5e3`.
    public let text: String

    /// Wraps a literal already checked by the parser (valid JSON number grammar, finite).
    init(validatedText: String) { self.text = validatedText }

    /// A number from a JSON number literal (`-1.5e3`), or nil when `literal` is not one
    /// or its value is not finite as a `Double` (`1e999`).
    public init?(literal: String) {
        guard let parsed = try? JSONParser.parse(literal), case .number(let n) = parsed else { return nil }
        self = n
    }

    /// An integer.
    public init(_ value: Int64) { self.text = String(value) }

    /// An integer.
    public init(_ value: Int) { self.text = String(value) }

    /// A finite double, written in its shortest round-trip form; nil for NaN and infinities.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if abs(value) < 1e15, Double(Int64(value)) == value {
            self.text = String(Int64(value))
        } else {
            self.text = value.description
        }
    }

    /// The nearest `Double`: finite, since the parser rejects numbers that overflow, except in a
    /// settings file read with `JSONParser.parseKeepingOverflowingNumbers`, where it may be infinite.
    public var double: Double { parseDouble(text) }

    /// The exact value when it is an integer that fits in `Int64` (`1.0` and `1e2` count), else nil.
    public var int64: Int64? {
        // Fast path: a plain integer literal of at most 18 digits.
        var fast: Int64 = 0
        var negative = false
        var digits = 0
        var plain = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48, byte <= 57 else { plain = false; break }
            fast = fast &* 10 &+ Int64(byte &- 48)
            digits += 1
        }
        if plain, digits <= 18 { return negative ? -fast : fast }
        let d = DecimalParts(text)
        if d.digits.isEmpty { return 0 }
        guard d.exponent >= 0, d.digits.count + d.exponent <= 19 else { return nil }
        // Accumulate negatively so that Int64.min fits.
        var value: Int64 = 0
        for digit in d.digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = s
        }
        for _ in 0..<d.exponent {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        if d.negative { return value }
        return value == Int64.min ? nil : -value
    }

    /// True when the value is below zero, read from the literal: `-1e-400` is, though its nearest
    /// `Double` is -0.0; `-0` and `-0.0` are not (details.md 1: `fee`, `amount` and `duration.value` are ≥ 0).
    public var isNegative: Bool {
        var utf8 = text.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "-") else { return false }
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return false }
            if byte >= UInt8(ascii: "1"), byte <= UInt8(ascii: "9") { return true }
        }
        return false
    }

    /// The canonical by-value spelling used in `canonicalText` (details.md 3).
    public var canonicalText: String {
        if isPlainCanonicalInteger(text) { return text }
        return DecimalParts(text).canonicalText
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        let a = DecimalParts(lhs.text), b = DecimalParts(rhs.text)
        return a.isSameValue(as: b)
    }
}

/// A JSON object: members in input order. The parser rejects duplicate keys (details.md 4),
/// so a key names at most one member.
///
/// Keys are compared by Unicode scalar values (code points): `"é"` (U+00E9) and `"e\u0301"`
/// are different keys, while `"\u0041"` and `"A"` are the same key once unescaped.
public struct JSONObject: Sendable, Equatable {
    /// The members in input order.
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    /// The value of the member named `key`, or nil when there is none.
    public subscript(key: String) -> JSONValue? {
        for member in members where sameScalars(member.key, key) { return member.value }
        return nil
    }

    /// The value of the member named by the literal `key` (compared by bytes), or nil when there is none.
    subscript(key: StaticString) -> JSONValue? {
        let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        for member in members where member.key.utf8.count == wanted.count {
            let same = member.key.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(wanted) }
                ?? member.key.utf8.elementsEqual(wanted)
            if same { return member.value }
        }
        return nil
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Same key set and equal values; order ignored.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        if lhs.members.count > 16 {
            let a = lhs.members.sorted { utf8Precedes($0.key, $1.key) }
            let b = rhs.members.sorted { utf8Precedes($0.key, $1.key) }
            for i in a.indices {
                guard sameScalars(a[i].key, b[i].key), a[i].value == b[i].value else { return false }
            }
            return true
        }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }
}

// MARK: - Code-point comparison of strings

/// True when `a` and `b` hold the same Unicode scalar values (UTF-8 byte equality),
/// unlike `==` on `String`, which identifies canonically equivalent strings.
/// Both strings' bytes are compared in one loop when they are stored contiguously, as parsed
/// strings and literals are (the decoder looks keys up this way about fifty times a line).
@inline(__always)
func sameScalars(_ a: String, _ b: String) -> Bool {
    let ua = a.utf8, ub = b.utf8
    guard ua.count == ub.count else { return false }
    if let same = ua.withContiguousStorageIfAvailable({ pa in
        ub.withContiguousStorageIfAvailable { pb in
            for i in 0..<pa.count where pa[i] != pb[i] { return false }
            return true
        }
    }), let same {
        return same
    }
    var ib = ub.makeIterator()
    for x in ua where x != ib.next() { return false }
    return true
}

/// Code-point order of two strings (UTF-8 byte order is code-point order).
func utf8Precedes(_ a: String, _ b: String) -> Bool {
    var ib = b.utf8.makeIterator()
    for x in a.utf8 {
        guard let y = ib.next() else { return false }
        if x != y { return x < y }
    }
    return ib.next() != nil
}
