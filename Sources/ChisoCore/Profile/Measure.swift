/// The fixed vocabulary of measures that the engine counts for a unit, a window and an
/// evaluation instant, and that a profile's components name as numerator and denominator
/// (indicators.md, "What a profile file holds").
///
/// A count measure's name is a path: `active.onTime` counts a subset of what `active`
/// counts, so a component's numerator always extends its denominator by one or more
/// `.segment`s. The engine defines what each count is; the table in indicators.md lists
/// the component each one was made for (e.g. `active.onTime ÷ active` is 2.1).
public enum Measure {
    /// Every measure name a profile may use, count measures and value measures.
    public static let all: Set<String> = counts.union(valueMeasures)

    /// Measures that are a value, not a count: a component names one as `value`, and shows
    /// it without numerator, denominator or points (2.2, details.md 11).
    public static let valueMeasures: Set<String> = ["ended.meanWorkingDays"]

    /// Measures that are a count of items.
    public static let counts: Set<String> = [
        "announcements.onTime", "announcements",                          // 1.1
        "publications.onTime", "publications",                            // 1.2
        "catalogue.complete", "catalogue",                                // 1.3
        "received.synced", "received",                                    // 1.4
        "active.onTime", "active",                                        // 2.1
        "procedures.online", "procedures",                                // 3.1
        "onlinePairs.withDossiers", "onlinePairs",                        // 3.2
        "received.online",                                                // 3.3
        "received.feeBearing.paidOnline", "received.feeBearing",          // 3.6
        "procedures.feeBearing.withFeeDossiers", "procedures.feeBearing", // 3.5
        "procedures.feeBearing.withOnlinePayments",                       // 3.5b
        "active.writtenResult.electronic", "active.writtenResult",        // 4.1
        "active.digitized",                                               // 4.2
        "active.reused",                                                  // 4.3
        "active.personalStore",                                           // 4.4
        "procedures.citizen.populationData", "procedures.citizen",        // 4.5a
        "active.populationData",                                          // 4.5b
        "communes.eCertifiedCopy", "communes",                            // 4.6
        "petitions.onTime", "petitions",                                  // 5.2
        "petitionsFiled.satisfied", "petitionsFiled",                     // 5.3
        "active.satisfied",                                               // 5.4
        "petitionsFiled.procedure",                                       // 5.1a
        "petitionsFiled.staff",                                           // 5.1b
    ]

    /// Whether `numerator` counts a subset of `denominator`: its name extends the
    /// denominator's by one or more `.segment`s (`active.onTime` ⊂ `active`).
    public static func isSubset(_ numerator: String, of denominator: String) -> Bool {
        numerator.hasPrefix(denominator + ".")
    }
}
