/// Why an input line was rejected (events.md "Bad input", details.md 1–6).
///
/// Every case renders as a sentence for a person that names the field and what to do;
/// the ingester prefixes it with the source and line number.
public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line is not JSON (this includes invalid UTF-8, a BOM, NaN/Infinity and duplicate keys).
    case notJSON(JSONSyntaxError)
    /// The line is JSON but not an object.
    case notObject(found: String)
    /// A required field is absent or null.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String, found: String)
    /// A field has the right type but an impossible value (unknown enum value, empty code, negative fee …).
    case invalidValue(field: String, problem: String)
    /// `type` names no event type of events.md.
    case unknownType(String)
    /// A timestamp without offset, a bare date, or an instant that does not exist.
    case badTimestamp(field: String, text: String, problem: String)
    /// The same id was accepted earlier with a different body (details.md 3).
    case conflictingID(String)
    /// A second `dossier.received` with another procedure (details.md 6).
    case conflictingReceipt(dossier: String, procedure: String, acceptedProcedure: String)
    /// The line is longer than 1 MiB (details.md 4).
    case lineTooLong(bytes: Int)
    /// The input ends inside a line that is not a whole JSON object (details.md 4).
    case endsMidLine

    /// A short stable name for the class of problem, for counting and filtering.
    public var code: String {
        switch self {
        case .notJSON(let e):
            switch e.kind {
            case .invalidUTF8: return "invalid-utf8"
            case .byteOrderMark: return "bom"
            case .nonFiniteNumber: return "non-finite-number"
            case .duplicateKey: return "duplicate-key"
            default: return "not-json"
            }
        case .notObject: return "not-object"
        case .missingField: return "missing-field"
        case .wrongType: return "wrong-type"
        case .invalidValue: return "invalid-value"
        case .unknownType: return "unknown-type"
        case .badTimestamp: return "bad-timestamp"
        case .conflictingID: return "conflicting-id"
        case .conflictingReceipt: return "conflicting-receipt"
        case .lineTooLong: return "line-too-long"
        case .endsMidLine: return "ends-mid-line"
        }
    }

    public var description: String {
        switch self {
        case .notJSON(let e):
            switch e.kind {
            case .invalidUTF8: return "not valid UTF-8 (\(e)); re-encode the line as UTF-8 and send it again"
            // A BOM after white space (or inside the object) is named where it is, not as the line's start.
            case .byteOrderMark where e.offset == 0: return "starts with a byte order mark; remove the BOM and send it again"
            case .byteOrderMark: return "not JSON: \(e); remove the BOM and send the line again"
            default: return "not JSON: \(e); fix the line and send it again"
            }
        case .notObject(let found): return "not a JSON object (found \(found)); each line must be one event object"
        case .missingField(let f): return "field `\(f)` is required but missing; add it and send the line again"
        case .wrongType(let f, let expected, let found): return "field `\(f)` must be \(expected), found \(found); correct it and send the line again"
        case .invalidValue(let f, let problem): return "field `\(f)` \(problem); correct it and send the line again"
        case .unknownType(let t): return "unknown event type \(jsonQuoted(t)); see events.md for the types chiso accepts"
        case .badTimestamp(let f, let text, let problem):
            // `decidedAt` and `effectiveAt` are dates (events.md); every other time field is an instant.
            let advice = f == "decidedAt" || f == "effectiveAt"
                ? "write a date, e.g. 2026-08-03" : "write an RFC 3339 timestamp with offset, e.g. 2026-08-03T09:12:00+07:00"
            return "field `\(f)`: \(jsonQuoted(text)) \(problem); \(advice)"
        case .conflictingID(let id):
            return "conflict: event id \(jsonQuoted(id)) was already accepted with a different body, and an id stays taken even when its event is retracted; send this event under a new id (and retract the old one if it was wrong)"
        case .conflictingReceipt(let d, let p, let accepted):
            // Two codes that look alike may differ only in their Unicode form ("é" or "e + ◌́"):
            // then their code points say what differs.
            let alike = p == accepted
                ? " (the same text in two Unicode forms: \(Rejection.codePoints(accepted)) and \(Rejection.codePoints(p)); send codes in NFC)"
                : ""
            return "conflict: dossier \(jsonQuoted(d)) was already received for procedure \(jsonQuoted(accepted)), not \(jsonQuoted(p))\(alike); retract the earlier receipt first"
        case .lineTooLong(let bytes): return "line of \(bytes) bytes is longer than the limit of 1048576 bytes; an event is one line of at most 1 MiB: shorten it (long free text, extra fields) and send it again"
        case .endsMidLine: return "file ends mid-line: the last line has no newline and is not a whole JSON object; send the whole line again, ending with a newline"
        }
    }
}

extension Rejection {
    /// A text's code points, `U+0050 U+00E9`, for a message that must show what looks the same.
    static func codePoints(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined(separator: " ")
    }
}
