import Synchronization

/// The catalogue: units and their tree, procedures, announcements and publications
/// (events.md "Catalogue events"), kept as their unretracted events in order so that
/// any evaluation instant E can be answered (details.md 12, 14, 15, 16).
public struct Catalogue: Sendable {
    /// Catalogue events ordered by `at`, then id.
    public private(set) var events: [Event] = []

    public init(events: [Event] = []) {
        self.events = events.filter { $0.body.isCatalogue }.inLifecycleOrder()
    }

    /// Adds a catalogue event at its place in the order (other events are ignored).
    public mutating func insert(_ event: Event) {
        guard event.body.isCatalogue else { return }
        events.insertInOrder(event)
    }

    /// Removes the event with this id (a retraction); returns whether it was there.
    @discardableResult
    public mutating func remove(id: String) -> Bool { events.removeElement(id: id) }

    /// The catalogue as it stands at E.
    public func asOf(_ e: Instant) -> CatalogueView {
        CatalogueView(events: events, asOf: e)
    }

    /// The instant after which the catalogue no longer changes: every view at a later E is the same
    /// but for E (`CatalogueView.at(_:)`).
    public var settledAfter: Instant { events.last?.at ?? .distantPast }
}

/// One unit in the tree at E.
public struct UnitNode: Sendable, Equatable {
    public var code: String
    public var name: String?
    public var level: UnitLevel?
    public var parent: String?
    /// Every merge of it before E, in time order. A unit merged twice (a producer's correction, or a
    /// second reorganisation) moves, at each merge, the dossiers processing there at that instant:
    /// those the first merge moved away stay where it sent them (details.md 13).
    public var merges: [UnitMerge] = []
    /// Every `unit.declared` of it before E, in order (`at`, then id: details.md 5): a declaration at
    /// the instant of a merge comes after it when its id does.
    public var declarations: [UnitDeclaration] = []
    /// Whether it offers electronic certified copies (4.6).
    public var eCertifiedCopy: Bool = false
    /// Whether a `unit.declared` named it before E. A code only merged or given a service is not
    /// declared: it belongs to no tree (details.md 12).
    public var declared: Bool { !declarations.isEmpty }
    /// When it was last merged (it is then a closed child of `mergedInto`), details.md 13.
    public var mergedAt: Instant? { merges.last?.at }
    public var mergedInto: String? { merges.last?.into }

    /// Whether it is left out of a window starting at `from` (details.md 13: the 3.2 pairs, 4.6
    /// communes and rankings leave out a unit merged before `from`): its latest merge before `from`
    /// is not followed, still before `from`, by a declaration of it, which undoes the merge for the
    /// tree ("re-declaring updates name/parent/level from `at` on", events.md). A merge during the
    /// window leaves it in. The dossiers a merge moved stay where it sent them.
    public func mergedAway(before from: Instant) -> Bool {
        guard let merge = merges.last(where: { $0.at < from }) else { return false }
        if let d = declarations.last(where: { $0.at < from }), precedes((merge.at, merge.id), (d.at, d.id)) { return false }
        return true
    }

    /// Where it stood when a window starting at `from` began, if a merge during the window moved it
    /// under the unit it was merged into: its parent before its first merge at or after `from`
    /// (`.some(nil)`: it was a root). Nil when no merge at or after `from` is its latest change of
    /// place, that is, when the tree at E still shows it where it stood (a later declaration placed
    /// it anew). A unit merged during a window still counts in that window's rankings (details.md 13),
    /// among the children of the unit it was under.
    public func placeBeforeMerge(since from: Instant) -> String?? {
        // Merges are in time order: when one is at or after `from`, so is the last.
        guard let first = merges.first(where: { $0.at >= from }), let last = merges.last else { return nil }
        if let d = declarations.last, precedes((last.at, last.id), (d.at, d.id)) { return nil }
        return .some(first.parentBefore)
    }
}

/// One `unit.declared` of a unit: its instant and its event's id, which place it among the unit's merges.
public struct UnitDeclaration: Sendable, Equatable {
    public var at: Instant
    public var id: String
}

/// One `unit.merged` of a unit: at `at`, it became a closed child of `into` (details.md 13).
public struct UnitMerge: Sendable, Equatable {
    public var at: Instant
    public var into: String
    /// The `unit.merged` event's id: merges at one instant take effect in id order (details.md 5).
    public var id: String = ""
    /// The unit's parent just before this merge (nil: it was a root, or had none).
    public var parentBefore: String? = nil
}

/// The catalogue folded at an evaluation instant E: the unit tree, procedure attributes and the
/// announcement history, with the questions the indicators ask of them.
public struct CatalogueView: Sendable {
    public let asOf: Instant
    public private(set) var units: [String: UnitNode] = [:]
    public private(set) var children: [String: [String]] = [:]
    /// Every declaration of each procedure before E, in order.
    public private(set) var declarations: [String: [(at: Instant, declaration: ProcedureDeclaration)]] = [:]
    public typealias Announcement = (at: Instant, procedure: String, unit: String, decidedAt: LocalDate, effectiveAt: LocalDate)
    public typealias Publication = (at: Instant, procedure: String, unit: String)
    public private(set) var announcements: [Announcement] = []
    public private(set) var publications: [Publication] = []
    /// The latest declaration of each procedure, in code order (computed once per view).
    public private(set) var latestDeclarations: [ProcedureDeclaration] = []
    /// The root of every declared unit (computed once per view; `root(of:)` walks for other codes).
    private var rootByUnit: [String: String] = [:]
    /// Each root's catalogue, indexed once per view (`RootCatalogue`).
    private var rootCatalogues: [String: RootCatalogue] = [:]

    init(events: [Event], asOf e: Instant) {
        asOf = e
        for ev in events {
            if ev.at >= e { break }
            switch ev.body {
            case .unitDeclared(let unit, let name, let parent, let level):
                var node = units[unit] ?? UnitNode(code: unit)
                node.name = name; node.level = level; node.parent = cutCycle(unit, parent); node.declarations.append(UnitDeclaration(at: ev.at, id: ev.id))
                units[unit] = node
            case .unitMerged(let unit, let into):
                var node = units[unit] ?? UnitNode(code: unit)
                let before = node.parent
                node.parent = cutCycle(unit, into)
                node.merges.append(UnitMerge(at: ev.at, into: into, id: ev.id, parentBefore: before))
                units[unit] = node
            case .unitService(let unit, let copy):
                var node = units[unit] ?? UnitNode(code: unit)
                node.eCertifiedCopy = copy
                units[unit] = node
            case .procedureDeclared(let d):
                declarations[d.procedure, default: []].append((ev.at, d))
            case .procedureAnnounced(let p, let u, let decided, let effective):
                announcements.append((ev.at, p, u, decided, effective))
            case .procedurePublished(let p, let u):
                publications.append((ev.at, p, u))
            default:
                break
            }
        }
        // Only declared units are anyone's children: a code never declared belongs to no tree, even
        // when a merge names it (details.md 12).
        for (code, node) in units where node.declared {
            if let parent = node.parent, parent != code { children[parent, default: []].append(code) }
        }
        for key in children.keys { children[key]?.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        for code in units.keys { rootByUnit[code] = walkToRoot(code) }
        latestDeclarations = declarations.values.compactMap { $0.last?.declaration }
            .sorted { $0.procedure.utf8.lexicographicallyPrecedes($1.procedure.utf8) }
        indexRootCatalogues()
    }

    /// Groups the procedures, announcements and publications by root, once per view: every snapshot
    /// asks them of its root, and a province's snapshot spent a third of its time filtering and
    /// hashing the whole catalogue again (docs/performance.md "Where a tallied snapshot's time goes").
    private mutating func indexRootCatalogues() {
        var procedures: [String: [ProcedureDeclaration]] = [:]
        for d in latestDeclarations where !d.abolished { procedures[root(of: d.unit), default: []].append(d) }
        var announced: [String: [Announcement]] = [:]
        for a in announcements { announced[root(of: a.unit), default: []].append(a) }
        var published: [String: [Publication]] = [:]
        for p in publications { published[root(of: p.unit), default: []].append(p) }
        for root in Set(procedures.keys).union(announced.keys).union(published.keys) {
            rootCatalogues[root] = RootCatalogue(procedures: procedures[root] ?? [], announcements: announced[root] ?? [],
                                                 publications: published[root] ?? [])
        }
    }

    /// `parent`, unless making it `unit`'s parent would close a cycle in the tree folded so far (it is
    /// `unit` or below it): then nil. Parent cycles are cut at the repeated unit (details.md 12) as the
    /// tree is folded, so the declaration or merge that would close one leaves its unit a root, and
    /// every unit's tree, root and subtree are the same from wherever they are walked.
    private func cutCycle(_ unit: String, _ parent: String?) -> String? {
        var current = parent
        var steps = 0
        while let c = current, steps <= units.count {
            if c == unit { return nil }
            // A code never declared is no one's child (details.md 12): the link its merge left is not
            // part of the tree, so the walk ends there (an audit found a legitimate merge cut through it).
            guard units[c]?.declared == true else { break }
            current = units[c]?.parent
            steps += 1
        }
        return parent
    }

    /// The same view at another E. Only valid when no catalogue event falls between the two instants
    /// (`Catalogue.settledAfter`); it saves folding the catalogue again for every snapshot.
    public func at(_ e: Instant) -> CatalogueView {
        var copy = CatalogueView(events: [], asOf: e)
        copy.units = units; copy.children = children; copy.declarations = declarations
        copy.announcements = announcements; copy.publications = publications
        copy.latestDeclarations = latestDeclarations; copy.rootByUnit = rootByUnit; copy.rootCatalogues = rootCatalogues
        return copy
    }

    /// The declared units directly under U at E, in code order (details.md 12). A code never declared
    /// belongs to no tree, "its snapshot is itself": it has no children, not even the units merged
    /// into it, and is no one's child, not even of the unit it was merged into. The dossiers a merge
    /// moved are processing at the unit they moved to, and count there (details.md 13).
    public func children(of unit: String) -> [String] {
        guard units[unit]?.declared == true else { return [] }
        return children[unit] ?? []
    }

    /// U and every unit under it at E (details.md 12): a code never declared is its own subtree.
    public func subtree(of unit: String) -> [String] {
        var out = [unit]
        var seen: Set<String> = [unit]
        var i = 0
        while i < out.count {
            for c in children(of: out[i]) where !seen.contains(c) {
                seen.insert(c); out.append(c)
            }
            i += 1
        }
        return out
    }

    /// The units whose records can hold a dossier processed in `subtree` at E: the subtree and every
    /// unit merged into one of them, through chains of merges, wherever the tree has put it since
    /// (a merged unit declared again leaves the tree but not its merge: the dossiers the merge moved
    /// still belong to the unit they moved to, details.md 13). Records are filed under the units that
    /// received or transferred them; the evaluation then keeps those processed in the subtree.
    public func candidateUnits(for subtree: [String]) -> [String] {
        var out = subtree
        var seen = Set(subtree)
        var mergedInto: [String: [String]] = [:]
        // Every merge, not only the latest: a unit merged twice sent dossiers to both targets.
        for (code, node) in units {
            for m in node.merges where mergedInto[m.into]?.last != code { mergedInto[m.into, default: []].append(code) }
        }
        guard !mergedInto.isEmpty else { return out }
        var i = 0
        while i < out.count {
            for m in mergedInto[out[i]] ?? [] where seen.insert(m).inserted { out.append(m) }
            i += 1
        }
        return out
    }

    /// The root of U's tree at E (the fold has cut parent cycles, `cutCycle`, details.md 12).
    public func root(of unit: String) -> String {
        rootByUnit[unit] ?? walkToRoot(unit)
    }

    /// Walks up the parents; a parent never declared belongs to no tree, so the walk stops below it.
    /// A code never declared is its own root, even when merged into a declared unit (details.md 12:
    /// it "belongs to no tree"; an audit found it took that unit's root for 1.1–1.3, 3.1 and 4.5a).
    private func walkToRoot(_ unit: String) -> String {
        guard units[unit]?.declared == true else { return unit }
        var current = unit
        var seen: Set<String> = [unit]
        while let parent = units[current]?.parent, !seen.contains(parent), units[parent]?.declared == true {
            seen.insert(parent); current = parent
        }
        return current
    }

    /// The declared units at E at the top of their trees (no parent, or a parent never declared), in
    /// code order (details.md 12, 22). A code never declared is not a root, whatever events name it.
    public var roots: [String] {
        units.values.filter { n in n.declared && headsATree(parent: n.parent) }
            .map(\.code).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Whether a declared unit with this parent heads its own tree at E: it has none, or one never
    /// declared (details.md 12).
    public func headsATree(parent: String?) -> Bool {
        parent.map { units[$0]?.declared != true } ?? true
    }

    /// The first merge of `unit` at or after `from` and before E that moves it elsewhere (`into` ≠
    /// `unit`): where a dossier processing at `unit` since `from` goes next (details.md 13).
    public func merge(of unit: String, from: Instant, after merge: UnitMerge? = nil) -> UnitMerge? {
        units[unit]?.merges.first { m in
            m.at >= from && m.into != unit && (merge.map { precedes(($0.at, $0.id), (m.at, m.id)) } ?? true)
        }
    }

    /// The latest declaration of a procedure before E (details.md 14).
    public func procedure(_ code: String) -> ProcedureDeclaration? { declarations[code]?.last?.declaration }

    /// The duration in effect at receipt: the latest declaration at or before the receipt, else the
    /// earliest one before E (details.md 9).
    public func duration(of procedure: String, receivedAt: Instant) -> ProcedureDuration? {
        guard let list = declarations[procedure], let first = list.first else { return nil }
        var chosen = first.declaration
        for d in list where d.at <= receivedAt { chosen = d.declaration }
        return chosen.duration
    }

    /// Procedures under U's authority at E (details.md 15): in U's root catalogue, not abolished, and
    /// whose `authority` names the code or the level of U or of a unit in Subtree(U). In code order.
    public func proceduresUnderAuthority(of unit: String, subtree: [String]) -> [ProcedureDeclaration] {
        let catalogue = rootCatalogue(of: root(of: unit))
        return indexesUnderAuthority(of: unit, subtree: subtree).map { catalogue.procedures[$0] }
    }

    /// `proceduresUnderAuthority` as indexes in U's root catalogue's `procedures`, ascending: a
    /// snapshot reads their attributes in place, and its cost follows the procedures that name the
    /// subtree, not the size of the catalogue (a ranking of thousands of communes asks it of each).
    public func indexesUnderAuthority(of unit: String, subtree: [String]) -> [Int] {
        let catalogue = rootCatalogue(of: root(of: unit))
        var named: [Int] = []
        var levels: Set<UnitLevel> = []
        for u in subtree {
            // An entry that is a level name is a level, whatever unit has that code (details.md 15).
            if !UnitLevel.isName(u) { named += catalogue.byEntry[u] ?? [] }
            if let l = units[u]?.level, levels.insert(l).inserted { named += catalogue.byEntry[l.rawValue] ?? [] }
        }
        named.sort()
        var unique: [Int] = []
        unique.reserveCapacity(named.count)
        for i in named where unique.last != i { unique.append(i) }
        return unique
    }

    /// A root's catalogue at E, indexed (empty for a code that roots none).
    public func rootCatalogue(of root: String) -> RootCatalogue { rootCatalogues[root] ?? .empty }

    /// Whether `authority` of a procedure names this unit's code or level (3.2 pairs, details.md 15).
    public func authority(_ d: ProcedureDeclaration, names unit: String) -> Bool {
        if !UnitLevel.isName(unit), d.authority.contains(unit) { return true }
        if let l = units[unit]?.level { return d.authority.contains(l.rawValue) }
        return false
    }
}

/// One root's catalogue at E, indexed once per `CatalogueView` for the questions every snapshot of a
/// unit of that root asks (details.md 15, 16): which procedures it holds (declared by a unit of its
/// tree, not abolished), which of them an authority entry names, and its announcements and
/// publications. Immutable.
public final class RootCatalogue: Sendable {
    /// Its procedures at E, not abolished, in code order (1.3).
    public let procedures: [ProcedureDeclaration]
    /// For each authority entry (a unit code or a level name), the indexes in `procedures` of those
    /// whose `authority` names it, ascending, each once.
    public let byEntry: [String: [Int]]
    /// `byEntry` restricted to the procedures offered online (3.2 pairs).
    public let onlineByEntry: [String: [Int]]
    /// The index in `procedures` of each code.
    public let index: [String: Int]
    /// The root's announcements and publications before E (details.md 16), in the order of the log.
    public let announcements: [CatalogueView.Announcement]
    public let publications: [CatalogueView.Publication]
    /// How many of `procedures` have complete content (1.3's numerator, the root's for every unit).
    public let completeCount: Int
    /// The instants of each procedure's publications, in the order of the log (1.2).
    public let publishedAt: [String: [Instant]]
    /// Each procedure's announcements, in the order of the log (1.2: the latest one decided on or
    /// before a publication), so that a publication does not scan every announcement of the root.
    public let announcementsOf: [String: [CatalogueView.Announcement]]
    /// 1.1 and 1.2 as already counted for a window [from, E) with a given calendar
    /// (`Evaluator.announcementMeasures`): every unit of the root shows the root's values (details.md
    /// 16), so a ranking of thousands of units counts them once, not once a unit. E is in the key:
    /// views at other instants share this catalogue (`CatalogueView.at`).
    let announcementCounts = Mutex<[AnnouncementKey: AnnouncementCounts]>([:])

    struct AnnouncementKey: Hashable { var from: Instant; var asOf: Instant; var calendar: Int64 }
    struct AnnouncementCounts { var announced: Int64, announcedOnTime: Int64, published: Int64, publishedOnTime: Int64 }

    static let empty = RootCatalogue(procedures: [], announcements: [], publications: [])

    init(procedures: [ProcedureDeclaration], announcements: [CatalogueView.Announcement],
         publications: [CatalogueView.Publication]) {
        self.procedures = procedures
        var byEntry: [String: [Int]] = [:]
        var index: [String: Int] = [:]
        for (i, p) in procedures.enumerated() {
            index[p.procedure] = i
            for a in p.authority where byEntry[a]?.last != i { byEntry[a, default: []].append(i) }
        }
        self.byEntry = byEntry
        onlineByEntry = byEntry.compactMapValues { list in
            let online = list.filter { procedures[$0].onlineLevel != .none }
            return online.isEmpty ? nil : online
        }
        self.index = index
        completeCount = procedures.count { $0.contentComplete }
        self.announcements = announcements
        self.publications = publications
        var published: [String: [Instant]] = [:]
        for p in publications { published[p.procedure, default: []].append(p.at) }
        publishedAt = published
        var byProcedure: [String: [CatalogueView.Announcement]] = [:]
        for a in announcements { byProcedure[a.procedure, default: []].append(a) }
        announcementsOf = byProcedure
    }
}

extension Array where Element == Int {
    /// Whether an ascending array holds `value`.
    func binarySearchContains(_ value: Int) -> Bool {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo] == value
    }
}
