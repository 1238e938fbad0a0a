/// The kind of an evaluation period `P` (interfaces.md "Period P").
public enum PeriodKind: Sendable, Hashable, CaseIterable {
    /// `2026-08`
    case month
    /// `2026-Q3`
    case quarter
    /// `2026`
    case year
    /// `2026-W03`, ISO 8601 week (Monday to Sunday).
    case isoWeek
    /// `2026-08-01..2026-08-15`, both dates included.
    case dateRange
}

/// A period text that cannot be read, or a window that cannot be evaluated yet (details.md 17),
/// with a message for a person, e.g. `2026-13 is not a period: there is no month 13`.
public struct PeriodError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
