import ChisoCore

/// How far ahead `chiso due` looks: `Nd` working days or `Nh` working hours (details.md 25).
///
/// ```swift
/// let horizon = try DueHorizon(parsing: "2d")   // 2 working days = 16 working hours
/// horizon.end(from: fridayAt10, calendar: cal) // the same working moment 2 working days later
/// ```
public struct DueHorizon: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: Sendable, Equatable { case workingDays, workingHours }

    public var count: Int
    public var unit: Unit

    public init(count: Int, unit: Unit) { self.count = count; self.unit = unit }

    /// Parses `2d` or `4h`: a positive whole number followed by `d` or `h`.
    public init(parsing text: String) throws(EngineError) {
        let bad = EngineError.badRequest(
            "--within \(text) is not a duration; write a positive whole number of working days or hours, e.g. 2d or 4h")
        guard let last = text.last, last == "d" || last == "h" else { throw bad }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad }
        guard digits.count <= 6 else {
            throw .badRequest("--within \(text) is too far ahead; write at most 999999 working days or hours, e.g. 20d")
        }
        guard let n = Int(digits), n > 0 else { throw bad }
        self.init(count: n, unit: last == "d" ? .workingDays : .workingHours)
    }

    /// `2d`, `4h`: the spelling `--within` accepts.
    public var description: String { "\(count)\(unit == .workingDays ? "d" : "h")" }

    /// In words, for people: "2 working days".
    public var words: String {
        let noun = unit == .workingDays ? "working day" : "working hour"
        return "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// The working time it stands for: a working day is the calendar's working day (8 hours by default).
    public func workingMicros(calendar: WorkingCalendar) -> Int64 {
        let per = unit == .workingDays ? Int64(calendar.workingMinutesPerDay) * Instant.microsPerMinute : Instant.microsPerHour
        return Int64(count) * per  // count ≤ 999 999, so no overflow
    }

    /// E + the duration on the working calendar: the earliest instant at which that much working time
    /// has elapsed since E (details.md 9's arithmetic).
    public func end(from e: Instant, calendar: WorkingCalendar) -> Instant {
        calendar.addingWorkingTime(micros: workingMicros(calendar: calendar), to: e)
    }
}

/// The early-warning list of `chiso due` (interfaces.md, details.md 25): the open dossiers of a
/// unit's subtree whose deadline falls within the horizon, soonest first, and apart from them the
/// open dossiers that are already late.
public struct EarlyWarning: Sendable {
    /// Why an open dossier is already late.
    public enum LateReason: String, Sendable {
        /// Its deadline (due + completed pauses) passed before E, or its clock stopped past it
        /// when a supplement request paused it.
        case deadlinePassed = "deadline-passed"
        /// A second supplement request (events.md: the dossier is late whatever its dates).
        case secondSupplementRequest = "second-supplement-request"

        /// In words, for people.
        public var words: String {
            switch self {
            case .deadlinePassed: return "deadline passed"
            case .secondSupplementRequest: return "second supplement request"
            }
        }
    }

    /// One dossier of the list.
    public struct Item: Sendable {
        public var dossier: String
        /// The processing unit at E.
        public var unit: String
        public var procedure: String
        public var receivedAt: Instant
        /// The due instant (receipt's, else computed); nil for a dossier late by the second request only.
        public var due: Instant?
        /// `due` plus the completed pauses (wall clock).
        public var deadline: Instant?
        /// Working time from receipt to E (or to the start of the open pause), minus the working time
        /// inside completed pauses, in microseconds.
        public var waitedWorkingMicros: Int64
        /// The same in working days, rounded half up to hundredths (1234 = 12.34 working days).
        public var waitedHundredths: Int64
        /// Set for already-late dossiers.
        public var reason: LateReason?
        /// Waiting for a supplement at E (only ever set on already-late dossiers).
        public var waiting: Bool
    }

    /// The unit asked for and its node at E (nil for a code never declared).
    public var unit: String
    public var node: UnitNode?
    /// The evaluation instant E.
    public var asOf: Instant
    public var within: DueHorizon
    /// E + `within` on the working calendar: deadlines in [asOf, horizonEnd) are due soon.
    public var horizonEnd: Instant
    /// Deadline in [E, E + within), soonest first (then by dossier code).
    public var dueSoon: [Item]
    /// Already late at E, longest overdue first; those with no deadline last; then by dossier code.
    public var late: [Item]
}

extension Engine {
    /// The early-warning list for `unit`'s subtree at `asOf` (details.md 25).
    ///
    /// A dossier's deadline is its due plus its completed pauses (wall clock). Due soon: open at E
    /// (no end before E), not waiting for a supplement at E, with a due, deadline in [E, E + within).
    /// Already late: open at E and judged late at E by the same rule as the scores (onTime of
    /// indicators.md): deadline before E, a second supplement request, or a clock stopped by a
    /// supplement request after the deadline had passed.
    public func earlyWarning(unit: String, within: DueHorizon, asOf e: Instant) throws -> EarlyWarning {
        // One committed state for the whole subtree (`reading`).
        try reading { try earlyWarningInOneState(unit: UnitCode.normalized(unit), within: within, asOf: e) }
    }

    private func earlyWarningInOneState(unit: String, within: DueHorizon, asOf e: Instant) throws -> EarlyWarning {
        let view = catalogue.asOf(e)
        let subtree = view.subtree(of: unit)
        let members = Set(subtree)
        let context = CatalogueContext(catalogue: view, calendar: calendar)
        let horizonEnd = within.end(from: e, calendar: calendar)
        let perDay = Int64(calendar.workingMinutesPerDay) * Instant.microsPerMinute

        // A dossier open at E has no end, or its last entry at or after E: its activity key is ≥ E;
        // and it has a receipt before E, so one with no entry before E is skipped undecoded.
        var seen = Set<Int64>()
        var dueSoon: [EarlyWarning.Item] = []
        var late: [EarlyWarning.Item] = []
        for u in view.candidateUnits(for: subtree) {
            try store.records(.dossier, unit: u, activeFrom: e.micros, firstBefore: e.micros) { key, code, blob in
                guard try StoredRecords.concerns(blob, before: e), seen.insert(key).inserted else { return }
                let record = try RecordCodec.decodeDossier(code: code, blob)
                guard let d = DossierView.evaluate(record, asOf: e, context: context),
                      members.contains(d.unit), !d.ended(before: e) else { return }
                let deadline = d.due.map { $0.adding(micros: d.pausedMicros) }
                var item = EarlyWarning.Item(
                    dossier: d.code, unit: d.unit, procedure: d.receipt.procedure, receivedAt: d.receivedAt,
                    due: d.due, deadline: deadline, waitedWorkingMicros: 0, waitedHundredths: 0,
                    reason: nil, waiting: d.waitingSince != nil)
                if !d.onTime {
                    item.reason = d.secondRequestAt != nil ? .secondSupplementRequest : .deadlinePassed
                } else if d.waitingSince == nil, let deadline, deadline >= e, deadline < horizonEnd {
                    // listed below
                } else {
                    return
                }
                item.waitedWorkingMicros = waitedWorkingTime(d, asOf: e)
                item.waitedHundredths = hundredthsOfDays(item.waitedWorkingMicros, perDay: perDay)
                if item.reason == nil { dueSoon.append(item) } else { late.append(item) }
            }
        }
        // Soonest deadline first (none last), then by dossier code.
        func byDeadline(_ items: [EarlyWarning.Item]) -> [EarlyWarning.Item] {
            stablySorted(items, key: { (0, ($0.deadline ?? .distantFuture).micros) }) { a, b in
                a.dossier.utf8.lexicographicallyPrecedes(b.dossier.utf8)
            }
        }
        dueSoon = byDeadline(dueSoon)
        late = byDeadline(late)
        return EarlyWarning(unit: unit, node: view.units[unit], asOf: e, within: within, horizonEnd: horizonEnd,
                            dueSoon: dueSoon, late: late)
    }

    /// Working time from receipt to E (or to the open pause's start), minus the working time inside
    /// completed pauses before then (as 2.2 counts it, details.md 11).
    func waitedWorkingTime(_ d: DossierView, asOf e: Instant) -> Int64 {
        let clock = d.waitingSince ?? e
        var waited = calendar.workingTime(from: d.receivedAt, to: clock)
        for p in d.pauses where p.start < clock {
            waited -= calendar.workingTime(from: max(p.start, d.receivedAt), to: min(p.end, clock))
        }
        return max(0, waited)
    }
}

/// `micros` of working time in working days, rounded half up to hundredths.
func hundredthsOfDays(_ micros: Int64, perDay: Int64) -> Int64 {
    guard perDay > 0 else { return 0 }
    let whole = micros / perDay, rest = micros % perDay
    return whole * 100 + (rest * 100 + perDay / 2) / perDay
}

// MARK: Output

extension EarlyWarning {
    /// The JSON document of `chiso due --format json`.
    public func json(zone: Zone) -> String {
        var s = "{\"unit\": {\"code\": \(jsonQuoted(unit)), \"name\": " + (node?.name.map(jsonQuoted) ?? "null")
        s += ", \"level\": " + (node?.level.map { jsonQuoted($0.rawValue) } ?? "null") + "}"
        s += ", \"asOf\": \(jsonQuoted(asOf.rfc3339(in: zone))), \"within\": \(jsonQuoted(within.description))"
        s += ", \"horizonEnd\": \(jsonQuoted(horizonEnd.rfc3339(in: zone)))"
        s += ", \"dueSoon\": [" + dueSoon.map { $0.json(zone: zone) }.joined(separator: ", ") + "]"
        s += ", \"late\": [" + late.map { $0.json(zone: zone) }.joined(separator: ", ") + "]"
        return s + "}"
    }

    /// The list as text for people: due soon first, then already late; at most `limit` rows a
    /// section when given (the rest is counted).
    public func table(zone: Zone, limit: Int? = nil) -> String {
        let name = node?.name.map { " \($0)" } ?? ""
        var out = "Early warning for \(unit.onOneLine)\(name.onOneLine), as of \(EarlyWarning.local(asOf, zone: zone))\n"
        out += "Due within \(within.words) (deadline before \(EarlyWarning.local(horizonEnd, zone: zone))): \(dueSoon.count)\n"
        out += EarlyWarning.section(dueSoon, zone: zone, withReason: false, limit: limit)
        out += "\nAlready late: \(late.count)\n"
        out += EarlyWarning.section(late, zone: zone, withReason: true, limit: limit)
        return out
    }

    static func section(_ items: [Item], zone: Zone, withReason: Bool, limit: Int?) -> String {
        if items.isEmpty { return "" }
        let shown = limit.map { Array(items.prefix(Swift.max(0, $0))) } ?? items
        var out = shown.isEmpty ? "" : rows(shown, zone: zone, withReason: withReason)
        if shown.count < items.count { out += "  … and \(items.count - shown.count) more\n" }
        return out
    }

    /// A local instant as `2026-09-03 09:00`.
    static func local(_ t: Instant?, zone: Zone) -> String {
        guard let t else { return "—" }
        let text = t.rfc3339(in: zone)  // 2026-09-03T09:00:00+07:00
        // ASCII, so its bytes are its characters; slicing them skips splitting the text into
        // `Character`s, which took a quarter of `chiso due` for the 63 000 late dossiers of a 10M
        // database (docs/performance.md "Explain and due (1M and 10M)").
        // The date runs to the `T`: a deadline computed past 9999 has a longer year.
        let bytes = Array(text.utf8)
        guard let t = bytes.firstIndex(of: UInt8(ascii: "T")), bytes.count >= t + 6 else { return text }
        return String(decoding: bytes[0..<t], as: UTF8.self) + " " + String(decoding: bytes[(t + 1)..<(t + 6)], as: UTF8.self)
    }

    static func rows(_ items: [Item], zone: Zone, withReason: Bool) -> String {
        var header = ["deadline", "due", "dossier", "unit", "procedure", "received", "waited (wd)"]
        if withReason { header.append("reason") }
        var table = [header]
        for i in items {
            var row = [local(i.deadline, zone: zone), local(i.due, zone: zone), i.dossier.onOneLine, i.unit.onOneLine, i.procedure.onOneLine,
                       local(i.receivedAt, zone: zone), Points(hundredths: i.waitedHundredths).fixedText]
            if withReason { row.append(i.reason.map { $0.words + (i.waiting ? ", waiting for a supplement" : "") } ?? "") }
            table.append(row)
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in table { for (k, cell) in row.enumerated() { widths[k] = max(widths[k], cell.count) } }
        var out = ""
        for row in table {
            var line = " "
            for (k, cell) in row.enumerated() {
                line += " " + cell
                if k < row.count - 1 { line += String(repeating: " ", count: widths[k] - cell.count + 1) }
            }
            out += line + "\n"
        }
        return out
    }
}

extension EarlyWarning.Item {
    /// One item as a JSON object.
    public func json(zone: Zone) -> String {
        func instant(_ t: Instant?) -> String { t.map { jsonQuoted($0.rfc3339(in: zone)) } ?? "null" }
        var s = "{\"dossier\": \(jsonQuoted(dossier)), \"unit\": \(jsonQuoted(unit)), \"procedure\": \(jsonQuoted(procedure))"
        s += ", \"receivedAt\": \(instant(receivedAt)), \"due\": \(instant(due)), \"deadline\": \(instant(deadline))"
        s += ", \"waitedWorkingDays\": \(Self.decimal(waitedHundredths))"
        if let reason { s += ", \"reason\": \(jsonQuoted(reason.rawValue)), \"waiting\": \(waiting)" }
        return s + "}"
    }

    /// Hundredths as a decimal number: 1234 → "12.34", 50 → "0.5", 300 → "3".
    static func decimal(_ h: Int64) -> String {
        let whole = h / 100, frac = h % 100
        if frac == 0 { return String(whole) }
        if frac % 10 == 0 { return "\(whole).\(frac / 10)" }
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
