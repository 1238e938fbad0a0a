/// The whole state folded from scratch out of a list of accepted events, with no incremental step:
/// what `chiso verify` compares the incremental state with, and what `chiso rebuild` writes.
///
/// An event is void when a retraction that is not itself void targets it (details.md 7);
/// the state is the catalogue and the records of every event that is not void.
public struct StateFold: Sendable {
    public private(set) var catalogue = Catalogue()
    public private(set) var dossiers: [String: DossierRecord] = [:]
    public private(set) var petitions: [String: PetitionRecord] = [:]
    /// The ids that are void: logged events and ids still awaited by a retraction (pending).
    public private(set) var void: Set<String> = []
    /// For each retracted id, the ids of the retractions that target it.
    public private(set) var retractions: [String: [String]] = [:]

    public init(events: [Event]) {
        var retractors: [String: [String]] = [:]
        for e in events { if case .retracted(let target) = e.body { retractors[target, default: []].append(e.id) } }
        var memo: [String: Bool] = [:]
        func isVoid(_ id: String, _ visiting: inout Set<String>) -> Bool {
            if let v = memo[id] { return v }
            guard let rs = retractors[id] else { memo[id] = false; return false }
            if visiting.contains(id) { return false } // a cycle of retractions: treated as not void
            visiting.insert(id)
            let v = rs.contains { !isVoid($0, &visiting) }
            visiting.remove(id)
            memo[id] = v
            return v
        }
        for target in retractors.keys {
            var visiting = Set<String>()
            if isVoid(target, &visiting) { void.insert(target) }
        }
        retractions = retractors
        var catalogueEvents: [Event] = []
        for e in events {
            var visiting = Set<String>()
            if isVoid(e.id, &visiting) { void.insert(e.id); continue }
            switch e.body {
            case .dossier(let code, let unit, let action):
                dossiers[code, default: DossierRecord(code: code)].insert(DossierEntry(id: e.id, at: e.at, unit: unit, action: action))
            case .petition(let code, let unit, let action):
                petitions[code, default: PetitionRecord(code: code)].insert(PetitionEntry(id: e.id, at: e.at, unit: unit, action: action))
                if case .filed(_, let dossier?) = action {
                    dossiers[dossier, default: DossierRecord(code: dossier)]
                        .insert(DossierEntry(id: e.id, at: e.at, unit: unit, action: .petitionFiled(petition: code)))
                }
            case .retracted:
                break
            default:
                catalogueEvents.append(e)
            }
        }
        catalogue = Catalogue(events: catalogueEvents)
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
