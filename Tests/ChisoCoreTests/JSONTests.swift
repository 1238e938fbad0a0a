import Testing
@testable import ChisoCore

/// The error a text gives, or nil when it parses.
private func syntaxError(_ text: String) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(text)
        return nil
    } catch {
        return error
    }
}

private func syntaxError(bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func parsed(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

/// Byte equality: canonical texts are compared as bytes (as SQLite does), since Swift's `==`
/// on `String` identifies canonically equivalent texts such as "é" and "e\u{301}".
private func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

@Suite("JSON parser: accepted input")
struct JSONParserAcceptTests {
    @Test func parsesAnEventLine() throws {
        let line = #"{"id":"e1","type":"dossier.received","at":"2026-08-03T09:12:00+07:00","unit":"H44.07","dossier":"D1","procedure":"1.000123","channel":"online","components":[{"digitized":true,"reused":false}],"fee":50000,"due":null}"#
        let event = try parsed(line)
        #expect(event["id"]?.stringValue == "e1")
        #expect(event["type"]?.stringValue == "dossier.received")
        #expect(event["fee"]?.numberValue?.int64 == 50000)
        #expect(event["fee"]?.numberValue?.double == 50000)
        #expect(event["due"]?.isNull == true)
        #expect(event["missing"] == nil)
        #expect(event["components"]?.arrayValue?.first?["digitized"]?.boolValue == true)
        #expect(event["components"]?.arrayValue?.first?["reused"]?.boolValue == false)
        #expect(event.objectValue?.count == 10)
        // Members keep input order.
        #expect(event.objectValue?.members.map(\.key).prefix(3) == ["id", "type", "at"])
    }

    @Test func scalarsAndWhiteSpace() throws {
        #expect(try parsed(" \t\r\n true \n") == .bool(true))
        #expect(try parsed("false") == .bool(false))
        #expect(try parsed("null") == .null)
        #expect(try parsed(#""x""#) == .string("x"))
        #expect(try parsed("[]") == .array([]))
        #expect(try parsed("{}") == .object(JSONObject()))
        #expect(try parsed("-12.5e-1").numberValue?.double == -1.25)
    }

    @Test func simpleEscapes() throws {
        // \" \\ \/ \b \f \n \r \t
        let value = try parsed(#""\"\\\/\b\f\n\r\t""#)
        #expect(value.stringValue == "\"\\/\u{8}\u{C}\n\r\t")
    }

    @Test func unicodeEscapes() throws {
        #expect(try parsed(#""\u00e9""#).stringValue == "\u{E9}")
        #expect(try parsed(#""\u00E9""#).stringValue == "\u{E9}")
        #expect(try parsed(#""\u0041BC""#).stringValue == "ABC")
        #expect(try parsed(#""\u20AC""#).stringValue == "€")
        // Surrogate pair D83D DE00 = U+1F600.
        #expect(try parsed(#""\uD83D\uDE00""#).stringValue == "\u{1F600}")
        #expect(try parsed(#""a\ud83d\ude00b""#).stringValue == "a\u{1F600}b")
        // Raw UTF-8 of every length passes through.
        #expect(try parsed("\"Hà Nội € 😀\"").stringValue == "Hà Nội € 😀")
        // \u0000 is a legal escape.
        #expect(try parsed(#""\u0000""#).stringValue == "\u{0}")
    }

    @Test func longStringsCrossTheEightByteScan() throws {
        let body = String(repeating: "abcdefg", count: 40) + "é" + String(repeating: "z", count: 17)
        #expect(try parsed("\"" + body + "\"").stringValue == body)
        let escaped = String(repeating: "x", count: 23) + #"\n"# + String(repeating: "y", count: 9)
        #expect(try parsed("\"" + escaped + "\"").stringValue == String(repeating: "x", count: 23) + "\n" + String(repeating: "y", count: 9))
    }

    @Test func everyPositionOfTheEightByteScan() throws {
        // A special byte at each position 0…23 of a 24-byte string body: the word-at-a-time
        // scan must stop on it wherever it falls in the eight-byte word.
        for position in 0..<24 {
            var body = Array(repeating: UInt8(ascii: "a"), count: 24)
            body[position] = 0x01  // raw control character: rejected exactly there (+1 for the quote)
            #expect(syntaxError(bytes: [0x22] + body + [0x22]) == JSONSyntaxError(.controlCharacterInString, at: position + 1))
            body[position] = UInt8(ascii: "\\")  // \\a is not an escape
            #expect(syntaxError(bytes: [0x22] + body + [0x61, 0x22]) == JSONSyntaxError(.invalidEscape, at: position + 1))
            body[position] = 0xFF
            #expect(syntaxError(bytes: [0x22] + body + [0x22]) == JSONSyntaxError(.invalidUTF8, at: position + 1))
            body[position] = UInt8(ascii: "\"")  // the string ends there; the rest is trailing
            #expect(syntaxError(bytes: [0x22] + body + [0x22]) == JSONSyntaxError(.trailingContent, at: position + 2))
            var withEscape = Array(repeating: "b", count: 24)
            withEscape[position] = "\\u00e9"
            #expect(try parsed("\"" + withEscape.joined() + "\"").stringValue == String(repeating: "b", count: position) + "é" + String(repeating: "b", count: 23 - position))
        }
    }

    @Test func nestingUpTo256IsAccepted() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(throws: Never.self) { try JSONParser.parse(text) }
    }

    @Test func otherEntryPoints() throws {
        let bytes = Array(#"{"a":[1,2]}"#.utf8)
        let expected = try parsed(#"{"a":[1,2]}"#)
        #expect(try JSONParser.parse(bytes) == expected)
        let line = #"xx{"a":[1,2]}yy"#.dropFirst(2).dropLast(2)
        #expect(try JSONParser.parse(line.utf8) == expected)
        let fromSlice = try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<11])) }
        }.get()
        #expect(fromSlice == expected)
    }

    @Test func largeObjectsWithoutDuplicatesParse() throws {
        let members = (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try parsed("{" + members + "}")
        #expect(value.objectValue?.count == 100)
        #expect(value["k99"]?.numberValue?.int64 == 99)
    }

    @Test func keysDifferingOnlyByNormalisationAreDistinct() throws {
        // U+00E9 and e + U+0301 are canonically equivalent but different code points.
        let value = try parsed("{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{E9}"]?.numberValue?.int64 == 1)
        #expect(value["e\u{301}"]?.numberValue?.int64 == 2)
    }

    @Test func largeFiniteNumbersAreAccepted() throws {
        #expect(try parsed("1.7976931348623157e308").numberValue?.double == Double.greatestFiniteMagnitude)
        #expect(try parsed("1e308").numberValue?.double == 1e308)
        // 10^-999 underflows to 0 in a Double but is finite: accepted.
        #expect(try parsed("1e-999").numberValue?.double == 0)
        // 0.000…1e400 (200 zeros) = 1e199: the overflow check must look at the real value.
        #expect(try parsed("0." + String(repeating: "0", count: 199) + "1e400").numberValue?.double == 1e200)
    }
}

@Suite("JSON parser: every rejection")
struct JSONParserRejectTests {
    @Test func invalidUTF8() {
        // {"a":"<FF>"}: the bad byte is at offset 6.
        #expect(syntaxError(bytes: [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == JSONSyntaxError(.invalidUTF8, at: 6))
        // Overlong "/" (C0 AF), an encoded surrogate (ED A0 80), above U+10FFFF (F4 90 80 80),
        // a lone continuation byte, a sequence cut short by the closing quote.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]] {
            #expect(syntaxError(bytes: [0x22, 0x61] + bad + [0x22]) == JSONSyntaxError(.invalidUTF8, at: 2))
        }
        // Invalid UTF-8 after the value wins over trailing content: {"a":1}<FF> → offset 7.
        #expect(syntaxError(bytes: Array(#"{"a":1}"#.utf8) + [0xFF]) == JSONSyntaxError(.invalidUTF8, at: 7))
        // … and over a syntax error earlier in the line.
        #expect(syntaxError(bytes: Array(#"{"a":x,"b":""#.utf8) + [0xFE, 0x22, 0x7D]) == JSONSyntaxError(.invalidUTF8, at: 12))
    }

    @Test func byteOrderMark() {
        #expect(syntaxError(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == JSONSyntaxError(.byteOrderMark, at: 0))
        #expect(syntaxError("\u{FEFF}{}") == JSONSyntaxError(.byteOrderMark, at: 0))
    }

    @Test func nonFiniteNumbers() {
        #expect(syntaxError("NaN") == JSONSyntaxError(.nonFiniteNumber, at: 0))
        #expect(syntaxError(#"{"a":Infinity}"#) == JSONSyntaxError(.nonFiniteNumber, at: 5, field: "a"))
        #expect(syntaxError("[-Infinity]") == JSONSyntaxError(.nonFiniteNumber, at: 1, field: "[0]"))
        #expect(syntaxError("[1,1e999]") == JSONSyntaxError(.nonFiniteNumber, at: 3, field: "[1]"))
        #expect(syntaxError("-1e400") == JSONSyntaxError(.nonFiniteNumber, at: 0))
        // Just above the largest Double (rounds to infinity).
        #expect(syntaxError("1.8e308") == JSONSyntaxError(.nonFiniteNumber, at: 0))
        #expect(syntaxError("1" + String(repeating: "0", count: 400)) == JSONSyntaxError(.nonFiniteNumber, at: 0))
        #expect(syntaxError("1e99999999999999999999") == JSONSyntaxError(.nonFiniteNumber, at: 0))
    }

    @Test func duplicateKeys() {
        // {"id":"a","id":"b"}: the second key's quote is at offset 10.
        let error = syntaxError(#"{"id":"a","id":"b"}"#)
        #expect(error == JSONSyntaxError(.duplicateKey("id"), at: 10))
        #expect(error?.description == #"duplicate key "id" at byte 10"#)
        // Same key once unescaped: "\u0041" is "A"; second key at offset 7.
        #expect(syntaxError(#"{"A":1,"\u0041":2}"#) == JSONSyntaxError(.duplicateKey("A"), at: 7))
        // In a nested object: {"x":{"k":1,"k":2}} → offset 12.
        #expect(syntaxError(#"{"x":{"k":1,"k":2}}"#) == JSONSyntaxError(.duplicateKey("k"), at: 12, field: "x"))
        // Past the linear-scan limit, through the hash set.
        let members = (0..<60).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let text = "{" + members + ",\"k7\":0}"
        #expect(syntaxError(text) == JSONSyntaxError(.duplicateKey("k7"), at: text.utf8.count - 7))
    }

    @Test func unexpectedEnd() {
        #expect(syntaxError("") == JSONSyntaxError(.unexpectedEnd, at: 0))
        #expect(syntaxError("   ") == JSONSyntaxError(.unexpectedEnd, at: 3))
        #expect(syntaxError(#"{"a":"#) == JSONSyntaxError(.unexpectedEnd, at: 5, field: "a"))
        #expect(syntaxError("[1,2") == JSONSyntaxError(.unexpectedEnd, at: 4))
        #expect(syntaxError(#""abc"#) == JSONSyntaxError(.unexpectedEnd, at: 4))
        #expect(syntaxError("tru") == JSONSyntaxError(.unexpectedEnd, at: 3))
        #expect(syntaxError(#"{"a""#) == JSONSyntaxError(.unexpectedEnd, at: 4))
    }

    @Test func unexpectedCharacter() {
        #expect(syntaxError("{a:1}") == JSONSyntaxError(.unexpectedCharacter("a"), at: 1))
        #expect(syntaxError("[1 2]") == JSONSyntaxError(.unexpectedCharacter("2"), at: 3))
        #expect(syntaxError(#"{"a":1,}"#) == JSONSyntaxError(.unexpectedCharacter("}"), at: 7))
        #expect(syntaxError("[1,]") == JSONSyntaxError(.unexpectedCharacter("]"), at: 3, field: "[1]"))
        #expect(syntaxError("trux") == JSONSyntaxError(.unexpectedCharacter("x"), at: 3))
        #expect(syntaxError(#"{"a" 1}"#) == JSONSyntaxError(.unexpectedCharacter("1"), at: 5))
        #expect(syntaxError("'a'") == JSONSyntaxError(.unexpectedCharacter("'"), at: 0))
        #expect(syntaxError("[é]") == JSONSyntaxError(.unexpectedCharacter("é"), at: 1, field: "[0]"))
        #expect(syntaxError("nul") == JSONSyntaxError(.unexpectedEnd, at: 3))
    }

    @Test func trailingContent() {
        #expect(syntaxError("{} {}") == JSONSyntaxError(.trailingContent, at: 3))
        #expect(syntaxError("1 2") == JSONSyntaxError(.trailingContent, at: 2))
        #expect(syntaxError(#"{"a":1}x"#) == JSONSyntaxError(.trailingContent, at: 7))
        #expect(syntaxError("truex") == JSONSyntaxError(.trailingContent, at: 4))
    }

    @Test func tooDeep() {
        // 257 nested arrays: the 257th "[" is at offset 256.
        let arrays = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(syntaxError(arrays) == JSONSyntaxError(.tooDeep, at: 256))
        // 257 nested objects {"a":{"a":…: each level is 5 bytes, the 257th "{" at 256 × 5 = 1280.
        let objects = String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257)
        #expect(syntaxError(objects) == JSONSyntaxError(.tooDeep, at: 1280))
    }

    @Test func invalidEscape() {
        #expect(syntaxError(#""\x""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""ab\'""#) == JSONSyntaxError(.invalidEscape, at: 3))
        #expect(syntaxError(#""\u12G4""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""\U0041""#) == JSONSyntaxError(.invalidEscape, at: 1))
        // Lone surrogates.
        #expect(syntaxError(#""\uD800""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""\uD800x""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""\uD800\u0041""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""\uD800\uD800""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""\uDC00""#) == JSONSyntaxError(.invalidEscape, at: 1))
        #expect(syntaxError(#""x\uDE00\uD83D""#) == JSONSyntaxError(.invalidEscape, at: 2))
    }

    @Test func controlCharacterInString() {
        #expect(syntaxError("\"a\tb\"") == JSONSyntaxError(.controlCharacterInString, at: 2))
        #expect(syntaxError("\"a\nb\"") == JSONSyntaxError(.controlCharacterInString, at: 2))
        #expect(syntaxError("\"\u{0}\"") == JSONSyntaxError(.controlCharacterInString, at: 1))
        // After an escape (slow path), too.
        #expect(syntaxError("\"\\n\u{1F}\"") == JSONSyntaxError(.controlCharacterInString, at: 3))
        // DEL (0x7F) is not a control character for JSON.
        #expect(syntaxError("\"\u{7F}\"") == nil)
    }

    @Test func invalidNumber() {
        #expect(syntaxError("01") == JSONSyntaxError(.invalidNumber, at: 1))
        #expect(syntaxError("-01") == JSONSyntaxError(.invalidNumber, at: 2))
        #expect(syntaxError("1.") == JSONSyntaxError(.invalidNumber, at: 2))
        #expect(syntaxError("1.e5") == JSONSyntaxError(.invalidNumber, at: 2))
        #expect(syntaxError(".5") == JSONSyntaxError(.invalidNumber, at: 0))
        #expect(syntaxError("+1") == JSONSyntaxError(.invalidNumber, at: 0))
        #expect(syntaxError("1e") == JSONSyntaxError(.invalidNumber, at: 2))
        #expect(syntaxError("1e+") == JSONSyntaxError(.invalidNumber, at: 3))
        #expect(syntaxError("-") == JSONSyntaxError(.invalidNumber, at: 1))
        #expect(syntaxError("[-x]") == JSONSyntaxError(.invalidNumber, at: 2, field: "[0]"))
    }

    /// An error inside a member's value names the member's path (a rejection's reason then names the
    /// field, as for every other bad field); too deep a nesting is named at its bracket alone.
    @Test func errorsInsideValuesNameTheirPath() {
        let fee = syntaxError(#"{"id":"e1","fee":1e400}"#)
        #expect(fee == JSONSyntaxError(.nonFiniteNumber, at: 17, field: "fee"))
        #expect(fee?.description == "number that is not finite (NaN, Infinity or too large) in field `fee` at byte 17")
        #expect(syntaxError(#"{"components":[{"digitized":true},{"reused":NaN}]}"#)?.field == "components[1].reused")
        #expect(syntaxError(#"{"a":[[1,01]]}"#)?.field == "a[0][1]")
        #expect(syntaxError(#"{"a":{"b":1} "c":2}"#)?.field == nil)
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(syntaxError(#"{"a":"# + deep + "}")?.field == nil)
        let long = String(repeating: #"{"abcdefghij":"#, count: 30) + "x" + String(repeating: "}", count: 30)
        let field = syntaxError(long)?.field ?? ""
        #expect(field.hasPrefix("abcdefghij.abcdefghij.") && field.hasSuffix("…") && field.count == JSONSyntaxError.longestField + 1, "\(field)")
    }

    @Test func descriptionsAreSentences() {
        #expect(JSONSyntaxError(.trailingContent, at: 3).description == "content after the JSON value at byte 3")
        #expect(JSONSyntaxError(.unexpectedCharacter("\n"), at: 0).description == #"unexpected character "\n" at byte 0"#)
        #expect(JSONSyntaxError(.invalidUTF8, at: 9).description == "invalid UTF-8 at byte 9")
    }

    /// A rejected line's reason says "starts with" a BOM only when the BOM is its first byte; after
    /// white space it is named where it is (a space, a BOM and a space said "starts with").
    @Test func aBOMIsNamedWhereItIs() {
        #expect(Rejection.notJSON(JSONSyntaxError(.byteOrderMark, at: 0)).description
                == "starts with a byte order mark; remove the BOM and send it again")
        guard let late = syntaxError(" \u{FEFF} ") else { Issue.record("a BOM after a space parsed"); return }
        #expect(late == JSONSyntaxError(.byteOrderMark, at: 1))
        #expect(Rejection.notJSON(late).description == "not JSON: byte order mark (BOM) at byte 1; remove the BOM and send the line again")
    }
}

@Suite("JSON: same body and canonical text (details.md 3)")
struct JSONCanonicalTests {
    /// Asserts that both texts parse to equal values with equal canonical texts.
    private func expectSame(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try parsed(a), y = try parsed(b)
        #expect(x == y, sourceLocation: sourceLocation)
        #expect(sameBytes(x.canonicalText, y.canonicalText), sourceLocation: sourceLocation)
    }

    private func expectDifferent(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try parsed(a), y = try parsed(b)
        #expect(x != y, sourceLocation: sourceLocation)
        #expect(!sameBytes(x.canonicalText, y.canonicalText), sourceLocation: sourceLocation)
    }

    @Test func keyOrderAndWhiteSpaceDoNotMatter() throws {
        try expectSame(#"{"a":1,"b":[true,null]}"#, " { \"b\" : [ true , null ] ,\n\t\"a\" : 1 } ")
        #expect(try parsed(#" { "b" : [ true , null ] , "a" : 1 } "#).canonicalText == #"{"a":1,"b":[true,null]}"#)
    }

    @Test func numbersCompareByValue() throws {
        for spelling in ["1.0", "1e0", "10e-1", "0.1e1", "1E+0", "100e-2"] {
            try expectSame("1", spelling)
            #expect(try parsed(spelling).canonicalText == "1")
        }
        for spelling in ["-0", "0.0", "-0.0", "0e5", "-0E-3"] {
            try expectSame("0", spelling)
            #expect(try parsed(spelling).canonicalText == "0")
        }
        try expectSame("1.5", "15e-1")
        try expectSame("1.5", "1.50")
        try expectSame("100", "1e2")
        try expectDifferent("1", "-1")
        try expectDifferent("1", "1.000000000000000000001")
        // Exact by value: these two are the same Double but not the same number.
        try expectDifferent("0.1", "0.10000000000000001")
    }

    @Test func canonicalNumberSpellings() throws {
        let expected: [(String, String)] = [
            ("1.25", "1.25"), ("-2.5e-3", "-0.0025"), ("0.000001", "0.000001"), ("1.23e-7", "1.23e-7"),
            ("123e18", "123000000000000000000"), ("1e21", "1e21"), ("12.5e21", "1.25e22"),
            ("1e300", "1e300"), ("-1e-300", "-1e-300"), ("50000", "50000"), ("-7", "-7"),
            ("1000000000000000000000", "1e21"), ("100000000000000000000", "100000000000000000000"),
            ("0.5", "0.5"), ("123.456e1", "1234.56"),
        ]
        for (literal, canonical) in expected {
            #expect(try parsed(literal).canonicalText == canonical, "\(literal)")
        }
    }

    @Test func typesNeverMix() throws {
        try expectDifferent("true", "1")
        try expectDifferent(#""1""#, "1")
        try expectDifferent("null", "false")
        try expectDifferent("[]", "{}")
        try expectDifferent(#"{"a":null}"#, "{}")
        try expectDifferent("[1,2]", "[2,1]")
    }

    @Test func stringsCompareByCodePoints() throws {
        try expectSame(#""\u00e9""#, "\"é\"")
        try expectSame(#""\u0041""#, #""A""#)
        try expectSame(#""\/""#, #""/""#)
        try expectSame(#""\uD83D\uDE00""#, "\"😀\"")
        // Canonically equivalent, different code points: different bodies.
        try expectDifferent("\"\u{E9}\"", "\"e\u{301}\"")
        try expectDifferent("{\"\u{E9}\":1}", "{\"e\u{301}\":1}")
    }

    @Test func twoSpellingsOfOneInstantAreDifferentBodies() throws {
        try expectDifferent(#"{"at":"2026-08-03T09:12:00+07:00"}"#, #"{"at":"2026-08-03T02:12:00Z"}"#)
    }

    @Test func keysSortByCodePoints() throws {
        // B (42) < a (61) < aa < b (62) < é (E9) < U+FFFF < U+1F600. In UTF-16 order
        // U+1F600 (D83D …) would come before U+FFFF; code-point order puts it after.
        let value = try parsed(#"{"\uD83D\uDE00":7,"é":6,"b":5,"aa":4,"a":3,"B":2,"\uFFFF":1}"#)
        #expect(value.canonicalText == "{\"B\":2,\"a\":3,\"aa\":4,\"b\":5,\"é\":6,\"\u{FFFF}\":1,\"😀\":7}")
    }

    @Test func minimalEscaping() throws {
        #expect(try parsed(#""\u0001\b\f\n\r\t\"\\\u001f\u007f""#).canonicalText == "\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\\\u001f\u{7F}\"")
        #expect(try parsed(#""\u2028é""#).canonicalText == "\"\u{2028}é\"")
    }

    @Test func canonicalEqualityMatchesValueEquality() throws {
        let texts = [
            "1", "1.0", "2", "-0", "0", "true", "false", "null", #""a""#, #""\u0061""#, #""b""#,
            "[]", "{}", "[1]", "[1.0]", "[1,2]", "[2,1]", #"{"a":1}"#, #"{"a":1.0}"#, #"{"a":2}"#,
            #"{"a":1,"b":2}"#, #"{"b":2,"a":1}"#, #"{"b":2}"#, #"{"a":[{"x":null}]}"#, #"{"a":[{"x":false}]}"#,
        ]
        let values = try texts.map(parsed)
        for i in values.indices {
            for j in values.indices {
                #expect((values[i] == values[j]) == sameBytes(values[i].canonicalText, values[j].canonicalText), "\(texts[i]) vs \(texts[j])")
            }
        }
        // Sanity: the relation is not trivial.
        #expect(values[0] == values[1])
        #expect(values[0] != values[2])
    }

    @Test func largeObjectsCompareIgnoringOrder() throws {
        let keys = (0..<30).map { "\"k\($0)\":\($0)" }
        let a = try parsed("{" + keys.joined(separator: ",") + "}")
        let b = try parsed("{" + keys.reversed().joined(separator: ",") + "}")
        #expect(a == b)
        let c = try parsed("{" + keys.dropLast().joined(separator: ",") + ",\"k29\":30}")
        #expect(a != c)
    }
}

@Suite("JSON: numbers, writing")
struct JSONNumberAndWriterTests {
    private func number(_ text: String) throws -> JSONNumber {
        try #require(try parsed(text).numberValue)
    }

    @Test func int64() throws {
        #expect(try number("50000").int64 == 50000)
        #expect(try number("1.0").int64 == 1)
        #expect(try number("1e2").int64 == 100)
        #expect(try number("-0").int64 == 0)
        #expect(try number("1.5").int64 == nil)
        #expect(try number("9223372036854775807").int64 == Int64.max)
        #expect(try number("9223372036854775808").int64 == nil)
        #expect(try number("-9223372036854775808").int64 == Int64.min)
        #expect(try number("-9223372036854775809").int64 == nil)
        #expect(try number("1e19").int64 == nil)
        #expect(try number("92233720368547758.07e2").int64 == Int64.max)
    }

    @Test func double() throws {
        #expect(try number("0.1").double == 0.1)
        #expect(try number("-2.5e-3").double == -0.0025)
        #expect(try number("123456789012345678901234567890").double == 1.2345678901234568e29)
        #expect(try number("4.9e-324").double == Double.leastNonzeroMagnitude)
    }

    @Test func isNegative() throws {
        #expect(try number("-5").isNegative)
        #expect(try number("-0.001").isNegative)
        #expect(try number("-1e-999").isNegative)
        #expect(try !number("-0").isNegative)
        #expect(try !number("-0.0e7").isNegative)
        #expect(try !number("3").isNegative)
    }

    @Test func constructedNumbers() {
        #expect(JSONNumber(42).text == "42")
        #expect(JSONNumber(Int64(-3)).text == "-3")
        #expect(JSONNumber(2.0)?.text == "2")
        #expect(JSONNumber(0.25)?.text == "0.25")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(literal: "1.50")?.text == "1.50")
        #expect(JSONNumber(literal: "1e999") == nil)
        #expect(JSONNumber(literal: "\"1\"") == nil)
    }

    @Test func jsonTextKeepsOrderAndNumbersAsWritten() throws {
        let value = try parsed(#" { "b" : 1.50 , "a" : "x\ty\u0041" , "c":[ 1E2 , null ] } "#)
        #expect(value.jsonText == #"{"b":1.50,"a":"x\tyA","c":[1E2,null]}"#)
        #expect(try parsed(value.jsonText) == value)
    }

    @Test func quoting() throws {
        #expect(jsonQuoted("plain") == #""plain""#)
        #expect(jsonQuoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(jsonQuoted("line\nnext\u{1}") == #""line\nnext\u0001""#)
        #expect(jsonQuoted("Hà Nội") == "\"Hà Nội\"")
        #expect(jsonQuoted("") == #""""#)
        // Round trip through the parser.
        let tricky = "\u{0}\u{1F}\"\\/é😀\u{7F}"
        #expect(try JSONParser.parse(jsonQuoted(tricky)).stringValue == tricky)
    }
}
