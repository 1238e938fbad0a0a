/// One pass of the generator: walks the span day by day, plans each day's dossiers and
/// petitions into a time-ordered queue, and delivers everything older than the planning
/// horizon. Memory holds only the events still ahead of the horizon plus a small buffer of
/// lines held back for late delivery.
struct StreamRun {
    let province: SyntheticProvince
    let faults: Bool
    let idPrefix: [UInt8]
    let idWidth: Int
    var rng: SeededRandom
    var deliveryRng: SeededRandom
    var correctionRng: SeededRandom
    var queue = EventQueue()
    var writer = LineWriter()
    var nextId: Int64 = 1
    var dossierSerial: Int32 = 0
    var petitionSerial: Int32 = 0
    /// Lines held back: released once `delivered` reaches `release`.
    var heldBack: [(release: Int, line: String)] = []
    var nextRelease = Int.max
    var delivered = 0

    init(province: SyntheticProvince, options: WorkloadOptions, idWidth: Int) {
        self.province = province
        self.faults = options.deliveryFaults
        self.idPrefix = Array(("g" + String(options.seed) + "-").utf8)
        self.idWidth = idWidth
        rng = SeededRandom(seed: options.seed, stream: 2)
        deliveryRng = SeededRandom(seed: options.seed, stream: 3)
        correctionRng = SeededRandom(seed: options.seed, stream: 4)
    }

    // MARK: The day loop

    mutating func run(dossiers: Int, stoppingWhen stop: () -> Bool = { false }, _ emit: (String) -> Void) {
        for e in province.scheduled { queue.push(e) }
        let quotas = dayQuotas(total: dossiers)
        var petitionBacklog = 0.0
        for offset in 0..<province.dayCount {
            if stop() { return }
            let day = province.firstDay + offset
            for _ in 0..<quotas[offset] { planDossier(day: day) }
            petitionBacklog += Double(quotas[offset]) * 0.0075
            while petitionBacklog >= 1 || (petitionBacklog > 0 && rng.chance(petitionBacklog)) {
                petitionBacklog -= 1
                planFreePetition(day: day)
            }
            if petitionBacklog < 0 { petitionBacklog = 0 }
            // Nothing planned from now on starts before the previous day (submissions lead
            // their receipt by under two days), so everything before it can go out.
            deliverQueued(before: Int64(day - 1) * .day, emit)
        }
        deliverQueued(before: .max, emit)
        releaseAll(emit)
    }

    /// How many dossiers arrive each day: weekdays busy (Monday most), days off nearly idle.
    private mutating func dayQuotas(total: Int) -> [Int] {
        let n = province.dayCount
        guard n > 0, total > 0 else { return [Int](repeating: 0, count: n) }
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let day = province.firstDay + i
            var w: Double
            if province.week.isWorkingDay(day) {
                switch (day + 3) % 7 + 1 {  // ISO weekday for days after 1970
                case 1: w = 1.15
                case 5: w = 0.9
                default: w = 1.0
                }
            } else {
                w = 0.05
            }
            weights[i] = w * rng.uniform(0.85, 1.15)
        }
        let sum = weights.reduce(0, +)
        var quotas = [Int](repeating: 0, count: n)
        var cumulative = 0.0
        var given = 0
        for i in 0..<n {
            cumulative += weights[i]
            let upTo = i == n - 1 ? total : Int(Double(total) * cumulative / sum)  // non-negative: truncation is floor
            quotas[i] = max(0, upTo - given)
            given += quotas[i]
        }
        return quotas
    }

    private mutating func schedule(_ e: PendingEvent) {
        if e.at < province.spanEnd { queue.push(e) }
    }

    // MARK: Dossiers

    private mutating func pickReceivingUnit(_ procedure: SyntheticProcedure, at t: LocalSeconds) -> Int32 {
        if !procedure.authorityUnits.isEmpty {
            return Int32(procedure.authorityUnits[rng.below(procedure.authorityUnits.count)])
        }
        let levels = procedure.authorityLevels
        let commune = levels.contains(.commune) && !province.communes.isEmpty
        let department = levels.contains(.department) && !province.departments.isEmpty
        if commune && (!department || rng.chance(0.7)) {
            var u = province.communes[rng.pick(cumulative: province.communeCumulative)]
            if let m = province.merge, u == m.unit, t >= m.at { u = m.into }
            return u
        }
        if department { return province.departments[rng.below(province.departments.count)] }
        return 0
    }

    private mutating func transferTarget(from unit: Int32, at t: LocalSeconds) -> Int32? {
        let level = province.units[Int(unit)].level
        let departments = province.departments, communes = province.communes
        if level == .commune && !departments.isEmpty { return departments[rng.below(departments.count)] }
        if level != .commune && departments.count >= 2 {
            for _ in 0..<4 {
                let d = departments[rng.below(departments.count)]
                if d != unit { return d }
            }
            return nil
        }
        if communes.count >= 2 {
            for _ in 0..<4 {
                var c = communes[rng.below(communes.count)]
                if let m = province.merge, c == m.unit, t >= m.at { c = m.into }
                if c != unit { return c }
            }
        }
        return nil
    }

    /// Plans one dossier received (or refused) on `day`, with its whole life.
    private mutating func planDossier(day: Int) {
        let week = province.week
        let received = province.workingInstant(on: day, &rng)
        var p = rng.pick(cumulative: province.procedureCumulative)
        var tries = 0
        while received >= province.procedures[p].abolishedFrom {
            tries += 1
            p = tries < 16 ? rng.pick(cumulative: province.procedureCumulative) : province.topProcedure
        }
        let procedure = province.procedures[p]
        let receivingUnit = pickReceivingUnit(procedure, at: received)
        let channel: UInt16  // 0 direct, 1 online, 2 postal
        if received >= procedure.onlineFrom {
            let r = rng.unit()
            channel = r < 0.80 ? 1 : (r < 0.965 ? 0 : 2)
        } else {
            channel = rng.chance(0.9) ? 0 : 2
        }
        dossierSerial += 1
        var template = PendingEvent(at: received, kind: .dossierReceived)
        template.subject = dossierSerial
        template.subjectUnit = receivingUnit
        template.subjectDay = Int32(day)
        template.unit = receivingUnit

        if channel == 1 && rng.chance(0.133) {
            var e = template
            e.kind = .dossierSubmitted
            e.at = received - rng.between(600, 2 * .day - 1)
            e.b = Int32(p)
            if e.at >= province.spanStart { schedule(e) }
        }
        if rng.chance(0.01) {
            var e = template
            e.kind = .dossierRefused
            e.flags = UInt16(rng.below(VietnameseNames.refusalReasons.count))
            schedule(e)
            return
        }

        // The due: printed on the receipt about half the time, else computed (details.md 9).
        let computedDue = week.due(receivedAt: received, duration: procedure.duration)
        var due = computedDue
        var printedDue = PendingEvent.noValue
        if rng.chance(0.5) {
            if let d = computedDue {
                printedDue = (d + 1_799).floorDivided(by: 1_800) * 1_800
            } else {
                let dueDay = week.workingDay(3 + rng.below(8), after: day)
                printedDue = Int64(dueDay) * .day + WorkingWeek.afternoonEnd
            }
            due = printedDue
        }

        // How much working time the processing takes, aiming at ~80 % on time.
        let start = week.nextWorkingMoment(received)
        var work: Int64
        if let d = due {
            let window = max(.hour, week.workingTime(from: start, to: d))
            let factor = rng.chance(0.17) ? rng.uniform(1.03, 1.9) : rng.uniform(0.08, 0.97)
            work = Int64(Double(window) * factor)
        } else {
            work = rng.between(4 * .hour, 10 * .workingDay)
        }
        work = max(600, work)

        var transferAt = LocalSeconds.max
        var transferTo: Int32 = -1
        if rng.chance(0.08) {
            let at = week.addingWorkingTime(Int64(Double(work) * rng.uniform(0.05, 0.4)), to: start)
            let before = StreamRun.unitAt(at - 1, received: receivingUnit, transferAt: .max, transferTo: -1,
                                          merge: province.merge)
            if let target = transferTarget(from: before, at: at) {
                transferAt = at
                transferTo = target
                var e = template
                e.kind = .dossierTransferred
                e.at = at
                e.unit = before
                e.b = target
                schedule(e)
            }
        }
        let merge = province.merge
        func unitAtTime(_ t: LocalSeconds) -> Int32 {
            StreamRun.unitAt(t, received: receivingUnit, transferAt: transferAt, transferTo: transferTo, merge: merge)
        }
        func maybePetition() {
            guard rng.chance(0.0075) else { return }
            let filed = received + rng.between(.hour, 20 * .day)
            let unit = unitAtTime(filed)
            planPetition(filed: filed, unit: unit, about: template)
        }

        // Supplement requests (a pause each), possibly a second one (overdue by rule).
        var end: LocalSeconds?
        var pauseTotal: Int64 = 0
        var secondRequest = false
        if rng.chance(0.12) {
            let before = Int64(Double(work) * rng.uniform(0.15, 0.6))
            let requested = week.addingWorkingTime(before, to: start)
            planSupplementRequest(template, at: requested, unit: unitAtTime(requested))
            if !rng.chance(0.08) {
                let supplemented = week.addingWorkingTime(rng.between(2 * .hour, 6 * .workingDay), to: requested)
                planSimple(template, .dossierSupplemented, at: supplemented, unit: unitAtTime(supplemented))
                pauseTotal += supplemented - requested
                var remaining = work - before
                var resume = supplemented
                if rng.chance(0.10) {
                    secondRequest = true
                    let part = Int64(Double(remaining) * rng.uniform(0.2, 0.6))
                    let again = week.addingWorkingTime(max(600, part), to: supplemented)
                    planSupplementRequest(template, at: again, unit: unitAtTime(again))
                    let back = week.addingWorkingTime(rng.between(2 * .hour, 4 * .workingDay), to: again)
                    planSimple(template, .dossierSupplemented, at: back, unit: unitAtTime(back))
                    pauseTotal += back - again
                    remaining -= part
                    resume = back
                }
                end = week.addingWorkingTime(max(600, remaining), to: resume)
            }
        } else {
            end = week.addingWorkingTime(work, to: start)
        }

        // Receipt, sync, payment.
        var receipt = template
        receipt.b = Int32(p)
        receipt.a = printedDue
        receipt.flags = channel | (rng.chance(0.45) ? 4 : 0)
        let feeExempt = procedure.feeBearing && rng.chance(0.05)
        if feeExempt { receipt.flags |= 8 }
        receipt.c = randomComponents()
        schedule(receipt)
        if rng.chance(0.95) {
            planSimple(template, .dossierSynced, at: received + rng.between(60, 4 * .hour), unit: receivingUnit)
        }
        if procedure.feeBearing && !feeExempt && rng.chance(0.97) {
            let online = channel == 1 ? rng.chance(0.92) : rng.chance(0.35)
            var e = template
            e.kind = .dossierPaid
            e.at = received + rng.between(60, online ? 2 * .hour : 1_800)
            e.unit = unitAtTime(e.at)
            e.b = Int32(p)
            e.flags = online ? (1 | (rng.chance(0.65) ? 2 : 4)) : 0
            schedule(e)
        }

        // The end, lateness by the rule of indicators.md (onTime), apology, return, rating.
        guard let endAt = end else {
            maybePetition()
            return
        }
        let late = secondRequest || (due.map { endAt - pauseTotal > $0 } ?? false)
        if let d = due, endAt - pauseTotal > d, rng.chance(0.1) {
            var e = template
            e.kind = .dossierApologized
            e.at = max(received + 60, min(d - rng.between(.hour, 6 * .hour), endAt - 60))
            e.unit = unitAtTime(e.at)
            e.a = week.addingWorkingDays(1 + rng.below(5), to: d)
            e.flags = UInt16(rng.below(VietnameseNames.apologyReasons.count))
            schedule(e)
        }
        let endRoll = rng.unit()
        var lastContact = endAt
        if endRoll < 0.905 {
            var e = template
            e.kind = .dossierFinished
            e.at = endAt
            e.unit = unitAtTime(endAt)
            let electronic = rng.chance(0.7)
            e.flags = (rng.chance(0.05) ? 1 : 0) | (electronic ? 2 : 0) | (electronic && rng.chance(0.043) ? 4 : 0)
            schedule(e)
            if rng.chance(0.8) {
                let at = week.addingWorkingTime(rng.between(1_800, 3 * .workingDay), to: endAt)
                planReturn(template, at: at, unit: unitAtTime(at), online: electronic && channel == 1)
                lastContact = at
            }
        } else if endRoll < 0.925 {
            planReturn(template, at: endAt, unit: unitAtTime(endAt), online: false)
        } else if endRoll < 0.955 {
            planSimple(template, .dossierWithdrawn, at: endAt, unit: unitAtTime(endAt))
        } else if endRoll < 0.975 {
            var e = template
            e.kind = .dossierStopped
            e.at = endAt
            e.unit = unitAtTime(endAt)
            e.flags = UInt16(rng.below(VietnameseNames.stopReasons.count))
            schedule(e)
        } else {
            // Never ends: abandoned at the desk, still open at `to`.
            maybePetition()
            return
        }
        if rng.chance(0.30) {
            var e = template
            e.kind = .dossierRated
            e.at = lastContact + rng.between(600, 3 * .day)
            e.unit = unitAtTime(e.at)
            let r = rng.unit()
            e.flags = late ? (r < 0.6 ? 0 : (r < 0.8 ? 1 : 2)) : (r < 0.88 ? 0 : (r < 0.96 ? 1 : 2))
            schedule(e)
        }
        maybePetition()
    }

    /// The processing unit at `t`: the transfer target once transferred, then the merge target
    /// once the unit is merged (details.md 13).
    private static func unitAt(_ t: LocalSeconds, received: Int32, transferAt: LocalSeconds, transferTo: Int32,
                               merge: (unit: Int32, into: Int32, at: LocalSeconds)?) -> Int32 {
        var u = t >= transferAt ? transferTo : received
        if let m = merge, u == m.unit, t >= m.at { u = m.into }
        return u
    }

    private mutating func planSimple(_ template: PendingEvent, _ kind: EventKind, at: LocalSeconds, unit: Int32) {
        var e = template
        e.kind = kind
        e.at = at
        e.unit = unit
        schedule(e)
    }

    private mutating func planSupplementRequest(_ template: PendingEvent, at: LocalSeconds, unit: Int32) {
        var e = template
        e.kind = .dossierSupplementRequested
        e.at = at
        e.unit = unit
        e.flags = UInt16(rng.below(VietnameseNames.supplementReasons.count))
        schedule(e)
    }

    private mutating func planReturn(_ template: PendingEvent, at: LocalSeconds, unit: Int32, online: Bool) {
        var e = template
        e.kind = .dossierReturned
        e.at = at
        e.unit = unit
        e.flags = online && rng.chance(0.6) ? 1 : (rng.chance(0.85) ? 0 : 2)
        schedule(e)
    }

    /// Components: 0–4, each digitised ~60 %, reused ~3 %, from the personal store ~2 %.
    private mutating func randomComponents() -> Int32 {
        let r = rng.unit()
        let count = r < 0.10 ? 0 : (r < 0.35 ? 1 : (r < 0.65 ? 2 : (r < 0.85 ? 3 : 4)))
        var packed = Int32(count)
        for i in 0..<count {
            var bits: Int32 = 0
            if rng.chance(0.6) { bits |= 1 }
            if rng.chance(0.03) { bits |= 2 }
            if rng.chance(0.02) { bits |= 4 }
            packed |= bits << (3 + 3 * i)
        }
        return packed
    }

    // MARK: Petitions

    private mutating func planFreePetition(day: Int) {
        let filed = Int64(day) * .day + 6 * .hour + rng.between(0, 16 * .hour - 1)
        let r = rng.unit()
        let unit: Int32
        if r < 0.6 && !province.communes.isEmpty {
            unit = province.communes[rng.pick(cumulative: province.communeCumulative)]
        } else if r < 0.9 && !province.departments.isEmpty {
            unit = province.departments[rng.below(province.departments.count)]
        } else {
            unit = 0
        }
        planPetition(filed: filed, unit: unit, about: nil)
    }

    /// A petition (phản ánh, kiến nghị) with its 15-working-day clock (details.md 19).
    private mutating func planPetition(filed: LocalSeconds, unit: Int32, about dossier: PendingEvent?) {
        let week = province.week
        petitionSerial += 1
        var template = PendingEvent(at: filed, kind: .petitionFiled)
        template.subject = petitionSerial
        template.subjectDay = Int32(filed.floorDivided(by: .day))
        template.unit = unit
        var e = template
        let r = rng.unit()
        e.flags = r < 0.7 ? 0 : (r < 0.95 ? 1 : 2)
        if let d = dossier {
            e.flags |= 4
            e.b = d.subject
            e.c = d.subjectUnit
            e.a = Int64(d.subjectDay)
        }
        schedule(e)
        var handler = unit
        var clockStart = filed
        if rng.chance(0.10), let target = petitionTransferTarget(from: handler) {
            let at = week.addingWorkingTime(rng.between(.hour, 3 * .workingDay), to: filed)
            var t = template
            t.kind = .petitionTransferred
            t.at = at
            t.b = target
            schedule(t)
            handler = target
            clockStart = at
        }
        template.unit = handler
        guard rng.chance(0.85) else { return }
        let onTime = rng.chance(0.9)
        let delay = onTime ? rng.between(.hour, 14 * .workingDay + 4 * .hour)
                           : rng.between(15 * .workingDay + .hour, 30 * .workingDay)
        let answered = week.addingWorkingTime(delay, to: clockStart)
        var a = template
        a.kind = .petitionAnswered
        a.at = answered
        schedule(a)
        if rng.chance(0.6) {
            var rated = template
            rated.kind = .petitionRated
            rated.at = answered + rng.between(.hour, 5 * .day)
            rated.flags = rng.chance(onTime ? 0.82 : 0.45) ? 1 : 0
            schedule(rated)
        }
        if rng.chance(0.05) {
            var again = template
            again.kind = .petitionReraised
            again.at = answered + rng.between(.day, 10 * .day)
            schedule(again)
        }
    }

    private mutating func petitionTransferTarget(from unit: Int32) -> Int32? {
        let departments = province.departments
        switch province.units[Int(unit)].level {
        case .commune:
            return departments.isEmpty ? 0 : departments[rng.below(departments.count)]
        case .department:
            return 0
        case .province:
            return departments.isEmpty ? nil : departments[rng.below(departments.count)]
        }
    }

    // MARK: Delivery

    /// Renders and delivers, in `at` order, every queued event before `horizon`.
    private mutating func deliverQueued(before horizon: LocalSeconds, _ emit: (String) -> Void) {
        while let first = queue.earliest, first.at < horizon {
            guard let event = queue.pop() else { break }
            let id = nextId
            nextId += 1
            writer.reset()
            render(event, id: id)
            let line = writer.line()
            planCorrection(of: event, id: id)
            deliver(line, mayMisbehave: faults && event.at >= province.spanStart, emit)
        }
    }

    /// A handful of dossier events turn out to be mistakes and are retracted later.
    private mutating func planCorrection(of event: PendingEvent, id: Int64) {
        let p: Double
        switch event.kind {
        case .dossierRated: p = 0.008
        case .dossierPaid: p = 0.002
        default: return
        }
        guard correctionRng.chance(p) else { return }
        var r = PendingEvent(at: event.at + correctionRng.between(.hour, 3 * .day), kind: .eventRetracted)
        r.a = id
        schedule(r)
    }

    private mutating func deliver(_ line: String, mayMisbehave: Bool, _ emit: (String) -> Void) {
        guard mayMisbehave else { send(line, emit); return }
        if deliveryRng.chance(0.02) {
            holdBack(line, until: delivered + 1_000 + deliveryRng.below(5_000))
        } else {
            send(line, emit)
        }
        if deliveryRng.chance(0.005) {
            holdBack(line, until: delivered + deliveryRng.below(2_000))
        }
    }

    private mutating func holdBack(_ line: String, until release: Int) {
        heldBack.append((release, line))
        nextRelease = min(nextRelease, release)
    }

    private mutating func send(_ line: String, _ emit: (String) -> Void) {
        emit(line)
        delivered += 1
        while delivered >= nextRelease {
            var best = -1
            for (i, held) in heldBack.enumerated() where held.release <= delivered {
                if best < 0 || held.release < heldBack[best].release { best = i }
            }
            guard best >= 0 else { break }
            let held = heldBack.remove(at: best)
            nextRelease = heldBack.map(\.release).min() ?? .max
            emit(held.line)
            delivered += 1
        }
    }

    private mutating func releaseAll(_ emit: (String) -> Void) {
        let rest = heldBack.enumerated().sorted { x, y in
            x.element.release != y.element.release ? x.element.release < y.element.release : x.offset < y.offset
        }
        heldBack.removeAll()
        nextRelease = .max
        for held in rest { emit(held.element.line); delivered += 1 }
    }
}
