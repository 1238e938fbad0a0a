import Foundation
import Testing

extension ChisoCLI {
    /// details.md 27: an edited weight shows at once, but an edited calendar applies after
    /// `chiso rebuild`; until then every command says so and keeps the database's calendar.
    @Suite struct CalendarEditTests {
        /// P1 takes 5 working days: D1, received Mon 10 Aug 2026 09:00, is due Mon 17 Aug 09:00 and
        /// finished at 10:00, late; with Fri 14 Aug a holiday it is due Tue 18 Aug 09:00, on time.
        static let stream = EventLine.province + [
            #"{"id":"p1","type":"procedure.declared","at":"2026-01-01T00:00:00+07:00","procedure":"P1","name":"P 1","unit":"H44","authority":["commune"],"onlineLevel":"full","feeBearing":false,"writtenResult":true,"citizenSubject":true,"contentComplete":true,"duration":{"value":5,"unit":"workingDays"}}"#,
            #"{"id":"r1","type":"dossier.received","at":"2026-08-10T09:00:00+07:00","unit":"H44.101","dossier":"D1","procedure":"P1","channel":"online"}"#,
            #"{"id":"f1","type":"dossier.finished","at":"2026-08-17T10:00:00+07:00","unit":"H44.101","dossier":"D1","outcome":"approved"}"#,
        ]

        /// The on-time count of 2.1 in a snapshot's JSON.
        static func onTime(_ json: String) -> String? {
            guard let range = json.range(of: #""id": "2.1""#) else { return nil }
            let rest = json[range.upperBound...]
            guard let n = rest.range(of: #""numerator": "#) else { return nil }
            return String(rest[n.upperBound...].prefix { $0.isNumber })
        }

        @Test func anEditedCalendarWaitsForRebuild() throws {
            let dir = temporaryFolder()
            let db = dir.appendingPathComponent("t.sqlite").path
            let ingest = try runChiso(["ingest", "-", "--db", db], input: Self.stream.joined(separator: "\n") + "\n")
            try #require(ingest.status == 0, "ingest: \(ingest.stderr)")
            let query = ["snapshot", "--unit", "H44.101", "--period", "2026-08", "--db", db]
            let before = try runChiso(query)
            #expect(Self.onTime(before.stdout) == "0", "\(before.stdout)")

            // A copy of the indicators with 14 August a holiday.
            let edited = dir.appendingPathComponent("indicators")
            try FileManager.default.createDirectory(at: edited, withIntermediateDirectories: true)
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("indicators")
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
                var text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
                if name == "calendar-vn.json" {
                    text = text.replacingOccurrences(of: #""holidays": ["#, with: #""holidays": ["2026-08-14", "#)
                }
                try text.write(to: edited.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }

            let waiting = try runChiso(query + ["--indicators", edited.path])
            #expect(waiting.status == 0)
            #expect(waiting.stdout == before.stdout, "the edit applied before the rebuild")
            #expect(waiting.stderr.contains("applies after `chiso rebuild`"), "\(waiting.stderr)")
            let status = try runChiso(["status", "--format", "json", "--db", db, "--indicators", edited.path])
            #expect(status.stdout.contains(#""calendarEditPending": true"#), "\(status.stdout)")

            let rebuild = try runChiso(["rebuild", "--db", db, "--indicators", edited.path])
            #expect(rebuild.status == 0 && rebuild.stdout.contains("which now applies"), "\(rebuild.stdout + rebuild.stderr)")
            let after = try runChiso(query + ["--indicators", edited.path])
            #expect(Self.onTime(after.stdout) == "1", "\(after.stdout)")
            #expect(!after.stderr.contains("rebuild"), "\(after.stderr)")
            // The database keeps the edited calendar: the built-in one now waits for a rebuild in turn.
            let builtIn = try runChiso(query)
            #expect(builtIn.stdout == after.stdout)
            #expect(builtIn.stderr.contains("the built-in calendar-vn.json differs"), "\(builtIn.stderr)")
            let verify = try runChiso(["verify", "--db", db, "--indicators", edited.path])
            #expect(verify.status == 0, "\(verify.stderr)")
        }
    }
}
