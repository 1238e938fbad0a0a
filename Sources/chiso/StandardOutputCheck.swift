// `@preconcurrency`: C's `stdout` is a global that Swift 6 flags as shared mutable state; it is only
// read here, on the main thread, after the command has run.
@preconcurrency import Glibc

/// Output that could not be written: a full disk (`chiso generate > h44.jsonl`) or `> /dev/full`
/// would otherwise leave a cut-off answer behind an exit status of 0 (found by an audit).
struct OutputFailure: Error, CustomStringConvertible {
    /// The errno of the failed write.
    var code: Int32
    var description: String {
        "could not write the output to standard output (\(String(cString: strerror(code)))); what was written is cut short, so run the command again where there is room"
    }

    /// Flushes what `print` buffered for standard output; the failure of any of it, or nil.
    static func ofStandardOutput() -> OutputFailure? {
        errno = 0
        guard fflush(stdout) != 0 || ferror(stdout) != 0 else { return nil }
        return OutputFailure(code: errno == 0 ? EIO : errno)
    }
}
