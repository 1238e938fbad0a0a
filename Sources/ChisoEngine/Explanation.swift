import ChisoCore

/// Why a unit has its points (interfaces.md `chiso explain`, details.md 24): each component's numbers,
/// and the items that cost points with what fixing each alone would gain.
public struct Explanation: Sendable {
    public struct Item: Sendable {
        public var shortfall: Shortfall
        /// The component's unrounded points if this item alone were fixed, minus its points now.
        public var gain: Double
    }
    public struct Line: Sendable {
        public var component: ComponentScore
        /// The items that cost points, most costly first: all of them, or the first `keep` of them
        /// (at least one) when the explanation was asked for with `keep`.
        public var items: [Item]
        /// How many items cost points, listed or not.
        public var itemCount: Int
        /// Dossiers counted on time because they can never be late: no `due` and a procedure with no
        /// duration (events.md "Due"), listed under the components counting on-time dossiers; all of
        /// them, or the first `keep` (at least one).
        public var neverLate: [Shortfall] = []
        /// How many such dossiers, listed or not.
        public var neverLateCount = 0
        /// The procedures of all of them, in code-point order.
        public var neverLateProcedures: [String] = []
    }
    public var snapshot: Snapshot
    public var lines: [Line]
}

extension Scorer {
    /// Explains one unit's snapshot; `component` limits it to one component id, and `keep` the items
    /// listed per component (their count stays whole), which bounds the memory a province needs.
    public func explain(unit: String, window: Window, now: Instant, asOf: Instant? = nil, component: String? = nil,
                        keep: Int? = nil) throws -> Explanation {
        let unit = UnitCode.normalized(unit)
        if let component, profile.component(component) == nil {
            let ids = profile.components.map(\.id).joined(separator: ", ")
            throw EngineError.badRequest("no component \(component) in profile \(profile.id); components: \(ids)")
        }
        let e = Evaluator.evaluationInstant(window: window, now: now, asOf: asOf)
        guard e > window.from else {
            throw EngineError.periodNotStarted(window, now: now, asOf: asOf, zone: calendar.zone)
        }
        let view = catalogue.asOf(e)
        let (dossiers, petitions) = try records.candidates(units: view.candidateUnits(for: view.subtree(of: unit)), from: window.from,
                                                          before: e)
        // At least one item is kept: the text report reads a component's gain from its first item.
        let keep = keep.map { max(1, $0) }
        let log = ShortfallLog(keep: keep)
        let measures = Evaluator(catalogue: view, calendar: calendar)
            .measures(unit: unit, from: window.from, dossiers: dossiers, petitions: petitions, shortfalls: log)
        let card = profile.score(measures.inputs(for: profile))
        let snapshot = Snapshot(unit: unit, node: view.units[unit], window: window, asOf: e, measures: measures, card: card)
        var lines: [Explanation.Line] = []
        for group in card.groups {
            for c in group.components where component == nil || c.id == component {
                var items: [Explanation.Item] = []
                var itemCount = 0
                // A component at its maximum costs nothing, whatever items fall short of its numerator.
                if let def = profile.component(c.id), let num = def.numerator, c.points != c.max, let n = c.numerator, let d = c.denominator, d > 0,
                   let gain = def.gainOfOneMore(numerator: n, denominator: d) {
                    items = (log.items[num] ?? []).map { Explanation.Item(shortfall: $0, gain: gain) }
                    itemCount = log.counts[num] ?? 0
                    // Most costly first; equal gains by date, then code.
                    items = stablySorted(items, key: { (-$0.gain, ($0.shortfall.at ?? .distantPast).micros) }) { a, b in
                        a.shortfall.code.utf8.lexicographicallyPrecedes(b.shortfall.code.utf8)
                    }
                }
                var neverLate: [Shortfall] = []
                var neverLateCount = 0
                var neverLateProcedures: [String] = []
                if profile.component(c.id)?.numerator == "active.onTime" {
                    neverLateCount = log.neverLateCount
                    neverLateProcedures = log.neverLateProcedures.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                    neverLate = stablySorted(log.neverLate, key: { (0, ($0.at ?? .distantPast).micros) }) { a, b in
                        a.code.unicodeScalars.lexicographicallyPrecedes(b.code.unicodeScalars)
                    }
                }
                if let keep {
                    items = Array(items.prefix(keep))
                    neverLate = Array(neverLate.prefix(keep))
                }
                lines.append(Explanation.Line(component: c, items: items, itemCount: itemCount, neverLate: neverLate,
                                              neverLateCount: neverLateCount, neverLateProcedures: neverLateProcedures))
            }
        }
        return Explanation(snapshot: snapshot, lines: lines)
    }
}

extension Explanation {
    /// A text report for people; at most `limit` items per component. Points, percentages and days
    /// with 2 decimals, as in the snapshot's table (docs/decisions.md, tables for people).
    public func text(zone: Zone, limit: Int) -> String {
        let s = snapshot
        var out = "\((s.unit + (s.node?.name.map { " \($0)" } ?? "")).onOneLine) — \(s.window.label), as of \(s.asOf.rfc3339(in: zone))\n"
        out += "total \(s.card.total.fixedText) of \(s.card.max.jsonNumber), \(s.card.band.name)\n"
        for line in lines {
            let c = line.component
            let ratio = c.ratio.map { Points.fixedText($0 * 100) + "%" } ?? "—"
            let points = c.points?.fixedText ?? "—"
            if c.isValue {
                // details.md 11: a value, null when no dossier qualifies; never counts or a ratio.
                let shown = c.value.map { "\(Points.fixedText($0)) working days" } ?? "no value: no dossier received in the period has ended finished or returned"
                out += "\n\(c.id) \(c.name): \(shown) (monitoring)\n"
                continue
            }
            out += "\n\(c.id) \(c.name): \(c.numerator ?? 0)/\(c.denominator ?? 0) = \(ratio), \(points) of \(c.max.jsonNumber) points\n"
            if line.neverLateCount > 0 {
                out += "  note: \(line.neverLateCount) dossier(s) can never be late (no due, and no duration declared for \(line.neverLateProcedures.joined(separator: ", "))); declare the durations\n"
                for f in line.neverLate.prefix(limit) {
                    out += "    \(f.code.onOneLine) @\((f.unit ?? "").onOneLine)\(f.at.map { " " + $0.rfc3339(in: zone) } ?? "")\n"
                }
                if line.neverLateCount > limit { out += "    … \(line.neverLateCount - limit) more (use --limit)\n" }
            }
            if line.itemCount == 0 {
                // A `zero` policy scores an empty denominator 0 (indicators.md "Scoring"): points lost
                // with no item to fix, so the text says why.
                if c.denominator == 0, c.points == .zero, c.max > .zero {
                    out += "  note: nothing counts here in this period, and an empty count scores 0 under this component's policy; no item to fix\n"
                }
                continue
            }
            let gain = line.items.first.map { fixed4($0.gain) } ?? "0.0000"
            out += "  \(line.itemCount) item(s) cost points; fixing one gains \(gain)\n"
            for item in line.items.prefix(limit) {
                let f = item.shortfall
                let date = f.at.map { " " + $0.rfc3339(in: zone) } ?? ""
                let unit = f.unit.map { " @\($0.onOneLine)" } ?? ""
                out += "  +\(fixed4(item.gain))  \(f.kind.rawValue) \(f.code.onOneLine)\(unit)\(date): \(f.detail.onOneLine)\n"
            }
            if line.itemCount > limit { out += "  … \(line.itemCount - limit) more (use --limit)\n" }
        }
        return out
    }

    /// The explanation as JSON: the snapshot's numbers, and per component the count of the items that
    /// cost points and at most `limit` of them, each with its gain.
    public func json(zone: Zone, limit: Int) -> String {
        let comps = lines.map { line -> String in
            let c = line.component
            let items = line.items.prefix(limit).map { i -> String in
                let f = i.shortfall
                return "{\"kind\": \(jsonQuoted(f.kind.rawValue)), \"code\": \(jsonQuoted(f.code)), \"unit\": \(f.unit.map(jsonQuoted) ?? "null"), \"at\": \(f.at.map { jsonQuoted($0.rfc3339(in: zone)) } ?? "null"), \"detail\": \(jsonQuoted(f.detail)), \"gain\": \(jsonGain(i.gain))}"
            }
            // Only components counting on-time dossiers carry `neverLate` (events.md "Due").
            var neverLate = ""
            if line.neverLateCount > 0 {
                let listed = line.neverLate.prefix(limit).map { f in
                    "{\"code\": \(jsonQuoted(f.code)), \"unit\": \(f.unit.map(jsonQuoted) ?? "null"), \"procedure\": \(f.procedure.map(jsonQuoted) ?? "null"), \"at\": \(f.at.map { jsonQuoted($0.rfc3339(in: zone)) } ?? "null"), \"detail\": \(jsonQuoted(f.detail))}"
                }
                neverLate = ", \"neverLateCount\": \(line.neverLateCount), \"neverLate\": [\(listed.joined(separator: ", "))]"
            }
            return "{\"id\": \(jsonQuoted(c.id)), \"name\": \(jsonQuoted(c.name)), \"nameEn\": \(jsonQuoted(c.nameEn)), \"max\": \(c.max.jsonNumber), \"points\": \(c.points?.jsonNumber ?? "null"), \(c.measureJSON), \"itemCount\": \(line.itemCount), \"items\": [\(items.joined(separator: ", "))]\(neverLate)}"
        }
        return "{\"unit\": \(jsonQuoted(snapshot.unit)), \"period\": \(jsonQuoted(snapshot.window.label)), \"asOf\": \(jsonQuoted(snapshot.asOf.rfc3339(in: zone))), \"total\": \(snapshot.card.total.jsonNumber), \"band\": \(jsonQuoted(snapshot.card.band.name)), \"components\": [\(comps.joined(separator: ",\n "))]}"
    }
}

/// A gain in text, to exactly 4 decimals (details.md 24: "shown to 4 decimals"): `0.0030`, `5.0000`.
func fixed4(_ x: Double) -> String {
    let tenThousandths = Int64(roundHalfAwayFromZero(abs(x) * 10_000, places: 0))
    let fraction = String(tenThousandths % 10_000)
    return (x < 0 && tenThousandths > 0 ? "-" : "") + "\(tenThousandths / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
}

/// A gain as a JSON number, unrounded (details.md 24: "unrounded (shown to 4 decimals)": the text
/// shows 4 decimals, and JSON, read by programs, carries the value itself): `0.00375`, `5`.
func jsonGain(_ x: Double) -> String {
    JSONNumber(x)?.text ?? "null"
}
