#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChisoCore

/// A line read and parsed ahead of the writer.
struct ParsedLine: Sendable {
    /// Where the line's bytes are in its chunk's `ParsedLines.bytes`.
    var range: Range<Int>
    var number: Int
    /// The event, or why the line is rejected (`Engine.prepare`); nil for a blank line.
    var prepared: Result<Event, Rejection>?
    /// For a dossier or petition event read straight from its bytes, what appending it with the lines
    /// around it needs (`LogGroup`); nil for any other line.
    var log: LogFields? = nil
}

/// A chunk of lines: their bytes one after another in one buffer, and each line's verdict.
struct ParsedLines: Sendable {
    var bytes: [UInt8] = []
    var lines: [ParsedLine] = []
    /// The stored dossiers the lines name, when the reader has a `DossierPrefetcher`.
    var prefetched: PrefetchedDossiers?

    /// Calls `body` with each line's index, the line and its bytes, in order.
    func forEach(_ body: (Int, ParsedLine, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { all in
            for (index, line) in lines.enumerated() { try body(index, line, UnsafeRawBufferPointer(rebasing: all[line.range])) }
        }
    }
}

/// Reads a `LineSource` on a thread of its own and parses and decodes each line there, the part of
/// ingest that needs no state, while the writer appends and applies the lines before (docs/performance.md
/// "Ingest"). Lines reach the writer in order, in chunks; a chunk is handed over when it is full or
/// when the input has nothing more to read at once, so a live feed's line is not held back.
///
/// The input's pauses reach the writer too: `.idle` after `idleMilliseconds` without a line, so
/// that it commits what it has (the single-threaded loop's idle commit).
final class LineReader: @unchecked Sendable {
    enum Chunk: Sendable {
        case lines(ParsedLines)
        case idle
        case end
        case failed(EngineError)
    }

    static let chunkLines = 256
    static let capacity = 4

    private let source: LineSource
    private let decoder: EventDecoder
    private let idleMilliseconds: Int32
    private let prefetcher: DossierPrefetcher?
    // Guarded by `monitor`.
    private var queue: [Chunk] = []
    /// Chunks the writer is done with (`recycle`), freed by the reading thread at its next hand-over.
    private var spent: [ParsedLines] = []
    private var stopped = false
    private var running = true
    private let monitor = Monitor()

    /// Starts reading at once. With a `prefetcher`, each chunk also carries the stored dossiers its
    /// lines name, read just before it is handed over.
    init(source: LineSource, decoder: EventDecoder, idleMilliseconds: Int32, prefetcher: DossierPrefetcher? = nil) throws(EngineError) {
        self.source = source
        self.decoder = decoder
        self.idleMilliseconds = idleMilliseconds
        self.prefetcher = prefetcher
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let code = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let reader = Unmanaged<LineReader>.fromOpaque(context).takeRetainedValue()
            reader.run()
            return nil
        }, box.toOpaque())
        guard code == 0 else {
            box.release()
            throw .badRequest("cannot start the thread that reads \(source.name): \(String(cString: strerror(code)))")
        }
        pthread_detach(thread)
    }

    /// The next chunk, waiting for it.
    func next() -> Chunk {
        monitor.lock()
        defer { monitor.unlock() }
        while queue.isEmpty { monitor.wait() }
        let chunk = queue.removeFirst()
        monitor.broadcast()
        return chunk
    }

    /// Gives back a chunk the writer is done with, so that its events' strings and the dossiers read
    /// ahead for it are freed on the reading thread, not on the writer's (docs/performance.md item 31).
    func recycle(_ chunk: ParsedLines) {
        monitor.lock()
        spent.append(chunk)
        monitor.unlock()
    }

    /// Whether the reading thread is still running (tests wait for it to end after `stop`).
    var isRunning: Bool {
        monitor.lock()
        defer { monitor.unlock() }
        return running
    }

    /// Tells the reading thread to stop at its next hand-over (the writer stopped early). A thread
    /// waiting for input on a pipe stops when the input comes or ends; it holds the source until then.
    func stop() {
        monitor.lock()
        stopped = true
        queue.removeAll()
        monitor.broadcast()
        monitor.unlock()
    }

    /// Hands a chunk of lines over with its prefetched dossiers (read after any wait for room, so as
    /// late, and as likely to still be current, as can be); false once the writer stopped.
    private func put(lines: ParsedLines) -> Bool {
        guard let prefetcher else { return put(.lines(lines)) }
        monitor.lock()
        while queue.count >= LineReader.capacity && !stopped { monitor.wait() }
        monitor.unlock()
        var lines = lines
        lines.prefetched = prefetcher.prefetch(lines.lines)
        return put(.lines(lines))
    }

    /// Hands a chunk over, waiting while the queue is full; false once the writer stopped.
    private func put(_ chunk: Chunk) -> Bool {
        var done: [ParsedLines] = []
        monitor.lock()
        while queue.count >= LineReader.capacity && !stopped { monitor.wait() }
        swap(&done, &spent)
        let handedOver = !stopped
        if handedOver {
            queue.append(chunk)
            monitor.broadcast()
        }
        monitor.unlock()
        // The spent chunks are freed here, outside the lock.
        withExtendedLifetime(done) {}
        return handedOver
    }

    private func run() {
        defer {
            monitor.lock()
            running = false
            monitor.unlock()
        }
        var lines = ParsedLines()
        var sentSinceIdle = false
        func handOver() -> Bool {
            guard put(lines: lines) else { return false }
            lines = ParsedLines()
            lines.bytes.reserveCapacity(64 << 10)
            lines.lines.reserveCapacity(LineReader.chunkLines)
            sentSinceIdle = true
            return true
        }
        do {
            while true {
                // A chunk in hand goes as soon as nothing more can be read at once; with none, wait
                // for the next line (for ever until a line has gone since the last pause).
                let wait: Int32 = !lines.lines.isEmpty ? 0 : sentSinceIdle ? idleMilliseconds : -1
                switch try source.nextLine(idleTimeoutMilliseconds: wait) {
                case .line(let bytes, let number, let endsWithoutNewline):
                    let start = lines.bytes.count
                    lines.bytes.append(contentsOf: bytes)
                    let prepared = Engine.prepareForLog(bytes, endsWithoutNewline: endsWithoutNewline, decoder: decoder)
                    lines.lines.append(ParsedLine(range: start..<lines.bytes.count, number: number, prepared: prepared?.prepared, log: prepared?.log))
                    if lines.lines.count >= LineReader.chunkLines { guard handOver() else { return } }
                case .idle:
                    if lines.lines.isEmpty {
                        guard put(.idle) else { return }
                        sentSinceIdle = false
                    } else {
                        guard handOver() else { return }
                    }
                case .end:
                    if !lines.lines.isEmpty { guard put(lines: lines) else { return } }
                    _ = put(.end)
                    return
                }
            }
        } catch {
            if !lines.lines.isEmpty { guard put(lines: lines) else { return } }
            _ = put(.failed(error))
        }
    }
}
