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
    // Guarded by `lock`.
    private var queue: [Chunk] = []
    /// Chunks the writer is done with (`recycle`), freed by the reading thread at its next hand-over.
    private var spent: [ParsedLines] = []
    private var stopped = false
    private var running = true
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>

    /// Starts reading at once. With a `prefetcher`, each chunk also carries the stored dossiers its
    /// lines name, read just before it is handed over.
    init(source: LineSource, decoder: EventDecoder, idleMilliseconds: Int32, prefetcher: DossierPrefetcher? = nil) throws(EngineError) {
        self.source = source
        self.decoder = decoder
        self.idleMilliseconds = idleMilliseconds
        self.prefetcher = prefetcher
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        changed = .allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        pthread_cond_init(changed, nil)
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

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// The next chunk, waiting for it.
    func next() -> Chunk {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while queue.isEmpty { pthread_cond_wait(changed, lock) }
        let chunk = queue.removeFirst()
        pthread_cond_broadcast(changed)
        return chunk
    }

    /// Gives back a chunk the writer is done with, so that its events' strings and the dossiers read
    /// ahead for it are freed on the reading thread, not on the writer's (docs/performance.md item 31).
    func recycle(_ chunk: ParsedLines) {
        pthread_mutex_lock(lock)
        spent.append(chunk)
        pthread_mutex_unlock(lock)
    }

    /// Whether the reading thread is still running (tests wait for it to end after `stop`).
    var isRunning: Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return running
    }

    /// Tells the reading thread to stop at its next hand-over (the writer stopped early). A thread
    /// waiting for input on a pipe stops when the input comes or ends; it holds the source until then.
    func stop() {
        pthread_mutex_lock(lock)
        stopped = true
        queue.removeAll()
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }

    /// Hands a chunk of lines over with its prefetched dossiers (read after any wait for room, so as
    /// late, and as likely to still be current, as can be); false once the writer stopped.
    private func put(lines: ParsedLines) -> Bool {
        guard let prefetcher else { return put(.lines(lines)) }
        pthread_mutex_lock(lock)
        while queue.count >= LineReader.capacity && !stopped { pthread_cond_wait(changed, lock) }
        pthread_mutex_unlock(lock)
        var lines = lines
        lines.prefetched = prefetcher.prefetch(lines.lines)
        return put(.lines(lines))
    }

    /// Hands a chunk over, waiting while the queue is full; false once the writer stopped.
    private func put(_ chunk: Chunk) -> Bool {
        var done: [ParsedLines] = []
        pthread_mutex_lock(lock)
        while queue.count >= LineReader.capacity && !stopped { pthread_cond_wait(changed, lock) }
        swap(&done, &spent)
        let handedOver = !stopped
        if handedOver {
            queue.append(chunk)
            pthread_cond_broadcast(changed)
        }
        pthread_mutex_unlock(lock)
        // The spent chunks are freed here, outside the lock.
        withExtendedLifetime(done) {}
        return handedOver
    }

    private func run() {
        defer {
            pthread_mutex_lock(lock)
            running = false
            pthread_mutex_unlock(lock)
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
