#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a file descriptor's bytes into lines without copying them (JSON Lines, events.md).
///
/// A line handed out is valid until the next call. When asked, it reports `.idle` after the input
/// has had nothing to read for a while, so that a live feed can commit what it has.
public final class LineSource {
    public enum Next {
        /// One line without its newline; `endsWithoutNewline` for a last line the input cut short.
        case line(UnsafeRawBufferPointer, number: Int, endsWithoutNewline: Bool)
        case idle
        case end
    }

    public let name: String
    let fd: Int32
    /// The file descriptor read from.
    public var descriptor: Int32 { fd }
    let ownsDescriptor: Bool
    var buffer: UnsafeMutableRawBufferPointer
    var start = 0      // first byte of the current line
    var end = 0        // end of valid data
    var scanned = 0    // bytes from `start` already known to hold no newline
    var lineNumber = 0
    var eof = false

    public init(descriptor: Int32, name: String, ownsDescriptor: Bool = false) {
        self.fd = descriptor; self.name = name; self.ownsDescriptor = ownsDescriptor
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
    }

    /// Opens a file for reading; the error names the file.
    public static func open(path: String) throws(EngineError) -> LineSource {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            throw .badRequest("cannot open \(path): \(String(cString: strerror(errno))); check the path")
        }
        // A folder opens, and fails only at the first read, after the files before it were
        // committed: say so when it is opened, with the other files (docs/decisions.md, "ingest").
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .badRequest("\(path) is a folder, not a file of events; pass the files in it, e.g. \(path)/*.jsonl")
        }
        return LineSource(descriptor: fd, name: path, ownsDescriptor: true)
    }

    /// A source over bytes in memory (tests, generated input).
    public static func bytes(_ data: [UInt8], name: String) -> LineSource {
        let s = LineSource(descriptor: -1, name: name)
        if data.count > s.buffer.count { s.grow(to: data.count) }
        data.withUnsafeBytes { s.buffer.copyMemory(from: $0) }
        s.end = data.count
        s.eof = true
        return s
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    func grow(to capacity: Int) {
        var size = buffer.count
        while size < capacity { size *= 2 }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = bigger
    }

    /// The next line; waits at most `idleTimeoutMilliseconds` for input (negative: wait for ever).
    public func nextLine(idleTimeoutMilliseconds: Int32 = -1) throws(EngineError) -> Next {
        while true {
            // A whole line in the buffer?
            var i = start + scanned
            while i < end {
                if buffer[i] == 0x0A {
                    let line = UnsafeRawBufferPointer(rebasing: buffer[start..<i])
                    start = i + 1
                    scanned = 0
                    lineNumber += 1
                    return .line(line, number: lineNumber, endsWithoutNewline: false)
                }
                i += 1
            }
            scanned = end - start
            if eof {
                if start < end {
                    let line = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                    start = end
                    scanned = 0
                    lineNumber += 1
                    return .line(line, number: lineNumber, endsWithoutNewline: true)
                }
                return .end
            }
            // Make room: move the partial line to the front, grow if it fills the buffer.
            if start > 0 {
                let count = end - start
                if count > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count) }
                end = count; start = 0
            }
            if end == buffer.count { grow(to: buffer.count * 2) }
            if idleTimeoutMilliseconds >= 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, idleTimeoutMilliseconds)
                if ready == 0 { return .idle }
            }
            let n = read(fd, buffer.baseAddress! + end, buffer.count - end)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .badRequest("cannot read \(name): \(String(cString: strerror(errno))); the batches committed before this stay (`chiso status`), the open one was undone: make the input readable and ingest it again (lines already in count as duplicates)")
            }
            if n == 0 { eof = true } else { end += n }
        }
    }
}
