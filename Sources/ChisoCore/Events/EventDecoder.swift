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
        return try decode(FieldReader(object: o, zone: zone))
    }

    /// The event on one line, read straight from its bytes without a JSON tree (docs/performance.md
    /// item 28), or nil when the line is anything but a valid event of the usual shape: not JSON, not
    /// an object, a key with an escape or outside ASCII, more than 32 members, a field missing or
    /// wrong. Then `decode(JSONParser.parse(bytes))` gives the same event or names what is wrong;
    /// whenever this gives an event, that gives the same one (tests compare them over mutated lines).
    public func decodeLine(_ bytes: UnsafeRawBufferPointer) -> Event? {
        decodeLineWithLogFields(bytes)?.event
    }

    /// `decodeLine`, with where the line's `id` and `type` are in its bytes when both are written
    /// without escapes (nil otherwise), so that the line can be appended to the log without its event.
    public func decodeLineWithLogFields(_ bytes: UnsafeRawBufferPointer) -> (event: Event, log: LogFields?)? {
        withUnsafeTemporaryAllocation(of: LineObject.Member.self, capacity: LineObject.capacity) { storage -> (event: Event, log: LogFields?)? in
            guard let members = storage.baseAddress, let line = LineObject.scan(bytes, into: members, flagKeys: FieldReader.componentFlags),
                  let event = try? decode(FieldReader(line: line, zone: zone)) else { return nil }
            // The type's bytes are the log's `type` only when they spell a type's name exactly, as
            // `eventType` matched them (a name Swift finds equal to one but spelled otherwise would not).
            guard let id = line.index(of: "id"), line.members[id].kind == .plainString,
                  let type = line.index(of: "type"), line.members[type].kind == .plainString,
                  EventType(bytes: line.plainText(line.members[type])) != nil else { return (event, nil) }
            let idRange = line.textRange(line.members[id])
            return (event, LogFields(id: idRange, type: line.textRange(line.members[type]), at: event.at.micros,
                                     idHash: LogFields.hash(UnsafeRawBufferPointer(rebasing: bytes[idRange]))))
        }
    }

    func decode(_ r: FieldReader) throws(Rejection) -> Event {
        let id = try r.string("id")
        guard !id.isEmpty else { throw .invalidValue(field: "id", problem: "is empty; give every event a unique id") }
        // At most 128 bytes is at most 128 scalars: they are counted only when there may be more.
        if id.utf8.count > 128 {
            let scalars = id.unicodeScalars.count
            guard scalars <= 128 else { throw .invalidValue(field: "id", problem: "has \(scalars) characters; the limit is 128") }
        }
        let type = try r.eventType()
        let at = try r.instant("at")
        let body: EventBody
        switch type {
        case .known(.unitDeclared):
            body = .unitDeclared(unit: try r.unitCode("unit"), name: try r.string("name"),
                                 parent: try r.optionalUnitCode("parent"), level: try r.enumValue("level", UnitLevel.self))
        case .known(.unitMerged):
            body = .unitMerged(unit: try r.unitCode("unit"), into: try r.unitCode("into"))
        case .known(.unitService):
            body = .unitService(unit: try r.unitCode("unit"), eCertifiedCopy: try r.bool("eCertifiedCopy"))
        case .known(.procedureDeclared):
            body = .procedureDeclared(try r.procedureDeclaration())
        case .known(.procedureAnnounced):
            body = .procedureAnnounced(procedure: try r.code("procedure"), unit: try r.unitCode("unit"),
                                       decidedAt: try r.date("decidedAt"), effectiveAt: try r.date("effectiveAt"))
        case .known(.procedurePublished):
            body = .procedurePublished(procedure: try r.code("procedure"), unit: try r.unitCode("unit"))
        case .known(.eventRetracted):
            // `target` is an id, so 1–128 scalars (details.md 3): a longer one could only wait for ever.
            // `unit` is optional here (details.md 1) but, when given, a code like any other.
            let target = try r.code("target")
            let length = target.unicodeScalars.count
            guard length <= 128 else {
                throw .invalidValue(field: "target", problem: "has \(length) characters, and an event id has at most 128; give the id of the event to retract")
            }
            _ = try r.optionalCode("unit")
            body = .retracted(target: target)
        case .known(.dossier(let action)):
            let dossier = try r.code("dossier")
            let unit = try r.unitCode("unit")
            body = .dossier(dossier: dossier, unit: unit, action: try r.dossierAction(action))
        case .known(.petition(let action)):
            let petition = try r.code("petition")
            let unit = try r.unitCode("unit")
            body = .petition(petition: petition, unit: unit, action: try r.petitionAction(action))
        case .unknown(let name):
            // An unknown type is said to be one before any field it would need is missed
            // (events.md "Bad input": the reason sends the producer to what is wrong).
            throw .unknownType(name)
        }
        return Event(id: id, at: at, body: body)
    }

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
/// The object is a parsed tree or the members of one line found in its bytes (`LineObject`); the
/// rules below are the same for both.
struct FieldReader {
    enum Fields {
        case tree(JSONObject)
        case line(LineObject)
    }

    let fields: Fields
    let zone: Zone

    init(object: JSONObject, zone: Zone) {
        self.fields = .tree(object)
        self.zone = zone
    }

    init(line: LineObject, zone: Zone) {
        self.fields = .line(line)
        self.zone = zone
    }

    /// The member named `key` as written (`.null` for null), or nil when absent.
    func value(_ key: StaticString) -> JSONValue? {
        switch fields {
        case .tree(let object): return object[key]
        case .line(let line): return line.value(key)
        }
    }

    /// The member, or nil when absent or null (details.md 1: null in an optional field = absent).
    func member(_ key: StaticString) -> JSONValue? {
        guard let v = value(key), !v.isNull else { return nil }
        return v
    }

    /// What `type` names: one of events.md's types, or the unknown name as `string("type")` gives it.
    /// A line's bytes are compared with the names without making a string.
    func eventType() throws(Rejection) -> EventType.Reading {
        if case .line(let line) = fields, let k = line.index(of: "type"), line.members[k].kind == .plainString,
           let type = EventType(bytes: line.plainText(line.members[k])) {
            return .known(type)
        }
        let name = try string("type")
        return EventType(name: name).map { .known($0) } ?? .unknown(name)
    }

    func string(_ key: StaticString) throws(Rejection) -> String {
        guard let v = member(key) else { throw .missingField(key.description) }
        guard case .string(let s) = v else { throw .wrongType(field: key.description, expected: "a string", found: EventDecoder.kindName(v)) }
        return s
    }

    func optionalString(_ key: StaticString) throws(Rejection) -> String? {
        guard let v = member(key) else { return nil }
        guard case .string(let s) = v else { throw .wrongType(field: key.description, expected: "a string", found: EventDecoder.kindName(v)) }
        return s
    }

    func code(_ key: StaticString) throws(Rejection) -> String {
        let s = try string(key)
        guard !s.isEmpty else {
            // `target` names an event by its id; every other code field names a unit, dossier, procedure or petition.
            throw .invalidValue(field: key.description, problem: key.description == "target" ? "is empty; give the id of the event to retract" : "is an empty code; give \(FieldReader.codeNoun(key.description))")
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

    func optionalCode(_ key: StaticString) throws(Rejection) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard !s.isEmpty else { throw .invalidValue(field: key.description, problem: "is an empty code; give a code or null") }
        return s
    }

    /// A unit code, in NFC (`UnitCode.normalized`): two spellings of one code are one unit.
    func unitCode(_ key: StaticString) throws(Rejection) -> String { UnitCode.normalized(try code(key)) }

    func optionalUnitCode(_ key: StaticString) throws(Rejection) -> String? { try optionalCode(key).map(UnitCode.normalized) }

    func bool(_ key: StaticString) throws(Rejection) -> Bool {
        guard let b = try optionalBool(key) else { throw .missingField(key.description) }
        return b
    }

    func optionalBool(_ key: StaticString) throws(Rejection) -> Bool? {
        guard let v = member(key) else { return nil }
        guard case .bool(let b) = v else { throw .wrongType(field: key.description, expected: "true or false", found: EventDecoder.kindName(v)) }
        return b
    }

    func optionalNonNegative(_ key: StaticString, in obj: JSONObject? = nil, path: String? = nil) throws(Rejection) -> Double? {
        let found: JSONValue? = if let obj { obj[key] } else { value(key) }
        guard let v = found, !v.isNull else { return nil }
        let name = path ?? key.description
        guard case .number(let n) = v else { throw .wrongType(field: name, expected: "a number", found: EventDecoder.kindName(v)) }
        // By the literal, not its nearest Double: -1e-400 is below zero though it rounds to -0.0.
        guard !n.isNegative else { throw .invalidValue(field: name, problem: "is \(n.text); it must be ≥ 0") }
        return max(0, n.double)
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ key: StaticString, _ type: E.Type) throws(Rejection) -> E where E.RawValue == String {
        let s = try string(key)
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map { $0.rawValue }.joined(separator: ", ")
            throw .invalidValue(field: key.description, problem: "is \(jsonQuoted(s)); expected one of: \(allowed)")
        }
        return e
    }

    func instant(_ key: StaticString) throws(Rejection) -> Instant {
        guard let t = try optionalInstant(key) else { throw .missingField(key.description) }
        return t
    }

    func optionalInstant(_ key: StaticString) throws(Rejection) -> Instant? {
        // From a line's bytes without making a string, when it is a valid timestamp; else as below,
        // which names the problem.
        if case .line(let line) = fields, let k = line.index(of: key), line.members[k].kind == .plainString,
           case .instant(let t) = Timestamp.read(line.plainText(line.members[k])), fitsYears(t) {
            return t
        }
        guard let v = member(key) else { return nil }
        guard case .string(let s) = v else { throw .wrongType(field: key.description, expected: "an RFC 3339 timestamp string", found: EventDecoder.kindName(v)) }
        guard let t = Timestamp.parseInstant(s) else { throw .badTimestamp(field: key.description, text: s, problem: Timestamp.problem(with: s)) }
        // An instant is written back in the engine's zone (RFC 3339: years 0000–9999), so one that
        // falls outside those years there, like 0000-01-01T00:00:00+23:59, is impossible here.
        guard fitsYears(t) else {
            let year = zone.localDate(of: t).year
            throw .badTimestamp(field: key.description, text: s, problem: "falls in the year \(year) in the engine's time zone, outside 0000–9999")
        }
        return t
    }

    /// Whether `t` falls in the years 0000–9999 in the engine's zone.
    func fitsYears(_ t: Instant) -> Bool {
        let year = zone.localDate(of: t).year
        return year >= 0 && year <= 9999
    }

    func date(_ key: StaticString) throws(Rejection) -> LocalDate {
        let s = try string(key)
        guard let d = Timestamp.parseDate(s, zone: zone) else {
            throw .badTimestamp(field: key.description, text: s, problem: "is not a date (YYYY-MM-DD) nor an RFC 3339 timestamp")
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

    /// The flags of a receipt's `components`, in the order `dossierAction` reads them from a line.
    static let componentFlags: [StaticString] = ["digitized", "reused", "fromPersonalStore"]

    func dossierAction(_ type: EventType.DossierType) throws(Rejection) -> DossierAction {
        switch type {
        case .submitted:
            _ = try string("channel")
            return .submitted(procedure: try code("procedure"))
        case .received:
            let procedure = try code("procedure")
            let channel = try enumValue("channel", Channel.self)
            let due = try optionalInstant("due")
            var digitized = false, reused = false, personal = false
            if case .line(let line) = fields, let k = line.index(of: "components"), line.members[k].kind == .flatObjects {
                // Objects of `true`, `false` and `null` only, read in the line's bytes: a flag is set
                // when some component has it `true`, as below.
                digitized = line.anyTrue(flag: 0, in: line.members[k])
                reused = line.anyTrue(flag: 1, in: line.members[k])
                personal = line.anyTrue(flag: 2, in: line.members[k])
            } else if let cv = member("components") {
                guard case .array(let items) = cv else { throw .wrongType(field: "components", expected: "a list of objects", found: EventDecoder.kindName(cv)) }
                for (i, item) in items.enumerated() {
                    guard case .object(let c) = item else { throw .wrongType(field: "components[\(i)]", expected: "an object", found: EventDecoder.kindName(item)) }
                    let cr = FieldReader(object: c, zone: zone)
                    func flag(_ k: StaticString) throws(Rejection) -> Bool {
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
        case .refused:
            _ = try optionalString("reason")
            return .refused
        case .transferred:
            return .transferred(to: try unitCode("to"))
        case .supplementRequested:
            _ = try optionalString("reason")
            return .supplementRequested
        case .supplemented:
            return .supplemented
        case .paid:
            _ = try optionalNonNegative("amount")
            let online = try bool("online")
            if let g = member("gateway") {
                guard case .string(let s) = g else { throw .wrongType(field: "gateway", expected: "\"national\", \"local\" or null", found: EventDecoder.kindName(g)) }
                guard s == "national" || s == "local" else { throw .invalidValue(field: "gateway", problem: "is \(jsonQuoted(s)); expected national, local or null") }
            }
            return .paid(online: online)
        case .apologized:
            _ = try optionalString("reason")
            return .apologized(newDue: try optionalInstant("newDue"))
        case .finished:
            let outcome = try string("outcome")
            guard outcome == "approved" || outcome == "rejected" else {
                throw .invalidValue(field: "outcome", problem: "is \(jsonQuoted(outcome)); expected one of: approved, rejected")
            }
            return .finished(approved: outcome == "approved",
                             electronicResult: try optionalBool("electronicResult") ?? false,
                             pushedToPersonalStore: try optionalBool("pushedToPersonalStore") ?? false)
        case .returned:
            _ = try optionalString("channel")
            return .returned
        case .withdrawn:
            return .withdrawn
        case .stopped:
            _ = try optionalString("reason")
            return .stopped
        case .synced:
            return .synced
        case .rated:
            return .rated(try enumValue("rating", Rating.self))
        }
    }

    func petitionAction(_ type: EventType.PetitionType) throws(Rejection) -> PetitionAction {
        switch type {
        case .filed:
            return .filed(category: try enumValue("category", PetitionCategory.self), dossier: try optionalCode("dossier"))
        case .transferred:
            return .transferred(to: try unitCode("to"))
        case .answered:
            return .answered
        case .rated:
            return .rated(satisfied: try bool("satisfied"))
        case .reraised:
            return .reraised
        }
    }
}

/// The event types of events.md, as `EventDecoder` tells them apart.
enum EventType: Equatable {
    case unitDeclared, unitMerged, unitService
    case procedureDeclared, procedureAnnounced, procedurePublished
    case eventRetracted
    case dossier(DossierType)
    case petition(PetitionType)

    enum DossierType: CaseIterable {
        case submitted, received, refused, transferred, supplementRequested, supplemented, paid, apologized
        case finished, returned, withdrawn, stopped, synced, rated
    }

    enum PetitionType: CaseIterable {
        case filed, transferred, answered, rated, reraised
    }

    /// A `type` as read: a type of events.md, or a name that is none of them.
    enum Reading {
        case known(EventType)
        case unknown(String)
    }

    /// Every type with its name, the most frequent first.
    static let all: [(name: StaticString, type: EventType)] = [
        ("dossier.received", .dossier(.received)), ("dossier.synced", .dossier(.synced)),
        ("dossier.finished", .dossier(.finished)), ("dossier.returned", .dossier(.returned)),
        ("dossier.paid", .dossier(.paid)), ("dossier.rated", .dossier(.rated)),
        ("dossier.supplementRequested", .dossier(.supplementRequested)), ("dossier.submitted", .dossier(.submitted)),
        ("dossier.supplemented", .dossier(.supplemented)), ("dossier.transferred", .dossier(.transferred)),
        ("dossier.withdrawn", .dossier(.withdrawn)), ("dossier.stopped", .dossier(.stopped)),
        ("dossier.apologized", .dossier(.apologized)), ("dossier.refused", .dossier(.refused)),
        ("petition.filed", .petition(.filed)), ("petition.answered", .petition(.answered)),
        ("petition.rated", .petition(.rated)), ("petition.transferred", .petition(.transferred)),
        ("petition.reraised", .petition(.reraised)),
        ("procedure.declared", .procedureDeclared), ("procedure.announced", .procedureAnnounced),
        ("procedure.published", .procedurePublished),
        ("unit.declared", .unitDeclared), ("unit.merged", .unitMerged), ("unit.service", .unitService),
        ("event.retracted", .eventRetracted),
    ]

    private static let byName: [String: EventType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name.description, $0.type) })

    /// The type named `name`, or nil.
    init?(name: String) {
        guard let type = EventType.byName[name] else { return nil }
        self = type
    }

    /// The type whose name is the bytes `text`, or nil.
    init?(bytes text: UnsafeBufferPointer<UInt8>) {
        guard let start = text.baseAddress else { return nil }
        for (name, type) in EventType.all where name.utf8CodeUnitCount == text.count && sameBytes(start, name.utf8Start, text.count) {
            self = type
            return
        }
        return nil
    }
}

/// Where a line's `id` and `type` are in its bytes, its instant, and a hash of its id: what appending
/// it to the log needs, without its `Event` (`EventStore.appendEvents`; docs/performance.md item 29).
public struct LogFields: Sendable, Equatable {
    public var id: Range<Int>
    public var type: Range<Int>
    public var at: Int64
    /// FNV-1a of the id's bytes: two lines whose hashes differ have different ids.
    public var idHash: UInt64

    public init(id: Range<Int>, type: Range<Int>, at: Int64, idHash: UInt64) {
        self.id = id; self.type = type; self.at = at; self.idHash = idHash
    }

    /// FNV-1a, 64 bits.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
