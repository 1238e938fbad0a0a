/// The unit of a procedure's legal processing time (events.md `procedure.declared`, `duration.unit`).
///
/// How each unit is counted is details.md 9: `workingDays` and `hours` on the working
/// calendar, `days` and `months` on the wall clock.
public enum DurationUnit: String, Sendable, CaseIterable {
    /// Working hours, counted only inside working time.
    case hours
    /// Calendar days of 24 hours, not moved into working time.
    case days
    /// Working days of 8 working hours: the same working moment N working days later.
    case workingDays
    /// Calendar months, same time of day, day clamped; a fraction is × 30 days.
    case months
}

/// A procedure's legal processing time (thời hạn giải quyết), e.g. 5 `workingDays` or 1.5 `days`.
public struct ProcedureDuration: Sendable, Hashable {
    /// How many units; finite and ≥ 0 in valid input (details.md 1).
    public var value: Double
    public var unit: DurationUnit

    public init(value: Double, unit: DurationUnit) {
        self.value = value
        self.unit = unit
    }
}
