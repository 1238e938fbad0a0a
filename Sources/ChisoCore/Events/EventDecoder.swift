/// Turns a parsed JSON object into a validated `Event` (events.md, details.md 1–2).
///
/// Required fields must be present and non-null; optional ones may be absent or null
/// (the same thing). Codes are non-empty strings; numbers are finite and never booleans;
/// `fee`, `amount` and `duration.value` are ≥ 0; enums are checked where events.md lists values.
public struct EventDecoder: Sendable {
    /// The engine's time zone, used to reduce a timestamp in `decidedAt`/`effectiveAt` to a date.
    public var zone: Zone

    public init(zone: Zone = .vietnam) { self.zone = zone }

    public func decode(_ value: JSONValue) throws(Rejection) -> Event {
        guard case .object(let o) = value else { throw .notObject(found: Self.kindName(value)) }
        let r = FieldReader(object: o, zone: zone)
        let id = try r.string("id")
        let scalars = id.unicodeScalars.count
        guard scalars >= 1 else { throw .invalidValue(field: "id", problem: "is empty; give every event a unique id") }
        guard scalars <= 128 else { throw .invalidValue(field: "id", problem: "has \(scalars) characters; the limit is 128") }
        let type = try r.string("type")
        let at = try r.instant("at")
        let body: EventBody
        switch type {
        case "unit.declared":
            body = .unitDeclared(unit: try r.unitCode("unit"), name: try r.string("name"),
                                 parent: try r.optionalUnitCode("parent"), level: try r.enumValue("level", UnitLevel.self))
        case "unit.merged":
            body = .unitMerged(unit: try r.unitCode("unit"), into: try r.unitCode("into"))
        case "unit.service":
            body = .unitService(unit: try r.unitCode("unit"), eCertifiedCopy: try r.bool("eCertifiedCopy"))
        case "procedure.declared":
            body = .procedureDeclared(try r.procedureDeclaration())
        case "procedure.announced":
            body = .procedureAnnounced(procedure: try r.code("procedure"), unit: try r.unitCode("unit"),
                                       decidedAt: try r.date("decidedAt"), effectiveAt: try r.date("effectiveAt"))
        case "procedure.published":
            body = .procedurePublished(procedure: try r.code("procedure"), unit: try r.unitCode("unit"))
        case "event.retracted":
            // `target` is an id, so 1–128 scalars (details.md 3): a longer one could only wait for ever.
            // `unit` is optional here (details.md 1) but, when given, a code like any other.
            let target = try r.code("target")
            let length = target.unicodeScalars.count
            guard length <= 128 else {
                throw .invalidValue(field: "target", problem: "has \(length) characters, and an event id has at most 128; give the id of the event to retract")
            }
            _ = try r.optionalCode("unit")
            body = .retracted(target: target)
        default:
            // An unknown type is said to be one before any field it would need is missed
            // (events.md "Bad input": the reason sends the producer to what is wrong).
            if EventDecoder.dossierTypes.contains(type) {
                let dossier = try r.code("dossier")
                let unit = try r.unitCode("unit")
                body = .dossier(dossier: dossier, unit: unit, action: try r.dossierAction(type))
            } else if EventDecoder.petitionTypes.contains(type) {
                let petition = try r.code("petition")
                let unit = try r.unitCode("unit")
                body = .petition(petition: petition, unit: unit, action: try r.petitionAction(type))
            } else {
                throw .unknownType(type)
            }
        }
        return Event(id: id, at: at, body: body)
    }

    /// The dossier event types of events.md, each decoded by `FieldReader.dossierAction`.
    static let dossierTypes: Set<String> = [
        "dossier.submitted", "dossier.received", "dossier.refused", "dossier.transferred", "dossier.supplementRequested",
        "dossier.supplemented", "dossier.paid", "dossier.apologized", "dossier.finished", "dossier.returned",
        "dossier.withdrawn", "dossier.stopped", "dossier.synced", "dossier.rated",
    ]
    /// The petition event types of events.md, each decoded by `FieldReader.petitionAction`.
    static let petitionTypes: Set<String> = [
        "petition.filed", "petition.transferred", "petition.answered", "petition.rated", "petition.reraised",
    ]

    static func kindName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Reads typed fields out of one event object, throwing the rejection a producer needs to see.
struct FieldReader {
    let object: JSONObject
    let zone: Zone

    /// The member, or nil when absent or null (details.md 1: null in an optional field = absent).
    func member(_ key: String) -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(Rejection) -> String {
        guard let v = member(key) else { throw .missingField(key) }
        guard case .string(let s) = v else { throw .wrongType(field: key, expected: "a string", found: EventDecoder.kindName(v)) }
        return s
    }

    func optionalString(_ key: String) throws(Rejection) -> String? {
        guard let v = member(key) else { return nil }
        guard case .string(let s) = v else { throw .wrongType(field: key, expected: "a string", found: EventDecoder.kindName(v)) }
        return s
    }

    func code(_ key: String) throws(Rejection) -> String {
        let s = try string(key)
        guard !s.isEmpty else {
            // `target` names an event by its id; every other code field names a unit, dossier, procedure or petition.
            throw .invalidValue(field: key, problem: key == "target" ? "is empty; give the id of the event to retract" : "is an empty code; give \(FieldReader.codeNoun(key))")
        }
        return s
    }

    /// What a code field names, for a message: "a unit code" for `unit`, `to`, `into`, `parent`.
    static func codeNoun(_ key: String) -> String {
        switch key {
        case "unit", "to", "into", "parent": return "a unit code"
        case "dossier", "procedure", "petition": return "a \(key) code"
        default: return "a code"
        }
    }

    func optionalCode(_ key: String) throws(Rejection) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard !s.isEmpty else { throw .invalidValue(field: key, problem: "is an empty code; give a code or null") }
        return s
    }

    /// A unit code, in NFC (`UnitCode.normalized`): two spellings of one code are one unit.
    func unitCode(_ key: String) throws(Rejection) -> String { UnitCode.normalized(try code(key)) }

    func optionalUnitCode(_ key: String) throws(Rejection) -> String? { try optionalCode(key).map(UnitCode.normalized) }

    func bool(_ key: String) throws(Rejection) -> Bool {
        guard let b = try optionalBool(key) else { throw .missingField(key) }
        return b
    }

    func optionalBool(_ key: String) throws(Rejection) -> Bool? {
        guard let v = member(key) else { return nil }
        guard case .bool(let b) = v else { throw .wrongType(field: key, expected: "true or false", found: EventDecoder.kindName(v)) }
        return b
    }

    func optionalNonNegative(_ key: String, in obj: JSONObject? = nil, path: String? = nil) throws(Rejection) -> Double? {
        let source = obj ?? object
        guard let v = source[key], !v.isNull else { return nil }
        let name = path ?? key
        guard case .number(let n) = v else { throw .wrongType(field: name, expected: "a number", found: EventDecoder.kindName(v)) }
        // By the literal, not its nearest Double: -1e-400 is below zero though it rounds to -0.0.
        guard !n.isNegative else { throw .invalidValue(field: name, problem: "is \(n.text); it must be ≥ 0") }
        return max(0, n.double)
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(Rejection) -> E where E.RawValue == String {
        let s = try string(key)
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map { $0.rawValue }.joined(separator: ", ")
            throw .invalidValue(field: key, problem: "is \(jsonQuoted(s)); expected one of: \(allowed)")
        }
        return e
    }

    func instant(_ key: String) throws(Rejection) -> Instant {
        guard let t = try optionalInstant(key) else { throw .missingField(key) }
        return t
    }

    func optionalInstant(_ key: String) throws(Rejection) -> Instant? {
        guard let v = member(key) else { return nil }
        guard case .string(let s) = v else { throw .wrongType(field: key, expected: "an RFC 3339 timestamp string", found: EventDecoder.kindName(v)) }
        guard let t = Timestamp.parseInstant(s) else { throw .badTimestamp(field: key, text: s, problem: Timestamp.problem(with: s)) }
        // An instant is written back in the engine's zone (RFC 3339: years 0000–9999), so one that
        // falls outside those years there, like 0000-01-01T00:00:00+23:59, is impossible here.
        let year = zone.localDate(of: t).year
        guard year >= 0, year <= 9999 else {
            throw .badTimestamp(field: key, text: s, problem: "falls in the year \(year) in the engine's time zone, outside 0000–9999")
        }
        return t
    }

    func date(_ key: String) throws(Rejection) -> LocalDate {
        let s = try string(key)
        guard let d = Timestamp.parseDate(s, zone: zone) else {
            throw .badTimestamp(field: key, text: s, problem: "is not a date (YYYY-MM-DD) nor an RFC 3339 timestamp")
        }
        return d
    }

    func procedureDeclaration() throws(Rejection) -> ProcedureDeclaration {
        let procedure = try code("procedure")
        let name = try string("name")
        let unit = try unitCode("unit")
        guard let av = member("authority") else { throw .missingField("authority") }
        guard case .array(let items) = av else { throw .wrongType(field: "authority", expected: "a list of unit codes or levels", found: EventDecoder.kindName(av)) }
        var authority: [String] = []
        authority.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                throw .wrongType(field: "authority[\(i)]", expected: "a non-empty unit code or level name", found: EventDecoder.kindName(item))
            }
            guard !s.isEmpty else {
                throw .invalidValue(field: "authority[\(i)]", problem: "is an empty code; give a unit code or a level name (ministry, province, department, commune, agency)")
            }
            authority.append(UnitCode.normalized(s))
        }
        var duration: ProcedureDuration?
        if let dv = member("duration") {
            guard case .object(let d) = dv else { throw .wrongType(field: "duration", expected: "an object {value, unit}", found: EventDecoder.kindName(dv)) }
            guard let value = try optionalNonNegative("value", in: d, path: "duration.value") else { throw .missingField("duration.value") }
            guard let uv = d["unit"], !uv.isNull else { throw .missingField("duration.unit") }
            guard case .string(let us) = uv else { throw .wrongType(field: "duration.unit", expected: "a string", found: EventDecoder.kindName(uv)) }
            guard let unit = DurationUnit(rawValue: us) else {
                throw .invalidValue(field: "duration.unit", problem: "is \(jsonQuoted(us)); expected one of: hours, days, workingDays, months")
            }
            duration = ProcedureDuration(value: value, unit: unit)
        }
        return ProcedureDeclaration(
            procedure: procedure, name: name, unit: unit, authority: authority,
            onlineLevel: try enumValue("onlineLevel", OnlineLevel.self),
            feeBearing: try bool("feeBearing"),
            writtenResult: try optionalBool("writtenResult") ?? true,
            citizenSubject: try optionalBool("citizenSubject") ?? true,
            contentComplete: try optionalBool("contentComplete") ?? true,
            duration: duration,
            abolished: try optionalBool("abolished") ?? false)
    }

    func dossierAction(_ type: String) throws(Rejection) -> DossierAction {
        switch type {
        case "dossier.submitted":
            _ = try string("channel")
            return .submitted(procedure: try code("procedure"))
        case "dossier.received":
            let procedure = try code("procedure")
            let channel = try enumValue("channel", Channel.self)
            let due = try optionalInstant("due")
            var digitized = false, reused = false, personal = false
            if let cv = member("components") {
                guard case .array(let items) = cv else { throw .wrongType(field: "components", expected: "a list of objects", found: EventDecoder.kindName(cv)) }
                for (i, item) in items.enumerated() {
                    guard case .object(let c) = item else { throw .wrongType(field: "components[\(i)]", expected: "an object", found: EventDecoder.kindName(item)) }
                    let cr = FieldReader(object: c, zone: zone)
                    func flag(_ k: String) throws(Rejection) -> Bool {
                        do { return try cr.optionalBool(k) ?? false } catch {
                            // The reader's own rejection, named by the component's path.
                            guard case .wrongType(_, let expected, let found) = error else { throw error }
                            throw .wrongType(field: "components[\(i)].\(k)", expected: expected, found: found)
                        }
                    }
                    if try flag("digitized") { digitized = true }
                    if try flag("reused") { reused = true }
                    if try flag("fromPersonalStore") { personal = true }
                }
            }
            let population = try optionalBool("populationData") ?? false
            let fee = try optionalNonNegative("fee") ?? 0
            return .received(Receipt(procedure: procedure, channel: channel, due: due, anyDigitized: digitized, anyReused: reused,
                                      anyFromPersonalStore: personal, populationData: population, fee: fee))
        case "dossier.refused":
            _ = try optionalString("reason")
            return .refused
        case "dossier.transferred":
            return .transferred(to: try unitCode("to"))
        case "dossier.supplementRequested":
            _ = try optionalString("reason")
            return .supplementRequested
        case "dossier.supplemented":
            return .supplemented
        case "dossier.paid":
            _ = try optionalNonNegative("amount")
            let online = try bool("online")
            if let g = member("gateway") {
                guard case .string(let s) = g else { throw .wrongType(field: "gateway", expected: "\"national\", \"local\" or null", found: EventDecoder.kindName(g)) }
                guard s == "national" || s == "local" else { throw .invalidValue(field: "gateway", problem: "is \(jsonQuoted(s)); expected national, local or null") }
            }
            return .paid(online: online)
        case "dossier.apologized":
            _ = try optionalString("reason")
            return .apologized(newDue: try optionalInstant("newDue"))
        case "dossier.finished":
            let outcome = try string("outcome")
            guard outcome == "approved" || outcome == "rejected" else {
                throw .invalidValue(field: "outcome", problem: "is \(jsonQuoted(outcome)); expected one of: approved, rejected")
            }
            return .finished(approved: outcome == "approved",
                             electronicResult: try optionalBool("electronicResult") ?? false,
                             pushedToPersonalStore: try optionalBool("pushedToPersonalStore") ?? false)
        case "dossier.returned":
            _ = try optionalString("channel")
            return .returned
        case "dossier.withdrawn":
            return .withdrawn
        case "dossier.stopped":
            _ = try optionalString("reason")
            return .stopped
        case "dossier.synced":
            return .synced
        case "dossier.rated":
            return .rated(try enumValue("rating", Rating.self))
        default:
            throw .unknownType(type)
        }
    }

    func petitionAction(_ type: String) throws(Rejection) -> PetitionAction {
        switch type {
        case "petition.filed":
            return .filed(category: try enumValue("category", PetitionCategory.self), dossier: try optionalCode("dossier"))
        case "petition.transferred":
            return .transferred(to: try unitCode("to"))
        case "petition.answered":
            return .answered
        case "petition.rated":
            return .rated(satisfied: try bool("satisfied"))
        case "petition.reraised":
            return .reraised
        default:
            throw .unknownType(type)
        }
    }
}
