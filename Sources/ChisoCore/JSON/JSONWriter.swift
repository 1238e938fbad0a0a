extension JSONValue {
    /// Deterministic serialisation: `a.canonicalText == b.canonicalText` exactly when `a == b`
    /// ("same body", details.md 3). Object keys sorted by Unicode code points, no white space,
    /// numbers in `JSONNumber.canonicalText` form (`1`, `1.0`, `1e0`, `10e-1` all give `1`;
    /// `-0` gives `0`), strings with minimal escaping (so `"\u0041"` and `"A"` both give `"A"`).
    ///
    /// Compare canonical texts by their bytes (`a.utf8.elementsEqual(b.utf8)`, or in SQLite):
    /// Swift's `==` on `String` identifies canonically equivalent texts (`é` as U+00E9 and as
    /// `e` + U+0301), which are different JSON strings and so different bodies.
    public var canonicalText: String {
        var writer = JSONTextWriter()
        writer.write(self, canonical: true)
        return writer.text
    }

    /// Compact JSON text (valid JSON, members in input order, numbers as written, strings
    /// with minimal escaping), for writing JSON back out.
    public var jsonText: String {
        var writer = JSONTextWriter()
        writer.write(self, canonical: false)
        return writer.text
    }
}

/// `s` as a JSON string literal, quotes included, with minimal escaping: `"` and `\` escaped,
/// control characters as `\b \f \n \r \t` or `\u00XX`, everything else written as is.
/// Used by every JSON writer in the project.
public func jsonQuoted(_ s: String) -> String {
    var needsEscape = false
    for byte in s.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        needsEscape = true
        break
    }
    if !needsEscape {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        out.append(s)
        out.append("\"")
        return out
    }
    var writer = JSONTextWriter(capacity: s.utf8.count + 16)
    writer.writeString(s)
    return writer.text
}

/// Appends JSON text as UTF-8 bytes.
struct JSONTextWriter {
    var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: JSONValue, canonical: Bool) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let b):
            bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            bytes.append(contentsOf: (canonical ? n.canonicalText : n.text).utf8)
        case .string(let s):
            writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(element, canonical: canonical)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            let members = object.members
            if canonical {
                for (position, index) in codePointOrder(members).enumerated() {
                    if position > 0 { bytes.append(UInt8(ascii: ",")) }
                    writeString(members[index].key)
                    bytes.append(UInt8(ascii: ":"))
                    write(members[index].value, canonical: true)
                }
            } else {
                for (position, member) in members.enumerated() {
                    if position > 0 { bytes.append(UInt8(ascii: ",")) }
                    writeString(member.key)
                    bytes.append(UInt8(ascii: ":"))
                    write(member.value, canonical: false)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `s` quoted, with minimal escaping.
    mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        let written: Void? = s.utf8.withContiguousStorageIfAvailable { self.appendEscaped($0) }
        if written == nil {
            Array(s.utf8).withUnsafeBufferPointer { self.appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `utf8`, copying runs that need no escape in one go.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for k in 0..<utf8.count {
            let byte = utf8[k]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C { continue }
            if runStart < k { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k])) }
            runStart = k + 1
            bytes.append(0x5C)
            switch byte {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(hexDigit(byte >> 4))
                bytes.append(hexDigit(byte & 0xF))
            }
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }
}

/// The indices of `members` in code-point order of their keys. Keys are compared first by
/// their leading eight bytes packed big-endian (byte order is code-point order), then in full.
private func codePointOrder(_ members: [(key: String, value: JSONValue)]) -> [Int] {
    var keyed: [(prefix: UInt64, index: Int)] = []
    keyed.reserveCapacity(members.count)
    for (index, member) in members.enumerated() {
        var prefix: UInt64 = 0
        var taken = 0
        for byte in member.key.utf8 {
            prefix = prefix << 8 | UInt64(byte)
            taken += 1
            if taken == 8 { break }
        }
        keyed.append((prefix << (8 * UInt64(8 - taken)), index))
    }
    func precedes(_ a: (prefix: UInt64, index: Int), _ b: (prefix: UInt64, index: Int)) -> Bool {
        if a.prefix != b.prefix { return a.prefix < b.prefix }
        return utf8Precedes(members[a.index].key, members[b.index].key)
    }
    if keyed.count > 32 {
        keyed.sort(by: precedes)
    } else {
        var k = 1
        while k < keyed.count {  // insertion sort: objects are small
            let current = keyed[k]
            var j = k
            while j > 0, precedes(current, keyed[j - 1]) {
                keyed[j] = keyed[j - 1]
                j -= 1
            }
            keyed[j] = current
            k += 1
        }
    }
    return keyed.map(\.index)
}

/// The lower-case hex digit for 0…15.
@inline(__always)
private func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 48 : nibble + 87 }
