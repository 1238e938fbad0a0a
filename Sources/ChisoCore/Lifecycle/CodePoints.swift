/// Whether two event ids, or two dossier, petition or procedure codes, are the same: the same code
/// points (details.md 1, 3, 5). Swift's `==` on strings is canonical equivalence, under which "é" and
/// "e + ◌́" are one string; as ids they are two events, each with its place in the order.
@inlinable
public func sameID(_ a: String, _ b: String) -> Bool {
    let (x, y) = (a.utf8, b.utf8)
    guard x.count == y.count else { return false }
    // Native strings hold their UTF-8 contiguously. Compared from the end: ids of one producer
    // share their start (`g5-000001`, `g5-000002`) and differ in their last bytes.
    let contiguous = x.withContiguousStorageIfAvailable { p in
        y.withContiguousStorageIfAvailable { q in
            var i = p.count
            while i > 0 {
                i -= 1
                if p[i] != q[i] { return false }
            }
            return true
        }
    }
    if let contiguous, let equal = contiguous { return equal }
    return x.elementsEqual(y)
}

/// A string as the key of a set or dictionary, equal and hashed by its code points (`sameID`).
/// Swift's own `String` keys compare by canonical equivalence, under which "é" and "e + ◌́" are one
/// key; as event ids (details.md 3, 7) and as dossier and petition codes (details.md 1: codes are
/// strings) they are two.
public struct CodePoints: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var text: String
    @inlinable public init(_ text: String) { self.text = text }
    @inlinable public init(stringLiteral text: String) { self.text = text }
    @inlinable public static func == (a: CodePoints, b: CodePoints) -> Bool { sameID(a.text, b.text) }
    public func hash(into hasher: inout Hasher) {
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        hasher.combine(0xFF as UInt8) // a byte UTF-8 never holds ends the text, as String's own hash does
    }
    public var description: String { text }
}

/// An event's id as a key: a retraction of "é" does not void an event "e + ◌́" (details.md 3, 7).
public typealias EventID = CodePoints
