/// The counts of indicators.md for one unit U, window [from, to) and evaluation instant E.
///
/// Keys are the measure names of the fixed vocabulary (`Measure.all`); a profile maps them to
/// components. 2.2's mean is in `values`.
public struct Measures: Sendable, Equatable {
    public var counts: [String: Int64] = [:]
    public var values: [String: Double?] = [:]

    public init() {}

    public subscript(_ name: String) -> Int64 {
        get { counts[name] ?? 0 }
        set { counts[name] = newValue }
    }

    /// The inputs of a profile's components from these measures.
    public func inputs(for profile: Profile) -> [String: ComponentInput] {
        var out: [String: ComponentInput] = [:]
        for c in profile.components {
            if let v = c.value {
                out[c.id] = .value(values[v] ?? nil)
            } else if let n = c.numerator, let d = c.denominator {
                out[c.id] = .counts(numerator: self[n], denominator: self[d])
            }
        }
        return out
    }
}

/// Resolves merges and computed dues for dossier folds from the catalogue at E and the calendar.
public struct CatalogueContext: DossierContext, Sendable {
    public let catalogue: CatalogueView
    public let calendar: WorkingCalendar

    public init(catalogue: CatalogueView, calendar: WorkingCalendar) {
        self.catalogue = catalogue; self.calendar = calendar
    }

    public func merge(of unit: String, from: Instant, after: UnitMerge?, before: Instant) -> UnitMerge? {
        guard let m = catalogue.merge(of: unit, from: from, after: after), m.at < before else { return nil }
        return m
    }

    public func computedDue(procedure: String, receivedAt: Instant, asOf e: Instant) -> Instant? {
        guard let d = catalogue.duration(of: procedure, receivedAt: receivedAt) else { return nil }
        return calendar.due(receivedAt: receivedAt, duration: d)
    }
}

/// Computes the measures of indicators.md from the catalogue and the dossiers and petitions that may
/// concern a window. Pure: the same inputs give the same counts, whether the records come from the
/// incremental state or from a fold of the whole log (`chiso verify`).
public struct Evaluator: Sendable {
    public let catalogue: CatalogueView
    public let calendar: WorkingCalendar
    public var zone: Zone { calendar.zone }

    public init(catalogue: CatalogueView, calendar: WorkingCalendar) {
        self.catalogue = catalogue; self.calendar = calendar
    }

    /// The evaluation instant E of a window (indicators.md "Evaluation"): min(to, now), or an earlier `asOf`.
    public static func evaluationInstant(window: Window, now: Instant, asOf: Instant? = nil) -> Instant {
        var e = min(window.to, now)
        if let asOf { e = min(e, asOf) }
        return e
    }

    /// Dossier views at E of the records that belong to Subtree(U) at E.
    public func dossierViews(_ records: some Sequence<DossierRecord>, subtree: Set<String>) -> [DossierView] {
        let context = CatalogueContext(catalogue: catalogue, calendar: calendar)
        var out: [DossierView] = []
        for r in records {
            guard let v = DossierView.evaluate(r, asOf: catalogue.asOf, context: context), subtree.contains(v.unit) else { continue }
            out.append(v)
        }
        return out
    }

    /// All measures for unit U over [from, E).
    public func measures(unit: String, from: Instant, dossiers: some Sequence<DossierRecord>, petitions: some Sequence<PetitionRecord>,
                         shortfalls log: ShortfallLog? = nil) -> Measures {
        /// Records an item counted in a denominator but not in the numerator `measure` (for `chiso explain`).
        func miss(_ measure: String, _ item: @autoclosure () -> Shortfall) { log?.add(measure, item()) }
        let e = catalogue.asOf
        var m = Measures()
        let subtreeList = catalogue.subtree(of: unit)
        let subtree = Set(subtreeList)
        // Units merged before the window are left out of 3.2 pairs and 4.6 communes (details.md 13).
        let liveSet = Set(liveUnits(subtree: subtreeList, from: from))

        var feeProcedures = Set<String>()        // 3.5
        var paidProcedures = Set<String>()       // 3.5b
        var populationProcedures = Set<String>() // 4.5a
        var onlinePairs = Set<Pair>()            // 3.2 numerator candidates
        var endedMicros: Int64 = 0, endedCount = 0 // 2.2, summed exactly so that the order of dossiers cannot matter

        // Dossier counts are tallied in plain fields (no dictionary work per dossier), then named.
        var t = DossierTally()
        let context = CatalogueContext(catalogue: catalogue, calendar: calendar)
        for record in dossiers {
            guard let d = DossierView.evaluate(record, asOf: e, context: context) else { continue }
            let procedure = d.receipt.procedure
            // 3.2: online dossiers count for the unit that received them (details.md 15).
            if d.receipt.channel == .online, d.receivedAt >= from, liveSet.contains(d.receivingUnit) {
                onlinePairs.insert(Pair(procedure: procedure, unit: d.receivingUnit))
            }
            guard subtree.contains(d.unit) else { continue }
            let p = catalogue.procedure(procedure)
            let feeBearing = p?.feeBearing ?? false
            let writtenResult = p?.writtenResult ?? true
            // 3.5b counts online payments with `at` in [from, E) by a dossier of the subtree (details.md 18).
            if feeBearing, d.onlinePayments.contains(where: { $0 >= from }) { paidProcedures.insert(procedure) }

            if d.receivedAt >= from { // R(W)
                t.received += 1
                if d.syncedBeforeE { t.receivedSynced += 1 } else { miss("received.synced", .dossier(d, "not synced to the national portal")) }
                if d.receipt.channel == .online { t.receivedOnline += 1 } else { miss("received.online", .dossier(d, "filed \(d.receipt.channel.rawValue), not online")) }
                if feeBearing, d.receipt.fee > 0 {
                    t.receivedFeeBearing += 1
                    if d.paidOnlineBeforeE { t.receivedFeeBearingPaidOnline += 1 } else { miss("received.feeBearing.paidOnline", .dossier(d, "fee not paid online")) }
                    feeProcedures.insert(procedure)
                }
                if let end = d.end {
                    switch end.action {
                    case .finished, .returned:
                        endedMicros += workingTimeExcludingPauses(d, end: end.at)
                        endedCount += 1
                    default: break
                    }
                }
            }
            if !d.ended(before: from) { // P(W)
                t.active += 1
                if d.onTime { t.activeOnTime += 1 } else { miss("active.onTime", .dossier(d, lateness(d))) }
                // Without a due a dossier is on time unless the rule of the second request makes it
                // late (details.md 10): only those on time are listed as ones that can never be late.
                if d.due == nil, d.onTime, let log {
                    log.addNeverLate(.dossier(d, "no due and procedure \(d.receipt.procedure) has no duration: it can never be late"))
                }
                let electronic = d.finished?.electronicResult ?? false
                if writtenResult {
                    t.activeWrittenResult += 1
                    if electronic { t.activeWrittenResultElectronic += 1 } else {
                        miss("active.writtenResult.electronic", .dossier(d, d.finished == nil ? "no electronic result (not finished)" : "finished without an electronic result"))
                    }
                }
                if d.receipt.anyDigitized, electronic || !writtenResult { t.activeDigitized += 1 } else {
                    miss("active.digitized", .dossier(d, d.receipt.anyDigitized ? "digitised, but no electronic result" : "no digitised component"))
                }
                if d.receipt.anyReused { t.activeReused += 1 } else { miss("active.reused", .dossier(d, "reuses no digitised data")) }
                if d.receipt.anyFromPersonalStore || (d.finished?.pushedToPersonalStore ?? false) { t.activePersonalStore += 1 } else {
                    miss("active.personalStore", .dossier(d, "not linked to the personal data store"))
                }
                if d.receipt.populationData {
                    t.activePopulationData += 1
                    populationProcedures.insert(procedure)
                } else { miss("active.populationData", .dossier(d, "no population data used")) }
                if d.onTime, d.latestRating != .unsatisfied, !d.petitionFiledBeforeE { t.activeSatisfied += 1 } else {
                    miss("active.satisfied", .dossier(d, !d.onTime ? lateness(d) : d.latestRating == .unsatisfied ? "rated unsatisfied" : "subject of a petition"))
                }
            }
        }
        for (name, value) in t.named { m.counts[name] = value }
        m.values["ended.meanWorkingDays"] = meanWorkingDays(totalMicros: endedMicros, count: Int64(endedCount))

        var receipts = OnlineReceipts()
        for pair in onlinePairs { receipts.byCode[pair.unit, default: []].append(pair.procedure) }
        catalogueMeasures(unit: unit, from: from, feeProcedures: feeProcedures, paidProcedures: paidProcedures,
                          populationProcedures: populationProcedures, onlineReceipts: receipts, into: &m, log: log)

        // 5.1–5.3: petitions handled by the subtree at E (details.md 19).
        for record in petitions {
            guard let p = PetitionView.evaluate(record, asOf: e, calendar: calendar), subtree.contains(p.unit) else { continue }
            let onTime = p.onTime(asOf: e)
            if !(p.answeredAt.map { $0 < from } ?? false) {
                m["petitions"] += 1
                if onTime { m["petitions.onTime"] += 1 } else {
                    miss("petitions.onTime", Shortfall(kind: .petition, code: p.code, unit: p.unit, at: p.filedAt, detail: lateness(p)))
                }
            }
            if p.filedAt >= from {
                m["petitionsFiled"] += 1
                if onTime, p.latestSatisfied != false, !p.reraised { m["petitionsFiled.satisfied"] += 1 } else {
                    // Every reason that applies, so that fixing one is not mistaken for fixing the item.
                    let reasons = [!onTime ? lateness(p) : nil, p.latestSatisfied == false ? "rated unsatisfied" : nil,
                                   p.reraised ? "raised again" : nil].compactMap { $0 }
                    miss("petitionsFiled.satisfied", Shortfall(kind: .petition, code: p.code, unit: p.unit, at: p.filedAt,
                                                               detail: reasons.joined(separator: "; ")))
                }
                if p.category == .procedure { m["petitionsFiled.procedure"] += 1 }
                if p.category == .staff { m["petitionsFiled.staff"] += 1 }
            }
        }
        return m
    }

    /// Why a petition is late (details.md 19): answered after its 15-working-day limit, or not
    /// answered and the limit passed before E; with both instants, for whoever chases it.
    private func lateness(_ p: PetitionView) -> String {
        let limit = p.limit.rfc3339(in: zone)
        if let answered = p.answeredAt { return "answered \(answered.rfc3339(in: zone)), after its 15-working-day limit \(limit)" }
        return "not answered by its 15-working-day limit \(limit)"
    }

    /// Units of the subtree not merged before the window (details.md 13: left out of 3.2 pairs and 4.6 communes).
    public func liveUnits(subtree: [String], from: Instant) -> [String] {
        subtree.filter { u in !(catalogue.units[u]?.mergedAway(before: from) ?? false) }
    }

    /// The measures that come from the catalogue at E, given the procedures that dossiers of the window
    /// made count: 3.1, 3.5, 3.5b, 4.5a, the 3.2 pairs, 4.6 communes and 1.1–1.3.
    public func catalogueMeasures(unit: String, from: Instant, feeProcedures: Set<String>, paidProcedures: Set<String>,
                                  populationProcedures: Set<String>, onlineReceipts: OnlineReceipts,
                                  into m: inout Measures, log: ShortfallLog? = nil) {
        func miss(_ measure: String, _ item: @autoclosure () -> Shortfall) { log?.add(measure, item()) }
        let subtreeList = catalogue.subtree(of: unit)
        let liveUnits = liveUnits(subtree: subtreeList, from: from)
        let root = catalogue.root(of: unit)
        let rootCatalogue = catalogue.rootCatalogue(of: root)
        let procedures = rootCatalogue.procedures
        let authority = catalogue.indexesUnderAuthority(of: unit, subtree: subtreeList)
        // Procedures under U's authority: 3.1, 3.5, 3.5b, 4.5a (counted locally, named once: a measure
        // that counts nothing is left out, as the dossier loop does).
        var c = [Int64](repeating: 0, count: 7)
        // Fields read in place (`procedures[i].x`): a copy of each declaration cost a retain of every
        // string and array in it, for every unit of a ranking.
        for i in authority {
            c[0] += 1
            let code = procedures[i].procedure
            if procedures[i].onlineLevel != .none { c[1] += 1 } else { miss("procedures.online", .procedure(code, "not offered online")) }
            if procedures[i].feeBearing {
                c[2] += 1
                if feeProcedures.contains(code) { c[3] += 1 } else {
                    miss("procedures.feeBearing.withFeeDossiers", .procedure(code, "no fee-bearing dossier received in the period"))
                }
                if paidProcedures.contains(code) { c[4] += 1 } else {
                    miss("procedures.feeBearing.withOnlinePayments", .procedure(code, "no online payment in the period"))
                }
            }
            if procedures[i].citizenSubject {
                c[5] += 1
                if populationProcedures.contains(code) { c[6] += 1 } else {
                    miss("procedures.citizen.populationData", .procedure(code, "no dossier used population data"))
                }
            }
        }
        let names = ["procedures", "procedures.online", "procedures.feeBearing", "procedures.feeBearing.withFeeDossiers",
                     "procedures.feeBearing.withOnlinePayments", "procedures.citizen", "procedures.citizen.populationData"]
        for (i, name) in names.enumerated() where c[i] != 0 { m[name] = c[i] }

        // 3.2: pairs (online procedure of the root catalogue, live unit of the subtree it names).
        // Each unit finds the online procedures naming its code or its level through the root
        // catalogue's index of authority entries, without testing every procedure (details.md 15).
        // Observed receipts by ordinal (tallies) map to procedures through one array, not a hash per pair.
        let ordinalToProcedure = onlineReceipts.byOrdinal.isEmpty ? [] : onlineReceipts.codes.map { rootCatalogue.index[$0] ?? -1 }
        func observed(_ u: String, _ body: (Int) -> Void) {
            for code in onlineReceipts.byCode[u] ?? [] {
                if let i = rootCatalogue.index[code], procedures[i].onlineLevel != .none { body(i) }
            }
            for o in onlineReceipts.byOrdinal[u] ?? [] where Int(o) < ordinalToProcedure.count {
                let i = ordinalToProcedure[Int(o)]
                if i >= 0, procedures[i].onlineLevel != .none { body(i) }
            }
        }
        var pairs: Int64 = 0, pairsWithDossiers: Int64 = 0
        for u in liveUnits {
            let level = catalogue.units[u]?.level?.rawValue
            // Online procedures naming u's code or level, each once (both lists ascending).
            // A code that is a level name is named only as the level (details.md 15).
            let byCode = UnitLevel.isName(u) ? [] : rootCatalogue.onlineByEntry[u] ?? []
            let byLevel = level.flatMap { rootCatalogue.onlineByEntry[$0] } ?? []
            var naming = byCode.count + byLevel.count
            for i in byCode where byLevel.binarySearchContains(i) { naming -= 1 }
            pairs += Int64(naming)
            if log == nil {
                // Only observed pairs can count: check those, not every procedure naming u.
                observed(u) { i in
                    if byCode.binarySearchContains(i) || byLevel.binarySearchContains(i) { pairsWithDossiers += 1 }
                }
            } else {
                var seen = Set<Int>()
                observed(u) { seen.insert($0) }
                for i in Set(byCode).union(byLevel).sorted() {
                    if seen.contains(i) { pairsWithDossiers += 1 } else {
                        miss("onlinePairs.withDossiers", Shortfall(kind: .pair, code: procedures[i].procedure, unit: u, at: nil, detail: "no online dossier received by \(u)"))
                    }
                }
            }
        }
        m["onlinePairs"] = pairs
        m["onlinePairs.withDossiers"] = pairsWithDossiers

        // 4.6: communes of the subtree offering e-certified copies at E.
        for u in liveUnits where catalogue.units[u]?.level == .commune {
            m["communes"] += 1
            if catalogue.units[u]?.eCertifiedCopy == true { m["communes.eCertifiedCopy"] += 1 } else {
                miss("communes.eCertifiedCopy", Shortfall(kind: .unit, code: u, unit: u, at: nil, detail: "offers no electronic certified copies"))
            }
        }

        // 1.1–1.3 on U's root catalogue (details.md 16).
        announcementMeasures(root: root, from: from, into: &m, log: log)
        if let log {
            for p in procedures where !p.contentComplete { log.add("catalogue.complete", .procedure(p.procedure, "public record incomplete")) }
        }
        if !procedures.isEmpty { m["catalogue"] = Int64(procedures.count) }
        if rootCatalogue.completeCount != 0 { m["catalogue.complete"] = Int64(rootCatalogue.completeCount) }

    }

    /// 2.2's working time of one dossier: receipt to end minus the working time inside its pauses (details.md 11).
    public func workingTimeExcludingPauses(_ d: DossierView, end: Instant) -> Int64 {
        var t = calendar.workingTime(from: d.receivedAt, to: end)
        for p in d.pauses { t -= calendar.workingTime(from: p.start, to: min(p.end, end)) }
        return max(t, 0)
    }

    /// 1.1 and 1.2 (details.md 16).
    func announcementMeasures(root: String, from: Instant, into m: inout Measures, log: ShortfallLog?) {
        let e = catalogue.asOf
        let ministry = catalogue.units[root]?.level == .ministry
        let announceDays = ministry ? 20 : 5
        let publishDays = ministry ? 10 : 5
        func inWindow(_ date: LocalDate) -> Bool {
            let midnight = zone.startOfDay(date)
            return midnight >= from && midnight < e
        }
        let rootCatalogue = catalogue.rootCatalogue(of: root)
        let announcements = rootCatalogue.announcements
        // Counted once per window and calendar for the whole root (explain, which names the late
        // procedures, counts again).
        let key = RootCatalogue.AnnouncementKey(from: from, asOf: e, calendar: calendar.fingerprint)
        if log == nil, let counts = rootCatalogue.announcementCounts.withLock({ $0[key] }) {
            m["announcements"] += counts.announced
            m["announcements.onTime"] += counts.announcedOnTime
            m["publications"] += counts.published
            m["publications.onTime"] += counts.publishedOnTime
            return
        }

        // 1.1: one late announcement decided in W makes the procedure late.
        var announced: [String: Bool] = [:]
        for a in announcements where inWindow(a.decidedAt) {
            let onTime = a.decidedAt <= calendar.workingDay(announceDays, before: a.effectiveAt)
            announced[a.procedure] = (announced[a.procedure] ?? true) && onTime
        }
        let announcedOnTime = Int64(announced.values.filter { $0 }.count)
        m["announcements"] += Int64(announced.count)
        m["announcements.onTime"] += announcedOnTime
        for (p, onTime) in announced where !onTime { log?.add("announcements.onTime", .procedure(p, "announced late")) }

        // 1.2: concerned announcements and whether each was published by its deadline.
        func publishedOnTime(_ a: CatalogueView.Announcement) -> Bool {
            let deadline = calendar.workingDay(publishDays, after: a.decidedAt)
            return (rootCatalogue.publishedAt[a.procedure] ?? []).contains {
                let date = zone.localDate(of: $0)
                return date >= a.decidedAt && date <= deadline
            }
        }
        // An announcement's deadline falls in W only if it was decided on or after `earliest`: the
        // deadline grows with the decision date, and the first decision date whose deadline reaches
        // W's first day is `publishDays` working days before that day. The rest are skipped without
        // walking the calendar (at 10M stored events, four years of announcements).
        let earliest = calendar.workingDay(publishDays, before: zone.firstDay(from: from))
        var concerned: [String: Bool] = [:]
        for a in announcements where a.decidedAt >= earliest && inWindow(calendar.workingDay(publishDays, after: a.decidedAt)) {
            concerned[a.procedure] = (concerned[a.procedure] ?? true) && publishedOnTime(a)
        }
        for p in rootCatalogue.publications where p.at >= from && p.at < e {
            let date = zone.localDate(of: p.at)
            let latest = (rootCatalogue.announcementsOf[p.procedure] ?? []).filter { $0.decidedAt <= date }
                .max { ($0.decidedAt, $0.at) < ($1.decidedAt, $1.at) }
            if let a = latest {
                concerned[p.procedure] = (concerned[p.procedure] ?? true) && publishedOnTime(a)
            } else if concerned[p.procedure] == nil {
                // Published with no announcement decided before it: concerned, and nothing was late.
                concerned[p.procedure] = true
            }
        }
        let publishedOnTime = Int64(concerned.values.filter { $0 }.count)
        m["publications"] += Int64(concerned.count)
        m["publications.onTime"] += publishedOnTime
        for (p, onTime) in concerned where !onTime { log?.add("publications.onTime", .procedure(p, "not published by its deadline")) }
        let counts = RootCatalogue.AnnouncementCounts(
            announced: Int64(announced.count), announcedOnTime: announcedOnTime,
            published: Int64(concerned.count), publishedOnTime: publishedOnTime)
        rootCatalogue.announcementCounts.withLock { $0[key] = counts }
    }
}

extension Evaluator {
    /// Why a dossier is not on time, for people.
    func lateness(_ d: DossierView) -> String {
        if let second = d.secondRequestAt { return "asked to supplement a second time on \(second.rfc3339(in: zone))" }
        guard let due = d.due else { return "late" }
        let by = d.effectiveEnd.micros - due.micros
        let hours = roundHalfAwayFromZero(Double(by) / Double(Instant.microsPerHour), places: 1)
        // Late by a second reads "less than 0.1 h", not "0.0 h".
        let late = hours < 0.1 ? "less than 0.1 h" : "\(hours) h"
        guard let end = d.end else {
            // A dossier waiting for a supplement at E is judged at the request (details.md 10).
            if let since = d.waitingSince {
                return "waiting for a supplement asked on \(since.rfc3339(in: zone)), judged then: past its due \(due.rfc3339(in: zone)) by \(late)"
            }
            return "open, past its due \(due.rfc3339(in: zone)) by \(late)"
        }
        // The lateness is the clock's (pauses left out), so both instants are named.
        return "ended \(end.at.rfc3339(in: zone)), late by \(late) against its due \(due.rfc3339(in: zone))"
    }
}

/// An item that costs a component points: a dossier, petition, procedure, (procedure, unit) pair or unit
/// counted in the denominator but not in the numerator (interfaces.md `chiso explain`).
public struct Shortfall: Sendable {
    public enum Kind: String, Sendable { case dossier, petition, procedure, pair, unit }
    public var kind: Kind
    public var code: String
    public var unit: String?
    /// The item's date: receipt of a dossier, filing of a petition.
    public var at: Instant?
    public var detail: String
    /// A dossier's procedure (nil for other kinds).
    public var procedure: String?

    static func dossier(_ d: DossierView, _ detail: String) -> Shortfall {
        Shortfall(kind: .dossier, code: d.code, unit: d.unit, at: d.receivedAt, detail: detail, procedure: d.receipt.procedure)
    }
    static func procedure(_ code: String, _ detail: String) -> Shortfall {
        Shortfall(kind: .procedure, code: code, unit: nil, at: nil, detail: detail)
    }
}

/// Collects shortfalls per numerator measure during one evaluation.
///
/// With `keep`, each list keeps only its first `keep` items in explain's order (by date, then code,
/// then arrival: the order of a component's items, whose gains are equal), and counts the rest: a
/// province month has hundreds of thousands of items, and `chiso explain` prints ten of each
/// (docs/performance.md "Explain and due (1M and 10M)"). A list is trimmed when it reaches twice
/// `keep` and more; what it keeps is what a full list, sorted, would begin with.
public final class ShortfallLog {
    /// By numerator measure: the items kept, in the order they came or, once trimmed, in explain's.
    public private(set) var items: [String: [Shortfall]] = [:]
    /// By numerator measure: how many items there were, kept or not.
    public private(set) var counts: [String: Int] = [:]
    /// Dossiers of P(W) with no `due` whose procedure has no duration: valid, never late, and worth
    /// telling the unit about (events.md "Due": "report it in `chiso explain`").
    public private(set) var neverLate: [Shortfall] = []
    /// How many never-late dossiers there were, kept or not.
    public private(set) var neverLateCount = 0
    /// The procedures of every never-late dossier, kept or not.
    public private(set) var neverLateProcedures: Set<String> = []
    /// How many items each list keeps; nil for all.
    public let keep: Int?

    public init(keep: Int? = nil) { self.keep = keep.map { max(0, $0) } }

    func add(_ measure: String, _ item: Shortfall) {
        counts[measure, default: 0] += 1
        items[measure, default: []].append(item)
        if let keep, let list = items[measure], list.count >= 2 * keep + 256 {
            items[measure] = ShortfallLog.first(keep, of: list)
        }
    }

    func addNeverLate(_ item: Shortfall) {
        neverLateCount += 1
        if let procedure = item.procedure { neverLateProcedures.insert(procedure) }
        neverLate.append(item)
        if let keep, neverLate.count >= 2 * keep + 256 { neverLate = ShortfallLog.first(keep, of: neverLate) }
    }

    /// The first `n` of `list` by date (none first), then code (code points), equal ones in their
    /// order in `list` (a stable sort).
    static func first(_ n: Int, of list: [Shortfall]) -> [Shortfall] {
        Array(stablySorted(list, key: { (0, ($0.at ?? .distantPast).micros) }) { a, b in
            a.code.utf8.lexicographicallyPrecedes(b.code.utf8)
        }.prefix(n))
    }
}

/// The per-dossier counts of one evaluation.
struct DossierTally {
    var received: Int64 = 0
    var receivedSynced: Int64 = 0
    var receivedOnline: Int64 = 0
    var receivedFeeBearing: Int64 = 0
    var receivedFeeBearingPaidOnline: Int64 = 0
    var active: Int64 = 0
    var activeOnTime: Int64 = 0
    var activeWrittenResult: Int64 = 0
    var activeWrittenResultElectronic: Int64 = 0
    var activeDigitized: Int64 = 0
    var activeReused: Int64 = 0
    var activePersonalStore: Int64 = 0
    var activePopulationData: Int64 = 0
    var activeSatisfied: Int64 = 0
    var named: [(String, Int64)] {
        [("received", received), ("received.synced", receivedSynced), ("received.online", receivedOnline), ("received.feeBearing", receivedFeeBearing), ("received.feeBearing.paidOnline", receivedFeeBearingPaidOnline), ("active", active), ("active.onTime", activeOnTime), ("active.writtenResult", activeWrittenResult), ("active.writtenResult.electronic", activeWrittenResultElectronic), ("active.digitized", activeDigitized), ("active.reused", activeReused), ("active.personalStore", activePersonalStore), ("active.populationData", activePopulationData), ("active.satisfied", activeSatisfied)]
    }
}

/// 3.2's observed pairs: for each unit, the distinct procedures of which it received an online dossier
/// in W, by code (a fold) or by procedure ordinal (the tallies, with `codes` to name them).
public struct OnlineReceipts: Sendable {
    public var byCode: [String: [String]] = [:]
    public var byOrdinal: [String: [Int32]] = [:]
    public var codes: [String] = []
    public init() {}
}

/// A (procedure, unit) pair of 3.2.
public struct Pair: Hashable, Sendable {
    public var procedure: String
    public var unit: String
    public init(procedure: String, unit: String) { self.procedure = procedure; self.unit = unit }
}

/// 2.2's value (details.md 11): the mean of `count` working times summed in `totalMicros`, in units
/// of 8 working hours, rounded half away from zero to 2 decimals exactly, in integers (details.md 20:
/// no floating point on the way; 1.005 must give 1.01). Nil when no dossier qualifies.
public func meanWorkingDays(totalMicros: Int64, count: Int64) -> Double? {
    guard count > 0 else { return nil }
    let unit: UInt64 = 8 * 3_600_000_000
    let negative = totalMicros < 0
    // hundredths = round(100 · |total| / (unit · count)), half away from zero: ⌊(200·|total| + d) / 2d⌋.
    let d = unit.multipliedReportingOverflow(by: UInt64(count))
    guard !d.overflow else { return nil }
    let (high, low) = totalMicros.magnitude.multipliedFullWidth(by: 200)
    let (sum, carry) = low.addingReportingOverflow(d.partialValue)
    let twice = d.partialValue.multipliedReportingOverflow(by: 2)
    guard !twice.overflow, high &+ (carry ? 1 : 0) < twice.partialValue else { return nil }
    let hundredths = twice.partialValue.dividingFullWidth((high &+ (carry ? 1 : 0), sum)).quotient
    let value = Double(hundredths) / 100
    return negative ? -value : value
}

/// Rounds half away from zero to `places` decimals.
public func roundHalfAwayFromZero(_ x: Double, places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
}
