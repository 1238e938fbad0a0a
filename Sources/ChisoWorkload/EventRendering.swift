/// Writing one pending event as its JSON line (events.md: envelope, then the type's fields).
extension StreamRun {
    mutating func render(_ e: PendingEvent, id: Int64) {
        writer.raw("{\"id\":\"")
        writer.raw(idPrefix)
        writer.padded(id, width: idWidth)
        writer.raw("\",\"type\":\"")
        writer.raw(StreamRun.typeNames[Int(e.kind.rawValue)])
        writer.raw("\",\"at\":")
        writer.timestamp(e.at)
        if e.kind != .eventRetracted {
            writer.raw(",\"unit\":")
            writer.raw(province.units[Int(e.unit)].codeJSON)
        }
        switch e.kind {
        case .unitDeclared:
            let unit = province.units[Int(e.unit)]
            writer.raw(",\"name\":")
            writer.raw(unit.nameJSON)
            writer.raw(",\"parent\":")
            if let parent = unit.parent { writer.raw(province.units[parent].codeJSON) } else { writer.raw("null") }
            writer.raw(",\"level\":\"")
            switch unit.level {
            case .province: writer.raw("province")
            case .department: writer.raw("department")
            case .commune: writer.raw("commune")
            }
            writer.raw("\"")
        case .unitService:
            writer.raw(",\"eCertifiedCopy\":")
            writer.bool(e.flags & 1 != 0)
        case .unitMerged:
            writer.raw(",\"into\":")
            writer.raw(province.units[Int(e.b)].codeJSON)
        case .procedureDeclared:
            renderDeclaration(province.declarations[Int(e.b)])
        case .procedureAnnounced:
            procedureField(Int(e.b))
            writer.raw(",\"decidedAt\":")
            writer.date(day: Int(e.a))
            writer.raw(",\"effectiveAt\":")
            writer.date(day: Int(e.c))
        case .procedurePublished:
            procedureField(Int(e.b))
        case .dossierSubmitted:
            dossierField(e)
            procedureField(Int(e.b))
            writer.raw(",\"channel\":\"online\"")
        case .dossierReceived:
            dossierField(e)
            procedureField(Int(e.b))
            writer.raw(",\"channel\":")
            channel(e.flags & 3)
            if e.a != PendingEvent.noValue {
                writer.raw(",\"due\":")
                writer.timestamp(e.a)
            }
            writer.raw(",\"components\":[")
            let count = Int(e.c & 7)
            for i in 0..<count {
                let bits = (e.c >> (3 + 3 * Int32(i))) & 7
                writer.raw(i == 0 ? "{\"digitized\":" : ",{\"digitized\":")
                writer.bool(bits & 1 != 0)
                writer.raw(",\"reused\":")
                writer.bool(bits & 2 != 0)
                writer.raw(",\"fromPersonalStore\":")
                writer.bool(bits & 4 != 0)
                writer.raw("}")
            }
            writer.raw("],\"populationData\":")
            writer.bool(e.flags & 4 != 0)
            let procedure = province.procedures[Int(e.b)]
            if procedure.feeBearing {
                writer.raw(",\"fee\":")
                writer.int(e.flags & 8 != 0 ? 0 : procedure.fee)
            }
        case .dossierRefused:
            dossierField(e)
            writer.raw(",\"reason\":")
            writer.raw(VietnameseNames.refusalReasonsJSON[Int(e.flags)])
        case .dossierTransferred:
            dossierField(e)
            writer.raw(",\"to\":")
            writer.raw(province.units[Int(e.b)].codeJSON)
        case .dossierSupplementRequested:
            dossierField(e)
            writer.raw(",\"reason\":")
            writer.raw(VietnameseNames.supplementReasonsJSON[Int(e.flags)])
        case .dossierSupplemented, .dossierWithdrawn, .dossierSynced:
            dossierField(e)
        case .dossierPaid:
            dossierField(e)
            writer.raw(",\"amount\":")
            writer.int(province.procedures[Int(e.b)].fee)
            writer.raw(",\"online\":")
            writer.bool(e.flags & 1 != 0)
            writer.raw(",\"gateway\":")
            switch e.flags & 6 {
            case 2: writer.raw("\"national\"")
            case 4: writer.raw("\"local\"")
            default: writer.raw("null")
            }
        case .dossierApologized:
            dossierField(e)
            writer.raw(",\"newDue\":")
            writer.timestamp(e.a)
            writer.raw(",\"reason\":")
            writer.raw(VietnameseNames.apologyReasonsJSON[Int(e.flags)])
        case .dossierFinished:
            dossierField(e)
            writer.raw(e.flags & 1 != 0 ? ",\"outcome\":\"rejected\"" : ",\"outcome\":\"approved\"")
            writer.raw(",\"electronicResult\":")
            writer.bool(e.flags & 2 != 0)
            writer.raw(",\"pushedToPersonalStore\":")
            writer.bool(e.flags & 4 != 0)
        case .dossierReturned:
            dossierField(e)
            writer.raw(",\"channel\":")
            channel(e.flags & 3)
        case .dossierStopped:
            dossierField(e)
            writer.raw(",\"reason\":")
            writer.raw(VietnameseNames.stopReasonsJSON[Int(e.flags)])
        case .dossierRated:
            dossierField(e)
            switch e.flags {
            case 0: writer.raw(",\"rating\":\"satisfied\"")
            case 1: writer.raw(",\"rating\":\"neutral\"")
            default: writer.raw(",\"rating\":\"unsatisfied\"")
            }
        case .petitionFiled:
            petitionField(e)
            switch e.flags & 3 {
            case 0: writer.raw(",\"category\":\"procedure\"")
            case 1: writer.raw(",\"category\":\"staff\"")
            default: writer.raw(",\"category\":\"other\"")
            }
            if e.flags & 4 != 0 {
                writer.raw(",\"dossier\":\"")
                dossierCode(serial: e.b, unit: e.c, day: Int(e.a))
                writer.raw("\"")
            }
        case .petitionTransferred:
            petitionField(e)
            writer.raw(",\"to\":")
            writer.raw(province.units[Int(e.b)].codeJSON)
        case .petitionAnswered, .petitionReraised:
            petitionField(e)
        case .petitionRated:
            petitionField(e)
            writer.raw(",\"satisfied\":")
            writer.bool(e.flags & 1 != 0)
        case .eventRetracted:
            writer.raw(",\"target\":\"")
            writer.raw(idPrefix)
            writer.padded(e.a, width: idWidth)
            writer.raw("\"")
        }
        writer.raw("}")
    }

    private mutating func renderDeclaration(_ d: SyntheticDeclaration) {
        let p = province.procedures[d.procedure]
        procedureField(d.procedure)
        writer.raw(",\"name\":")
        writer.raw(p.nameJSON)
        writer.raw(",\"authority\":[")
        var first = true
        for level in p.authorityLevels {
            writer.raw(first ? "\"" : ",\"")
            switch level {
            case .province: writer.raw("province")
            case .department: writer.raw("department")
            case .commune: writer.raw("commune")
            }
            writer.raw("\"")
            first = false
        }
        for unit in p.authorityUnits {
            if !first { writer.raw(",") }
            writer.raw(province.units[unit].codeJSON)
            first = false
        }
        writer.raw("],\"onlineLevel\":")
        switch d.onlineLevel {
        case .none: writer.raw("\"none\"")
        case .partial: writer.raw("\"partial\"")
        case .full: writer.raw("\"full\"")
        }
        writer.raw(",\"feeBearing\":")
        writer.bool(p.feeBearing)
        writer.raw(",\"writtenResult\":")
        writer.bool(p.writtenResult)
        writer.raw(",\"citizenSubject\":")
        writer.bool(p.citizenSubject)
        writer.raw(",\"contentComplete\":")
        writer.bool(d.contentComplete)
        if let duration = p.duration {
            writer.raw(",\"duration\":{\"value\":")
            writer.int(Int64(duration.value))
            switch duration.unit {
            case .hours: writer.raw(",\"unit\":\"hours\"}")
            case .days: writer.raw(",\"unit\":\"days\"}")
            case .workingDays: writer.raw(",\"unit\":\"workingDays\"}")
            case .months: writer.raw(",\"unit\":\"months\"}")
            }
        }
        if d.abolished { writer.raw(",\"abolished\":true") }
    }

    private mutating func procedureField(_ index: Int) {
        writer.raw(",\"procedure\":")
        writer.raw(province.procedures[index].codeJSON)
    }

    private mutating func channel(_ code: UInt16) {
        switch code {
        case 1: writer.raw("\"online\"")
        case 2: writer.raw("\"postal\"")
        default: writer.raw("\"direct\"")
        }
    }

    /// `"dossier":"<receiving unit>-<YYMMDD>-<serial>"`, e.g. `H44.105-260803-000123`.
    private mutating func dossierField(_ e: PendingEvent) {
        writer.raw(",\"dossier\":\"")
        dossierCode(serial: e.subject, unit: e.subjectUnit, day: Int(e.subjectDay))
        writer.raw("\"")
    }

    private mutating func dossierCode(serial: Int32, unit: Int32, day: Int) {
        writer.raw(province.units[Int(unit)].codeEscaped)
        writer.raw("-")
        writer.compactDate(day: day)
        writer.raw("-")
        writer.padded(Int64(serial), width: 6)
    }

    /// `"petition":"PAKN-<root>-<YYMMDD>-<serial>"`.
    private mutating func petitionField(_ e: PendingEvent) {
        writer.raw(",\"petition\":\"PAKN-")
        writer.raw(province.units[0].codeEscaped)
        writer.raw("-")
        writer.compactDate(day: Int(e.subjectDay))
        writer.raw("-")
        writer.padded(Int64(e.subject), width: 5)
        writer.raw("\"")
    }

    static let typeNames: [StaticString] = [
        "unit.declared", "unit.service", "unit.merged", "procedure.declared", "procedure.announced",
        "procedure.published", "dossier.submitted", "dossier.received", "dossier.refused",
        "dossier.transferred", "dossier.supplementRequested", "dossier.supplemented", "dossier.paid",
        "dossier.apologized", "dossier.finished", "dossier.returned", "dossier.withdrawn",
        "dossier.stopped", "dossier.synced", "dossier.rated", "petition.filed", "petition.transferred",
        "petition.answered", "petition.rated", "petition.reraised", "event.retracted",
    ]
}
