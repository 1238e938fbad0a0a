import Foundation
import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// `LineReader` reads and parses lines on a thread of its own; the writer must get every line, in
/// order, and the input's pauses.
@Suite struct LineReaderTests {
    /// Drains a reader until `.end`, failing on `.failed`; gives each chunk back when `recycling`, as ingest does.
    func drain(_ reader: LineReader, recycling: Bool = false) -> (lines: [(line: ParsedLine, bytes: [UInt8])], chunks: Int) {
        var lines: [(line: ParsedLine, bytes: [UInt8])] = []
        var chunks = 0
        while true {
            switch reader.next() {
            case .lines(let some):
                some.forEach { _, line, bytes in lines.append((line, Array(bytes))) }
                chunks += 1
                if recycling { reader.recycle(some) }
            case .idle: continue
            case .end: return (lines, chunks)
            case .failed(let error): Issue.record("reader failed: \(error)"); return (lines, chunks)
            }
        }
    }

    @Test(arguments: [false, true])
    func everyLineInOrderWithItsNumberAndVerdict(recycling: Bool) throws {
        var text: [String] = []
        for i in 0..<5_000 {
            switch i % 500 {
            case 7: text.append("   ")                       // blank
            case 8: text.append(#"{"id": "broken""#)          // not JSON
            default: text.append(Line.unit("u\(i)", "H44.\(i)", parent: nil, level: "province"))
            }
        }
        let bytes = Array((text.joined(separator: "\n") + "\n").utf8)
        let reader = try LineReader(source: LineSource.bytes(bytes, name: "t"), decoder: EventDecoder(), idleMilliseconds: 200)
        let (lines, chunks) = drain(reader, recycling: recycling)
        #expect(lines.count == 5_000)
        #expect(chunks >= 5_000 / LineReader.chunkLines)  // handed over in chunks, not all at once
        for (i, (line, bytes)) in lines.enumerated() {
            #expect(line.number == i + 1)
            #expect(bytes == Array(text[i].utf8))
            switch (i % 500, line.prepared) {
            case (7, nil): break
            case (8, .failure(.notJSON)?): break
            case (let k, .success(let event)?) where k != 7 && k != 8: #expect(event.id == "u\(i)")
            default: Issue.record("line \(i + 1): unexpected \(String(describing: line.prepared))")
            }
        }
    }

    /// A live feed: a line goes to the writer at once, a pause is reported as `.idle`, the end as `.end`.
    @Test func aPipeFeedsLinesPausesAndTheEnd() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let reader = try LineReader(source: LineSource(descriptor: ends[0], name: "pipe", ownsDescriptor: true),
                                    decoder: EventDecoder(), idleMilliseconds: 100)
        func write(_ s: String) { _ = s.utf8CString.withUnsafeBufferPointer { Glibc.write(ends[1], $0.baseAddress, $0.count - 1) } }
        write(Line.unit("a", "H44", parent: nil, level: "province") + "\n")
        guard case .lines(let first) = reader.next() else { Issue.record("expected the first line"); return }
        #expect(first.lines.count == 1 && first.lines[0].number == 1)
        let started = Date()
        guard case .idle = reader.next() else { Issue.record("expected a pause"); return }
        #expect(Date().timeIntervalSince(started) < 5)
        write(Line.unit("b", "H44.01", parent: "H44", level: "department") + "\n")
        guard case .lines(let second) = reader.next() else { Issue.record("expected the second line"); return }
        #expect(second.lines.count == 1 && second.lines[0].number == 2)
        close(ends[1])
        var sawEnd = false
        for _ in 0..<3 { if case .end = reader.next() { sawEnd = true; break } }  // maybe a pause first
        #expect(sawEnd)
    }

    /// A writer that stops early (`--strict`) releases a reader blocked on a full queue.
    @Test func stopEndsAReaderWaitingOnAFullQueue() throws {
        let line = Line.unit("x", "H44", parent: nil, level: "province")
        let bytes = Array(String(repeating: line + "\n", count: 20_000).utf8)
        let reader = try LineReader(source: LineSource.bytes(bytes, name: "t"), decoder: EventDecoder(), idleMilliseconds: 200)
        guard case .lines = reader.next() else { Issue.record("expected lines"); return }
        usleep(300_000)  // the reader fills the queue and waits
        reader.stop()
        let deadline = Date().addingTimeInterval(5)
        while reader.isRunning && Date() < deadline { usleep(1_000) }
        #expect(!reader.isRunning, "the reading thread did not end after stop()")
    }
}
