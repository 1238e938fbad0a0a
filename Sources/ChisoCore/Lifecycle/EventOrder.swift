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

extension Array where Element: OrderedByInstant {
    /// Inserts at its place in the order (details.md 5); an element whose id is already there is not added again.
    mutating func insertInOrder(_ element: Element) {
        if contains(where: { sameID($0.id, element.id) }) { return }
        var i = count
        while i > 0, precedes((element.at, element.id), (self[i - 1].at, self[i - 1].id)) { i -= 1 }
        // Most events come after every other of their dossier: `append` is much cheaper than the
        // general `insert(_:at:)` (docs/performance.md "Ingest", item 36).
        if i == count { append(element) } else { insert(element, at: i) }
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
