/// `elements` ordered by `key` (ascending, each part in turn), then by `tie`, and equal elements in
/// their order in `elements`, as the standard library's stable `sorted(by:)` would order them.
///
/// The keys are computed once and sorted with the elements' positions. Explain's items (and
/// `ShortfallLog`'s trimming of them) and the early warning's dossiers hold several strings each,
/// and sorting them directly (copying, retaining and releasing them at every comparison and move)
/// took 60 % of `chiso explain` for a province month at 1M events (docs/performance.md "Explain and
/// due (1M and 10M)").
public func stablySorted<T>(_ elements: [T], key: (T) -> (Double, Int64), tie: (T, T) -> Bool) -> [T] {
    var keyed = elements.enumerated().map { (key: key($0.element), position: $0.offset) }
    keyed.sort { a, b in
        if a.key.0 != b.key.0 { return a.key.0 < b.key.0 }
        if a.key.1 != b.key.1 { return a.key.1 < b.key.1 }
        if tie(elements[a.position], elements[b.position]) { return true }
        if tie(elements[b.position], elements[a.position]) { return false }
        return a.position < b.position
    }
    return keyed.map { elements[$0.position] }
}
