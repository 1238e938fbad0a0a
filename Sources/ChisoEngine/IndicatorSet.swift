import ChisoCore
#if canImport(Glibc)
import Glibc
#endif

/// Where profiles and the calendar are found (details.md 27): a folder given by `--indicators` or
/// `$CHISO_INDICATORS`, else the copy built into the binary (`BuiltinIndicators`).
public struct IndicatorSet: Sendable {
    public var directory: String?

    public init(directory: String?) { self.directory = directory }

    /// A profile by name (`dvcqg-2026`) or by path to a file.
    public func profile(named name: String) throws -> Profile {
        if name.contains("/") || name.hasSuffix(".json") {
            return try Profile.load(fileText: try readTextFile(name), name: name)
        }
        if let directory {
            let path = directory + "/" + name + ".json"
            return try Profile.load(fileText: try readTextFile(path), name: path)
        }
        guard let text = BuiltinIndicators.files[name + ".json"] else {
            let known = BuiltinIndicators.files.keys.filter { $0 != "calendar-vn.json" }.map { String($0.dropLast(5)) }.sorted().joined(separator: ", ")
            throw EngineError.badRequest("no profile named \(name); built-in profiles: \(known); or give --indicators DIR or a path")
        }
        return try Profile.load(fileText: text, name: "built-in " + name + ".json")
    }

    /// The calendar file in `directory`; nil for the built-in copy.
    private var calendarPath: String? { directory.map { $0 + "/calendar-vn.json" } }

    /// Where `calendar()` reads the calendar from, for messages.
    public var calendarSource: String { calendarPath ?? "the built-in calendar-vn.json" }

    /// The working calendar (`calendar-vn.json`).
    public func calendar() throws -> WorkingCalendar {
        if let path = calendarPath {
            return try WorkingCalendar(fileText: try readTextFile(path), name: path)
        }
        guard let text = BuiltinIndicators.files["calendar-vn.json"] else {
            throw EngineError.badRequest("the built-in calendar is missing; give --indicators DIR")
        }
        return try WorkingCalendar(fileText: text, name: "built-in calendar-vn.json")
    }
}

/// Whether `path` names an existing folder (given where a file is expected, it gets its own message).
public func isFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

/// Whether `path` names something that exists and is neither a regular file nor a folder: a device
/// (`/dev/null`), a pipe or a socket, in which SQLite cannot keep a database.
func isSpecialFile(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    let kind = info.st_mode & S_IFMT
    return kind != S_IFREG && kind != S_IFDIR
}

/// Reads standard input to its end as text (`chiso score --counts -`): from descriptor 0 as it is,
/// whatever it is (a pipe, a socket, a file already partly read), not by opening /dev/stdin again.
public func readStandardInput() throws -> String {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, 65536) }
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]); continue }
        if n == 0 { break }
        if errno == EINTR { continue }
        throw EngineError.badRequest("cannot read standard input: \(String(cString: strerror(errno))); give the counts as a file (--counts FILE)")
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Reads a whole text file; the error names the file.
public func readTextFile(_ path: String) throws -> String {
    if isFolder(path) {
        throw EngineError.badRequest("\(path) is a folder, not a file; give the path of the file")
    }
    guard let f = fopen(path, "rb") else {
        throw EngineError.badRequest("cannot read \(path): \(String(cString: strerror(errno))); check the path")
    }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < 65536 { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}
