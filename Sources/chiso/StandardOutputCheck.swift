// `@preconcurrency`: C's `stdout` is a global that Swift 6 flags as shared mutable state; it is only
// read here, on the main thread, after the command has run.
@preconcurrency import Glibc

/// Output that could not be written: a full disk (`chiso generate > h44.jsonl`) or `> /dev/full`
/// would otherwise leave a cut-off answer behind an exit status of 0 (found by an audit).
struct OutputFailure: Error, CustomStringConvertible {
    /// The errno of the failed write, when known (a write that failed inside `print` leaves only the
    /// stream's error flag).
    var code: Int32?
    var description: String {
        let why = code.map { " (\(String(cString: strerror($0))))" } ?? ""
        return "could not write the output to standard output\(why); what was written is cut short, so run the command again where there is room"
    }

    /// Writes all of `bytes` to standard output (file descriptor 1, past `print`'s buffer); the
    /// failure, or nil.
    static func writing(_ bytes: UnsafeRawBufferPointer) -> OutputFailure? {
        var rest = bytes
        while !rest.isEmpty {
            let n = write(1, rest.baseAddress, rest.count)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return OutputFailure(code: n < 0 ? errno : EIO) }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return nil
    }

    /// Flushes what `print` buffered for standard output; the failure of any of it, or nil.
    static func ofStandardOutput() -> OutputFailure? {
        errno = 0
        guard fflush(stdout) != 0 || ferror(stdout) != 0 else { return nil }
        return OutputFailure(code: errno == 0 ? nil : errno)
    }
}
