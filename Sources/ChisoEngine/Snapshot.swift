import ChisoCore
import ChisoStore

/// The score of one unit for one window at one evaluation instant (interfaces.md "The snapshot JSON").
public struct Snapshot: Sendable {
    public var unit: String
    public var node: UnitNode?
    public var window: Window
    /// The evaluation instant E.
    public var asOf: Instant
    public var measures: Measures
    public var card: ScoreCard
    /// The children's snapshots when asked for (details.md 23), `[]` for a unit with none; nil when not asked.
    public var children: [Snapshot]?
    /// Whether the measures came from the tallies rather than a fold of the records (docs/design.md "Tallies").
    public var fromTallies = false
}

/// Where the records that may concern a window come from: the incremental state in the store,
/// or a from-scratch fold of the log (`chiso verify`).
public protocol RecordSource {
    /// Dossiers and petitions filed under any of `units` whose activity key is ≥ `from` and that
    /// have an entry before `before` (E), each once. A record with no event before E counts nowhere
    /// at E (indicators.md "Evaluation": only events with `at` < E count), so an old window does not
    /// read every dossier that came after it.
    func candidates(units: [String], from: Instant, before: Instant) throws -> (dossiers: [DossierRecord], petitions: [PetitionRecord])
}

/// The incremental state: the tallies where they answer (`Engine.talliedMeasures`), else the
/// store's candidate index.
struct StoredRecords: RecordSource {
    let engine: Engine
    /// Whether snapshots may use the tallies (tests turn it off to compare the two paths).
    var useTallies = true
    var store: EventStore { engine.store }

    func candidates(units: [String], from: Instant, before: Instant) throws -> (dossiers: [DossierRecord], petitions: [PetitionRecord]) {
        var seen = Set<Int64>()
        var dossiers: [DossierRecord] = []
        for u in units {
            try store.records(.dossier, unit: u, activeFrom: from.micros, firstBefore: before.micros) { key, code, blob in
                guard try StoredRecords.concerns(blob, before: before), seen.insert(key).inserted else { return }
                dossiers.append(try RecordCodec.decodeDossier(code: code, blob))
            }
        }
        seen.removeAll()
        var petitions: [PetitionRecord] = []
        for u in units {
            try store.records(.petition, unit: u, activeFrom: from.micros, firstBefore: before.micros) { key, code, blob in
                guard try StoredRecords.concerns(blob, before: before), seen.insert(key).inserted else { return }
                petitions.append(try RecordCodec.decodePetition(code: code, blob))
            }
        }
        return (dossiers, petitions)
    }

    /// Whether a stored record has an entry before E, read without decoding it (`RecordCodec.earliestInstant`):
    /// the store's query already asks it of index rows that hold `first`; rows written before that
    /// column existed hold none, and their records are skipped here.
    static func concerns(_ blob: UnsafeRawBufferPointer, before e: Instant) throws(RecordCodecError) -> Bool {
        hasEvent(earliest: try RecordCodec.earliestInstant(blob), before: e)
    }
}

/// Whether a record whose earliest event is at `earliest` (nil: it has none) has an event before E,
/// and so may count at E (indicators.md "Evaluation": only events with `at` < E count).
private func hasEvent(earliest: Instant?, before e: Instant) -> Bool {
    earliest.map { $0 < e } ?? false
}

/// A from-scratch fold of the log with its own in-memory candidate index.
public struct FoldedRecords: RecordSource {
    public let fold: StateFold
    let dossierIndex: [String: [(activity: Instant, record: DossierRecord)]]
    let petitionIndex: [String: [(activity: Instant, record: PetitionRecord)]]

    public init(fold: StateFold) {
        self.fold = fold
        (dossierIndex, petitionIndex) = fold.candidateIndex()
    }

    public func candidates(units: [String], from: Instant, before: Instant) throws -> (dossiers: [DossierRecord], petitions: [PetitionRecord]) {
        var seenD = Set<CodePoints>(), seenP = Set<CodePoints>()
        var d: [DossierRecord] = [], p: [PetitionRecord] = []
        for u in units {
            for (activity, r) in dossierIndex[u] ?? [] where activity >= from && hasEvent(earliest: r.earliest, before: before)
                && seenD.insert(CodePoints(r.code)).inserted { d.append(r) }
            for (activity, r) in petitionIndex[u] ?? [] where activity >= from && hasEvent(earliest: r.earliest, before: before)
                && seenP.insert(CodePoints(r.code)).inserted { p.append(r) }
        }
        return (d, p)
    }
}

/// The catalogue folded after its last event, computed on first use.
final class SettledView {
    let catalogue: Catalogue
    lazy var view: CatalogueView = catalogue.asOf(.distantFuture)
    init(_ catalogue: Catalogue) { self.catalogue = catalogue }
}

/// Computes snapshots from a catalogue and a record source.
public struct Scorer {
    public let catalogue: Catalogue
    public let calendar: WorkingCalendar
    public let profile: Profile
    public let records: any RecordSource

    /// The catalogue after its last event, folded once for every snapshot evaluated later than that.
    let settledView: SettledView

    public init(catalogue: Catalogue, calendar: WorkingCalendar, profile: Profile, records: any RecordSource) {
        self.catalogue = catalogue; self.calendar = calendar; self.profile = profile; self.records = records
        settledView = SettledView(catalogue)
    }

    /// The catalogue at E: folded, or the settled view re-dated when E is after every catalogue event.
    func view(at e: Instant) -> CatalogueView {
        e > catalogue.settledAfter ? settledView.view.at(e) : catalogue.asOf(e)
    }

    /// The snapshot of `unit` for `window`, evaluated at E = min(to, now, asOf) (indicators.md "Evaluation").
    /// A window that has not started at E is an error (details.md 17).
    public func snapshot(unit: String, window: Window, now: Instant, asOf: Instant? = nil, children: Bool = false) throws -> Snapshot {
        let e = Evaluator.evaluationInstant(window: window, now: now, asOf: asOf)
        guard e > window.from else {
            throw EngineError.periodNotStarted(window, now: now, asOf: asOf, zone: calendar.zone)
        }
        return try snapshot(unit: UnitCode.normalized(unit), window: window, view: view(at: e), children: children)
    }

    func snapshot(unit: String, window: Window, view: CatalogueView, children: Bool) throws -> Snapshot {
        let subtree = view.subtree(of: unit)
        let evaluator = Evaluator(catalogue: view, calendar: calendar)
        var measures: Measures
        var fromTallies = false
        if let stored = records as? StoredRecords, stored.useTallies,
           let m = try stored.engine.talliedMeasures(unit: unit, window: window, evaluator: evaluator) {
            measures = m
            fromTallies = true
        } else {
            let (dossiers, petitions) = try records.candidates(units: view.candidateUnits(for: subtree), from: window.from, before: view.asOf)
            measures = evaluator.measures(unit: unit, from: window.from, dossiers: dossiers, petitions: petitions)
        }
        var s = Snapshot(unit: unit, node: view.units[unit], window: window, asOf: view.asOf, measures: measures,
                         card: profile.score(measures.inputs(for: profile)))
        s.fromTallies = fromTallies
        if children {
            s.children = try view.children(of: unit).map { try snapshot(unit: $0, window: window, view: view, children: false) }
        }
        return s
    }
}

extension Engine {
    /// A scorer over the incremental state.
    public func scorer(profile: Profile, useTallies: Bool = true) -> Scorer {
        Scorer(catalogue: catalogue, calendar: calendar, profile: profile, records: StoredRecords(engine: self, useTallies: useTallies))
    }

    /// Folds the whole log from scratch, with no incremental state (verify, rebuild). The log is read
    /// twice, its retractions first, so that its events are folded one at a time and never all held
    /// in memory (docs/performance.md "Windows long past, verify and rebuild at scale"). The first
    /// pass finds them by the log's `type` column; the second counts them again from the bodies, so
    /// that a column that disagrees is an error rather than a fold that misses a retraction.
    public func foldLog() throws -> StateFold {
        var retractions: [(id: String, target: String)] = []
        try store.forEachEvent(ofType: "event.retracted") { seq, line in
            let e = try loggedEvent(seq, line)
            guard case .retracted(let target) = e.body else {
                throw EngineError.corrupt("logged event #\(seq) is filed as a retraction but is a \(e.type)")
            }
            retractions.append((e.id, target))
        }
        var fold = StateFold(retractions: retractions)
        var retractionsSeen = 0
        try store.forEachEvent { seq, line in
            let e = try loggedEvent(seq, line)
            if case .retracted = e.body { retractionsSeen += 1 }
            fold.add(e)
        }
        guard retractionsSeen == retractions.count else {
            throw EngineError.corrupt("the log holds \(retractionsSeen) retractions but files \(retractions.count) under their type")
        }
        fold.finish()
        return fold
    }

    /// The event of logged line `seq`, decoded again (verify's fold, rebuild's replay); a line that
    /// no longer decodes is damage.
    func loggedEvent(_ seq: Int64, _ line: String) throws -> Event {
        do { return try decoder.decode(JSONParser.parse(line)) } catch {
            throw EngineError.corrupt("logged event #\(seq) no longer decodes (\(error))")
        }
    }
}

extension Snapshot {
    /// The snapshot JSON of interfaces.md.
    public func json(zone: Zone) -> String {
        var s = "{\"profile\": \(jsonQuoted(card.profileID)), \"unit\": {\"code\": \(jsonQuoted(unit)), \"name\": "
        s += node?.name.map(jsonQuoted) ?? "null"
        s += ", \"level\": " + (node?.level.map { jsonQuoted($0.rawValue) } ?? "null") + "}"
        s += ", \"period\": {\"label\": \(jsonQuoted(window.label)), \"from\": \(jsonQuoted(window.from.rfc3339(in: zone))), \"to\": \(jsonQuoted(window.to.rfc3339(in: zone)))}"
        s += ", \"asOf\": \(jsonQuoted(asOf.rfc3339(in: zone)))"
        s += ", \"total\": \(card.total.jsonNumber), \"max\": \(card.max.jsonNumber), \"band\": \(jsonQuoted(card.band.name))"
        s += ", \"groups\": " + card.groupsJSON
        if let children {
            s += ", \"children\": [" + children.map { $0.json(zone: zone) }.joined(separator: ", ") + "]"
        }
        return s + "}"
    }
}
