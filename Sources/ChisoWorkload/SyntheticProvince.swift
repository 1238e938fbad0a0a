import ChisoCore

/// The static part of a synthetic stream: the unit tree, the procedure catalogue, and the
/// province-level events scheduled over the span (announcements, publications,
/// re-declarations, service changes, the merge). Built once from the options.
struct SyntheticProvince: Sendable {
    var units: [SyntheticUnit] = []
    /// Unit indices of departments and communes.
    var departments: [Int32] = []
    var communes: [Int32] = []
    /// Cumulative population weights of `communes`.
    var communeCumulative: [Double] = []
    var procedures: [SyntheticProcedure] = []
    var procedureCumulative: [Double] = []
    /// The most popular procedure (never abolished): the fallback pick.
    var topProcedure = 0
    var declarations: [SyntheticDeclaration] = []
    /// Catalogue and span events, in no particular order (the queue sorts them).
    var scheduled: [PendingEvent] = []
    /// The merged commune, the commune it merges into, and when (nil below 2 communes).
    var merge: (unit: Int32, into: Int32, at: LocalSeconds)?

    /// Local midnight of `from` / `to`, and the catalogue instant (one hour before `from`).
    let spanStart: LocalSeconds
    let spanEnd: LocalSeconds
    let catalogueAt: LocalSeconds
    let firstDay: Int
    let dayCount: Int
    let week: WorkingWeek

    init(options: WorkloadOptions) {
        firstDay = options.from.daysSinceEpoch
        dayCount = max(0, options.to.daysSinceEpoch - firstDay)
        spanStart = Int64(firstDay) * .day
        spanEnd = Int64(options.to.daysSinceEpoch) * .day
        catalogueAt = min(spanStart, spanEnd) - .hour
        week = WorkingWeek(firstDay: firstDay - 40, lastDay: firstDay + dayCount + 400)
        var rng = SeededRandom(seed: options.seed, stream: 1)
        buildUnits(options: options, rng: &rng)
        buildProcedures(root: options.rootCode, rng: &rng)
        scheduleSpan(rng: &rng)
    }

    // MARK: Units

    private mutating func buildUnits(options: WorkloadOptions, rng: inout SeededRandom) {
        let total = max(1, options.units)
        let departmentCount = total >= 4 ? max(1, total * 12 / 100) : 0
        let communeCount = total - 1 - departmentCount
        let root = options.rootCode
        units.append(SyntheticUnit(code: root, name: VietnameseNames.province(code: root), level: .province, parent: nil))
        var width = 2
        while departmentCount >= pow10(width) { width += 1 }
        for i in 0..<departmentCount {
            departments.append(Int32(units.count))
            units.append(SyntheticUnit(code: root + "." + zeroPadded(i + 1, width: width),
                                       name: VietnameseNames.department(i), level: .department, parent: 0))
        }
        var communeBase = 100
        while communeBase <= departmentCount || communeBase < pow10(width) { communeBase *= 10 }
        var total0 = 0.0
        for j in 0..<max(0, communeCount) {
            communes.append(Int32(units.count))
            let ward = rng.chance(0.15)
            units.append(SyntheticUnit(code: root + "." + String(communeBase + 1 + j),
                                       name: VietnameseNames.commune(j, ward: ward), level: .commune, parent: 0))
            total0 += 0.3 + 2 * rng.unit() * rng.unit() + (ward ? 1 : 0)
            communeCumulative.append(total0)
        }
    }

    // MARK: Procedures

    private mutating func buildProcedures(root: String, rng: inout SeededRandom) {
        let count = units.count * 2 + 40
        // Popularity: Zipf-like (1 / (rank + 3)) over a random ranking.
        var ranks = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { ranks.swapAt(i, rng.below(i + 1)) }
        var number = 1000
        var cumulative = 0.0
        let fees: [Int64] = [10_000, 20_000, 25_000, 30_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]
        for i in 0..<count {
            let rank = ranks[i]
            if rank == 0 { topProcedure = i }
            number += 1 + rng.below(3)
            // A procedure code has one owner (details.md 14, 15): another province's codes carry its
            // code, so that two generated provinces can share a database without taking each
            // other's procedures. H44 keeps the portal's plain form.
            let code = (root == "H44" ? "" : root + "-") + "1.00" + String(number)
            var levels: [SyntheticUnitLevel] = []
            var named: [Int] = []
            let r = rng.unit()
            if communes.isEmpty && departments.isEmpty {
                levels = [.province]
            } else if departments.isEmpty {
                levels = communes.isEmpty || r < 0.1 ? [.province] : [.commune]
            } else if communes.isEmpty {
                levels = [.department]
            } else if r < 0.45 {
                levels = [.commune]
            } else if r < 0.60 {
                levels = [.department]
            } else if r < 0.80 {
                named = [Int(departments[rng.below(departments.count)])]
                if rng.chance(0.3) {
                    let other = Int(departments[rng.below(departments.count)])
                    if other != named[0] { named.append(other) }
                }
            } else if r < 0.90 {
                levels = [.province]
                named = [Int(departments[rng.below(departments.count)])]
            } else {
                levels = [.commune, .department]
            }
            let online: SyntheticOnlineLevel
            if rank < 10 {
                online = rng.chance(0.8) ? .full : .partial
            } else {
                let o = rng.unit()
                online = o < 0.10 ? .none : (o < 0.40 ? .partial : .full)
            }
            let feeBearing = rng.chance(0.4)
            let duration = SyntheticProvince.randomDuration(&rng)
            let weight = 1.0 / Double(rank + 3)
            cumulative += weight
            procedureCumulative.append(cumulative)
            procedures.append(SyntheticProcedure(
                code: code, codeJSON: LineWriter.quoted(code),
                nameJSON: LineWriter.quoted(VietnameseNames.procedure(i)),
                authorityLevels: levels, authorityUnits: named,
                onlineLevel: online, feeBearing: feeBearing,
                fee: feeBearing ? fees[rng.below(fees.count)] : 0,
                writtenResult: rng.chance(0.9), citizenSubject: rng.chance(0.88),
                contentComplete: rng.chance(0.97), duration: duration, weight: weight,
                onlineFrom: online == .none ? .max : .min, abolishedFrom: .max))
            declarations.append(SyntheticDeclaration(procedure: i, onlineLevel: online,
                                                     contentComplete: procedures[i].contentComplete, abolished: false))
        }
    }

    private static func randomDuration(_ rng: inout SeededRandom) -> ProcessingLimit? {
        let r = rng.unit()
        if r < 0.03 { return nil }
        if r < 0.75 {
            let values = [1, 2, 3, 3, 5, 5, 5, 7, 7, 10, 10, 12, 15, 15, 20]
            return ProcessingLimit(value: values[rng.below(values.count)], unit: .workingDays)
        }
        if r < 0.85 {
            let values = [4, 8, 8, 16, 24, 24, 40, 48]
            return ProcessingLimit(value: values[rng.below(values.count)], unit: .hours)
        }
        if r < 0.96 {
            let values = [3, 5, 7, 10, 15, 30]
            return ProcessingLimit(value: values[rng.below(values.count)], unit: .days)
        }
        return ProcessingLimit(value: 1 + rng.below(3), unit: .months)
    }

    // MARK: Span schedule

    /// A random working instant on a random working day in [from, to) (a weekend day if none).
    func randomWorkingInstant(_ rng: inout SeededRandom, inSecondHalf: Bool = false) -> LocalSeconds {
        let first = inSecondHalf ? dayCount / 2 : 0
        var day = firstDay + first + rng.below(max(1, dayCount - first))
        for _ in 0..<10 where !week.isWorkingDay(day) {
            day = firstDay + first + rng.below(max(1, dayCount - first))
        }
        return workingInstant(on: day, &rng)
    }

    /// A random instant in working hours of `day` (08:00–11:30 on a day off: a weekend desk).
    func workingInstant(on day: Int, _ rng: inout SeededRandom) -> LocalSeconds {
        let base = Int64(day) * .day
        if !week.isWorkingDay(day) { return base + WorkingWeek.morningStart + rng.between(0, 12_599) }
        let u = rng.between(0, .workingDay - 1)
        return base + (u < 4 * .hour ? WorkingWeek.morningStart + u : WorkingWeek.afternoonStart + u - 4 * .hour)
    }

    private mutating func scheduleSpan(rng: inout SeededRandom) {
        // Catalogue: units, services, procedures.
        for i in units.indices {
            var e = PendingEvent(at: catalogueAt, kind: .unitDeclared)
            e.unit = Int32(i)
            scheduled.append(e)
        }
        var servicedCommunes: [Int32] = []
        var laterCandidates: [Int32] = []
        for c in communes {
            if rng.chance(0.5) {
                var e = PendingEvent(at: catalogueAt, kind: .unitService)
                e.unit = c
                e.flags = 1
                scheduled.append(e)
                servicedCommunes.append(c)
            } else {
                laterCandidates.append(c)
            }
        }
        for i in 0..<procedures.count {
            var e = PendingEvent(at: catalogueAt, kind: .procedureDeclared)
            e.unit = 0
            e.b = Int32(i)
            scheduled.append(e)
        }
        guard dayCount > 0 else {
            if communes.count >= 2, let merged = communes.last {
                merge = (merged, communes[0], catalogueAt + 1)
                var e = PendingEvent(at: catalogueAt + 1, kind: .unitMerged)
                e.unit = merged
                e.b = communes[0]
                scheduled.append(e)
            }
            return
        }

        // Communes that start offering e-certified copies during the span; one that stops.
        for c in laterCandidates where rng.chance(0.2) {
            var e = PendingEvent(at: randomWorkingInstant(&rng), kind: .unitService)
            e.unit = c
            e.flags = 1
            scheduled.append(e)
        }
        if servicedCommunes.count >= 3 {
            var e = PendingEvent(at: randomWorkingInstant(&rng, inSecondHalf: true), kind: .unitService)
            e.unit = servicedCommunes[rng.below(servicedCommunes.count)]
            e.flags = 0
            scheduled.append(e)
        }

        // The merge: the last commune into the first, at midnight in the middle of the span.
        if communes.count >= 2, let merged = communes.last {
            let at = Int64(firstDay + dayCount / 2) * .day
            merge = (merged, communes[0], at)
            var e = PendingEvent(at: at, kind: .unitMerged)
            e.unit = merged
            e.b = communes[0]
            scheduled.append(e)
        }

        // One abolished procedure: the least popular one.
        var abolished = 0
        var lowest = Double.infinity
        for (i, p) in procedures.enumerated() where p.weight < lowest { lowest = p.weight; abolished = i }

        // Re-declarations with a changed attribute, applied in time order.
        var changes: [(at: LocalSeconds, procedure: Int)] = []
        for _ in 0..<max(1, procedures.count * 3 / 100) {
            let p = rng.below(procedures.count)
            if p != abolished { changes.append((randomWorkingInstant(&rng), p)) }
        }
        changes.sort { $0.at != $1.at ? $0.at < $1.at : $0.procedure < $1.procedure }
        for change in changes {
            var p = procedures[change.procedure]
            if p.onlineLevel == .none {
                p.onlineLevel = .partial
                p.onlineFrom = change.at
            } else if !p.contentComplete {
                p.contentComplete = true
            } else if p.onlineLevel == .partial {
                p.onlineLevel = .full
            } else {
                continue
            }
            procedures[change.procedure] = p
            declarations.append(SyntheticDeclaration(procedure: change.procedure, onlineLevel: p.onlineLevel,
                                                     contentComplete: p.contentComplete, abolished: false))
            var e = PendingEvent(at: change.at, kind: .procedureDeclared)
            e.unit = 0
            e.b = Int32(declarations.count - 1)
            scheduled.append(e)
        }
        let abolishAt = randomWorkingInstant(&rng, inSecondHalf: true)
        procedures[abolished].abolishedFrom = abolishAt
        declarations.append(SyntheticDeclaration(procedure: abolished, onlineLevel: procedures[abolished].onlineLevel,
                                                 contentComplete: procedures[abolished].contentComplete, abolished: true))
        var abolition = PendingEvent(at: abolishAt, kind: .procedureDeclared)
        abolition.unit = 0
        abolition.b = Int32(declarations.count - 1)
        scheduled.append(abolition)

        // Announcements (1.1) and their publications (1.2).
        let announcements = max(2, procedures.count * max(dayCount, 30) / 1000)
        for _ in 0..<announcements {
            let at = randomWorkingInstant(&rng)
            let decided = Int(at.floorDivided(by: .day))
            let effective: Int
            if rng.chance(0.85) {
                effective = week.workingDay(5 + rng.below(26), after: decided) + rng.below(8)
            } else if rng.chance(0.5) {
                effective = week.workingDay(rng.below(4), after: decided)
            } else {
                effective = decided - 1 - rng.below(30)
            }
            let procedure = Int32(rng.below(procedures.count))
            var e = PendingEvent(at: at, kind: .procedureAnnounced)
            e.unit = 0
            e.b = procedure
            e.a = Int64(decided)
            e.c = Int32(effective)
            scheduled.append(e)
            if rng.chance(0.93) {
                let lag = rng.chance(0.85) ? rng.below(6) : 6 + rng.below(12)
                let day = week.workingDay(lag, after: decided)
                var published = PendingEvent(at: workingInstant(on: day, &rng), kind: .procedurePublished)
                if published.at <= at { published.at = at + 600 }
                published.unit = 0
                published.b = procedure
                if published.at < spanEnd { scheduled.append(published) }
            }
        }
    }
}

private func pow10(_ n: Int) -> Int {
    var r = 1
    for _ in 0..<n { r *= 10 }
    return r
}

private func zeroPadded(_ n: Int, width: Int) -> String {
    var s = String(n)
    while s.count < width { s = "0" + s }
    return s
}
