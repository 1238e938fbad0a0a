/// Why a line is not JSON (events.md, "Bad input"; details.md 4); `offset` is the byte
/// offset in the input, counted from 0, where it went wrong.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Bytes that are not UTF-8 (anywhere in the input: this kind wins over any other).
        case invalidUTF8
        /// A byte order mark (EF BB BF) where the value should start.
        case byteOrderMark
        /// `NaN`, `Infinity`, `-Infinity`, or a number too large for a `Double` (`1e999`).
        case nonFiniteNumber
        /// A key seen twice in one object (after unescaping), e.g. `{"id":1,"id":2}`.
        case duplicateKey(String)
        /// The input ends inside a value, or holds no value at all.
        case unexpectedEnd
        /// A character that cannot start or continue a value here.
        case unexpectedCharacter(String)
        /// Something other than white space after the value.
        case trailingContent
        /// Arrays and objects nested deeper than `JSONParser.maximumDepth` (256).
        case tooDeep
        /// A backslash escape JSON does not define, bad hex digits, or a lone surrogate.
        case invalidEscape
        /// A byte below U+0020 written raw inside a string.
        case controlCharacterInString
        /// A number that breaks the JSON grammar: `01`, `1.`, `.5`, `+1`, `1e`, `-`.
        case invalidNumber
    }

    public var kind: Kind
    public var offset: Int
    /// Where in the document it went wrong, as a path of member keys and element indexes
    /// (`fee`, `components[0].digitized`); nil at the top level or in an object's own syntax.
    public var field: String?

    public init(_ kind: Kind, at offset: Int, field: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.field = field
    }

    /// The same error, found inside the value of the member `key` of an enclosing object.
    func inside(key: String) -> JSONSyntaxError {
        inside(step: key)
    }

    /// The same error, found inside the element `index` of an enclosing array.
    func inside(index: Int) -> JSONSyntaxError {
        inside(step: "[\(index)]")
    }

    /// Paths longer than this keep their outer steps and end in "…" (a line nested 200 deep).
    static let longestField = 120

    /// `step` before the path found so far: `a` and `[0].b` give `a[0].b`, `[1]` and `a` give `[1].a`.
    private func inside(step: String) -> JSONSyntaxError {
        // Too deep is said at the opening bracket; its path would be as deep as the nesting.
        guard kind != .tooDeep else { return self }
        var outer = self
        var path = field.map { $0.hasPrefix("[") ? step + $0 : step + "." + $0 } ?? step
        if path.count > JSONSyntaxError.longestField { path = String(path.prefix(JSONSyntaxError.longestField)) + "…" }
        outer.field = path
        return outer
    }

    /// A sentence for a person, e.g. `duplicate key "id" at byte 41`, or
    /// `number that is not finite (NaN, Infinity or too large) in field `fee` at byte 140`.
    public var description: String {
        let what: String
        switch kind {
        case .invalidUTF8: what = "invalid UTF-8"
        case .byteOrderMark: what = "byte order mark (BOM)"
        case .nonFiniteNumber: what = "number that is not finite (NaN, Infinity or too large)"
        case .duplicateKey(let key): what = "duplicate key " + jsonQuoted(key)
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedCharacter(let c): what = "unexpected character " + jsonQuoted(c)
        case .trailingContent: what = "content after the JSON value"
        case .tooDeep: what = "arrays and objects nested deeper than \(JSONParser.maximumDepth)"
        case .invalidEscape: what = "invalid escape sequence in a string"
        case .controlCharacterInString: what = "unescaped control character in a string"
        case .invalidNumber: what = "malformed number"
        }
        return what + (field.map { " in field `\($0)`" } ?? "") + " at byte " + String(offset)
    }
}
