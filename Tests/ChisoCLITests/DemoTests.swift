import Foundation
import Testing

extension ChisoCLI {
    /// `chiso demo` end to end on the built binary (interfaces.md, details.md 29); nested in `ChisoCLI`
    /// so that it does not run beside the timing-sensitive CLI tests.
    @Suite struct DemoTests {
        @Test func demoPrintsRankingEarlyWarningAndWritesTheReport() throws {
            let child = try runChiso(["demo", "--dossiers", "2000", "--units", "40"])
            let out = child.stdout
            #expect(child.status == 0, "stderr: \(child.stderr)")
            let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

            // The header: events ingested and the counts.
            #expect(lines.contains { $0.hasPrefix("generated ") && $0.contains(" accepted, ") && $0.contains(" rejected") })

            // The ranking of H44's children: its heading and column header, then rows "rank code name …",
            // the first ranked 1.
            #expect(out.contains("Xếp hạng "))
            #expect(lines.contains { $0.hasPrefix("Hạng") && $0.contains("Mã") })
            let rows = lines.filter { line in
                let words = line.split(separator: " ")
                return words.count > 3 && Int(words[0]) != nil && words[1].hasPrefix("H44.")
            }
            #expect(rows.count >= 2, "ranking rows: \(rows.count)")
            #expect(rows.first?.split(separator: " ").first == "1")

            // The early-warning section, both parts.
            #expect(out.contains("Early warning for H44"))
            #expect(out.contains("Due within 2 working days"))
            #expect(out.contains("Already late: "))

            // The HTML report exists and holds the chart; the database was removed (no --keep-db).
            let prefix = "HTML ranking report: "
            let path = try #require(lines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            defer { try? FileManager.default.removeItem(at: folder) }
            let html = try String(contentsOfFile: path, encoding: .utf8)
            #expect(html.contains("<svg"))
            #expect(html.contains("<dt>Nguồn dữ liệu</dt><dd>dữ liệu mô phỏng của `chiso demo` (seed 7), không phải số liệu thật</dd>"), "the report says its data is synthetic")
            #expect(folder.path.hasPrefix("/tmp/chiso-demo-"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("demo.sqlite").path))
        }

        /// Interrupted mid-way (Ctrl-C), the demo removes its temporary database and folder, as it
        /// removes the database at the end, and ends as interrupted.
        @Test func anInterruptedDemoRemovesItsTemporaryDatabase() throws {
            let tmp = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: tmp) }
            let child = try Child(["demo", "--dossiers", "50000", "--units", "40"], environment: ["TMPDIR": tmp.path])
            let databaseExists = {
                let folders = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
                return folders.contains { FileManager.default.fileExists(atPath: tmp.path + "/" + $0 + "/demo.sqlite-wal") }
            }
            let ingesting = eventually(every: 0.005, for: 120) { databaseExists() || !child.process.isRunning }
            kill(child.pid, SIGINT)
            try child.wait(timeout: 60)
            try #require(ingesting && child.killedBySignal && child.status == SIGINT,
                         "the demo ended by itself (status \(child.status)) before it could be interrupted: \(child.stderr)")
            #expect((try FileManager.default.contentsOfDirectory(atPath: tmp.path)).isEmpty)
        }

        @Test func keepDbKeepsTheDatabase() throws {
            let child = try runChiso(["demo", "--dossiers", "300", "--units", "10", "--keep-db"])
            #expect(child.status == 0, "stderr: \(child.stderr)")
            let prefix = "database kept: "
            let db = try #require(child.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
            defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: db).deletingLastPathComponent().path) }
            #expect(FileManager.default.fileExists(atPath: db))
            // The kept database answers the other commands: the early warning as of the data's end.
            let due = try runChiso(["due", "--db", db, "--unit", "H44", "--within", "4h", "--format", "json"])
            #expect(due.status == 0, "stderr: \(due.stderr)")
            #expect(due.stdout.hasPrefix("{\"unit\": {\"code\": \"H44\""))
        }

        @Test func rejectsNonsense() throws {
            let child = try runChiso(["demo", "--units", "0"])
            #expect(child.status != 0)
            #expect(child.stderr.contains("--units"))
            let due = try runChiso(["due", "--unit", "H44", "--within", "2w", "--db", "/tmp/chiso-never-created.sqlite"])
            #expect(due.status != 0)
            #expect(due.stderr.contains("--within 2w is not a duration"))
        }
    }
}
