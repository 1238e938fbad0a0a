/// Unit codes (mã đơn vị) as chiso keeps them: in Unicode's NFC form.
///
/// The spec says only that codes are non-empty strings (details.md 1). A unit code is a name people
/// type (a commune's code may be its Vietnamese name), and "é" can be sent as one code point or as
/// "e" and a combining accent; chiso takes both spellings for one unit (docs/decisions.md, Unicode
/// normalization). Keeping every unit code in one form makes the tree, the tallies and the index,
/// which SQLite keys by bytes, agree with the recomputation of `chiso verify`. Dossier and petition
/// codes and event ids are kept by their code points instead (`CodePoints`).
public enum UnitCode {
    /// `code` in NFC; an ASCII code (every code the portal defines) is returned as it is.
    public static func normalized(_ code: String) -> String {
        if code.utf8.allSatisfy({ $0 < 0x80 }) { return code }
        return String(decoding: code._nfcCodeUnits, as: UTF8.self)
    }
}
