/// The top-level members of one event line, found in its bytes without building a tree
/// (docs/performance.md item 28): each member's key and value as offsets into the line.
///
/// `scan` accepts only lines that `JSONParser.parse` accepts, and fewer of them: a line that is not
/// an object, a key with an escape, a byte outside ASCII or a control byte, more than `capacity`
/// members, or any syntax error gives nil, and the caller parses the line with `JSONParser`, which
/// says what is wrong. Values are checked by `JSONReader`'s own code (strings that need more than a
/// look for their closing quote, numbers, nested arrays and objects), except an array of flat
/// objects, which `readFlatObjects` checks against the same grammar; so a line read here holds the
/// values the parser would have given, and a value is made a `JSONValue` only when it is read.
struct LineObject {
    /// The most members `scan` reads; a line with more is left to the parser (an event has about ten).
    static let capacity = 32

    /// Where one member is in the line.
    struct Member {
        var keyStart: Int
        var keyCount: Int
        /// The offsets of the value's first byte (a string's opening quote) and of the byte after its last.
        var valueStart: Int
        var valueEnd: Int
        var kind: Kind
        /// For `.parsed`, the index of its value in `parsed`; for `.flatObjects`, its flags (`anyTrue`).
        var parsedIndex: Int
    }

    enum Kind: UInt8 {
        /// A string whose bytes between the quotes are its text (no escape).
        case plainString
        case number
        case `true`
        case `false`
        case null
        /// A string holding escapes, an array or an object: parsed during the scan, its value in `parsed`.
        case parsed
        /// An array of objects whose keys are plain and whose values are all `true`, `false` or
        /// `null` (`readFlatObjects`), left in the line's bytes; `parsedIndex` holds which of the
        /// scan's `flagKeys` some object sets to `true`, one bit each (`anyTrue`).
        case flatObjects
    }

    let base: UnsafePointer<UInt8>
    let count: Int
    let members: UnsafeMutablePointer<Member>
    private(set) var memberCount = 0
    /// The members' values that the scan parsed (`Kind.parsed`), in order; empty for most lines.
    private(set) var parsed: [JSONValue] = []
    private var flagKeys: [StaticString] = []

    /// Reads the line `bytes` into `storage` (at least `capacity` members); nil when the line is not
    /// one this reader takes (see the type's comment).
    /// `flagKeys` (at most 64) are the keys whose `true` values an array of flat objects records.
    static func scan(_ bytes: UnsafeRawBufferPointer, into storage: UnsafeMutablePointer<Member>,
                     flagKeys: [StaticString] = []) -> LineObject? {
        guard let raw = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var line = LineObject(base: raw.assumingMemoryBound(to: UInt8.self), count: bytes.count, members: storage)
        line.flagKeys = flagKeys
        return line.readObject() ? line : nil
    }

    private init(base: UnsafePointer<UInt8>, count: Int, members: UnsafeMutablePointer<Member>) {
        self.base = base
        self.count = count
        self.members = members
    }

    // MARK: Reading the line

    @inline(__always)
    private func skipWhitespace(_ i: inout Int) {
        while i < count {
            let b = base[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// Reads `{ "key": value, … }` and the white space around it, as `JSONReader.parseObject` does.
    private mutating func readObject() -> Bool {
        var i = 0
        skipWhitespace(&i)
        guard i < count, base[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipWhitespace(&i)
        guard i < count else { return false }
        if base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                var keyStart = 0, keyCount = 0
                guard memberCount < LineObject.capacity, readKey(&i, start: &keyStart, count: &keyCount) else { return false }
                // A key seen twice is the parser's rejection to name.
                for k in 0..<memberCount where members[k].keyCount == keyCount
                    && sameBytes(base + members[k].keyStart, base + keyStart, keyCount) {
                    return false
                }
                let valueStart = i
                var parsedIndex = -1
                let kind: Kind
                switch base[i] {
                case UInt8(ascii: "\""):
                    guard let (end, text) = readString(at: i) else { return false }
                    i = end
                    if let text {
                        parsedIndex = parsed.count
                        parsed.append(.string(text))
                        kind = .parsed
                    } else {
                        kind = .plainString
                    }
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard let literal = readLiteral(&i) else { return false }
                    kind = literal
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    var reader = JSONReader(start: base, count: count)
                    reader.i = i
                    guard (try? reader.parseNumber()) != nil else { return false }
                    i = reader.i
                    kind = .number
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    // An array of flat objects (a receipt's `components`) is checked and read from
                    // its bytes; anything else is parsed into a tree.
                    if let (end, flags) = readFlatObjects(at: i) {
                        i = end
                        kind = .flatObjects
                        parsedIndex = Int(bitPattern: UInt(flags))
                        break
                    }
                    // Inside the line's object, as in the parser: its depth limit counts from here.
                    var reader = JSONReader(start: base, count: count)
                    reader.i = i
                    reader.depth = 1
                    guard let value = try? reader.parseValue() else { return false }
                    i = reader.i
                    parsedIndex = parsed.count
                    parsed.append(value)
                    kind = .parsed
                default:
                    return false
                }
                (members + memberCount).initialize(to: Member(keyStart: keyStart, keyCount: keyCount, valueStart: valueStart,
                                                              valueEnd: i, kind: kind, parsedIndex: parsedIndex))
                memberCount += 1
                guard let another = separator(&i, closing: UInt8(ascii: "}")) else { return false }
                if another { continue }
                break
            }
        }
        skipWhitespace(&i)
        return i == count
    }

    /// Reads the key whose opening quote is at `i` into `start` and `count`, when its bytes are
    /// printable ASCII other than `\`, up to its closing quote; `i` is then past the colon after it
    /// and the white space around that, at the member's value. False for anything else.
    @inline(__always)
    private func readKey(_ i: inout Int, start: inout Int, count keyCount: inout Int) -> Bool {
        guard i < count, base[i] == UInt8(ascii: "\"") else { return false }
        start = i + 1
        i = plainEnd(from: start)
        guard i < count, base[i] == UInt8(ascii: "\"") else { return false }
        keyCount = i - start
        i += 1
        skipWhitespace(&i)
        guard i < count, base[i] == UInt8(ascii: ":") else { return false }
        i += 1
        skipWhitespace(&i)
        return i < count
    }

    /// `true`, `false` or `null` at `i` (then `i` is past it); nil for anything else.
    @inline(__always)
    private func readLiteral(_ i: inout Int) -> Kind? {
        switch base[i] {
        case UInt8(ascii: "t"):
            guard matches("true", at: i) else { return nil }
            i += 4
            return .true
        case UInt8(ascii: "f"):
            guard matches("false", at: i) else { return nil }
            i += 5
            return .false
        case UInt8(ascii: "n"):
            guard matches("null", at: i) else { return nil }
            i += 4
            return .null
        default:
            return nil
        }
    }

    /// After a member or an element: white space, then a comma (true; `i` at what follows it) or
    /// `closing` (false; `i` after it), as `JSONReader` reads them; nil for anything else.
    private func separator(_ i: inout Int, closing: UInt8) -> Bool? {
        skipWhitespace(&i)
        guard i < count else { return nil }
        if base[i] == UInt8(ascii: ",") {
            i += 1
            skipWhitespace(&i)
            return true
        }
        guard base[i] == closing else { return nil }
        i += 1
        return false
    }

    /// The end of the string whose opening quote is at `at` (after its closing quote), with its text
    /// when it holds escapes (nil when its bytes are its text); nil when `JSONReader.parseString` would
    /// reject it.
    private func readString(at: Int) -> (end: Int, text: String?)? {
        // Printable ASCII up to the closing quote needs no more than a look.
        let i = plainEnd(from: at + 1)
        if i < count, base[i] == UInt8(ascii: "\"") { return (i + 1, nil) }
        // Anything else (escapes, UTF-8, a control byte, no closing quote) is checked as the parser checks it.
        var reader = JSONReader(start: base, count: count)
        reader.i = at
        guard let text = try? reader.parseString() else { return nil }
        for k in i..<reader.i where base[k] == UInt8(ascii: "\\") { return (reader.i, text) }
        return (reader.i, nil)
    }

    /// The offset of the first byte from `start` on that is a quote, a backslash, a control byte or
    /// not ASCII (`count` when there is none): eight bytes at a time, as `JSONReader.parseString`.
    @inline(__always)
    private func plainEnd(from start: Int) -> Int {
        var i = start
        while i + 8 <= count, !needsAttention(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return i }
            i += 1
        }
        return count
    }

    private func matches(_ word: StaticString, at: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= count else { return false }
        return sameBytes(base + at, word.utf8Start, n)
    }

    // MARK: Looking members up

    /// The index of the member named `key` (compared by bytes, as the parser compares keys by code point).
    @inline(__always)
    func index(of key: StaticString) -> Int? {
        let n = key.utf8CodeUnitCount
        let bytes = key.utf8Start
        for k in 0..<memberCount where members[k].keyCount == n && sameBytes(base + members[k].keyStart, bytes, n) {
            return k
        }
        return nil
    }

    /// The member named `key` as the parser would have given it (`.null` for null), or nil when absent.
    func value(_ key: StaticString) -> JSONValue? {
        guard let k = index(of: key) else { return nil }
        return value(at: k)
    }

    /// The value of the `k`th member: made as `JSONReader` makes it (`parseString` and `parseNumber`
    /// take the text between a plain string's quotes and a number's literal as they are).
    func value(at k: Int) -> JSONValue {
        let member = members[k]
        switch member.kind {
        case .plainString:
            return .string(String(decoding: plainText(member), as: UTF8.self))
        case .number:
            let literal = UnsafeBufferPointer(start: base + member.valueStart, count: member.valueEnd - member.valueStart)
            return .number(JSONNumber(validatedText: String(decoding: literal, as: UTF8.self)))
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .null: return .null
        case .parsed: return parsed[member.parsedIndex]
        case .flatObjects:
            // Checked by the scan as a part of JSON that `JSONReader` reads, so this parse succeeds.
            var reader = JSONReader(start: base, count: count)
            reader.i = member.valueStart
            reader.depth = 1
            return (try? reader.parseValue()) ?? .array([])
        }
    }

    /// The bytes between a plain string's quotes.
    func plainText(_ member: Member) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + member.valueStart + 1, count: member.valueEnd - member.valueStart - 2)
    }

    /// Where the bytes between a plain string's quotes are in the line.
    func textRange(_ member: Member) -> Range<Int> { (member.valueStart + 1)..<(member.valueEnd - 1) }

    /// Whether some object of a `.flatObjects` member sets the scan's `flagKeys[flag]` to `true`.
    func anyTrue(flag: Int, in member: Member) -> Bool { UInt64(UInt(bitPattern: member.parsedIndex)) >> flag & 1 != 0 }

    /// The end of the array at `at` when it is `[ {…}, … ]` of objects whose keys are printable ASCII
    /// without escapes, each once in its object, and whose values are `true`, `false` or `null`,
    /// with which of `flagKeys` some object sets to `true`; nil for anything else, which
    /// `JSONReader` then reads.
    private func readFlatObjects(at: Int) -> (end: Int, flags: UInt64)? {
        var i = at
        guard i < count, base[i] == UInt8(ascii: "[") else { return nil }
        var flags: UInt64 = 0
        i += 1
        skipWhitespace(&i)
        if i < count, base[i] == UInt8(ascii: "]") { return (i + 1, 0) }
        while true {
            guard i < count, base[i] == UInt8(ascii: "{") else { return nil }
            let objectStart = i + 1
            i += 1
            skipWhitespace(&i)
            if i < count, base[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                // One bit a (length, first byte, last byte) of the object's keys: a key is compared
                // with the others only when its bit was set already.
                var signatures: UInt64 = 0
                while true {
                    var keyStart = 0, keyCount = 0
                    guard readKey(&i, start: &keyStart, count: &keyCount) else { return nil }
                    let signature: UInt64 = keyCount == 0 ? 1
                        : 1 << ((UInt64(keyCount) &* 31 &+ UInt64(base[keyStart]) &* 7 &+ UInt64(base[keyStart + keyCount - 1])) & 63)
                    // A key twice in one object is the parser's rejection to name.
                    if signatures & signature != 0, keySeen(keyStart, keyCount, from: objectStart) { return nil }
                    signatures |= signature
                    guard let literal = readLiteral(&i) else { return nil }
                    if literal == .true {
                        for (n, flag) in flagKeys.enumerated() where n < 64 && flag.utf8CodeUnitCount == keyCount
                            && sameBytes(base + keyStart, flag.utf8Start, keyCount) {
                            flags |= 1 << UInt64(n)
                        }
                    }
                    guard let another = separator(&i, closing: UInt8(ascii: "}")) else { return nil }
                    if another { continue }
                    break
                }
            }
            guard let another = separator(&i, closing: UInt8(ascii: "]")) else { return nil }
            if another { continue }
            return (i, flags)
        }
    }

    /// Whether the key at `keyStart` is one of the keys of the flat object opened at `objectStart`
    /// before it (the object's members so far are `"key": literal` pairs).
    private func keySeen(_ keyStart: Int, _ keyCount: Int, from objectStart: Int) -> Bool {
        var i = objectStart
        while true {
            skipWhitespace(&i)
            guard i < keyStart - 1, base[i] == UInt8(ascii: "\"") else { return false }
            let start = i + 1
            let end = plainEnd(from: start)
            if end - start == keyCount, sameBytes(base + start, base + keyStart, keyCount) { return true }
            // Past the key, its colon and literal, to the next member.
            i = end + 1
            while i < keyStart, base[i] != UInt8(ascii: ",") { i += 1 }
            i += 1
        }
    }
}

/// Whether the `n` bytes at `a` and at `b` are the same.
@inline(__always)
func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for k in 0..<n where a[k] != b[k] { return false }
    return true
}
