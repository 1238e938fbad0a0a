import Foundation
import Testing
@testable import ChisoCore
@testable import ChisoEngine
import ChisoStore

/// The repository root, from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A fresh database path in a temporary folder.
func temporaryDatabase(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chiso-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("t.sqlite").path
}

let testIndicators = IndicatorSet(directory: repositoryRoot + "/indicators")

func openEngine(_ path: String = temporaryDatabase()) throws -> Engine {
    try Engine(path: path, calendar: testIndicators.calendar())
}

func defaultProfile() throws -> Profile { try testIndicators.profile(named: "dvcqg-2026") }

/// Ingests lines (joined by newlines) as one source.
@discardableResult
func ingest(_ engine: Engine, _ lines: [String], name: String = "test.jsonl", batchSize: Int = 2000, strict: Bool = false,
            finalNewline: Bool = true, now: Instant = instant("2027-06-01T00:00:00+07:00")) throws -> (IngestSummary, [RejectedLine]) {
    var text = lines.joined(separator: "\n")
    if finalNewline { text += "\n" }
    var rejected: [RejectedLine] = []
    let summary = try engine.ingest(LineSource.bytes(Array(text.utf8), name: name), options: IngestOptions(batchSize: batchSize, strict: strict),
                                    clock: { now }, onRejected: { rejected.append($0) })
    return (summary, rejected)
}

func instant(_ s: String) -> Instant {
    guard let t = Timestamp.parseInstant(s) else { Issue.record("bad test timestamp \(s)"); return Instant(micros: 0) }
    return t
}

/// Builders for the event lines of events.md, with +07:00 times written as "2026-08-03 09:00".
enum Line {
    static func t(_ local: String) -> String {
        // "2026-08-03 09:00" → "2026-08-03T09:00:00+07:00"
        let parts = local.split(separator: " ")
        return "\(parts[0])T\(parts.count > 1 ? String(parts[1]) : "00:00"):00+07:00"
    }
    static func unit(_ id: String, _ code: String, parent: String?, level: String, at: String = "2026-01-01 00:00", name: String? = nil) -> String {
        let p = parent.map { "\"\($0)\"" } ?? "null"
        return #"{"id":"\#(id)","type":"unit.declared","at":"\#(t(at))","unit":"\#(code)","name":"\#(name ?? "Unit " + code)","parent":\#(p),"level":"\#(level)"}"#
    }
    static func procedure(_ id: String, _ code: String, root: String = "H44", authority: [String] = ["commune"], online: String = "full",
                          fee: Bool = false, written: Bool = true, citizen: Bool = true, complete: Bool = true,
                          duration: String? = #"{"value":5,"unit":"workingDays"}"#, abolished: Bool = false, at: String = "2026-01-01 00:00") -> String {
        let auth = authority.map { "\"\($0)\"" }.joined(separator: ",")
        let d = duration.map { #","duration":\#($0)"# } ?? ""
        return #"{"id":"\#(id)","type":"procedure.declared","at":"\#(t(at))","procedure":"\#(code)","name":"P \#(code)","unit":"\#(root)","authority":[\#(auth)],"onlineLevel":"\#(online)","feeBearing":\#(fee),"writtenResult":\#(written),"citizenSubject":\#(citizen),"contentComplete":\#(complete)\#(d),"abolished":\#(abolished)}"#
    }
    static func received(_ id: String, _ dossier: String, unit: String, procedure: String = "P1", at: String, channel: String = "online",
                         due: String? = nil, extra: String = "") -> String {
        let d = due.map { #","due":"\#(t($0))""# } ?? ""
        return #"{"id":"\#(id)","type":"dossier.received","at":"\#(t(at))","unit":"\#(unit)","dossier":"\#(dossier)","procedure":"\#(procedure)","channel":"\#(channel)"\#(d)\#(extra)}"#
    }
    static func dossier(_ id: String, _ type: String, _ dossier: String, unit: String = "H44.101", at: String, extra: String = "") -> String {
        #"{"id":"\#(id)","type":"dossier.\#(type)","at":"\#(t(at))","unit":"\#(unit)","dossier":"\#(dossier)"\#(extra)}"#
    }
    static func finished(_ id: String, _ dossier: String, at: String, electronic: Bool = false, pushed: Bool = false) -> String {
        Line.dossier(id, "finished", dossier, at: at, extra: #","outcome":"approved","electronicResult":\#(electronic),"pushedToPersonalStore":\#(pushed)"#)
    }
    static func petition(_ id: String, _ type: String, _ petition: String, unit: String = "H44.101", at: String, extra: String = "") -> String {
        #"{"id":"\#(id)","type":"petition.\#(type)","at":"\#(t(at))","unit":"\#(unit)","petition":"\#(petition)"\#(extra)}"#
    }
    static func merged(_ id: String, _ unit: String, into: String, at: String) -> String {
        #"{"id":"\#(id)","type":"unit.merged","at":"\#(t(at))","unit":"\#(unit)","into":"\#(into)"}"#
    }
    static func retract(_ id: String, target: String, at: String = "2026-10-01 00:00") -> String {
        #"{"id":"\#(id)","type":"event.retracted","at":"\#(t(at))","target":"\#(target)"}"#
    }
}

/// A province H44 with one department H44.01 and two communes H44.101, H44.102, and procedure P1
/// (5 working days, online, for communes).
func smallProvince() -> [String] {
    [
        Line.unit("u0", "H44", parent: nil, level: "province", name: "Tỉnh Phú Thọ"),
        Line.unit("u1", "H44.01", parent: "H44", level: "department"),
        Line.unit("u2", "H44.101", parent: "H44", level: "commune"),
        Line.unit("u3", "H44.102", parent: "H44", level: "commune"),
        Line.procedure("p1", "P1"),
    ]
}

func snapshot(_ engine: Engine, unit: String = "H44", period: String = "2026-08", now: String = "2027-06-01T00:00:00+07:00", asOf: String? = nil) throws -> Snapshot {
    try engine.scorer(profile: defaultProfile()).snapshot(unit: unit, window: Window.parse(period), now: instant(now), asOf: asOf.map(instant))
}

/// The tallies, the records and a fold of the whole log agree (`chiso verify`), and something was compared.
func expectVerifies(_ engine: Engine, now: String = "2026-10-01T00:00:00+07:00", sourceLocation: SourceLocation = #_sourceLocation) throws {
    let report = try engine.verify(profile: defaultProfile(), now: instant(now))
    #expect(report.isClean && report.compared > 0, "\(report.differences)", sourceLocation: sourceLocation)
}
