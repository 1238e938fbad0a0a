/// One event of a petition: id, instant, the unit on the event, what happened.
public struct PetitionEntry: Sendable, Equatable {
    public var id: String
    public var at: Instant
    public var unit: String
    public var action: PetitionAction

    public init(id: String, at: Instant, unit: String, action: PetitionAction) {
        self.id = id; self.at = at; self.unit = unit; self.action = action
    }
}

/// Everything chiso keeps about one petition (phản ánh, kiến nghị — PAKN): its unretracted events in order.
public struct PetitionRecord: Sendable, Equatable {
    public var code: String
    public private(set) var entries: [PetitionEntry]

    public init(code: String, entries: [PetitionEntry] = []) {
        self.code = code
        self.entries = entries.inLifecycleOrder()
    }

    /// Adds an entry at its place in the order; an entry with the same id is not added twice.
    public mutating func insert(_ entry: PetitionEntry) { entries.insertInOrder(entry) }

    /// Removes the entry with this id (a retraction); returns whether it was there.
    @discardableResult
    public mutating func remove(id: String) -> Bool { entries.removeElement(id: id) }

    /// The instant of its earliest event, as for dossiers (`DossierRecord.earliest`).
    public var earliest: Instant? { entries.first?.at }

    /// Latest `at` once answered, else `distantFuture` (the candidate index, as for dossiers).
    public var activityKey: Instant {
        guard entries.contains(where: { $0.action == .answered }) else { return .distantFuture }
        return entries.last?.at ?? .distantFuture
    }

    /// Every unit that filed or received the petition.
    public var touchedUnits: Set<String> {
        var s = Set<String>()
        for e in entries {
            switch e.action {
            case .filed: s.insert(e.unit)
            case .transferred(let to): s.insert(to)
            default: break
            }
        }
        return s
    }
}

/// A petition as it stands at E (details.md 19).
public struct PetitionView: Sendable {
    public var code: String
    public var filedAt: Instant
    public var category: PetitionCategory
    public var dossier: String?
    /// The unit handling it at E: the last transfer before E, else the filer.
    public var unit: String
    /// The 15-working-day limit, from filing or the last transfer before the first answer.
    public var limit: Instant
    public var answeredAt: Instant?
    public var latestSatisfied: Bool?
    public var reraised: Bool

    /// Handled on time (5.2): answered by the limit, or unanswered and E ≤ limit.
    public func onTime(asOf e: Instant) -> Bool {
        if let a = answeredAt { return a <= limit }
        return e <= limit
    }

    /// Folds `record` at E; nil when it was not filed before E.
    public static func evaluate(_ record: PetitionRecord, asOf e: Instant, calendar: WorkingCalendar) -> PetitionView? {
        var filed: PetitionEntry?
        var category = PetitionCategory.other
        var dossier: String?
        var transferredTo: String?
        var clockStart = Instant.distantPast
        var answered: Instant?
        var satisfied: Bool?
        var reraised = false
        for entry in record.entries {
            if entry.at >= e { break }
            switch entry.action {
            case .filed(let c, let d):
                if filed == nil {
                    filed = entry; category = c; dossier = d; clockStart = entry.at
                }
            case .transferred(let to):
                // The handling unit is the last transfer's `to` before E, even one dated before the
                // filing (details.md 19, and 5: events count as they are dated), as for dossiers.
                transferredTo = to
                if answered == nil { clockStart = entry.at }
            case .answered:
                if answered == nil { answered = entry.at }
            case .rated(let s):
                satisfied = s
            case .reraised:
                reraised = true
            }
        }
        guard let filed else { return nil }
        let unit = transferredTo ?? filed.unit
        let limit = calendar.due(receivedAt: max(clockStart, filed.at), duration: ProcedureDuration(value: 15, unit: .workingDays))
        return PetitionView(code: record.code, filedAt: filed.at, category: category, dossier: dossier, unit: unit,
                            limit: limit, answeredAt: answered, latestSatisfied: satisfied, reraised: reraised)
    }
}
