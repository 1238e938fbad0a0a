import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension ChisoCLI {
    /// interfaces.md: `chiso ingest -` on a live feed makes each line durable and visible to
    /// readers within a second (Ingest.swift commits the open batch after 200 ms of idle input).
    @Suite struct LiveFeed {
        @Test func eachLineOfAFeedIsCommittedWithinOneSecond() throws {
            let db = temporaryFolder().appendingPathComponent("C.sqlite").path
            let feed = try Child(["ingest", "-", "--db", db], pipeInput: true)
            let reader = LogReader(path: db)
            // chiso creates the schema before it reads; the latency measured below is the line's,
            // not the start-up of a debug binary.
            try #require(eventually(every: 0.05, for: 30) { reader.eventCount() != nil },
                         "chiso ingest - did not create \(db) within 30 s: \(feed.stderr)")

            let lines = Array(EventLine.province.prefix(3))     // u0 H44, u1 H44.01, u2 H44.101
            for (k, line) in lines.enumerated() {
                if k > 0 { usleep(1_500_000) }
                let written = Date()
                try feed.write(line + "\n")
                let visible = eventually(every: 0.05, for: 1.0) { reader.contains(id: "u\(k)") }
                let latency = Date().timeIntervalSince(written)
                #expect(visible && latency <= 1.0,
                        "line \(k + 1) (u\(k)) was not visible to another connection within 1 s (\(String(format: "%.2f", latency)) s)")
                // Exactly the lines written so far: nothing is lost, nothing is ahead.
                #expect(reader.eventCount() == Int64(k + 1))
            }

            try feed.closeInput()
            try feed.wait(timeout: 30)
            #expect(!feed.killedBySignal && feed.status == 0, "chiso ingest -: status \(feed.status), \(feed.stderr)")
            #expect(feed.stdout == "3 accepted, 0 duplicates, 0 rejected\n")
        }

        /// A feed that never pauses long enough for the idle commit (a line every 100 ms) is still
        /// committed about every second, however large the batch size (`maxBatchMilliseconds`).
        @Test func aSteadyFeedIsCommittedWithinAboutOneSecond() throws {
            let db = temporaryFolder().appendingPathComponent("S.sqlite").path
            let feed = try Child(["ingest", "-", "--db", db, "--batch-size", "100000"], pipeInput: true)
            let reader = LogReader(path: db)
            try #require(eventually(every: 0.05, for: 30) { reader.eventCount() != nil },
                         "chiso ingest - did not create \(db) within 30 s: \(feed.stderr)")
            let lines = EventLine.province + (0..<36).map {
                EventLine.unit("s\($0)", "H44.9\($0 + 10)", parent: "H44", level: "commune")
            }
            let started = Date()
            var firstVisibleAfter: TimeInterval?
            for line in lines {
                try feed.write(line + "\n")
                usleep(100_000)
                if firstVisibleAfter == nil, reader.contains(id: "u0") { firstVisibleAfter = Date().timeIntervalSince(started) }
            }
            // The feed never paused for 200 ms, yet its first line was committed while it ran.
            let latency = try #require(firstVisibleAfter, "no line was visible during the 4 s feed")
            #expect(latency <= 1.6, "the first line became visible after \(String(format: "%.2f", latency)) s")
            try feed.closeInput()
            try feed.wait(timeout: 30)
            #expect(!feed.killedBySignal && feed.status == 0, "chiso ingest -: status \(feed.status), \(feed.stderr)")
            #expect(reader.eventCount() == Int64(lines.count))
        }

        /// `--batch-seconds` must be a number of seconds, 0 or more; a bad one is refused before
        /// anything is read.
        @Test func batchSecondsIsValidated() throws {
            let db = temporaryFolder().appendingPathComponent("V.sqlite").path
            let bad = try runChiso(["ingest", "-", "--db", db, "--batch-seconds=-1"], input: EventLine.province[0] + "\n")
            #expect(bad.status != 0 && bad.stderr.contains("--batch-seconds must be 0 or more"), "\(bad.status): \(bad.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))
            // Not a number of seconds: said so (it was told to be 0 or more).
            for value in ["inf", "nan"] {
                let run = try runChiso(["ingest", "-", "--db", db, "--batch-seconds", value], input: EventLine.province[0] + "\n")
                #expect(run.status == 64 && run.stderr.contains("--batch-seconds must be a number of seconds"), "\(value): \(run.status) \(run.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: db))
            let good = try runChiso(["ingest", "-", "--db", db, "--batch-seconds", "0"], input: EventLine.province[0] + "\n")
            #expect(good.status == 0 && good.stdout == "1 accepted, 0 duplicates, 0 rejected\n", "\(good.status): \(good.stderr)")
            // An age past what an Int64 of milliseconds holds is "never", not a crash (an audit: 1e16 trapped).
            for value in ["1e16", "1e308"] {
                let huge = try runChiso(["ingest", "-", "--db", db, "--batch-seconds", value], input: EventLine.province[1] + "\n")
                #expect(huge.status == 0 && !huge.killedBySignal, "\(value): \(huge.status) \(huge.stderr)")
            }
        }
    }
}
