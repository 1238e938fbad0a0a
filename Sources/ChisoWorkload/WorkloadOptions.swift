import ChisoCore

/// What `chiso generate` should produce (interfaces.md, `chiso generate`).
///
/// The same options always give the same stream, line for line.
public struct WorkloadOptions: Sendable {
    /// The most units a generated province may have: the largest provinces after the 2025 mergers
    /// hold a few hundred communes and departments, and a mistyped digit should be refused, not
    /// fill the memory.
    public static let maximumUnits = 10_000
    /// The most dossiers one run generates (about 5 × as many events).
    public static let maximumDossiers = 100_000_000

    /// Fixes the whole stream; ids are prefixed `g<seed>-`.
    public var seed: UInt64
    /// Total units: one province root, about 12 % departments (sở), the rest communes (xã).
    public var units: Int
    /// How many dossiers (hồ sơ) are received or refused in [from, to).
    public var dossiers: Int
    /// The first day of activity; the catalogue is declared one hour before its midnight.
    public var from: LocalDate
    /// Exclusive end: no event has `at` at or after local midnight of `to`.
    public var to: LocalDate
    /// The province code; departments are `<root>.01`…, communes `<root>.101`….
    public var rootCode: String
    /// Deliver about 2 % of lines late, repeat about 0.5 % verbatim (events.md: events may
    /// arrive late, out of order, and twice). Off gives a stream sorted by `at`.
    public var deliveryFaults: Bool

    public init(
        seed: UInt64 = 1,
        units: Int = 150,
        dossiers: Int = 20_000,
        from: LocalDate = LocalDate(year: 2026, month: 1, day: 1),
        to: LocalDate = LocalDate(year: 2026, month: 7, day: 1),
        rootCode: String = "H44",
        deliveryFaults: Bool = true
    ) {
        self.seed = seed
        self.units = units
        self.dossiers = dossiers
        self.from = from
        self.to = to
        self.rootCode = rootCode
        self.deliveryFaults = deliveryFaults
    }
}
