/// The order of a dossier's or petition's events (details.md 5): by `at`, then by id in
/// Unicode code-point order (`X#10` before `X#9`). UTF-8 byte order is code-point order.
@inlinable
public func precedes(_ a: (at: Instant, id: String), _ b: (at: Instant, id: String)) -> Bool {
    if a.at != b.at { return a.at < b.at }
    return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
}
