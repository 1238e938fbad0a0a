/// The order of a dossier's or petition's events (details.md 5): by `at`, then by id in
/// Unicode code-point order (`X#10` before `X#9`). UTF-8 byte order is code-point order.
@inlinable
public func precedes(_ a: (at: Instant, id: String), _ b: (at: Instant, id: String)) -> Bool {
    if a.at != b.at { return a.at < b.at }
    return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
}

/// Something that takes its place in lifecycle order: an event of a dossier, a petition or the catalogue.
public protocol OrderedByInstant {
    var id: String { get }
    var at: Instant { get }
}

extension Event: OrderedByInstant {}
extension DossierEntry: OrderedByInstant {}
extension PetitionEntry: OrderedByInstant {}

/// Whether two event ids are the same id: the same code points (details.md 3, 5). Swift's `==` on
/// strings is canonical equivalence, under which "é" and "e + ◌́" are one string; as ids they are two
/// events, and each must keep its place in the order.
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

extension Array where Element: OrderedByInstant {
    /// Inserts at its place in the order (details.md 5); an element whose id is already there is not added again.
    mutating func insertInOrder(_ element: Element) {
        if contains(where: { sameID($0.id, element.id) }) { return }
        var i = count
        while i > 0, precedes((element.at, element.id), (self[i - 1].at, self[i - 1].id)) { i -= 1 }
        insert(element, at: i)
    }

    /// Removes the element with this id (a retraction); returns whether it was there.
    @discardableResult
    mutating func removeElement(id: String) -> Bool {
        guard let i = firstIndex(where: { sameID($0.id, id) }) else { return false }
        remove(at: i)
        return true
    }

    /// The elements sorted into lifecycle order.
    func inLifecycleOrder() -> [Element] { sorted { precedes(($0.at, $0.id), ($1.at, $1.id)) } }
}
