/// One validated event of the input stream (events.md).
///
/// The envelope (`id`, `type`, `at`) is common to all; `body` holds the typed fields that
/// scoring reads. Unknown extra fields are not represented here: the log keeps the raw line.
public struct Event: Sendable, Equatable {
    /// Globally unique event id, the idempotency key (1–128 Unicode scalars, details.md 3).
    public var id: String
    /// When it happened in the real world.
    public var at: Instant
    public var body: EventBody

    public init(id: String, at: Instant, body: EventBody) {
        self.id = id; self.at = at; self.body = body
    }

    /// The `type` string as written in the stream, e.g. `dossier.received`.
    public var type: String { body.typeName }
}

/// A unit's level in the administrative tree (cấp: bộ, tỉnh, sở, xã, cơ quan).
public enum UnitLevel: String, Sendable, CaseIterable {
    case ministry, province, department, commune, agency

    /// Whether `entry` is a level's name: an `authority` entry that is one names the level, never a
    /// unit with that code (details.md 15).
    public static func isName(_ entry: String) -> Bool { UnitLevel(rawValue: entry) != nil }
}

/// How a dossier was filed (`channel` of `dossier.received`).
public enum Channel: String, Sendable, CaseIterable {
    case direct, online, postal
}

/// A procedure's level of online provision (`onlineLevel`): none, partial (một phần) or full (toàn trình).
public enum OnlineLevel: String, Sendable, CaseIterable {
    case none, partial, full
}

/// An applicant's rating of a dossier's handling.
public enum Rating: String, Sendable, CaseIterable {
    case satisfied, neutral, unsatisfied
}

/// The subject of a petition (phản ánh, kiến nghị): rules and procedures, staff conduct, or other.
public enum PetitionCategory: String, Sendable, CaseIterable {
    case procedure, staff, other
}

/// One procedure (thủ tục hành chính, TTHC) of the catalogue as declared by `procedure.declared`.
public struct ProcedureDeclaration: Sendable, Equatable {
    /// The procedure code (mã TTHC).
    public var procedure: String
    public var name: String
    /// The root unit (province or ministry) whose catalogue holds it.
    public var unit: String
    /// Unit codes or level names that handle it (details.md 15).
    public var authority: [String]
    public var onlineLevel: OnlineLevel
    public var feeBearing: Bool
    public var writtenResult: Bool
    public var citizenSubject: Bool
    public var contentComplete: Bool
    public var duration: ProcedureDuration?
    public var abolished: Bool

    public init(procedure: String, name: String, unit: String, authority: [String], onlineLevel: OnlineLevel,
                feeBearing: Bool, writtenResult: Bool = true, citizenSubject: Bool = true,
                contentComplete: Bool = true, duration: ProcedureDuration? = nil, abolished: Bool = false) {
        self.procedure = procedure; self.name = name; self.unit = unit; self.authority = authority
        self.onlineLevel = onlineLevel; self.feeBearing = feeBearing; self.writtenResult = writtenResult
        self.citizenSubject = citizenSubject; self.contentComplete = contentComplete
        self.duration = duration; self.abolished = abolished
    }
}

/// The fields of `dossier.received` that scoring reads (events.md "Dossier events").
public struct Receipt: Sendable, Equatable {
    public var procedure: String
    public var channel: Channel
    /// The appointment printed on the receipt; nil = computed from the procedure's duration.
    public var due: Instant?
    /// At least one component is `digitized` (4.2).
    public var anyDigitized: Bool
    /// At least one component is `reused` (4.3).
    public var anyReused: Bool
    /// At least one component comes `fromPersonalStore` (4.4).
    public var anyFromPersonalStore: Bool
    /// Applicant identified through VNeID or the population database (4.5).
    public var populationData: Bool
    /// Fees and charges due (≥ 0).
    public var fee: Double

    public init(procedure: String, channel: Channel, due: Instant? = nil, anyDigitized: Bool = false,
                anyReused: Bool = false, anyFromPersonalStore: Bool = false, populationData: Bool = false, fee: Double = 0) {
        self.procedure = procedure; self.channel = channel; self.due = due; self.anyDigitized = anyDigitized
        self.anyReused = anyReused; self.anyFromPersonalStore = anyFromPersonalStore
        self.populationData = populationData; self.fee = fee
    }
}

/// What happened to a dossier (hồ sơ) in one event.
public enum DossierAction: Sendable, Equatable {
    case submitted(procedure: String)
    case received(Receipt)
    case refused
    case transferred(to: String)
    case supplementRequested
    case supplemented
    case paid(online: Bool)
    case apologized(newDue: Instant?)
    case finished(approved: Bool, electronicResult: Bool, pushedToPersonalStore: Bool)
    case returned
    case withdrawn
    case stopped
    case synced
    case rated(Rating)
    /// Not an event type of its own: a `petition.filed` that names this dossier, recorded on the
    /// dossier for 5.4 ("not the subject of a petition filed before E").
    case petitionFiled(petition: String)

    /// True for the actions that end processing (events.md "Lifecycle and the clock").
    public var isEnd: Bool {
        switch self {
        case .finished, .returned, .withdrawn, .stopped: return true
        default: return false
        }
    }
}

/// What happened to a petition (phản ánh, kiến nghị — PAKN) in one event.
public enum PetitionAction: Sendable, Equatable {
    case filed(category: PetitionCategory, dossier: String?)
    case transferred(to: String)
    case answered
    case rated(satisfied: Bool)
    case reraised
}

/// The typed body of an event, one case per `type` of events.md.
public enum EventBody: Sendable, Equatable {
    case unitDeclared(unit: String, name: String, parent: String?, level: UnitLevel)
    case unitMerged(unit: String, into: String)
    case unitService(unit: String, eCertifiedCopy: Bool)
    case procedureDeclared(ProcedureDeclaration)
    case procedureAnnounced(procedure: String, unit: String, decidedAt: LocalDate, effectiveAt: LocalDate)
    case procedurePublished(procedure: String, unit: String)
    case dossier(dossier: String, unit: String, action: DossierAction)
    case petition(petition: String, unit: String, action: PetitionAction)
    case retracted(target: String)

    public var typeName: String {
        switch self {
        case .unitDeclared: return "unit.declared"
        case .unitMerged: return "unit.merged"
        case .unitService: return "unit.service"
        case .procedureDeclared: return "procedure.declared"
        case .procedureAnnounced: return "procedure.announced"
        case .procedurePublished: return "procedure.published"
        case .retracted: return "event.retracted"
        case .dossier(_, _, let action):
            switch action {
            case .submitted: return "dossier.submitted"
            case .received: return "dossier.received"
            case .refused: return "dossier.refused"
            case .transferred: return "dossier.transferred"
            case .supplementRequested: return "dossier.supplementRequested"
            case .supplemented: return "dossier.supplemented"
            case .paid: return "dossier.paid"
            case .apologized: return "dossier.apologized"
            case .finished: return "dossier.finished"
            case .returned: return "dossier.returned"
            case .withdrawn: return "dossier.withdrawn"
            case .stopped: return "dossier.stopped"
            case .synced: return "dossier.synced"
            case .rated: return "dossier.rated"
            case .petitionFiled: return "petition.filed"
            }
        case .petition(_, _, let action):
            switch action {
            case .filed: return "petition.filed"
            case .transferred: return "petition.transferred"
            case .answered: return "petition.answered"
            case .rated: return "petition.rated"
            case .reraised: return "petition.reraised"
            }
        }
    }

    /// Whether this event belongs to the catalogue (units and procedures) rather than to a dossier or petition.
    public var isCatalogue: Bool {
        switch self {
        case .unitDeclared, .unitMerged, .unitService, .procedureDeclared, .procedureAnnounced, .procedurePublished: return true
        default: return false
        }
    }
}
