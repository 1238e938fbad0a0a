/// The kind of a scheduled event: one per `type` of events.md that comes after the catalogue.
enum EventKind: UInt8 {
    case unitDeclared, unitService, unitMerged, procedureDeclared, procedureAnnounced, procedurePublished
    case dossierSubmitted, dossierReceived, dossierRefused, dossierTransferred
    case dossierSupplementRequested, dossierSupplemented, dossierPaid, dossierApologized
    case dossierFinished, dossierReturned, dossierWithdrawn, dossierStopped, dossierSynced, dossierRated
    case petitionFiled, petitionTransferred, petitionAnswered, petitionRated, petitionReraised
    case eventRetracted
}

/// A compact, not-yet-rendered event waiting in the time-ordered queue.
///
/// Rendering happens when the event is delivered (its id is given then), so the queue holds
/// small fixed-size values instead of text. Field meanings by kind:
/// - dossier events: `subject` = dossier serial, `subjectUnit`/`subjectDay` = the receiving
///   unit and day that make up the dossier code; `unit` = processing unit at `at`.
/// - `dossierReceived`: `b` = procedure, `a` = due (or `noValue`), `c` = components
///   (count in bits 0–2, then 3 bits per component), `flags` = channel (bits 0–1),
///   populationData (bit 2), fee exempt (bit 3).
/// - `dossierSubmitted`: `b` = procedure. `dossierTransferred`: `b` = target unit.
/// - `dossierPaid`: `b` = procedure (amount = its fee), `flags` bit 0 online, bits 1–2 gateway.
/// - `dossierApologized`: `a` = new due, `flags` = reason. Reasons of refusal, stop and
///   supplement requests: `flags`.
/// - `dossierFinished`: `flags` bit 0 rejected, bit 1 electronic result, bit 2 pushed.
/// - `dossierReturned`: `flags` = channel. `dossierRated`: `flags` = rating.
/// - petition events: `subject` = petition serial, `subjectDay` = filing day; `petitionFiled`:
///   `flags` = category (bits 0–1), has dossier (bit 2); `b`/`c`/`a` = the dossier's serial,
///   unit and day. `petitionTransferred`: `b` = target. `petitionRated`: `flags` = satisfied.
/// - `unitDeclared`: `unit` = the unit. `unitService`: `flags` = eCertifiedCopy. `unitMerged`: `b` = into.
/// - `procedureDeclared`: `b` = declaration index. `procedureAnnounced`: `b` = procedure,
///   `a` = decided day, `c` = effective day. `procedurePublished`: `b` = procedure.
/// - `eventRetracted`: `a` = the target's id number.
struct PendingEvent {
    static let noValue = Int64.min

    var at: LocalSeconds
    var seq: Int64 = 0
    var kind: EventKind
    var flags: UInt16 = 0
    var unit: Int32 = -1
    var subject: Int32 = 0
    var subjectUnit: Int32 = 0
    var subjectDay: Int32 = 0
    var a: Int64 = PendingEvent.noValue
    var b: Int32 = 0
    var c: Int32 = 0

    init(at: LocalSeconds, kind: EventKind) {
        self.at = at
        self.kind = kind
    }

    @inline(__always) static func precedes(_ x: PendingEvent, _ y: PendingEvent) -> Bool {
        x.at != y.at ? x.at < y.at : x.seq < y.seq
    }
}

/// A binary min-heap of pending events ordered by (`at`, insertion order).
struct EventQueue {
    private var items: [PendingEvent] = []
    private var nextSeq: Int64 = 0

    var count: Int { items.count }
    var earliest: PendingEvent? { items.first }

    mutating func push(_ event: PendingEvent) {
        var e = event
        e.seq = nextSeq
        nextSeq += 1
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if PendingEvent.precedes(items[i], items[parent]) {
                items.swapAt(i, parent)
                i = parent
            } else { break }
        }
    }

    mutating func pop() -> PendingEvent? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return first }
        items[0] = last
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && PendingEvent.precedes(items[l], items[m]) { m = l }
            if r < n && PendingEvent.precedes(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return first
    }
}
