/// The whole state folded from scratch out of a list of accepted events, with no incremental step:
/// what `chiso verify` compares the incremental state with, and what `chiso rebuild` writes.
///
/// An event is void when a retraction that is not itself void targets it (details.md 7);
/// the state is the catalogue and the records of every event that is not void.
public struct StateFold: Sendable {
    public private(set) var catalogue = Catalogue()
    /// The records by code, told apart by code points (`CodePoints`), as the store tells them apart.
    public private(set) var dossiers: [CodePoints: DossierRecord] = [:]
    public private(set) var petitions: [CodePoints: PetitionRecord] = [:]
    /// The ids that are void: logged events and ids still awaited by a retraction (pending).
    public private(set) var void: Set<EventID> = []
    /// For each retracted id, the ids of the retractions that target it.
    public private(set) var retractions: [EventID: [EventID]] = [:]

    /// Not yet void-settled: the catalogue's events, in log order, until `finish()`.
    private var catalogueEvents: [Event] = []

    /// Folds a list of accepted events, in log order.
    public init(events: [Event]) {
        self.init(retractions: events.compactMap { e in
            if case .retracted(let target) = e.body { (id: e.id, target: target) } else { nil }
        })
        for e in events { add(e) }
        finish()
    }

    /// Starts a fold from every retraction of the log, `(id, target)`: which ids are void is settled
    /// first, so that the events can then be added one at a time (`add`) and a caller reading the log
    /// never holds all of them at once (`chiso verify`, `rebuild`).
    public init(retractions: some Sequence<(id: String, target: String)>) {
        var retractors: [EventID: [EventID]] = [:]
        for r in retractions { retractors[EventID(r.target), default: []].append(EventID(r.id)) }
        var memo: [EventID: Bool] = [:]
        // An id is void when one of its retractions is not (details.md 7); a cycle of retractions is
        // treated as not void. Walked with a stack of its own rather than by recursion: a chain of
        // retractions of retractions can be as long as the log, far deeper than the thread's stack.
        func isVoid(_ start: EventID) -> Bool {
            var frames: [(id: EventID, retractors: [EventID], next: Int)] = []
            var visiting = Set<EventID>()
            var call: EventID? = start
            var returned = false
            while true {
                if let id = call {
                    call = nil
                    if let v = memo[id] {
                        returned = v
                    } else if let rs = retractors[id] {
                        if visiting.contains(id) {
                            returned = false // a cycle of retractions: treated as not void
                        } else {
                            visiting.insert(id)
                            frames.append((id, rs, 0))
                            continue
                        }
                    } else {
                        memo[id] = false
                        returned = false
                    }
                }
                guard var frame = frames.popLast() else { return returned }
                if frame.next > 0 && !returned {
                    // A retraction that is not void: the id is void (no need to look at the others).
                    visiting.remove(frame.id); memo[frame.id] = true; returned = true
                    continue
                }
                if frame.next < frame.retractors.count {
                    call = frame.retractors[frame.next]
                    frame.next += 1
                    frames.append(frame)
                    continue
                }
                // Every retraction of it is void.
                visiting.remove(frame.id); memo[frame.id] = false; returned = false
            }
        }
        // Only a retraction's target can be void, so the set of void targets is every void id.
        for target in retractors.keys where isVoid(target) { void.insert(target) }
        self.retractions = retractors
    }

    /// Adds the next event of the log (in log order: the catalogue is folded in that order), unless
    /// it is void. Call `finish()` after the last one.
    public mutating func add(_ e: Event) {
        if void.contains(EventID(e.id)) { return }
        switch e.body {
        case .dossier(let code, let unit, let action):
            dossiers[CodePoints(code), default: DossierRecord(code: code)].insert(DossierEntry(id: e.id, at: e.at, unit: unit, action: action))
        case .petition(let code, let unit, let action):
            petitions[CodePoints(code), default: PetitionRecord(code: code)].insert(PetitionEntry(id: e.id, at: e.at, unit: unit, action: action))
            if case .filed(_, let dossier?) = action {
                dossiers[CodePoints(dossier), default: DossierRecord(code: dossier)]
                    .insert(DossierEntry(id: e.id, at: e.at, unit: unit, action: .petitionFiled(petition: code)))
            }
        case .retracted:
            break
        default:
            catalogueEvents.append(e)
        }
    }

    /// Folds the catalogue from the events added.
    public mutating func finish() {
        catalogue = Catalogue(events: catalogueEvents)
        catalogueEvents = []
    }

    /// The records filed under each unit they touched, with their activity keys: the same
    /// candidate index the store keeps, built here from scratch.
    public func candidateIndex() -> (dossiers: [String: [(activity: Instant, record: DossierRecord)]], petitions: [String: [(activity: Instant, record: PetitionRecord)]]) {
        var d: [String: [(activity: Instant, record: DossierRecord)]] = [:]
        for r in dossiers.values { for u in r.touchedUnits { d[u, default: []].append((r.activityKey, r)) } }
        var p: [String: [(activity: Instant, record: PetitionRecord)]] = [:]
        for r in petitions.values { for u in r.touchedUnits { p[u, default: []].append((r.activityKey, r)) } }
        return (d, p)
    }
}
